package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/lbconf/lbconf/deploy"
)

func pullCommand() *cli.Command {
	return &cli.Command{
		Name:  "pull",
		Usage: "write the custom (advanced) haproxy.cfg of an instance",
		Description: "Writes what DescribeHaproxyCustomConfig returns. When the instance runs basic strategies, the " +
			"config is stored but not active: pull says so on standard error and writes it all the same " +
			"(lbconf strategies pull shows what runs). Exit status: 0 written, 2 usage, I/O or API errors.",
		Flags: append([]cli.Flag{
			instanceFlag(),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, TakesFile: true,
				Usage: "write to `FILE`, atomically (a new file gets mode 0600; default: standard output)"},
		}, apiFlags()...),
		Action: pullAction,
	}
}

func pullAction(c *cli.Context) error {
	if c.NArg() > 0 {
		return usageErr("pull takes no arguments (use -o FILE to name the output)")
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
	p, err := deploy.PullConfig(ctx, client, uuid)
	if err != nil {
		return apiExit(err)
	}
	if p.Inactive {
		fmt.Fprintf(c.App.ErrWriter, "lbconf: instance %s runs basic strategies (IsCustomConf 0): this custom config is stored but not active; "+
			"`lbconf strategies pull --instance %s` writes the strategies that run\n", uuid, uuid)
	}
	if p.Config == "" {
		fmt.Fprintf(c.App.ErrWriter, "lbconf: instance %s has an empty custom config\n", uuid)
	}
	return writeOutput(c, c.String("output"), []byte(p.Config))
}
