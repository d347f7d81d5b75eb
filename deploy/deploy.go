// Package deploy holds the flows that change load balancer instances:
// pushing an advanced (custom) haproxy.cfg ([Push]) and applying or adding
// basic strategies ([ApplyStrategies], [AddStrategies]), plus the pulls
// that read them back ([PullConfig], [PullStrategies]).
//
// Every change follows the same steps, in this order:
//
//  1. read the instance (DescribeLoadBalancers) for its HAProxy version and
//     mode; the version picks the lint target ("1.8.x" -> 1.8, "2.4.x" ->
//     2.4, 2.6 and later as they are; anything else: 2.4, said so);
//  2. lint: haproxycfg/lint for a config, validate for listeners; errors refuse
//     ([ErrRefused]) and nothing is sent; for a config, also `haproxy -c`
//     when a local binary exists (package haproxycfg/check), saying what it
//     could not check;
//  3. pull what the instance has now, both the custom config and the
//     strategies; when that equals what would be sent (and the mode stays),
//     stop: no changes;
//  4. back both up, to timestamped files (0600, written atomically) in the
//     backup directory; when that fails nothing is sent;
//  5. show the diff and, when the change switches the instance between
//     basic and custom mode, say so;
//  6. stop here on a dry run;
//  7. ask, unless told yes; with nobody to ask, refuse;
//  8. send; when the outcome is unknown (connection cut, interrupted), say
//     that the change may have been applied and where the backup is;
//  9. optionally wait until the instance is RUNNING again and reads back
//     what was sent, within a time limit.
//
// The flows talk to the operator through a [UI] and to the API through an
// [API], which *cdsapi.Client implements.
package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg/version"
	"github.com/lbconf/lbconf/model"
)

// API is the part of the load balancer API the flows use. *cdsapi.Client
// implements it.
type API interface {
	DescribeLoadBalancer(ctx context.Context, instanceUuid string) (cdsapi.LoadBalancer, error)
	DescribeHaproxyCustomConfig(ctx context.Context, instanceUuid string) (string, error)
	DescribeLoadBalancerStrategysRaw(ctx context.Context, instanceUuid string) (json.RawMessage, error)
	ModifyHaproxyCustomConfig(ctx context.Context, instanceUuid, configs string) (cdsapi.TaskResult, error)
	ModifyLoadBalancerStrategys(ctx context.Context, instanceUuid string, l model.Listeners) (cdsapi.TaskResult, error)
	AddLoadBalancerStrategys(ctx context.Context, instanceUuid string, l model.Listeners) (cdsapi.TaskResult, error)
}

var _ API = (*cdsapi.Client)(nil)

// UI is how a flow talks to the operator. The CLI writes Diff to standard
// output and everything else to standard error.
type UI interface {
	// Info reports a step or a fact, one message per call.
	Info(msg string)
	// Findings reports lint and haproxy -c findings.
	Findings(fs []finding.Finding)
	// Diff shows the change that would be sent.
	Diff(text string)
	// Confirm asks a yes/no question whose default is no. It returns an
	// error wrapping ErrNotInteractive when nobody can answer, and
	// ctx.Err() when ctx ends first.
	Confirm(ctx context.Context, question string) (bool, error)
	// Progress shows the state of a wait on one line, replacing the
	// previous one; EndProgress ends that line.
	Progress(status string, elapsed time.Duration)
	EndProgress()
}

var (
	// ErrRefused is wrapped when a flow stops without sending because the
	// input has errors, the operator said no, or nobody could be asked.
	// The CLI exits 1 for it.
	ErrRefused = errors.New("refused")
	// ErrNotConfirmed is wrapped, together with ErrRefused, when nobody
	// confirmed a change: the operator said no, or there was no terminal
	// to ask on and no Yes. The CLI exits 3 for it.
	ErrNotConfirmed = errors.New("not confirmed")
	// ErrNotInteractive is returned by UI.Confirm when there is no terminal
	// to ask on.
	ErrNotInteractive = errors.New("no terminal to ask on")
	// ErrWaitTimeout is wrapped when the instance did not reach the state
	// that was sent within the wait limit.
	ErrWaitTimeout = errors.New("timed out waiting for the instance")
)

