package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/deploy"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg"
	"github.com/lbconf/lbconf/internal/atomicfile"
	"github.com/lbconf/lbconf/internal/safetext"
)

// apiFlags are the flags of every command that calls the API.
func apiFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "endpoint", EnvVars: []string{cdsapi.EnvEndpoint},
			Usage: "API endpoint: a region (mainland, asia, us) or a URL (default: mainland, " + cdsapi.DefaultEndpoint + ")"},
		&cli.DurationFlag{Name: "timeout", Value: cdsapi.DefaultTimeout, Usage: "time limit of each API request"},
		&cli.BoolFlag{Name: "debug", Usage: "log every API request to standard error (secrets and signatures redacted)"},
	}
}

// instanceFlag names the instance a command works on.
func instanceFlag() *cli.StringFlag {
	return &cli.StringFlag{Name: "instance", Aliases: []string{"i"}, Usage: "`UUID` of the instance (InstanceUuid; lbconf instances lists them)"}
}

// changeFlags are the flags of the commands that change an instance.
func changeFlags() []cli.Flag {
	return append(outputFlags(),
		instanceFlag(),
		&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "do not ask before sending (needed when standard input is not a terminal)"},
		&cli.BoolFlag{Name: "dry-run", Usage: "stop after lint, check, backup and diff: send nothing"},
		&cli.BoolFlag{Name: "wait", Usage: "after sending, wait until the instance is RUNNING and reads back what was sent"},
		&cli.DurationFlag{Name: "wait-timeout", Value: deploy.DefaultWaitTimeout, Usage: "time limit of --wait"},
		&cli.DurationFlag{Name: "wait-interval", Value: deploy.DefaultPollInterval,
			Usage: fmt.Sprintf("time between polls of --wait (%s to %s)", deploy.MinPollInterval, deploy.MaxPollInterval)},
		&cli.StringFlag{Name: "backup-dir", TakesFile: true,
			Usage: "directory of the backups of what the instance had (default $XDG_STATE_HOME/lbconf/backups/<UUID>, else ~/.local/state/lbconf/backups/<UUID>)"},
	)
}

// requireInstance returns --instance or a usage error.
func requireInstance(c *cli.Context) (string, error) {
	uuid := strings.TrimSpace(c.String("instance"))
	if uuid == "" {
		return "", usageErr("%s needs --instance UUID (lbconf instances lists the instances)", c.Command.FullName())
	}
	return uuid, nil
}

// commonOptions reads the flags of changeFlags.
func commonOptions(c *cli.Context, uuid string) (deploy.Common, error) {
	if err := checkOutputFlags(c); err != nil {
		return deploy.Common{}, err
	}
	o := deploy.Common{
		InstanceUuid: uuid,
		Yes:          c.Bool("yes"),
		DryRun:       c.Bool("dry-run"),
		Wait:         c.Bool("wait"),
		WaitTimeout:  c.Duration("wait-timeout"),
		PollInterval: c.Duration("wait-interval"),
		BackupDir:    c.String("backup-dir"),
	}
	if o.WaitTimeout <= 0 {
		return o, usageErr("--wait-timeout must be positive, not %s", o.WaitTimeout)
	}
	if o.PollInterval < deploy.MinPollInterval || o.PollInterval > deploy.MaxPollInterval {
		return o, usageErr("--wait-interval must be between %s and %s, not %s", deploy.MinPollInterval, deploy.MaxPollInterval, o.PollInterval)
	}
	return o, nil
}

// apiClient builds the API client from the environment's credentials and
// the API flags.
func apiClient(c *cli.Context) (*cdsapi.Client, error) {
	creds, opts, err := apiOptions(c)
	if err != nil {
		return nil, err
	}
	client, err := cdsapi.NewClient(creds, opts)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return client, nil
}

// apiOptions reads the environment's credentials and the API flags every
// API command has (--endpoint, --timeout, --debug).
func apiOptions(c *cli.Context) (cdsapi.Credentials, cdsapi.Options, error) {
	creds, err := cdsapi.CredentialsFromEnv()
	if err != nil {
		return creds, cdsapi.Options{}, &exitErr{code: exitError, err: err}
	}
	timeout := c.Duration("timeout")
	if timeout <= 0 {
		return creds, cdsapi.Options{}, usageErr("--timeout must be positive, not %s", timeout)
	}
	opts := cdsapi.Options{Endpoint: c.String("endpoint"), Timeout: timeout}
	if c.Bool("debug") {
		opts.Debug = c.App.ErrWriter
	}
	return creds, opts, nil
}

// interruptible returns a context that ends on Ctrl-C or SIGTERM.
func interruptible(c *cli.Context) (context.Context, context.CancelFunc) {
	parent := c.Context
	if parent == nil {
		parent = context.Background()
	}
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}

