package estate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/lbconf/lbconf/decompile"
	"github.com/lbconf/lbconf/deploy"
	lbdiff "github.com/lbconf/lbconf/diff"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg"
	"github.com/lbconf/lbconf/haproxycfg/version"
	"github.com/lbconf/lbconf/internal/atomicfile"
)

// DefaultConcurrency is how many instances are read or changed at once
// unless told otherwise; each has at most one request in flight.
const DefaultConcurrency = 8

// MaxConcurrency bounds the concurrency option.
const MaxConcurrency = 64

// Change says what a plan would do to an instance.
type Change string

// Changes.
const (
	// ChangeNone: the instance runs what its file says.
	ChangeNone Change = "none"
	// ChangeUpdate: same mode, different config or strategies.
	ChangeUpdate Change = "update"
	// ChangeModeSwitch: the instance would switch between basic and custom
	// mode.
	ChangeModeSwitch Change = "mode-switch"
	// ChangeError: the instance could not be planned (API error, a file
	// with errors, a name that does not match); apply leaves it alone.
	ChangeError Change = "error"
)

// PlanFormat is the version of the saved plan's layout.
const PlanFormat = 1

// Counts sums up a semantic diff.
type Counts struct {
	Added   int `json:"added"`
	Removed int `json:"removed"`
	Changed int `json:"changed"`
}

// InstancePlan is the plan of one instance.
type InstancePlan struct {
	UUID string `json:"uuid"`
	// Name is the instance's InstanceName as read.
	Name     string `json:"name,omitempty"`
	Endpoint string `json:"endpoint,omitempty"`
	// File is the desired state as the manifest names it.
	File string `json:"file"`
	// Mode is the mode the file asks for, LiveMode the one the instance
	// runs.
	Mode     Mode   `json:"mode"`
	LiveMode Mode   `json:"live_mode,omitempty"`
	Change   Change `json:"change"`
	Counts   Counts `json:"counts"`
	// Drift is set when a base revision was given: true when the instance
	// does not run what the file said at the base revision, i.e. it was
	// changed outside the repository.
	Drift *bool `json:"drift,omitempty"`
	// Semantic is the diff by meaning; Unified the line diff of configs.
	Semantic *lbdiff.Result `json:"semantic,omitempty"`
	Unified  string         `json:"unified,omitempty"`
	// Findings are the file's lint findings.
	Findings []finding.Finding `json:"findings,omitempty"`
	// LiveFingerprint and DesiredFingerprint identify the instance's state
	// and the file's at planning time; apply refuses an instance whose
	// state or file no longer matches.
	LiveFingerprint    string `json:"live_fingerprint,omitempty"`
	DesiredFingerprint string `json:"desired_fingerprint,omitempty"`
	// Error says why the instance could not be planned.
	Error string `json:"error,omitempty"`
}

// Summary counts the instances of a plan.
type Summary struct {
	Instances   int `json:"instances"`
	Unchanged   int `json:"unchanged"`
	Updates     int `json:"updates"`
	ModeSwitchs int `json:"mode_switches"`
	Drifted     int `json:"drifted"`
	Errors      int `json:"errors"`
}

// Plan is what would change on every instance of a manifest.
type Plan struct {
	Format int `json:"format"`
	// Config is the configuration file the manifest came from.
	Config string `json:"config"`
	// ManifestFindings are the manifest's problems.
	ManifestFindings []finding.Finding `json:"manifest_findings,omitempty"`
	Instances        []InstancePlan    `json:"instances"`
	Summary          Summary           `json:"summary"`
}

// Exit codes of plan, in the style of terraform plan --detailed-exitcode.
const (
	ExitNoChanges = 0
	ExitChanges   = 1
	ExitErrors    = 2
)

// ExitCode is 2 when anything could not be planned (or the manifest has
// errors), else 1 when something would change, else 0.
func (p *Plan) ExitCode() int {
	switch {
	case p.Summary.Errors > 0 || finding.HasErrors(p.ManifestFindings):
		return ExitErrors
	case p.Summary.Updates+p.Summary.ModeSwitchs > 0:
		return ExitChanges
	}
	return ExitNoChanges
}

// Changed reports whether apply would send something to the instance.
func (ip *InstancePlan) Changed() bool {
	return ip.Change == ChangeUpdate || ip.Change == ChangeModeSwitch
}

