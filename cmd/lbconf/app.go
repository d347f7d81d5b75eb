package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/lbconf/lbconf/internal/safetext"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitError    = 2
)

// exitErr carries an exit code out of a command.
type exitErr struct {
	code int
	err  error
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

// usageErr ends a command with exit code 2 and a message.
func usageErr(format string, args ...any) error {
	return &exitErr{code: exitError, err: fmt.Errorf(format, args...)}
}

// newApp builds the CLI. Each command lives in its own file.
func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:      "lbconf",
		Usage:     "lint, compile, decompile and ship HAProxy configs of Capital Online load balancers",
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		// Errors are printed by run, once, with the right exit code.
		ExitErrHandler:  func(*cli.Context, error) {},
		HideHelpCommand: true,
		Commands: []*cli.Command{
			compileCommand(),
			decompileCommand(),
			diffCommand(),
			instancesCommand(),
			lintCommand(),
			pullCommand(),
			pushCommand(),
			rulesCommand(),
			strategiesCommand(),
			versionCommand(),
		},
	}
}

// run executes the CLI and returns the process exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(stdin, stdout, stderr)
	err := app.Run(interspersed(app, args))
	if err == nil {
		return exitOK
	}
	var ee *exitErr
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "lbconf: %s\n", safetext.EscapeLines(ee.err.Error()))
		}
		return ee.code
	}
	// Anything else is a usage error from flag parsing, or an I/O error.
	fmt.Fprintf(stderr, "lbconf: %s\n", safetext.EscapeLines(err.Error()))
	return exitError
}
