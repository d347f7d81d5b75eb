package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/lbconf/lbconf/config"
)

// configFlags are the flags of the commands that read .lbconf.yaml.
func configFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "config", TakesFile: true,
			Usage: "configuration `FILE` (default: " + config.FileName + " in the working directory or a parent)"},
		&cli.StringSliceFlag{Name: "disable", Usage: "turn `RULE` off for this run (repeat or comma-separate)"},
		&cli.StringSliceFlag{Name: "enable", Usage: "turn `RULE` back on when the configuration disables it"},
	}
}

// loadConfig reads --config, else the .lbconf.yaml found upwards from the
// working directory, else returns an empty configuration. Rule names in it
// and in --disable/--enable must exist.
func loadConfig(c *cli.Context) (*config.Config, error) {
	path := c.String("config")
	if path == "" {
		found, err := config.Find(".")
		if err != nil {
			return nil, &exitErr{code: exitError, err: err}
		}
		path = found
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
