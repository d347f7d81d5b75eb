package main

import (
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/lbconf/lbconf/config"
	"github.com/lbconf/lbconf/estate"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg"
	"github.com/lbconf/lbconf/haproxycfg/check"
	"github.com/lbconf/lbconf/haproxycfg/lint"
	haproxyver "github.com/lbconf/lbconf/haproxycfg/version"
	"github.com/lbconf/lbconf/internal/safetext"
	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/suppress"
	"github.com/lbconf/lbconf/validate"
)

func lintCommand() *cli.Command {
	return &cli.Command{
		Name:      "lint",
		Usage:     "check listener JSON/YAML documents and haproxy.cfg files",
		ArgsUsage: "PATH... (JSON, YAML or .cfg; - reads standard input)",
		Description: "Reports every finding of every file, sorted by position. A DIR is walked for .json, .yaml, .yml, " +
			".cfg and .conf files (hidden directories and the configuration's ignore-paths are skipped); a pattern that " +
			"matches no file is a usage error. The configuration (" + config.FileName + ", found upwards, or --config) " +
			"sets the target, disables rules and overrides severities; `# lbconf-disable-line RULE` and " +
			"`# lbconf-disable RULE` comments in YAML and haproxy.cfg silence one line or the rest of a section. " +
			"Exit status: 0 clean (warnings allowed unless --strict), 1 findings, 2 usage or I/O errors.",
		Flags: append(append(outputFlags(),
			targetFlag(),
			&cli.BoolFlag{Name: "strict", Usage: "fail (exit 1) on warnings too"},
			&cli.StringFlag{Name: "haproxy", EnvVars: []string{check.BinaryEnv}, Usage: "also run this haproxy binary's `haproxy -c` on .cfg inputs and report its ALERTs and WARNINGs"},
		), configFlags()...),
		Action: func(c *cli.Context) error {
			if err := checkOutputFlags(c); err != nil {
				return err
			}
			if c.NArg() == 0 {
				return usageErr("lint needs at least one PATH (a listener JSON/YAML file, a .cfg file, or - for standard input)")
			}
			cfg, err := loadConfig(c)
			if err != nil {
				return err
			}
			target, err := configTarget(c, cfg)
			if err != nil {
				return err
			}
			paths, err := expandPaths(c.Args().Slice(), cfg.Ignored)
			if err != nil {
				return err
			}
			var all []finding.Finding
			ioFailed := false
			stdinUsed := false
			for _, path := range paths {
				if path == "-" {
					if stdinUsed {
						return usageErr("standard input (-) can be linted only once per run")
					}
					stdinUsed = true
				}
				var fs []finding.Finding
				if cfg.File != "" && sameFile(path, cfg.File) && !estate.IsConfigFile(path) {
					// The configuration --config names, whatever its name.
					fs, err = lintConfigFile(path, c.App.Reader)
				} else {
					fs, err = lintPath(c, path, target)
				}
				if err != nil {
					fmt.Fprintf(c.App.ErrWriter, "lbconf: %s\n", safetext.EscapeLines(err.Error()))
					ioFailed = true
					continue
				}
				all = append(all, fs...)
			}
			all = cfg.Apply(all, c.StringSlice("disable"), c.StringSlice("enable"))
			if err := reportFindings(c, c.App.Writer, all); err != nil {
				return &exitErr{code: exitError, err: fmt.Errorf("writing the report: %w", err)}
			}
			switch {
			case ioFailed:
				return &exitErr{code: exitError}
			case failing(all, c.Bool("strict")):
				return findingsExit()
			}
			return nil
		},
	}
}

// lintPath reads one path and lints it (see lintData); with --haproxy, a
// haproxy.cfg is also checked by that binary.
func lintPath(c *cli.Context, path, target string) ([]finding.Finding, error) {
	data, err := model.ReadInput(path, c.App.Reader)
	if err != nil {
		return nil, err
	}
	var haproxyC cfgCheck
	if bin := c.String("haproxy"); bin != "" {
		haproxyC = func(fs []finding.Finding) ([]finding.Finding, error) {
			res, err := check.Check(c.Context, path, data, check.Options{Binary: bin, Target: target})
			if err != nil {
				return nil, fmt.Errorf("%s: --haproxy: %w", path, err)
			}
			for _, n := range res.Notes {
				fmt.Fprintf(c.App.ErrWriter, "lbconf: %s: haproxy %s: %s\n", path, res.Version, n)
			}
			return lint.Merge(fs, res.Findings), nil
		}
	}
	return lintData(path, data, target, haproxyC)
}

// cfgCheck adds the findings of a further check of a haproxy.cfg to
// cfglint's.
type cfgCheck func([]finding.Finding) ([]finding.Finding, error)

// lintData lints one input: the configuration file (its manifest), a
// haproxy.cfg (cfglint, then check when it is not nil) or a listener
// document; inline suppression comments apply to YAML and haproxy.cfg.
func lintData(path string, data []byte, target string, check cfgCheck) ([]finding.Finding, error) {
	if estate.IsConfigFile(path) {
		return estate.LintConfig(path, data, isRule), nil
	}
	if !haproxycfg.IsConfig(path, data) {
		doc, err := model.Decode(path, data)
		if err != nil {
			return nil, err
		}
		if doc.Format == "yaml" && suppress.HasComments(data) {
			return suppressed(path, data, false, validate.Document(doc)), nil
		}
		// Nothing filters these findings: keep the ones reported, in
		// bounded memory however many the document has.
		return validate.DocumentBounded(doc, finding.MaxPerFile), nil
	}
	fs, err := lint.Lint(path, data, target)
	if err == nil && check != nil {
		fs, err = check(fs)
	}
	if err != nil {
		return nil, err
	}
	return suppressed(path, data, true, fs), nil
}

// lintConfigFile lints a configuration file: its keys and rule names, and
// its manifest.
func lintConfigFile(path string, stdin io.Reader) ([]finding.Finding, error) {
	data, err := model.ReadInput(path, stdin)
	if err != nil {
		return nil, err
	}
	return estate.LintConfig(path, data, isRule), nil
}

// sameFile reports whether a and b name the same file.
func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// suppressed applies the inline suppression comments of a YAML document
// or (cfg) a haproxy.cfg to its findings, and adds the findings of
// comments naming unknown rules.
func suppressed(path string, data []byte, cfg bool, fs []finding.Finding) []finding.Finding {
	if !suppress.HasComments(data) {
		return fs
	}
	set, unknown := suppress.Scan(path, data, cfg, isRule)
	return append(set.Filter(fs), unknown...)
}

// failing reports whether findings make the run fail.
func failing(fs []finding.Finding, strict bool) bool {
	return finding.HasErrors(fs) || (strict && len(fs) > 0)
}

func targetFlag() *cli.StringFlag {
	return &cli.StringFlag{Name: "target", Value: haproxyver.DefaultTarget, Usage: "HAProxy version of the instance: " + haproxyver.AllowedTargets + "; without it, the configuration's target if it has one"}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
