package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/lbconf/lbconf/deploy"
	"github.com/lbconf/lbconf/internal/safetext"
)

// Exit codes. They are documented in README.md ("Exit status") and in
// `lbconf --help`.
const (
	exitOK           = 0
	exitFindings     = 1
	exitError        = 2
	exitNotConfirmed = 3
	exitInterrupted  = 130
)

// exitErr carries an exit code out of a command.
type exitErr struct {
	code int
	err  error
	// usage marks a mistake in the command line: run adds a pointer to
	// the command's --help.
	usage bool
}

func (e *exitErr) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitErr) Unwrap() error { return e.err }

// findingsExit ends a command with exit code 1 and no further message.
func findingsExit() error { return &exitErr{code: exitFindings} }

// usageErr ends a command with exit code 2 and a one-line message about the
// command line.
func usageErr(format string, args ...any) error {
	return &exitErr{code: exitError, err: fmt.Errorf(format, args...), usage: true}
}

// appUsage is the root help's description: what lbconf does and how it exits.
const appDescription = `Exit status, for every command: 0 clean (warnings allowed unless --strict), 1 findings,
differences or a refusal by a check, 2 usage, I/O or API errors, 3 a change was not confirmed
(push, strategies apply/add or apply without --yes and no terminal to ask on, or the operator said
no), 130 interrupted (Ctrl-C). plan uses 2 also for a file with errors, which it cannot plan.

Examples:
  lbconf lint examples/listeners.json examples/listeners.yaml
  lbconf compile examples/listeners.json -o haproxy.cfg
  lbconf help lint
  lbconf completion bash > /etc/bash_completion.d/lbconf`

// newApp builds the CLI. Each command lives in its own file.
func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:        "lbconf",
		Usage:       "lint, compile, decompile and ship HAProxy configs of Capital Online load balancers",
		Description: appDescription,
		Reader:      stdin,
		Writer:      stdout,
		ErrWriter:   stderr,
		// Errors are printed by run, once, with the right exit code.
		ExitErrHandler:  func(*cli.Context, error) {},
		HideHelpCommand: true,
		HideVersion:     true, // --version is ours: urfave's printer is package state
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "version", Aliases: []string{"v"}, Usage: "print the version, commit and Go version"},
		},
		Commands: []*cli.Command{
			applyCommand(),
			compileCommand(),
			completionCommand(),
			decompileCommand(),
			diffCommand(),
			importCommand(),
			helpCommand(),
			initCommand(),
			instancesCommand(),
			lintCommand(),
			planCommand(),
			pullCommand(),
			pushCommand(),
			rulesCommand(),
			strategiesCommand(),
			versionCommand(),
		},
		Action: func(c *cli.Context) error {
			if c.Bool("version") {
				_, err := fmt.Fprintln(c.App.Writer, readBuildInfo())
				return err
			}
			if c.NArg() > 0 {
				return unknownCommand(c.App.Commands, "", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
	}
	setUsageErrors(app.Commands)
	addExamples(app.Commands, "")
	app.OnUsageError = onUsageError(app.Flags)
	return app
}

// setUsageErrors makes every command's flag errors one-line usage errors
// with a suggestion.
func setUsageErrors(cmds []*cli.Command) {
	for _, cmd := range cmds {
		cmd.OnUsageError = onUsageError(cmd.Flags)
		if len(cmd.Subcommands) > 0 {
			setUsageErrors(cmd.Subcommands)
			// A command that only groups others: an unknown subcommand is a
			// usage error too.
			if cmd.Action == nil {
				parent := cmd
				cmd.Action = func(c *cli.Context) error {
					if c.NArg() == 0 {
						return usageErr("%s needs a subcommand: %s", c.Command.FullName(), strings.Join(commandNames(parent.Subcommands), ", "))
					}
					return unknownCommand(parent.Subcommands, c.Command.FullName()+" ", c.Args().First())
				}
			}
		}
	}
}

// onUsageError turns a flag parsing error into a usage error that names the
// closest flag.
func onUsageError(flags []cli.Flag) cli.OnUsageErrorFunc {
	return func(c *cli.Context, err error, _ bool) error {
		msg := err.Error()
		if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
			msg = "unknown flag --" + strings.TrimLeft(name, "-")
			if s := closestFlag(flags, strings.TrimLeft(name, "-")); s != "" {
				msg += "; did you mean " + s + "?"
			}
		}
		return usageErr("%s", msg)
	}
}

// unknownCommand is the usage error for a command name that does not exist.
func unknownCommand(cmds []*cli.Command, prefix, name string) error {
	msg := fmt.Sprintf("unknown command %q", prefix+name)
	if s := closestName(commandNames(cmds), name); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", prefix+s)
	}
	return usageErr("%s", msg)
}

func commandNames(cmds []*cli.Command) []string {
	var names []string
	for _, c := range cmds {
		// urfave/cli adds "help" (alias "h") to every command with subcommands.
		if !c.Hidden && !(c.Name == "help" && len(c.Aliases) > 0) {
			names = append(names, c.Names()...)
		}
	}
	return names
}