// PlanOptions configure [MakePlan].
type PlanOptions struct {
	// Concurrency is how many instances are read at once; each has one
	// request in flight at a time. Default DefaultConcurrency.
	Concurrency int
	// Base, if set, returns the content of an entry's file at the base
	// revision (the default branch), and false when the file did not exist
	// there; the plan then says for each instance whether it drifted.
	Base func(e Entry) ([]byte, bool, error)
	// Findings, if set, adjusts every file's lint findings before they are
	// judged: the configuration's rule disable and severity override.
	// Give apply the same (ApplyOptions.Findings), or it may refuse what
	// the plan accepted.
	Findings func([]finding.Finding) []finding.Finding
	// Target is the HAProxy version a file is linted for when its instance
	// could not be read (the configuration's target); default
	// version.DefaultTarget. An instance that was read is linted for
	// its own version, as apply does.
	Target string
}

// lint lints the desired state for target and adjusts the findings.
func (o *PlanOptions) lint(d *desired, target string) ([]finding.Finding, error) {
	fs, err := d.lint(target)
	if err != nil || o.Findings == nil {
		return fs, err
	}
	return o.Findings(fs), nil
}

func concurrency(n int) int {
	if n <= 0 {
		return DefaultConcurrency
	}
	return min(n, MaxConcurrency)
}

// MakePlan checks the manifest and compares every instance with its file,
// concurrently. Per-instance problems are in the instance's plan; they do
// not stop the others.
func MakePlan(ctx context.Context, m *Manifest, clients Clients, opts PlanOptions) *Plan {
	p := &Plan{Format: PlanFormat, Config: m.Path, ManifestFindings: Check(m)}
	p.Instances = make([]InstancePlan, len(m.Instances))
	seen := map[string]bool{}
	var todo []int
	for i, e := range m.Instances {
		p.Instances[i] = InstancePlan{UUID: e.UUID, Endpoint: e.Endpoint, File: e.File, Mode: e.Mode}
		if seen[e.UUID] {
			p.Instances[i].Change, p.Instances[i].Error = ChangeError, "listed twice in the manifest; only the first entry is planned"
			continue
		}
		seen[e.UUID] = true
		todo = append(todo, i)
	}
	forEach(ctx, len(todo), concurrency(opts.Concurrency), func(ctx context.Context, k int) {
		i := todo[k]
		planOne(ctx, m, m.Instances[i], clients, opts, &p.Instances[i])
	})
	p.summarise()
	return p
}

