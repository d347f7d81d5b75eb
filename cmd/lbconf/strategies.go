package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/lbconf/lbconf/deploy"
	"github.com/lbconf/lbconf/model"
)

func strategiesCommand() *cli.Command {
	return &cli.Command{
		Name:  "strategies",
		Usage: "pull, apply or add the basic strategies (listener JSON) of an instance",
		Description: "pull writes the instance's listeners as a bare listener document; apply replaces all of them " +
			"(ModifyLoadBalancerStrategys); add adds listeners (AddLoadBalancerStrategys). apply and add switch the " +
			"instance to basic mode and take the steps of push: validate, back up, diff, ask, send, wait.",
		Subcommands: []*cli.Command{
			strategiesPullCommand(),
			strategiesChangeCommand(false),
			strategiesChangeCommand(true),
		},
	}
}

func strategiesPullCommand() *cli.Command {
	return &cli.Command{
		Name:  "pull",
		Usage: "write the listeners of an instance as a listener document (JSON, indented)",
		Description: "Writes {\"HttpListeners\": [...], \"TcpListeners\": [...]}, normalised, ready for lint, " +
			"compile and strategies apply. When the instance runs a custom config the strategies are stored but " +
			"not active: pull says so on standard error. Exit status: 0 written, 2 usage, I/O or API errors.",
		Flags: append([]cli.Flag{
			instanceFlag(),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, TakesFile: true,
				Usage: "write to `FILE`, atomically (a new file gets mode 0600; default: standard output)"},
		}, apiFlags()...),
		Action: strategiesPullAction,
	}
}

func strategiesPullAction(c *cli.Context) error {
	if c.NArg() > 0 {
		return usageErr("strategies pull takes no arguments (use -o FILE to name the output)")
	}
	uuid, err := requireInstance(c)
	if err != nil {
		return err
	}
	client, err := apiClient(c)
	if err != nil {
		return err
	}
	ctx, stop := interruptible(c)
	defer stop()
	p, err := deploy.PullStrategies(ctx, client, uuid)
	if err != nil {
		return apiExit(err)
	}
	if p.Inactive {
		fmt.Fprintf(c.App.ErrWriter, "lbconf: instance %s runs a custom config (IsCustomConf 1): these strategies are stored but not active; "+
			"`lbconf pull --instance %s` writes the config that runs\n", uuid, uuid)
	}
	for _, f := range p.Findings {
		fmt.Fprintf(c.App.ErrWriter, "lbconf: the API's answer: %s\n", f.String())
	}
	return writeOutput(c, c.String("output"), model.MarshalIndent(&p.Listeners))
}

// strategiesChangeCommand is strategies apply (add false) or add.
func strategiesChangeCommand(add bool) *cli.Command {
	name, usage, what := "apply", "replace all listeners of an instance with those of a listener document", "ModifyLoadBalancerStrategys: a full replace"
	if add {
		name, usage, what = "add", "add the listeners of a listener document to an instance", "AddLoadBalancerStrategys: names and ports the instance has are refused"
	}
	return &cli.Command{
		Name:      name,
		Usage:     usage,
		ArgsUsage: "PATH (a listener document, JSON or YAML, in any of the API's shapes; - reads standard input, which then needs --yes)",
		Description: "Sends the listeners with " + what + ". Validates PATH (errors refuse), backs up the instance's " +
			"strategies and custom config to timestamped 0600 files, shows the change by meaning on standard output, " +
			"does nothing when nothing changes, asks unless --yes, stops at --dry-run, sends, and with --wait polls until " +
			"the instance is RUNNING with the listeners that were sent. Exit status: 0 done (or nothing to do, or a dry " +
			"run), 1 refused, 2 usage, I/O or API errors, or a --wait that timed out.",
		Flags: append(changeFlags(), apiFlags()...),
		Action: func(c *cli.Context) error {
			return strategiesChangeAction(c, add)
		},
	}
}

func strategiesChangeAction(c *cli.Context, add bool) error {
	if err := checkOutputFlags(c); err != nil {
		return err
	}
	if c.NArg() != 1 {
		return usageErr("%s takes exactly one PATH (a listener document, or - for standard input)", c.Command.FullName())
	}
	uuid, err := requireInstance(c)
	if err != nil {
		return err
	}
	common, err := commonOptions(c, uuid)
	if err != nil {
		return err
	}
	path := c.Args().First()
	doc, err := model.DecodeFile(path, c.App.Reader)
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	client, err := apiClient(c)
	if err != nil {
		return err
	}
	ctx, stop := interruptible(c)
	defer stop()
	ui := newCLIUI(c, path == "-")
	flow := deploy.ApplyStrategies
	if add {
		flow = deploy.AddStrategies
	}
	_, err = flow(ctx, client, ui, deploy.StrategiesOptions{Common: common, Doc: doc}, nil)
	return apiExit(err)
}