func closestFlag(flags []cli.Flag, name string) string {
	var names []string
	for _, f := range flags {
		names = append(names, f.Names()...)
	}
	names = append(names, "help")
	s := closestName(names, name)
	switch {
	case s == "":
		return ""
	case len(s) == 1:
		return "-" + s
	}
	return "--" + s
}

// closestName returns the candidate nearest to name by edit distance, or ""
// when none is close enough to be a typo (at most a third of the letters
// differ), or name is a prefix of exactly one candidate.
func closestName(candidates []string, name string) string {
	best, bestDist := "", -1
	var prefixed []string
	for _, c := range candidates {
		if strings.HasPrefix(c, name) && name != "" {
			prefixed = append(prefixed, c)
		}
		d := editDistance(name, c)
		// On a tie, a candidate with the same first letter wins: typos
		// rarely hit the first key (lnit: lint, not init).
		if bestDist < 0 || d < bestDist || d == bestDist && sameStart(c, name) && !sameStart(best, name) {
			best, bestDist = c, d
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	limit := max(1, len([]rune(name))/3)
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return best
}

func sameStart(a, b string) bool { return a != "" && b != "" && a[0] == b[0] }

// editDistance is the Damerau-Levenshtein (optimal string alignment)
// distance of a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range rb {
		d[0][j+1] = j + 1
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// helpCommand is `lbconf help [CMD [SUB]]`.
func helpCommand() *cli.Command {
	return &cli.Command{
		Name:      "help",
		Usage:     "show the help of lbconf or of one command",
		UsageText: "lbconf help [COMMAND [SUBCOMMAND]]",
		Description: "Examples:\n" +
			"  lbconf help lint\n" +
			"  lbconf help strategies apply",
		Action: func(c *cli.Context) error {
			root := c.Lineage()[1]
			if c.NArg() == 0 {
				return cli.ShowAppHelp(root)
			}
			// Known commands never get here: run turns them into CMD --help.
			cmds, prefix := c.App.Commands, ""
			for _, name := range c.Args().Slice() {
				next := findCommand(cmds, name)
				if next == nil {
					return unknownCommand(cmds, prefix, name)
				}
				cmds, prefix = next.Subcommands, prefix+next.Name+" "
			}
			return nil
		},
	}
}

// helpAsFlag turns `lbconf help CMD [SUB]` into `lbconf CMD [SUB] --help`,
// so that both print the same page; an unknown CMD is left to the help
// command, which says so.
func helpAsFlag(app *cli.App, args []string) []string {
	if len(args) < 3 || args[1] != "help" {
		return args
	}
	cmds := app.Commands
	for _, name := range args[2:] {
		cmd := findCommand(cmds, name)
		if cmd == nil {
			return args
		}
		cmds = cmd.Subcommands
	}
	return append(append([]string{args[0]}, args[2:]...), "--help")
}

// commandPath returns the command words of args (e.g. "strategies apply"),
// for the pointer to --help after a usage error.
func commandPath(app *cli.App, args []string) string {
	var words []string
	cmds := app.Commands
	for _, a := range args {
		cmd := findCommand(cmds, a)
		if cmd == nil {
			break
		}
		words = append(words, cmd.Name)
		cmds = cmd.Subcommands
	}
	return strings.Join(words, " ")
}

// run executes the CLI and returns the process exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(stdin, stdout, stderr)
	err := app.Run(interspersed(app, helpAsFlag(app, args)))
	if err == nil {
		return exitOK
	}
	code := exitCodeOf(err)
	say := func(err error) {
		msg := err.Error()
		if code == exitInterrupted && !strings.HasPrefix(msg, "interrupted") {
			msg = "interrupted by Ctrl-C: " + msg
		}
		fmt.Fprintf(stderr, "lbconf: %s\n", safetext.EscapeLines(msg))
	}
	var ee *exitErr
	if errors.As(err, &ee) {
		if ee.err != nil {
			say(ee.err)
		}
		if ee.usage {
			see := "lbconf --help"
			if len(args) > 1 {
				if p := commandPath(app, args[1:]); p != "" && p != "help" {
					see = "lbconf " + p + " --help"
				}
			}
			fmt.Fprintf(stderr, "see %s\n", see)
		}
	} else {
		// Anything else is an I/O error.
		say(err)
	}
	return code
}

// exitCodeOf is the exit code of a command's error: 3 when a change was not
// confirmed, 130 when Ctrl-C (or SIGTERM) ended it, else the code it
// carries, else 2.
func exitCodeOf(err error) int {
	if err == nil {
		return exitOK
	}
	switch {
	case errors.Is(err, deploy.ErrNotConfirmed):
		return exitNotConfirmed
	case errors.Is(err, context.Canceled):
		// Only the signal context of interruptible is ever cancelled.
		return exitInterrupted
	}
	var ee *exitErr
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitError
}
