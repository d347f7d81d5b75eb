package estate

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/deploy"
	"github.com/lbconf/lbconf/finding"
)

// Outcome is what apply did to an instance.
type Outcome string

// Outcomes.
const (
	// OutcomeApplied: sent, and (with Wait) seen running what was sent.
	OutcomeApplied Outcome = "applied"
	// OutcomeSent: sent and accepted; not waited for, or the wait failed.
	OutcomeSent Outcome = "sent"
	// OutcomeUnchanged: the instance already had it.
	OutcomeUnchanged Outcome = "unchanged"
	// OutcomeRefused: nothing sent, on purpose: the instance or its file
	// changed since the plan, or its file has errors.
	OutcomeRefused Outcome = "refused"
	// OutcomeFailed: nothing was applied (the API refused or failed).
	OutcomeFailed Outcome = "failed"
	// OutcomeUnknown: the request may have reached the API; check the
	// instance before sending again.
	OutcomeUnknown Outcome = "unknown"
	// OutcomeSkipped: not started (an earlier failure without
	// --keep-going, an interruption, or a plan error).
	OutcomeSkipped Outcome = "skipped"
)

// InstanceResult is what apply did to one instance.
type InstanceResult struct {
	UUID    string  `json:"uuid"`
	Name    string  `json:"name,omitempty"`
	File    string  `json:"file"`
	Change  Change  `json:"change"`
	Outcome Outcome `json:"outcome"`
	// Sent is true once the API accepted the change.
	Sent bool `json:"sent"`
	// Backup names the files the instance's previous state was saved to.
	Backup deploy.Backup `json:"backup"`
	// Detail is the reason or the error, "" when all went well.
	Detail string `json:"detail,omitempty"`
	// Log is what the push or apply flow reported, in order.
	Log []string `json:"log,omitempty"`
}

// ApplyReport is the result of [Apply], one entry per instance to change
// (and per plan error), in manifest order.
type ApplyReport struct {
	Results []InstanceResult `json:"results"`
	// Interrupted is true when ctx ended during the apply.
	Interrupted bool `json:"interrupted"`
}

// Count returns how many results have the outcome.
func (r *ApplyReport) Count(o Outcome) int {
	n := 0
	for _, x := range r.Results {
		if x.Outcome == o {
			n++
		}
	}
	return n
}

// Exit codes of apply.
const (
	ExitApplied     = 0
	ExitRefused     = 1
	ExitFailed      = 2
	ExitInterrupted = 130
)

// ExitCode is 130 when interrupted, 2 when an instance failed, could not
// be planned or may have been changed, 1 when one was refused, else 0.
func (r *ApplyReport) ExitCode() int {
	switch {
	case r.Interrupted:
		return ExitInterrupted
	case r.Count(OutcomeFailed)+r.Count(OutcomeUnknown)+r.Count(OutcomeSkipped) > 0:
		return ExitFailed
	case r.Count(OutcomeRefused) > 0:
		return ExitRefused
	}
	for _, x := range r.Results {
		if x.Outcome == OutcomeSent && x.Detail != "" { // the wait failed
			return ExitFailed
		}
	}
	return ExitApplied
}

// ApplyOptions configure [Apply].
type ApplyOptions struct {
	// Concurrency is how many instances are changed at once. Default
	// DefaultConcurrency.
	Concurrency int
	// KeepGoing applies the other instances after a failure; without it
	// no instance is started after the first failure (refusals are not
	// failures).
	KeepGoing bool
	// Wait, WaitTimeout and PollInterval are deploy.Common's.
	Wait         bool
	WaitTimeout  time.Duration
	PollInterval time.Duration
	// BackupRoot receives the backups, in BackupRoot/<uuid>/. Default
	// deploy.DefaultBackupRoot().
	BackupRoot string
	// Check runs haproxy -c before a config is pushed (nil: the local
	// binary, as push does); SkipCheck skips it.
	Check     deploy.CheckFunc
	SkipCheck bool
	// Progress, if set, is called once per instance as it ends (from the
	// worker goroutines, one call at a time).
	Progress func(r InstanceResult, done, total int)
	// Now is the clock of the backup names; default time.Now.
	Now func() time.Time
	// Findings, if set, adjusts the lint findings as PlanOptions.Findings
	// does.
	Findings func([]finding.Finding) []finding.Finding
}

