package main

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/config"
	"github.com/lbconf/lbconf/deploy"
	"github.com/lbconf/lbconf/estate"
)

// defaultMaxRPS is the default cap on API requests per second of the
// estate commands.
const defaultMaxRPS = 20

// estateFlags are the flags of import, plan and apply; --config is
// configFileFlag's, as for lint.
func estateFlags() []cli.Flag {
	return append([]cli.Flag{
		configFileFlag(),
		&cli.IntFlag{Name: "concurrency", Value: estate.DefaultConcurrency,
			Usage: fmt.Sprintf("instances worked on at once, each with one request in flight (1 to %d)", estate.MaxConcurrency)},
		&cli.Float64Flag{Name: "max-rps", Value: defaultMaxRPS, Usage: "API requests per second at most, over all instances and endpoints"},
	}, apiFlags()...)
}

// estateClients returns the client factory of the estate commands: one
// client per endpoint, all under one rate limit, reads retried with
// backoff and jitter.
func estateClients(c *cli.Context) (estate.Clients, error) {
	n := c.Int("concurrency")
	if n < 1 || n > estate.MaxConcurrency {
		return nil, usageErr("--concurrency must be 1 to %d, not %d", estate.MaxConcurrency, n)
	}
	limiter, err := cdsapi.NewRateLimiter(c.Float64("max-rps"))
	if err != nil {
		return nil, usageErr("--max-rps: %v", err)
	}
	creds, base, err := apiOptions(c)
	if err != nil {
		return nil, err
	}
	base.Jitter, base.RateLimit = cdsapi.DefaultJitter, limiter
	defaultEndpoint := base.Endpoint
	if _, err := cdsapi.ResolveEndpoint(defaultEndpoint); err != nil {
		return nil, usageErr("%v", err)
	}
	var mu sync.Mutex
	clients := map[string]*cdsapi.Client{}
	return func(endpoint string) (deploy.API, error) {
		if endpoint == "" {
			endpoint = defaultEndpoint
		}
		mu.Lock()
		defer mu.Unlock()
		if cl, ok := clients[endpoint]; ok {
			return cl, nil
		}
		opts := base
		opts.Endpoint = endpoint
		cl, err := cdsapi.NewClient(creds, opts)
		if err != nil {
			return nil, fmt.Errorf("endpoint %q: %w", endpoint, err)
		}
		clients[endpoint] = cl
		return cl, nil
	}, nil
}

// loadManifest reads the configuration as lint does (loadConfig) and its
// manifest; the configuration file must exist.
func loadManifest(c *cli.Context) (*config.Config, *estate.Manifest, error) {
	cfg, err := loadConfig(c)
	if err != nil {
		return nil, nil, err
	}
	if cfg.File == "" {
		return nil, nil, usageErr("no %s here or in a parent directory, and no --config: `lbconf import DIR` writes one", config.FileName)
	}
	return cfg, estate.ManifestOf(cfg), nil
}

func importCommand() *cli.Command {
	return &cli.Command{
		Name:      "import",
		Usage:     "snapshot instances into files, one per instance, and list them in the manifest",
		ArgsUsage: "DIR",
		Description: "Writes every instance the credentials see (or those with --tag, or whose name matches --name-match) " +
			"into DIR: NAME.cfg for an instance in custom mode, NAME.json (its strategies) for one in basic mode; and adds " +
			"each to the instances of the configuration file (" + config.FileName + " found upwards, or --config; created " +
			"in the working directory when there is none). Instances already listed keep their file. Files are only written " +
			"when their content changes, so running it again changes nothing when the instances did not change. " +
			"Exit status: 0 done, 2 usage, I/O or API errors (nothing is written when an instance cannot be read).",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "tag", Usage: "only instances with the tag of this `NAME`"},
			&cli.StringFlag{Name: "name-match", Usage: "only instances whose name matches this `REGEXP` (Go syntax)"},
		}, estateFlags()...),
		Action: importAction,
	}
}

func importAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return usageErr("import takes exactly one DIR, where the files go")
	}
	opts := estate.ImportOptions{Tag: c.String("tag"), Concurrency: c.Int("concurrency"), Endpoint: c.String("endpoint")}
	if re := c.String("name-match"); re != "" {
		rx, err := regexp.Compile(re)
		if err != nil {
			return usageErr("--name-match: %v", err)
		}
		opts.NameMatch = rx
	}
	clients, err := estateClients(c)
	if err != nil {
		return err
	}
	// --config, else the file found upwards, else a new one here; import
	// creates a missing one. estate.Import reads it with package config.
	configPath, err := configPath(c)
	if err != nil {
		return err
	}
	if configPath == "" {
		configPath = config.FileName
	}
	api, err := clients("")
	if err != nil {
		return usageErr("%v", err)
	}
	ctx, stop := interruptible(c)
	defer stop()
	res, err := estate.Import(ctx, api.(estate.ImportAPI), configPath, c.Args().First(), opts)
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	w := c.App.ErrWriter
	for _, p := range res.Written {
		fmt.Fprintf(w, "lbconf: wrote %s\n", p)
	}
	for _, u := range res.Switched {
		fmt.Fprintf(w, "lbconf: instance %s changed mode: its entry now names a new file; the old one is left in place\n", u)
	}
	manifest := "unchanged"
	if res.ManifestWritten {
		manifest = fmt.Sprintf("written (%d added)", len(res.Added))
	}
	fmt.Fprintf(w, "lbconf: %d instances: %d files written, %d unchanged; %s %s\n",
		res.Instances, len(res.Written), res.Unchanged, res.Config, manifest)
	return nil
}

func planCommand() *cli.Command {
	return &cli.Command{
		Name:  "plan",
		Usage: "compare every instance of the manifest with its file",
		Description: "Lints the manifest and every file (for each instance's HAProxy version; for the configuration's target " +
			"when the instance cannot be read), with the configuration's rule disable and override and --disable/--enable, " +
			"then reads every instance, " +
			"several at once, and shows what apply would change: a table (instance, name, mode, change, counts " +
			"+added -removed ~changed, drift, file), then for each change the semantic diff and, for configs, the line diff. " +
			"--base REF (a git revision, such as origin/main) also says whether each instance still runs what its file said " +
			"at REF (drift: changed outside the repository). --out PLAN saves the plan with a fingerprint of each instance's " +
			"state for `lbconf apply PLAN`. Exit status: 0 no changes, 1 changes, 2 errors (an instance that could not be " +
			"read or planned, a file or manifest with errors, usage).",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: " + strings.Join(estate.Formats, ", ")},
			&cli.StringFlag{Name: "out", TakesFile: true, Usage: "save the plan (JSON) to `PLAN` for lbconf apply"},
			&cli.StringFlag{Name: "base", Usage: "git revision `REF` the instances should run (for drift)"},
		}, append(ruleFlags(), estateFlags()...)...),
		Action: planAction,
	}
}

func planAction(c *cli.Context) error {
	if c.NArg() != 0 {
		return usageErr("plan takes no arguments: the manifest lists the instances and files")
	}
	format := c.String("format")
	if !contains(estate.Formats, format) {
		return usageErr("--format %q is not supported: use %s", format, strings.Join(estate.Formats, ", "))
	}
	m, clients, opts, err := planSetup(c)
	if err != nil {
		return err
	}
	if ref := c.String("base"); ref != "" {
		if opts.Base, err = gitBase(m, ref); err != nil {
			return usageErr("--base: %v", err)
		}
	}
	ctx, stop := interruptible(c)
	defer stop()
	p := estate.MakePlan(ctx, m, clients, opts)
	if out := c.String("out"); out != "" {
		if err := estate.SavePlan(out, p); err != nil {
			return &exitErr{code: exitError, err: fmt.Errorf("saving the plan: %w", err)}
		}
	}
	if err := estate.WritePlan(c.App.Writer, p, format); err != nil {
		return &exitErr{code: exitError, err: err}
	}
	if code := p.ExitCode(); code != 0 {
		return &exitErr{code: code}
	}
	return nil
}

