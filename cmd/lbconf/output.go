package main

import (
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/report"
)

// Values of --color.
var colorModes = []string{"auto", "always", "never"}

// colorFlag is --color of every command that prints findings or diffs.
func colorFlag() *cli.StringFlag {
	return &cli.StringFlag{Name: "color", Value: "auto",
		Usage: "colour the text output: auto (only on a terminal, not when NO_COLOR is set or TERM=dumb), always, never"}
}

func formatFlag() *cli.StringFlag {
	return &cli.StringFlag{Name: "format", Value: "text", Usage: "findings format: " + strings.Join(report.Formats, ", ")}
}

// outputFlags are the flags of every command that reports findings.
func outputFlags() []cli.Flag {
	return []cli.Flag{formatFlag(), colorFlag(), explainFlag()}
}

// checkOutputFlags validates --format and --color of a command, when it has
// them, before it does any work.
func checkOutputFlags(c *cli.Context) error {
	if hasFlag(c.Command, "format") {
		if f := c.String("format"); !contains(report.Formats, f) {
			return usageErr("--format %q is not supported: use %s", f, strings.Join(report.Formats, ", "))
		}
	}
	if hasFlag(c.Command, "color") {
		if m := c.String("color"); !contains(colorModes, m) {
			return usageErr("--color %q is not supported: use %s", m, strings.Join(colorModes, ", "))
		}
	}
	return nil
}

func hasFlag(cmd *cli.Command, name string) bool {
	if cmd == nil {
		return false
	}
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}

// colorDecision says whether to colour text written to w: --color always
// or never win; auto colours only a terminal (by golang.org/x/term, so
// /dev/null and pipes are not), and not when NO_COLOR is set
// (https://no-color.org) or TERM is dumb.
func colorDecision(mode string, w io.Writer, getenv func(string) string) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	return isTerminal(w)
}

// useColor applies the command's --color (auto when it has none) to w.
func useColor(c *cli.Context, w io.Writer) bool {
	mode := "auto"
	if hasFlag(c.Command, "color") {
		mode = c.String("color")
	}
	return colorDecision(mode, w, os.Getenv)
}

// isTerminal reports whether f is an *os.File open on a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// reportFindings writes findings to w in the command's --format (text
// when it has none), coloured as useColor decides, with the --explain hint.
func reportFindings(c *cli.Context, w io.Writer, fs []finding.Finding) error {
	finding.Sort(fs)
	fs = finding.Limit(fs, finding.MaxPerFile)
	format := "text"
	if hasFlag(c.Command, "format") {
		format = c.String("format")
	}
	opts := report.Options{
		Color:   format == "text" && useColor(c, w),
		Rules:   allRules(),
		Version: version(),
		HelpURI: ruleHelpURI,
	}
	if err := report.Write(w, format, fs, opts); err != nil {
		return err
	}
	if format == "text" && hasFlag(c.Command, "explain") && c.Bool("explain") {
		return writeExplain(w, fs)
	}
	return nil
}

// colorDiff colours the lines of a diff: removed red, added green, hunks
// and changed fields cyan.
func colorDiff(text string) string {
	lines := strings.SplitAfter(text, "\n")
	var b strings.Builder
	for _, l := range lines {
		body := strings.TrimRight(l, "\n")
		nl := l[len(body):]
		switch {
		case body == "":
		case strings.HasPrefix(body, "+++"), strings.HasPrefix(body, "---"):
			body = "\x1b[1m" + body + "\x1b[0m"
		case strings.HasPrefix(body, "+"):
			body = "\x1b[32m" + body + "\x1b[0m"
		case strings.HasPrefix(body, "-"):
			body = "\x1b[31m" + body + "\x1b[0m"
		case strings.HasPrefix(body, "@@"), strings.HasPrefix(strings.TrimLeft(body, " "), "~"):
			body = "\x1b[36m" + body + "\x1b[0m"
		}
		b.WriteString(body + nl)
	}
	return b.String()
}