// Apply sends the changes of plan p to the instances of manifest m, on a
// bounded pool of workers, through deploy.Push and deploy.ApplyStrategies
// (lint, backup, send, optional wait). Before changing an instance it
// reads it again and refuses it, changing nothing there, when its state no
// longer has the plan's fingerprint, or when its file changed since the
// plan. The confirmation is the caller's: Apply sends without asking.
func Apply(ctx context.Context, m *Manifest, p *Plan, clients Clients, opts ApplyOptions) *ApplyReport {
	entries := map[string]Entry{}
	for _, e := range m.Instances {
		if _, dup := entries[e.UUID]; !dup {
			entries[e.UUID] = e
		}
	}
	rep := &ApplyReport{}
	var todo []int
	for _, ip := range p.Instances {
		switch {
		case ip.Changed():
			todo = append(todo, len(rep.Results))
			rep.Results = append(rep.Results, InstanceResult{UUID: ip.UUID, Name: ip.Name, File: ip.File, Change: ip.Change})
		case ip.Change == ChangeError:
			rep.Results = append(rep.Results, InstanceResult{UUID: ip.UUID, Name: ip.Name, File: ip.File, Change: ip.Change,
				Outcome: OutcomeSkipped, Detail: "not planned: " + ip.Error})
		}
	}
	byUUID := map[string]InstancePlan{}
	for _, ip := range p.Instances {
		byUUID[ip.UUID] = ip
	}
	var stop atomic.Bool
	var mu sync.Mutex
	done := 0
	forEach(ctx, len(todo), concurrency(opts.Concurrency), func(ctx context.Context, k int) {
		r := &rep.Results[todo[k]]
		switch {
		case ctx.Err() != nil:
			r.Outcome, r.Detail = OutcomeSkipped, "not started: interrupted; nothing was sent"
		case stop.Load():
			r.Outcome, r.Detail = OutcomeSkipped, "not started: an earlier instance failed (--keep-going applies the others); nothing was sent"
		default:
			applyOne(ctx, m, entries, byUUID[r.UUID], clients, opts, r)
			if (r.Outcome == OutcomeFailed || r.Outcome == OutcomeUnknown || r.Outcome == OutcomeSent && r.Detail != "") && !opts.KeepGoing {
				stop.Store(true)
			}
		}
		if opts.Progress != nil {
			mu.Lock()
			done++
			opts.Progress(*r, done, len(todo))
			mu.Unlock()
		}
	})
	rep.Interrupted = ctx.Err() != nil
	return rep
}

