package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/lbconf/lbconf/cfglint"
	"github.com/lbconf/lbconf/cfgtext"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxyver"
	"github.com/lbconf/lbconf/internal/safetext"
	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/report"
	"github.com/lbconf/lbconf/validate"
)

func lintCommand() *cli.Command {
	return &cli.Command{
		Name:      "lint",
		Usage:     "check listener JSON/YAML documents and haproxy.cfg files",
		ArgsUsage: "PATH... (JSON, YAML or .cfg; - reads standard input)",
		Description: "Reports every finding of every file, sorted by position. Exit status: 0 clean " +
			"(warnings allowed unless --strict), 1 findings, 2 usage or I/O errors.",
		Flags: []cli.Flag{
			formatFlag(),
			targetFlag(),
			&cli.BoolFlag{Name: "strict", Usage: "fail (exit 1) on warnings too"},
		},
		Action: func(c *cli.Context) error {
			format := c.String("format")
			if !contains(report.Formats, format) {
				return usageErr("--format %q is not supported: use %s", format, strings.Join(report.Formats, ", "))
			}
			if c.NArg() == 0 {
				return usageErr("lint needs at least one PATH (a listener JSON/YAML file, a .cfg file, or - for standard input)")
			}
			target := c.String("target")
			if _, err := haproxyver.ParseTarget(target); err != nil {
				return usageErr("--target: %v", err)
			}
			var all []finding.Finding
			ioFailed := false
			stdinUsed := false
			for _, path := range c.Args().Slice() {
				if path == "-" {
					if stdinUsed {
						return usageErr("standard input (-) can be linted only once per run")
					}
					stdinUsed = true
				}
				fs, err := lintPath(path, c.App.Reader, target)
				if err != nil {
					fmt.Fprintf(c.App.ErrWriter, "lbconf: %s\n", safetext.EscapeLines(err.Error()))
					ioFailed = true
					continue
				}
				all = append(all, fs...)
			}
			finding.Sort(all)
			all = finding.Limit(all, finding.MaxPerFile)
			opts := report.Options{Color: useColor(c.App.Writer, format), Rules: allRules(), Version: version()}
			if err := report.Write(c.App.Writer, format, all, opts); err != nil {
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

// lintPath lints one input. Errors are about the input itself (missing,
// unreadable, empty, binary); problems inside it are findings.
func lintPath(path string, stdin io.Reader, target string) ([]finding.Finding, error) {
	data, err := model.ReadInput(path, stdin)
	if err != nil {
		return nil, err
	}
	if isConfigPath(path, data) {
		return cfglint.Lint(path, data, target)
	}
	doc, err := model.Decode(path, data)
	if err != nil {
		return nil, err
	}
	return validate.Document(doc), nil
}

// isConfigPath tells haproxy.cfg input from listener documents: by the .cfg
// or .conf extension, or for other names (standard input) by a first word
// that opens a config section.
func isConfigPath(path string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".cfg", ".conf":
		return true
	case ".json", ".yaml", ".yml":
		return false
	}
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if words := cfgtext.Fields(string(line)); len(words) > 0 {
			return cfgtext.IsSectionKeyword(words[0])
		}
	}
	return false
}

// failing reports whether findings make the run fail.
func failing(fs []finding.Finding, strict bool) bool {
	return finding.HasErrors(fs) || (strict && len(fs) > 0)
}

// useColor reports whether text output should be coloured: only on a
// terminal, and never when NO_COLOR is set (https://no-color.org).
func useColor(w io.Writer, format string) bool {
	if format != "text" || os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func formatFlag() *cli.StringFlag {
	return &cli.StringFlag{Name: "format", Value: "text", Usage: "output format: " + strings.Join(report.Formats, ", ")}
}

func targetFlag() *cli.StringFlag {
	return &cli.StringFlag{Name: "target", Value: haproxyver.DefaultTarget, Usage: "HAProxy version of the instance: " + haproxyver.AllowedTargets}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
