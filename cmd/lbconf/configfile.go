package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/lbconf/lbconf/config"
	"github.com/lbconf/lbconf/finding"
	haproxyver "github.com/lbconf/lbconf/haproxycfg/version"
)

// configFileFlag is --config, of every command that reads .lbconf.yaml.
func configFileFlag() cli.Flag {
	return &cli.StringFlag{Name: "config", TakesFile: true,
		Usage: "configuration `FILE` (default: " + config.FileName + " in the working directory or a parent)"}
}

// ruleFlags are --disable and --enable, of the commands whose findings
// the configuration's disable and override adjust.
func ruleFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "disable", Usage: "turn `RULE` off for this run (repeat or comma-separate)"},
		&cli.StringSliceFlag{Name: "enable", Usage: "turn `RULE` back on when the configuration disables it"},
	}
}

// configFlags are --config, --disable and --enable.
func configFlags() []cli.Flag {
	return append([]cli.Flag{configFileFlag()}, ruleFlags()...)
}

// configPath is --config, else the .lbconf.yaml found upwards from the
// working directory, else "".
func configPath(c *cli.Context) (string, error) {
	if path := c.String("config"); path != "" {
		return path, nil
	}
	path, err := config.Find(".")
	if err != nil {
		return "", &exitErr{code: exitError, err: err}
	}
	return path, nil
}

// loadConfig reads --config, else the .lbconf.yaml found upwards from the
// working directory, else returns an empty configuration. Rule names in it
// and in --disable/--enable (for the commands that have them) must exist.
func loadConfig(c *cli.Context) (*config.Config, error) {
	path, err := configPath(c)
	if err != nil {
		return nil, err
	}
	cfg := &config.Config{Dir: "."}
	if path != "" {
		var err error
		if cfg, err = config.Load(path); err != nil {
			return nil, &exitErr{code: exitError, err: err}
		}
		if err := cfg.CheckRules(isRule); err != nil {
			return nil, &exitErr{code: exitError, err: err}
		}
	}
	for _, flag := range []string{"disable", "enable"} {
		for _, r := range c.StringSlice(flag) {
			if !isRule(r) {
				msg := fmt.Sprintf("--%s: unknown rule %q (lbconf rules lists them)", flag, r)
				if s := closestName(ruleNames(), r); s != "" {
					msg = fmt.Sprintf("--%s: unknown rule %q; did you mean %q?", flag, r, s)
				}
				return nil, usageErr("%s", msg)
			}
		}
	}
	return cfg, nil
}

// findingsOf returns the function that applies the configuration's disable
// and override, and --disable and --enable, to a command's findings.
func findingsOf(c *cli.Context, cfg *config.Config) func([]finding.Finding) []finding.Finding {
	disable, enable := c.StringSlice("disable"), c.StringSlice("enable")
	return func(fs []finding.Finding) []finding.Finding { return cfg.Apply(fs, disable, enable) }
}

// configTarget is --target when given, else the configuration's target,
// else the flag's default ("" for a command without --target); a bad
// target is an error that says where it comes from.
func configTarget(c *cli.Context, cfg *config.Config) (string, error) {
	if !c.IsSet("target") && cfg.Target != "" {
		if _, err := haproxyver.ParseTarget(cfg.Target); err != nil {
			return "", &exitErr{code: exitError, err: fmt.Errorf("%s: target: %w", cfg.File, err)}
		}
		return cfg.Target, nil
	}
	target := c.String("target")
	if target == "" {
		return "", nil
	}
	if _, err := haproxyver.ParseTarget(target); err != nil {
		return "", usageErr("--target: %v", err)
	}
	return target, nil
}

// isRule reports whether the catalogue holds the rule.
func isRule(name string) bool {
	for _, r := range allRules() {
		if r.Name == name {
			return true
		}
	}
	return false
}

func ruleNames() []string {
	var names []string
	for _, r := range allRules() {
		names = append(names, r.Name)
	}
	return names
}

func initCommand() *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "write a commented " + config.FileName + " to start from",
		ArgsUsage: "[DIR]",
		Description: "Writes DIR/" + config.FileName + " (default: the working directory) with every setting, commented. " +
			"An existing file is kept unless --force.\n\nExamples:\n  lbconf init\n  lbconf init --force infra/lb",
		Flags: []cli.Flag{&cli.BoolFlag{Name: "force", Usage: "replace an existing file"}},
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usageErr("init takes at most one DIR")
			}
			dir := "."
			if c.NArg() == 1 {
				dir = c.Args().First()
			}
			path := filepath.Join(dir, config.FileName)
			flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
			if c.Bool("force") {
				flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
			}
			f, err := os.OpenFile(path, flags, 0o644)
			if errors.Is(err, fs.ErrExist) {
				return &exitErr{code: exitError, err: fmt.Errorf("%s exists; --force replaces it", path)}
			}
			if err != nil {
				return &exitErr{code: exitError, err: err}
			}
			_, werr := f.WriteString(config.Template)
			if cerr := f.Close(); werr == nil {
				werr = cerr
			}
			if werr != nil {
				return &exitErr{code: exitError, err: fmt.Errorf("writing %s: %w", path, werr)}
			}
			fmt.Fprintf(c.App.ErrWriter, "lbconf: wrote %s\n", path)
			return nil
		},
	}
}