// applyOne changes one instance.
func applyOne(ctx context.Context, m *Manifest, entries map[string]Entry, ip InstancePlan, clients Clients, opts ApplyOptions, r *InstanceResult) {
	refuse := func(format string, args ...any) {
		r.Outcome, r.Detail = OutcomeRefused, fmt.Sprintf(format, args...)+"; nothing was sent"
	}
	e, ok := entries[ip.UUID]
	switch {
	case !ok:
		refuse("instance %s is not in the manifest any more", ip.UUID)
		return
	case e.File != ip.File || e.Mode != ip.Mode:
		refuse("the manifest's entry of instance %s changed since the plan (%s %s, planned %s %s): plan again", ip.UUID, e.Mode, e.File, ip.Mode, ip.File)
		return
	}
	d, err := readDesired(m, e)
	if err != nil {
		r.Outcome, r.Detail = OutcomeFailed, err.Error()+"; nothing was sent"
		return
	}
	if fp := d.fingerprint(); fp != ip.DesiredFingerprint {
		refuse("%s changed since the plan: plan again and review", e.File)
		return
	}
	api, err := clients(e.Endpoint)
	if err != nil {
		r.Outcome, r.Detail = OutcomeFailed, err.Error()+"; nothing was sent"
		return
	}
	l, err := readLive(ctx, api, e.UUID)
	if err != nil {
		r.Outcome, r.Detail = OutcomeFailed, err.Error()+"; nothing was sent"
		return
	}
	if fp := l.fingerprint(); fp != ip.LiveFingerprint {
		refuse("instance %s changed since the plan (it runs %s, fingerprint %s; the plan saw %s): someone changed it outside this review; plan again",
			e.UUID, l.mode, short(fp), short(ip.LiveFingerprint))
		return
	}

	root, err := backupRoot(opts.BackupRoot)
	if err != nil {
		r.Outcome, r.Detail = OutcomeFailed, err.Error()+"; nothing was sent"
		return
	}
	ui := &logUI{}
	common := deploy.Common{
		InstanceUuid: e.UUID, Yes: true, Wait: opts.Wait, WaitTimeout: opts.WaitTimeout, PollInterval: opts.PollInterval,
		BackupDir: filepath.Join(root, e.UUID), Now: opts.Now, Findings: opts.Findings,
	}
	var res *deploy.Result
	if e.Mode == ModeCustom {
		res, err = deploy.Push(ctx, api, ui, deploy.PushOptions{Common: common, File: d.name, Config: d.data, Check: opts.Check, SkipCheck: opts.SkipCheck})
	} else {
		res, err = deploy.ApplyStrategies(ctx, api, ui, deploy.StrategiesOptions{Common: common, Doc: d.doc}, nil)
	}
	r.Log = ui.lines()
	if res != nil {
		r.Sent, r.Backup = res.Sent, res.Backup
		if res.Instance.InstanceName != "" {
			r.Name = res.Instance.InstanceName
		}
	}
	switch {
	case err == nil && res != nil && !res.Changed:
		r.Outcome = OutcomeUnchanged
	case err == nil && res != nil && res.Applied:
		r.Outcome = OutcomeApplied
	case err == nil:
		r.Outcome = OutcomeSent
	case errors.Is(err, deploy.ErrRefused):
		r.Outcome, r.Detail = OutcomeRefused, err.Error()
	case r.Sent:
		r.Outcome, r.Detail = OutcomeSent, err.Error()
	case errors.Is(err, cdsapi.ErrOutcomeUnknown):
		r.Outcome, r.Detail = OutcomeUnknown, err.Error()
	default:
		r.Outcome, r.Detail = OutcomeFailed, err.Error()
	}
}

// backupRoot is s, or deploy's default root when s is "".
func backupRoot(s string) (string, error) {
	if s == "" {
		return deploy.DefaultBackupRoot()
	}
	return s, nil
}

// short abbreviates a fingerprint for messages.
func short(fp string) string {
	if len(fp) > 19 {
		return fp[:19]
	}
	return fp
}

// logUI is the deploy.UI of one instance of an apply: it keeps what the
// flow says. It never asks: apply confirms once for the whole run.
type logUI struct {
	mu  sync.Mutex
	log []string
}

func (u *logUI) add(s string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.log = append(u.log, strings.TrimRight(s, "\n"))
}

func (u *logUI) lines() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.log...)
}

func (u *logUI) Info(msg string) { u.add(msg) }
func (u *logUI) Findings(fs []finding.Finding) {
	for _, f := range fs {
		u.add(f.String())
	}
}
func (u *logUI) Diff(string) {} // the plan showed it
func (u *logUI) Confirm(context.Context, string) (bool, error) {
	return false, deploy.ErrNotInteractive
}
func (u *logUI) Progress(string, time.Duration) {}
func (u *logUI) EndProgress()                   {}