// apiExit gives an error of an API command its exit code: 1 for a
// refusal, 2 for everything else.
func apiExit(err error) error {
	var ee *exitErr
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee):
		return err
	case errors.Is(err, deploy.ErrRefused):
		return &exitErr{code: exitFindings, err: err}
	}
	return &exitErr{code: exitError, err: err}
}

// writeOutput writes data to path atomically, or to standard output when
// path is "" or "-". A new file gets mode 0600 (configs can hold stats
// passwords); an existing one keeps its mode.
func writeOutput(c *cli.Context, path string, data []byte) error {
	if path == "" || path == "-" {
		if _, err := c.App.Writer.Write(data); err != nil {
			return &exitErr{code: exitError, err: fmt.Errorf("writing standard output: %w", err)}
		}
		return nil
	}
	write := func(path string, data []byte) error { return atomicfile.Write(path, data, 0o600) }
	if haproxycfg.HoldsSecret(string(data)) {
		write = atomicfile.WritePrivate // never wider than 0600, even over an existing file
	}
	if err := write(path, data); err != nil {
		return &exitErr{code: exitError, err: err}
	}
	return nil
}

// cliUI is the deploy.UI of the CLI: the diff goes to standard output,
// everything else to standard error, and questions are read from standard
// input when it is a terminal.
type cliUI struct {
	out, errw io.Writer
	in        io.Reader
	// interactive says that in is a terminal someone can answer on.
	interactive bool
	// tty says that errw is a terminal, where progress redraws one line.
	tty bool

	// ctx gives the command's --format, --color and --explain to Findings.
	ctx *cli.Context
	// color says that diffs are coloured.
	color bool

	mu           sync.Mutex
	lastProgress string
	progressOpen bool
	reader       *bufio.Reader
}

func newCLIUI(c *cli.Context, stdinUsed bool) *cliUI {
	return &cliUI{
		out: c.App.Writer, errw: c.App.ErrWriter, in: c.App.Reader,
		ctx: c, color: useColor(c, c.App.Writer),
		interactive: !stdinUsed && isTerminal(c.App.Reader),
		tty:         isTerminal(c.App.ErrWriter),
	}
}

// Info writes a message to standard error, control characters escaped
// (messages carry what the server said).
func (u *cliUI) Info(msg string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.endProgress()
	fmt.Fprintf(u.errw, "lbconf: %s\n", safetext.EscapeLines(msg))
}

// Findings writes findings to standard error, one per line.
func (u *cliUI) Findings(fs []finding.Finding) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.endProgress()
	if u.ctx == nil {
		for _, f := range fs {
			fmt.Fprintln(u.errw, f.String())
		}
		return
	}
	_ = reportFindings(u.ctx, u.errw, fs)
}

// Diff writes the diff to standard output, control characters of each
// line escaped.
func (u *cliUI) Diff(text string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.endProgress()
	text = safetext.EscapeLines(text)
	if u.color {
		text = colorDiff(text)
	}
	io.WriteString(u.out, text)
	if !strings.HasSuffix(text, "\n") {
		io.WriteString(u.out, "\n")
	}
}

// Confirm asks on standard error and reads y or yes (any case) from
// standard input; anything else, or the end of input, is no.
func (u *cliUI) Confirm(ctx context.Context, question string) (bool, error) {
	if !u.interactive {
		return false, deploy.ErrNotInteractive
	}
	u.mu.Lock()
	u.endProgress()
	fmt.Fprintf(u.errw, "%s [y/N] ", question)
	if u.reader == nil {
		u.reader = bufio.NewReader(u.in)
	}
	r := u.reader
	u.mu.Unlock()
	type answer struct {
		line string
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		line, err := r.ReadString('\n')
		ch <- answer{line, err}
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(u.errw)
		return false, ctx.Err()
	case a := <-ch:
		if a.err != nil && !errors.Is(a.err, io.EOF) {
			return false, fmt.Errorf("reading the answer: %w", a.err)
		}
		if errors.Is(a.err, io.EOF) {
			fmt.Fprintln(u.errw)
		}
		switch strings.ToLower(strings.TrimSpace(a.line)) {
		case "y", "yes":
			return true, nil
		}
		return false, nil
	}
}

// Progress redraws the progress line on a terminal; elsewhere it writes a
// line each time the status changes.
func (u *cliUI) Progress(status string, elapsed time.Duration) {
	u.mu.Lock()
	defer u.mu.Unlock()
	line := fmt.Sprintf("%s (%s)", safetext.Escape(status), elapsed.Round(time.Second))
	if u.tty {
		fmt.Fprintf(u.errw, "\r\033[K%s", line)
		u.progressOpen = true
		return
	}
	if status != u.lastProgress {
		fmt.Fprintln(u.errw, line)
	}
	u.lastProgress = status
}

// EndProgress ends the progress line.
func (u *cliUI) EndProgress() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.endProgress()
}

func (u *cliUI) endProgress() {
	if u.progressOpen {
		fmt.Fprintln(u.errw)
		u.progressOpen = false
	}
	u.lastProgress = ""
}