// planSetup reads what plan and apply both start from: the manifest, the
// API clients and the plan options.
func planSetup(c *cli.Context) (*estate.Manifest, estate.Clients, estate.PlanOptions, error) {
	cfg, m, err := loadManifest(c)
	if err != nil {
		return nil, nil, estate.PlanOptions{}, err
	}
	clients, err := estateClients(c)
	if err != nil {
		return nil, nil, estate.PlanOptions{}, err
	}
	opts, err := planOptions(c, cfg)
	return m, clients, opts, err
}

// planOptions are the options of plan and apply's planning: concurrency,
// and the configuration's target and rule disable and override.
func planOptions(c *cli.Context, cfg *config.Config) (estate.PlanOptions, error) {
	target, err := configTarget(c, cfg)
	return estate.PlanOptions{Concurrency: c.Int("concurrency"), Findings: findingsOf(c, cfg), Target: target}, err
}

// gitBase returns a reader of the manifest's files at a git revision.
func gitBase(m *estate.Manifest, ref string) (func(estate.Entry) ([]byte, bool, error), error) {
	dir := m.Dir()
	if out, err := exec.Command("git", "-C", dir, "rev-parse", "--verify", "--quiet", ref+"^{commit}").Output(); err != nil || len(bytes.TrimSpace(out)) == 0 {
		return nil, fmt.Errorf("%q is not a git revision of the repository of %s", ref, m.Path)
	}
	return func(e estate.Entry) ([]byte, bool, error) {
		p := m.FilePath(e)
		cmd := exec.Command("git", "-C", filepath.Dir(p), "show", ref+":./"+filepath.Base(p))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			// The revision exists (checked above): the file does not exist there.
			if strings.Contains(stderr.String(), "does not exist") || strings.Contains(stderr.String(), "exists on disk, but not in") {
				return nil, false, nil
			}
			return nil, false, fmt.Errorf("git show %s:%s: %v: %s", ref, e.File, err, strings.TrimSpace(stderr.String()))
		}
		return out, true, nil
	}, nil
}

func applyCommand() *cli.Command {
	return &cli.Command{
		Name:      "apply",
		Usage:     "change every instance whose file differs, through push and strategies apply",
		ArgsUsage: "[PLAN]",
		Description: "Without PLAN, plans (as lbconf plan) and shows the plan; with PLAN (saved by lbconf plan --out), applies " +
			"that plan. Asks once unless --yes. Then, several instances at once, each instance to change is read again and " +
			"refused (nothing sent) when its state no longer has the plan's fingerprint or its file changed since the plan; " +
			"the others go through the steps of push (custom mode) or strategies apply (basic mode): lint, backup to " +
			"--backup-dir/<UUID>, send, and with --wait poll until it runs what was sent. One line per instance as it ends, " +
			"then a table: outcome, whether something was sent, and the backup. Without --keep-going no instance is started " +
			"after the first failure. The configuration's rule disable and override, and --disable/--enable, apply to the " +
			"lint of plan and of each instance. Exit status: 0 all applied, 1 something refused, 2 a failure or an " +
			"instance that could not be planned, 3 not confirmed (no --yes and no terminal, or the answer was no; nothing " +
			"was sent), 130 interrupted.",
		Flags: append([]cli.Flag{
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "do not ask (needed when standard input is not a terminal)"},
			&cli.BoolFlag{Name: "keep-going", Usage: "after a failure, go on with the other instances"},
			&cli.BoolFlag{Name: "wait", Usage: "after sending, wait until each instance is RUNNING and reads back what was sent"},
			&cli.DurationFlag{Name: "wait-timeout", Value: deploy.DefaultWaitTimeout, Usage: "time limit of --wait, per instance"},
			&cli.DurationFlag{Name: "wait-interval", Value: deploy.DefaultPollInterval,
				Usage: fmt.Sprintf("time between polls of --wait (%s to %s)", deploy.MinPollInterval, deploy.MaxPollInterval)},
			&cli.StringFlag{Name: "backup-dir", TakesFile: true, Usage: "backups go to `DIR`/<UUID>/ (default: $XDG_STATE_HOME/lbconf/backups, else ~/.local/state/lbconf/backups)"},
			&cli.BoolFlag{Name: "no-check", Usage: "do not run haproxy -c on configs (the lint still runs)"},
		}, append(ruleFlags(), estateFlags()...)...),
		Action: applyAction,
	}
}