// Defaults of the options.
const (
	DefaultWaitTimeout  = 5 * time.Minute
	DefaultPollInterval = 2 * time.Second
	MinPollInterval     = 100 * time.Millisecond
	MaxPollInterval     = 30 * time.Second
)

// DefaultBackupRoot is where backups go without a backup directory: the
// user's state directory, $XDG_STATE_HOME/lbconf/backups (an absolute
// XDG_STATE_HOME only, as the XDG Base Directory specification says), else
// ~/.local/state/lbconf/backups.
func DefaultBackupRoot() (string, error) {
	if dir := os.Getenv("XDG_STATE_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "lbconf", "backups"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no directory for backups: %w; set XDG_STATE_HOME or give a backup directory", err)
	}
	return filepath.Join(home, ".local", "state", "lbconf", "backups"), nil
}

// DefaultBackupDir is the backup directory of an instance when none is
// given: DefaultBackupRoot()/<uuid>.
func DefaultBackupDir(instanceUuid string) (string, error) {
	root, err := DefaultBackupRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, safeName(instanceUuid)), nil
}

// Common holds the options every changing flow takes.
type Common struct {
	// InstanceUuid is the instance to change.
	InstanceUuid string
	// Yes skips the question.
	Yes bool
	// DryRun stops after lint, check, backup and diff.
	DryRun bool
	// Wait polls after sending until the instance is RUNNING and reads back
	// what was sent, for at most WaitTimeout (default 5 min), every
	// PollInterval (default 2 s, bounded to 100 ms .. 30 s).
	Wait         bool
	WaitTimeout  time.Duration
	PollInterval time.Duration
	// BackupDir receives the backups; default DefaultBackupDir(uuid).
	BackupDir string
	// Now is the clock of the backup names; default time.Now.
	Now func() time.Time
	// Findings, if set, adjusts the lint (and haproxy -c) findings before
	// they are reported and judged: the configuration's rule disable and
	// severity override.
	Findings func([]finding.Finding) []finding.Finding
}

// adjust applies c.Findings to fs.
func (c *Common) adjust(fs []finding.Finding) []finding.Finding {
	if c.Findings == nil {
		return fs
	}
	return c.Findings(fs)
}

func (c *Common) defaults() {
	if c.WaitTimeout <= 0 {
		c.WaitTimeout = DefaultWaitTimeout
	}
	if c.PollInterval <= 0 {
		c.PollInterval = DefaultPollInterval
	}
	c.PollInterval = min(max(c.PollInterval, MinPollInterval), MaxPollInterval)
	if c.BackupDir == "" {
		// On error it stays empty and the backup step fails, before
		// anything is sent.
		c.BackupDir, _ = DefaultBackupDir(c.InstanceUuid)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Result says how far a flow got. It is returned with the error too.
type Result struct {
	// Instance is the instance as read before anything changed.
	Instance cdsapi.LoadBalancer
	// Target is the HAProxy version the input was checked for.
	Target string
	// Findings are the lint (and haproxy -c) findings.
	Findings []finding.Finding
	// Backup names the backup files; empty when none was written.
	Backup Backup
	// Changed is false when the instance already had what was given.
	Changed bool
	// ModeSwitch is true when the change switches the instance between
	// basic strategies and custom config.
	ModeSwitch bool
	// Sent is true once the API accepted the change; Task is its answer.
	Sent bool
	Task cdsapi.TaskResult
	// Applied is true when a wait saw the instance RUNNING with what was
	// sent.
	Applied bool
}

// Backup names the files a flow backed the instance up to.
type Backup struct {
	// Config holds the custom config, Strategies the strategies JSON
	// (DescribeLoadBalancerStrategys' Data, indented).
	Config     string
	Strategies string
}

// TargetFor returns the lint target for an instance's Version: "1.8.3" ->
// "1.8", "2.4.22" -> "2.4", "2.6" and later as MAJOR.MINOR. For a version
// lbconf does not know (empty, 2.5, 1.7, garbage) it returns
// version.DefaultTarget and false.
func TargetFor(v string) (string, bool) {
	ver, ok := version.Parse(v)
	if !ok {
		return version.DefaultTarget, false
	}
	t, err := version.ParseTarget(ver.String())
	if err != nil {
		return version.DefaultTarget, false
	}
	return t.String(), true
}