// forEach runs fn(0..n-1) on at most workers goroutines; once ctx ends, the
// indexes not started are still passed to fn, which sees ctx done.
func forEach(ctx context.Context, n, workers int, fn func(ctx context.Context, i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(ctx, i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

func (p *Plan) summarise() {
	s := Summary{Instances: len(p.Instances)}
	for _, ip := range p.Instances {
		switch ip.Change {
		case ChangeNone:
			s.Unchanged++
		case ChangeUpdate:
			s.Updates++
		case ChangeModeSwitch:
			s.ModeSwitchs++
		default:
			s.Errors++
		}
		if ip.Drift != nil && *ip.Drift {
			s.Drifted++
		}
	}
	p.Summary = s
}

// planOne fills in the plan of one instance.
func planOne(ctx context.Context, m *Manifest, e Entry, clients Clients, opts PlanOptions, ip *InstancePlan) {
	fail := func(err error) {
		ip.Change, ip.Error = ChangeError, err.Error()
	}
	d, err := readDesired(m, e)
	if err != nil {
		fail(err)
		return
	}
	ip.DesiredFingerprint = d.fingerprint()
	api, err := clients(e.Endpoint)
	if err != nil {
		fail(fmt.Errorf("instance %s: %w", e.UUID, err))
		return
	}
	if ctx.Err() != nil {
		fail(fmt.Errorf("not read: %w", ctx.Err()))
		return
	}
	l, err := readLive(ctx, api, e.UUID)
	if err != nil {
		// Lint the file all the same, for the configured target.
		target := opts.Target
		if target == "" {
			target = version.DefaultTarget
		}
		ip.Findings, _ = opts.lint(d, target)
		fail(err)
		return
	}
	ip.Name, ip.LiveMode, ip.LiveFingerprint = l.lb.InstanceName, l.mode, l.fingerprint()
	if e.Name != "" && l.lb.InstanceName != e.Name {
		fail(fmt.Errorf("instance %s is called %q, not %q as the manifest expects: is the UUID right?", e.UUID, l.lb.InstanceName, e.Name))
		return
	}
	target, _ := deploy.TargetFor(l.lb.Version)
	fs, err := opts.lint(d, target)
	if err != nil {
		fail(fmt.Errorf("linting %s: %w", e.File, err))
		return
	}
	ip.Findings = fs
	if finding.HasErrors(fs) {
		fail(fmt.Errorf("%s has errors for HAProxy %s (instance %s runs %q); lbconf lint %s shows them", e.File, target, e.UUID, l.lb.Version, e.File))
		return
	}
	if opts.Base != nil {
		drift, err := drifted(e, l, opts.Base)
		if err != nil {
			fail(err)
			return
		}
		ip.Drift = drift
	}
	switch {
	case l.mode != e.Mode:
		ip.Change = ChangeModeSwitch
	case ip.LiveFingerprint != ip.DesiredFingerprint:
		ip.Change = ChangeUpdate
	default:
		ip.Change = ChangeNone
		return
	}
	describe(e, l, d, ip)
}

// drifted compares the instance with the file at the base revision; nil
// when the file is new.
func drifted(e Entry, l *live, base func(Entry) ([]byte, bool, error)) (*bool, error) {
	data, ok, err := base(e)
	if err != nil {
		return nil, fmt.Errorf("reading %s at the base revision: %w", e.File, err)
	}
	if !ok {
		return nil, nil
	}
	b, err := parseDesired(e.File+" (base)", e.Mode, data)
	if err != nil {
		// The base version was broken; it cannot have been applied.
		t := true
		return &t, nil
	}
	v := b.fingerprint() != l.fingerprint()
	return &v, nil
}

// maskedSecret replaces passwords in plans, which never show them.
const maskedSecret = "<hidden>"

// describe fills in the diffs of a change.
func describe(e Entry, l *live, d *desired, ip *InstancePlan) {
	liveLabel := fmt.Sprintf("instance %s (%s)", e.UUID, l.mode)
	liveDoc, err := liveDocument(liveLabel, l)
	var want *lbdiff.Document
	if err == nil {
		want, err = lbdiff.Load(e.File, d.data, decompile.Options{})
	}
	if err == nil {
		ip.Semantic = lbdiff.Compare(liveDoc, want)
		ip.Semantic.MaskSecrets(maskedSecret) // plans go to pull requests and job summaries
		for _, c := range ip.Semantic.Changes {
			switch c.Op {
			case lbdiff.OpAdd:
				ip.Counts.Added++
			case lbdiff.OpRemove:
				ip.Counts.Removed++
			default:
				ip.Counts.Changed++
			}
		}
	}
	switch {
	case l.mode == ModeCustom && e.Mode == ModeCustom:
		// Passwords are masked: plans go to pull requests and job
		// summaries.
		ip.Unified = deploy.UnifiedDiff(liveLabel, e.File, haproxycfg.MaskSecretsAs(l.config, maskedSecret), haproxycfg.MaskSecretsAs(d.config, maskedSecret))
		if ip.Unified == "" && l.config != d.config {
			ip.Unified = fmt.Sprintf("--- %s\n+++ %s\n(the configs differ only in a password, which plans do not show)\n", liveLabel, e.File)
		}
	case l.mode == ModeBasic && e.Mode == ModeBasic && (ip.Semantic == nil || ip.Semantic.Same):
		// Same meaning, written differently: the data changes all the same.
		ip.Unified = deploy.JSONDiff(liveLabel, e.File, &l.listeners, &d.listeners)
	}
}

// liveDocument is the live state as a side of a semantic diff.
func liveDocument(label string, l *live) (*lbdiff.Document, error) {
	if l.mode == ModeCustom {
		return lbdiff.Load(label, []byte(l.config), decompile.Options{})
	}
	ls := l.listeners.Clone()
	return &lbdiff.Document{Name: label, Format: lbdiff.FormatDocument, Listeners: &ls}, nil
}

// SavePlan writes the plan as JSON to path, atomically, mode 0600.
func SavePlan(path string, p *Plan) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(b, '\n'), 0o600)
}

// ReadPlan reads a plan saved by [SavePlan].
func ReadPlan(path string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the plan: %w", err)
	}
	var p Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s is not a plan saved by lbconf plan --out: %w", path, err)
	}
	if p.Format != PlanFormat {
		return nil, fmt.Errorf("%s is a plan of format %d; this lbconf reads format %d: plan again", path, p.Format, PlanFormat)
	}
	for _, ip := range p.Instances {
		if ip.Changed() && (ip.LiveFingerprint == "" || ip.DesiredFingerprint == "") {
			return nil, errors.New(path + ": an instance to change has no fingerprint: plan again")
		}
	}
	return &p, nil
}