func applyAction(c *cli.Context) error {
	if c.NArg() > 1 {
		return usageErr("apply takes at most one PLAN (saved by lbconf plan --out)")
	}
	common, err := commonOptions(c, "")
	if err != nil {
		return err
	}
	m, clients, opts, err := planSetup(c)
	if err != nil {
		return err
	}
	ctx, stop := interruptible(c)
	defer stop()
	var p *estate.Plan
	if c.NArg() == 1 {
		if p, err = estate.ReadPlan(c.Args().First()); err != nil {
			return &exitErr{code: exitError, err: err}
		}
		if abs(p.Config) != abs(m.Path) {
			return usageErr("the plan was made from %s, not %s: pass --config %s", p.Config, m.Path, p.Config)
		}
	} else {
		p = estate.MakePlan(ctx, m, clients, opts)
	}
	if err := estate.WritePlan(c.App.Writer, p, "text"); err != nil {
		return &exitErr{code: exitError, err: err}
	}
	changes := p.Summary.Updates + p.Summary.ModeSwitchs
	if changes == 0 {
		fmt.Fprintln(c.App.ErrWriter, "lbconf: no changes to apply")
		if p.ExitCode() == estate.ExitErrors {
			return &exitErr{code: exitError}
		}
		return nil
	}
	if !common.Yes {
		ui := newCLIUI(c, false)
		ok, err := ui.Confirm(ctx, fmt.Sprintf("apply %d changes?", changes))
		switch {
		case errors.Is(err, deploy.ErrNotInteractive):
			return &exitErr{code: exitNotConfirmed, err: fmt.Errorf("%w: standard input is not a terminal, so lbconf cannot ask; pass --yes to apply without asking; nothing was sent", deploy.ErrNotConfirmed)}
		case err != nil:
			return &exitErr{code: exitError, err: fmt.Errorf("asking for confirmation: %w; nothing was sent", err)}
		case !ok:
			return &exitErr{code: exitNotConfirmed, err: fmt.Errorf("%w; nothing was sent", deploy.ErrNotConfirmed)}
		}
	}
	var progressMu sync.Mutex
	rep := estate.Apply(ctx, m, p, clients, estate.ApplyOptions{
		Concurrency: c.Int("concurrency"), KeepGoing: c.Bool("keep-going"),
		Wait: common.Wait, WaitTimeout: common.WaitTimeout, PollInterval: common.PollInterval,
		BackupRoot: c.String("backup-dir"), SkipCheck: c.Bool("no-check"), Findings: opts.Findings,
		Progress: func(r estate.InstanceResult, done, total int) {
			progressMu.Lock()
			defer progressMu.Unlock()
			fmt.Fprintf(c.App.ErrWriter, "lbconf: %s\n", estate.ProgressLine(r, done, total))
		},
	})
	fmt.Fprintln(c.App.Writer)
	if err := estate.WriteApply(c.App.Writer, rep); err != nil {
		return &exitErr{code: exitError, err: err}
	}
	if code := rep.ExitCode(); code != 0 {
		return &exitErr{code: code}
	}
	return nil
}

func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
