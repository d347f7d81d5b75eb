package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	"github.com/lbconf/lbconf/cdsapi/fakecds/fakecdstest"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg/check"
	"github.com/lbconf/lbconf/model"
)

// recUI records what a flow says and answers questions with answer.
type recUI struct {
	mu       sync.Mutex
	infos    []string
	findings []finding.Finding
	diffs    []string
	asked    []string
	progress []string
	answer   func() (bool, error)
}

func (u *recUI) Info(msg string) { u.mu.Lock(); defer u.mu.Unlock(); u.infos = append(u.infos, msg) }
func (u *recUI) Findings(fs []finding.Finding) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.findings = append(u.findings, fs...)
}
func (u *recUI) Diff(text string) { u.mu.Lock(); defer u.mu.Unlock(); u.diffs = append(u.diffs, text) }
func (u *recUI) Confirm(ctx context.Context, q string) (bool, error) {
	u.mu.Lock()
	u.asked = append(u.asked, q)
	answer := u.answer
	u.mu.Unlock()
	if answer == nil {
		return false, ErrNotInteractive
	}
	return answer()
}
func (u *recUI) Progress(status string, elapsed time.Duration) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.progress = append(u.progress, status)
}
func (u *recUI) EndProgress() {}

func (u *recUI) said() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return strings.Join(u.infos, "\n")
}

const (
	customUUID = fakecdstest.CustomUUID
	basicUUID  = fakecdstest.BasicUUID
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	return fakecdstest.ReadTestdata(t, name)
}

func decodeTestdata(t *testing.T, name string) *model.Document {
	t.Helper()
	doc, err := model.Decode(name, readTestdata(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// env is the shared fake-API world (fakecdstest) with a client and a
// backup directory.
type env struct {
	srv       *fakecds.Server
	client    *cdsapi.Client
	config    string // customUUID's config
	listeners model.Listeners
	backups   string
}

func newEnv(t *testing.T, fo fakecds.Options, co cdsapi.Options) *env {
	t.Helper()
	w := fakecdstest.New(t, fo)
	return &env{srv: w.Server, client: w.Client(t, co), config: w.Config, listeners: w.Listeners, backups: t.TempDir()}
}

func (e *env) common(uuid string) Common {
	return Common{InstanceUuid: uuid, Yes: true, BackupDir: e.backups, PollInterval: MinPollInterval, WaitTimeout: 5 * time.Second}
}

// changedConfig is the documented config with one server weight changed.
func changedConfig(cfg string) string {
	return strings.Replace(cfg, "maxconn 2220 weight 1 check", "maxconn 2220 weight 5 check", 1)
}

// noCheck stands in for haproxy -c: it accepts everything.
func noCheck(context.Context, string, []byte, string) (*check.Result, error) {
	return &check.Result{Binary: "fake", Version: "0"}, nil
}

func backupFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestTargetFor(t *testing.T) {
	tests := []struct {
		in    string
		want  string
		known bool
	}{
		{"1.8.3", "1.8", true}, {"1.8", "1.8", true}, {"2.4", "2.4", true}, {"2.4.22", "2.4", true},
		{"2.6", "2.6", true}, {"2.8.1", "2.8", true}, {"3.0.5", "3.0", true}, {"haproxy 2.4.22-1", "2.4", true},
		{"", "2.4", false}, {"2.5", "2.4", false}, {"1.7.9", "2.4", false}, {"latest", "2.4", false},
	}
	for _, tt := range tests {
		got, known := TargetFor(tt.in)
		if got != tt.want || known != tt.known {
			t.Errorf("TargetFor(%q) = %q, %v; want %q, %v", tt.in, got, known, tt.want, tt.known)
		}
	}
}

func TestPush(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		uuid     string
		config   func(e *env) string
		opts     func(o *PushOptions)
		answer   func() (bool, error)
		check    CheckFunc
		refused  bool // err wraps ErrRefused
		wantErr  string
		sent     bool
		backup   bool
		mode     bool // mode switch
		diff     bool
		said     []string
		noChange bool
	}{
		{name: "change", uuid: customUUID, config: func(e *env) string { return changedConfig(e.config) },
			sent: true, backup: true, diff: true, said: []string{"backed up instance", "sent; task"}},
		{name: "no change", uuid: customUUID, config: func(e *env) string { return e.config + "\n\n" },
			noChange: true, said: []string{"no changes"}},
		{name: "basic to custom", uuid: basicUUID, config: func(e *env) string { return e.config },
			sent: true, backup: true, mode: true, diff: true,
			said: []string{"instance lb-basic-0002 (db) runs basic strategies; pushing a custom config switches it to custom mode; its strategies were backed up to"}},
		{name: "dry run", uuid: customUUID, config: func(e *env) string { return changedConfig(e.config) },
			opts: func(o *PushOptions) { o.DryRun = true }, backup: true, diff: true, said: []string{"dry run: nothing was sent"}},
		{name: "no terminal", uuid: customUUID, config: func(e *env) string { return changedConfig(e.config) },
			opts: func(o *PushOptions) { o.Yes = false }, refused: true, backup: true, diff: true, wantErr: "pass --yes"},
		{name: "answered no", uuid: customUUID, config: func(e *env) string { return changedConfig(e.config) },
			opts: func(o *PushOptions) { o.Yes = false }, answer: func() (bool, error) { return false, nil },
			refused: true, backup: true, diff: true, wantErr: "not confirmed"},
		{name: "answered yes", uuid: customUUID, config: func(e *env) string { return changedConfig(e.config) },
			opts: func(o *PushOptions) { o.Yes = false }, answer: func() (bool, error) { return true, nil },
			sent: true, backup: true, diff: true},
		{name: "lint error", uuid: customUUID, config: func(e *env) string { return e.config + "\nfrontend x\n    frobnicate on\n" },
			refused: true, wantErr: "has errors for HAProxy 2.4"},
		{name: "haproxy -c error", uuid: customUUID, config: func(e *env) string { return changedConfig(e.config) },
			check: func(ctx context.Context, file string, text []byte, target string) (*check.Result, error) {
				return &check.Result{ExitCode: 1, Findings: []finding.Finding{{File: file, Line: 3, Severity: finding.Error, Rule: check.Rule, Message: "boom"}},
					Notes: []check.Note{{Line: 4, Text: "stats socket x"}}}, nil
			},
			refused: true, wantErr: "has errors", said: []string{"haproxy -c (, ) rejects it", ":4: not checked by haproxy -c: stats socket x"}},
		{name: "no haproxy binary", uuid: customUUID, config: func(e *env) string { return changedConfig(e.config) },
			check: func(context.Context, string, []byte, string) (*check.Result, error) {
				return nil, fmt.Errorf("x: %w", check.ErrNoBinary)
			},
			sent: true, backup: true, diff: true, said: []string{"haproxy -c skipped"}},
		{name: "haproxy -c cannot run", uuid: customUUID, config: func(e *env) string { return changedConfig(e.config) },
			check: func(context.Context, string, []byte, string) (*check.Result, error) {
				return nil, errors.New("exec format error")
			},
			wantErr: "exec format error; nothing was sent (--no-check skips haproxy -c)"},
		{name: "empty config", uuid: customUUID, config: func(e *env) string { return "\n  \n" }, wantErr: "is empty"},
		{name: "unknown instance", uuid: "lb-nope", config: func(e *env) string { return e.config }, wantErr: "instance not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, fakecds.Options{}, cdsapi.Options{})
			ui := &recUI{answer: tt.answer}
			opts := PushOptions{Common: e.common(tt.uuid), File: "new.cfg", Config: []byte(tt.config(e)), Check: noCheck}
			if tt.check != nil {
				opts.Check = tt.check
			}
			if tt.opts != nil {
				tt.opts(&opts)
			}
			before, _ := e.srv.CustomConfig(tt.uuid)
			beforeStrategies, _ := e.srv.Strategies(tt.uuid)
			res, err := Push(ctx, e.client, ui, opts)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("err = %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if got := errors.Is(err, ErrRefused); got != tt.refused {
				t.Errorf("refused = %v, want %v (%v)", got, tt.refused, err)
			}
			posts := e.srv.RequestsFor(cdsapi.ActionModifyHaproxyCustomConfig)
			if sent := len(posts) > 0; sent != tt.sent || res.Sent != tt.sent {
				t.Errorf("sent %d requests, Result.Sent %v; want %v", len(posts), res.Sent, tt.sent)
			}
			if tt.sent {
				got, _ := e.srv.CustomConfig(tt.uuid)
				inst, _ := e.srv.Instance(tt.uuid)
				if got != tt.config(e) || inst.IsCustomConf != 1 {
					t.Errorf("instance has config %q (custom %d)", got[:min(40, len(got))], inst.IsCustomConf)
				}
			}
			files := backupFiles(t, e.backups)
			if tt.backup {
				if len(files) != 2 || res.Backup.Config == "" || res.Backup.Strategies == "" {
					t.Fatalf("backups %v, %+v", files, res.Backup)
				}
				checkBackup(t, res.Backup, before, beforeStrategies)
			} else if len(files) != 0 {
				t.Errorf("backups written: %v", files)
			}
			if res.ModeSwitch != tt.mode {
				t.Errorf("ModeSwitch = %v", res.ModeSwitch)
			}
			if (len(ui.diffs) > 0) != tt.diff {
				t.Errorf("diffs %q", ui.diffs)
			}
			if tt.noChange == res.Changed && tt.wantErr == "" && !tt.refused {
				t.Errorf("Changed = %v", res.Changed)
			}
			for _, s := range tt.said {
				if !strings.Contains(ui.said(), s) {
					t.Errorf("UI was not told %q:\n%s", s, ui.said())
				}
			}
		})
	}
}

// checkBackup compares backup files with what the instance had.
func checkBackup(t *testing.T, b Backup, config string, strategies model.Listeners) {
	t.Helper()
	for _, p := range []string{b.Config, b.Strategies} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", p, fi.Mode().Perm())
		}
	}
	got, _ := os.ReadFile(b.Config)
	if string(got) != config {
		t.Errorf("config backup %s differs from the instance's config", b.Config)
	}
	if !strings.HasSuffix(b.Config, "-custom.cfg") || !strings.HasSuffix(b.Strategies, "-strategies.json") {
		t.Errorf("backup names %s %s", b.Config, b.Strategies)
	}
	data, _ := os.ReadFile(b.Strategies)
	var l model.Listeners
	if err := json.Unmarshal(data, &l); err != nil {
		t.Fatalf("strategies backup: %v\n%s", err, data)
	}
	l.Normalize()
	strategies.Normalize()
	if !sameListeners(&l, &strategies) {
		t.Errorf("strategies backup differs:\n%s", data)
	}
}

func TestPushReal2_6Target(t *testing.T) {
	// An instance that reports 2.6 gets the documented config refused for
	// nbproc by the linter, before anything is read or sent.
	e := newEnv(t, fakecds.Options{}, cdsapi.Options{})
	e.srv.AddInstance(fakecds.Instance{InstanceUuid: "lb-26", Version: "2.6.12", IsCustomConf: 1}, model.Listeners{}, "")
	ui := &recUI{}
	_, err := Push(context.Background(), e.client, ui, PushOptions{Common: e.common("lb-26"), File: "x.cfg", Config: []byte(e.config), Check: noCheck})
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("err = %v", err)
	}
	if len(e.srv.RequestsFor(cdsapi.ActionDescribeHaproxyCustomConfig)) != 0 {
		t.Error("pulled although lint refused")
	}
	found := false
	for _, f := range ui.findings {
		found = found || f.Line == 10 && f.Severity == finding.Error
	}
	if !found {
		t.Errorf("no error on line 10 (nbproc): %v", ui.findings)
	}
}

func TestPushUnknownVersion(t *testing.T) {
	e := newEnv(t, fakecds.Options{}, cdsapi.Options{})
	e.srv.AddInstance(fakecds.Instance{InstanceUuid: "lb-x", Version: "", IsCustomConf: 1}, model.Listeners{}, e.config)
	ui := &recUI{}
	res, err := Push(context.Background(), e.client, ui, PushOptions{Common: e.common("lb-x"), File: "x.cfg", Config: []byte(e.config), Check: noCheck})
	if err != nil || res.Target != "2.4" || !strings.Contains(ui.said(), `reports HAProxy version "", which lbconf does not know; checking for 2.4`) {
		t.Errorf("err %v, target %q, said %s", err, res.Target, ui.said())
	}
}

// TestPushFaults injects every fault of the fake into the change and
// checks the message, that the backup stays, and what the instance has.
func TestPushFaults(t *testing.T) {
	tests := []struct {
		name    string
		fault   fakecds.Fault
		applied bool
		want    []string
		notWant string
	}{
		{"internal error", fakecds.Fault{Kind: fakecds.FaultInternalError}, false,
			[]string{"InternalError", "most likely not applied", "lbconf pull --instance " + customUUID}, ""},
		{"resource in use", fakecds.Fault{Kind: fakecds.FaultResourceInUse}, false,
			[]string{"ResourceInUse", "busy with another task", "not applied"}, "may have been applied"},
		{"malformed JSON", fakecds.Fault{Kind: fakecds.FaultMalformedJSON}, false,
			[]string{"malformed", "may have been applied", "lbconf pull --instance " + customUUID}, ""},
		{"cut connection", fakecds.Fault{Kind: fakecds.FaultCutConnection}, false,
			[]string{"may have been applied", "lbconf pull --instance " + customUUID}, ""},
		{"cut after apply", fakecds.Fault{Kind: fakecds.FaultCutAfterApply}, true,
			[]string{"may have been applied", "lbconf pull --instance " + customUUID}, ""},
		{"slow", fakecds.Fault{Kind: fakecds.FaultSlow, Delay: 2 * time.Second}, true,
			[]string{"no answer within", "may have been applied"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, fakecds.Options{}, cdsapi.Options{Timeout: 300 * time.Millisecond})
			e.srv.InjectFault(cdsapi.ActionModifyHaproxyCustomConfig, tt.fault)
			ui := &recUI{}
			newConfig := changedConfig(e.config)
			res, err := Push(context.Background(), e.client, ui, PushOptions{Common: e.common(customUUID), File: "new.cfg", Config: []byte(newConfig), Check: noCheck})
			if err == nil || errors.Is(err, ErrRefused) {
				t.Fatalf("err = %v", err)
			}
			msg := err.Error()
			for _, s := range append(tt.want, res.Backup.Config, res.Backup.Strategies) {
				if !strings.Contains(msg, s) {
					t.Errorf("error lacks %q:\n%s", s, msg)
				}
			}
			if tt.notWant != "" && strings.Contains(msg, tt.notWant) {
				t.Errorf("error says %q:\n%s", tt.notWant, msg)
			}
			if n := len(e.srv.RequestsFor(cdsapi.ActionModifyHaproxyCustomConfig)); n != 1 {
				t.Errorf("%d POSTs, want exactly 1", n)
			}
			checkBackup(t, res.Backup, e.config, model.Listeners{})
			// The slow fault applies once its delay is over.
			deadline := time.Now().Add(3 * time.Second)
			for {
				got, _ := e.srv.CustomConfig(customUUID)
				if (got == newConfig) == tt.applied {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("applied = %v, want %v", got == newConfig, tt.applied)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

func TestPushInterrupted(t *testing.T) {
	e := newEnv(t, fakecds.Options{}, cdsapi.Options{})
	e.srv.InjectFault(cdsapi.ActionModifyHaproxyCustomConfig, fakecds.Fault{Kind: fakecds.FaultSlow, Delay: time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		// Cancel once the POST has arrived, as Ctrl-C would.
		for i := 0; i < 200 && len(e.srv.RequestsFor(cdsapi.ActionModifyHaproxyCustomConfig)) == 0; i++ {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	res, err := Push(ctx, e.client, &recUI{}, PushOptions{Common: e.common(customUUID), File: "new.cfg", Config: []byte(changedConfig(e.config)), Check: noCheck})
	if err == nil || !strings.Contains(err.Error(), "may have been applied") || !strings.Contains(err.Error(), res.Backup.Config) {
		t.Fatalf("err = %v", err)
	}
}

func TestPushInterruptedWhileAsking(t *testing.T) {
	e := newEnv(t, fakecds.Options{}, cdsapi.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	ui := &recUI{answer: func() (bool, error) { cancel(); return false, context.Canceled }}
	opts := PushOptions{Common: e.common(customUUID), File: "new.cfg", Config: []byte(changedConfig(e.config)), Check: noCheck}
	opts.Yes = false
	_, err := Push(ctx, e.client, ui, opts)
	if err == nil || !strings.Contains(err.Error(), "interrupted before sending") || errors.Is(err, ErrRefused) {
		t.Fatalf("err = %v", err)
	}
	if len(e.srv.RequestsFor(cdsapi.ActionModifyHaproxyCustomConfig)) != 0 {
		t.Error("sent")
	}
}

func TestPushBackupFails(t *testing.T) {
	e := newEnv(t, fakecds.Options{}, cdsapi.Options{})
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	opts := PushOptions{Common: e.common(customUUID), File: "new.cfg", Config: []byte(changedConfig(e.config)), Check: noCheck}
	opts.BackupDir = filepath.Join(blocker, "sub")
	_, err := Push(context.Background(), e.client, &recUI{}, opts)
	if err == nil || !strings.Contains(err.Error(), "nothing was sent") {
		t.Fatalf("err = %v", err)
	}
	if len(e.srv.RequestsFor(cdsapi.ActionModifyHaproxyCustomConfig)) != 0 {
		t.Error("sent although the backup failed")
	}
}

func TestPushWait(t *testing.T) {
	t.Run("applied", func(t *testing.T) {
		e := newEnv(t, fakecds.Options{TaskDescribes: 3}, cdsapi.Options{})
		ui := &recUI{}
		opts := PushOptions{Common: e.common(customUUID), File: "new.cfg", Config: []byte(changedConfig(e.config)), Check: noCheck}
		opts.Wait = true
		res, err := Push(context.Background(), e.client, ui, opts)
		if err != nil || !res.Applied {
			t.Fatalf("err %v, applied %v", err, res.Applied)
		}
		if len(ui.progress) < 3 || !strings.Contains(ui.progress[0], "CHANGING") {
			t.Errorf("progress %q", ui.progress)
		}
		if !strings.Contains(ui.said(), "is RUNNING with what was sent") {
			t.Errorf("said %s", ui.said())
		}
	})
	t.Run("timeout", func(t *testing.T) {
		e := newEnv(t, fakecds.Options{TaskDuration: time.Hour}, cdsapi.Options{})
		opts := PushOptions{Common: e.common(customUUID), File: "new.cfg", Config: []byte(changedConfig(e.config)), Check: noCheck}
		opts.Wait, opts.WaitTimeout = true, 400*time.Millisecond
		start := time.Now()
		res, err := Push(context.Background(), e.client, &recUI{}, opts)
		if !errors.Is(err, ErrWaitTimeout) || res.Applied || !res.Sent {
			t.Fatalf("err %v, %+v", err, res)
		}
		for _, s := range []string{"CHANGING", "was accepted", "lbconf pull", res.Backup.Config} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("error lacks %q: %v", s, err)
			}
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("took %s", d)
		}
	})
	t.Run("polls fail", func(t *testing.T) {
		e := newEnv(t, fakecds.Options{}, cdsapi.Options{MaxAttempts: 1})
		api := &flakyAPI{API: e.client, failPolls: 2}
		opts := PushOptions{Common: e.common(customUUID), File: "new.cfg", Config: []byte(changedConfig(e.config)), Check: noCheck}
		opts.Wait = true
		ui := &recUI{}
		res, err := Push(context.Background(), api, ui, opts)
		if err != nil || !res.Applied {
			t.Fatalf("err %v, %+v", err, res)
		}
		if len(ui.progress) < 2 || !strings.Contains(ui.progress[0], "last poll failed: injected poll failure") {
			t.Errorf("progress %q", ui.progress)
		}
	})
}

// flakyAPI fails the first failPolls DescribeLoadBalancer calls after a
// change was sent.
type flakyAPI struct {
	API
	mu        sync.Mutex
	sent      bool
	failPolls int
}

func (f *flakyAPI) ModifyHaproxyCustomConfig(ctx context.Context, uuid, cfg string) (cdsapi.TaskResult, error) {
	f.mu.Lock()
	f.sent = true
	f.mu.Unlock()
	return f.API.ModifyHaproxyCustomConfig(ctx, uuid, cfg)
}

func (f *flakyAPI) DescribeLoadBalancer(ctx context.Context, uuid string) (cdsapi.LoadBalancer, error) {
	f.mu.Lock()
	fail := f.sent && f.failPolls > 0
	if fail {
		f.failPolls--
	}
	f.mu.Unlock()
	if fail {
		return cdsapi.LoadBalancer{}, errors.New("injected poll failure")
	}
	return f.API.DescribeLoadBalancer(ctx, uuid)
}

func TestStrategies(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		uuid    string
		file    string
		add     bool
		opts    func(o *StrategiesOptions)
		refused bool
		wantErr string
		action  string // the POST expected, if any
		mode    bool
		backup  bool
		said    []string
		want    func(e *env) model.Listeners
	}{
		{name: "apply no change", uuid: basicUUID, file: "listeners.json", said: []string{"no changes"}},
		{name: "apply replaces", uuid: basicUUID, file: "more.json", action: cdsapi.ActionModifyLoadBalancerStrategys, backup: true,
			want: func(e *env) model.Listeners { return decodeTestdata(t, "more.json").Listeners }},
		{name: "add appends", uuid: basicUUID, file: "more.json", add: true, action: cdsapi.ActionAddLoadBalancerStrategys, backup: true,
			want: func(e *env) model.Listeners {
				l := e.listeners
				l.HttpListeners = append(append([]model.HttpListener{}, l.HttpListeners...), decodeTestdata(t, "more.json").Listeners.HttpListeners...)
				return l
			}},
		{name: "add conflicts", uuid: basicUUID, file: "listeners.json", add: true, refused: true,
			wantErr: "listener web already exists; port 8080 of listener web is already used by listener web; listener db already exists"},
		{name: "apply to custom switches mode", uuid: customUUID, file: "listeners.json", action: cdsapi.ActionModifyLoadBalancerStrategys,
			backup: true, mode: true,
			said: []string{"instance lb-custom-0001 (web) runs a custom config; applying strategies switches it to basic mode; its custom config was backed up to"}},
		{name: "add to custom switches mode", uuid: customUUID, file: "more.json", add: true, action: cdsapi.ActionAddLoadBalancerStrategys,
			backup: true, mode: true, said: []string{"adding strategies switches it to basic mode"}},
		{name: "invalid", uuid: basicUUID, file: "reserved-port.json", refused: true, wantErr: "has errors"},
		{name: "dry run", uuid: basicUUID, file: "more.json", opts: func(o *StrategiesOptions) { o.DryRun = true }, backup: true,
			said: []string{"dry run"}},
		{name: "no terminal", uuid: basicUUID, file: "more.json", opts: func(o *StrategiesOptions) { o.Yes = false }, backup: true,
			refused: true, wantErr: "pass --yes to apply"},
		{name: "wait", uuid: customUUID, file: "listeners.json", opts: func(o *StrategiesOptions) { o.Wait = true },
			action: cdsapi.ActionModifyLoadBalancerStrategys, backup: true, mode: true, said: []string{"is RUNNING with what was sent"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, fakecds.Options{TaskDescribes: 1}, cdsapi.Options{})
			ui := &recUI{}
			opts := StrategiesOptions{Common: e.common(tt.uuid), Doc: decodeTestdata(t, tt.file)}
			if tt.opts != nil {
				tt.opts(&opts)
			}
			flow := ApplyStrategies
			if tt.add {
				flow = AddStrategies
			}
			beforeConfig, _ := e.srv.CustomConfig(tt.uuid)
			beforeStrategies, _ := e.srv.Strategies(tt.uuid)
			res, err := flow(ctx, e.client, ui, opts, nil)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("err = %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if errors.Is(err, ErrRefused) != tt.refused {
				t.Errorf("refused: %v", err)
			}
			for _, a := range []string{cdsapi.ActionModifyLoadBalancerStrategys, cdsapi.ActionAddLoadBalancerStrategys, cdsapi.ActionModifyHaproxyCustomConfig} {
				n := len(e.srv.RequestsFor(a))
				if (a == tt.action) != (n == 1) || n > 1 {
					t.Errorf("%d %s requests", n, a)
				}
			}
			if tt.backup {
				checkBackup(t, res.Backup, beforeConfig, beforeStrategies)
				if len(ui.diffs) != 1 || !strings.Contains(ui.diffs[0], "+++ "+tt.file) {
					t.Errorf("diff %q", ui.diffs)
				}
			} else if files := backupFiles(t, e.backups); len(files) != 0 {
				t.Errorf("backups %v", files)
			}
			if res.ModeSwitch != tt.mode {
				t.Errorf("ModeSwitch %v", res.ModeSwitch)
			}
			if tt.want != nil {
				got, _ := e.srv.Strategies(tt.uuid)
				want := tt.want(e)
				got.Normalize()
				want.Normalize()
				if !sameListeners(&got, &want) {
					t.Errorf("instance has\n%s\nwant\n%s", model.MarshalIndent(&got), model.MarshalIndent(&want))
				}
			}
			for _, s := range tt.said {
				if !strings.Contains(ui.said(), s) {
					t.Errorf("UI was not told %q:\n%s", s, ui.said())
				}
			}
		})
	}
}

func TestSemanticDiff(t *testing.T) {
	base := decodeTestdata(t, "listeners.json").Listeners
	base.Normalize()
	weight := base.Clone()
	weight.HttpListeners[0].BackendServer[0].Weight = "50"
	if d := SemanticDiff("a", "b", &base, &weight); !strings.Contains(d, "~ HTTP listener web") || !strings.Contains(d, "Weight: 10 -> 50") {
		t.Errorf("diff %q", d)
	}
	ms := base.Clone()
	ms.HttpListeners[0].ClientTimeout, ms.HttpListeners[0].ClientTimeoutUnit = "30000", "ms"
	if d := SemanticDiff("a", "b", &base, &ms); !strings.HasPrefix(d, "the same listeners by meaning, written differently:") || !strings.Contains(d, `+      "ClientTimeout": "30000",`) {
		t.Errorf("diff %q", d)
	}
	if d := SemanticDiff("a", "b", &base, &base); d != "" {
		t.Errorf("diff of equal listeners %q", d)
	}
}

func TestStrategiesRequestForAnotherInstance(t *testing.T) {
	e := newEnv(t, fakecds.Options{}, cdsapi.Options{})
	doc, err := model.Decode("body.json", []byte(`{"InstanceUuid": "lb-other", "HttpListeners": [], "TcpListeners": []}`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ApplyStrategies(context.Background(), e.client, &recUI{}, StrategiesOptions{Common: e.common(basicUUID), Doc: doc}, nil)
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "request body for instance lb-other") {
		t.Errorf("err = %v", err)
	}
}

func TestPull(t *testing.T) {
	e := newEnv(t, fakecds.Options{}, cdsapi.Options{})
	ctx := context.Background()
	p, err := PullConfig(ctx, e.client, customUUID)
	if err != nil || p.Config != e.config || p.Inactive {
		t.Errorf("PullConfig custom: %v %v", err, p)
	}
	p, err = PullConfig(ctx, e.client, basicUUID)
	if err != nil || !p.Inactive {
		t.Errorf("PullConfig basic: %v %v", err, p)
	}
	p, err = PullStrategies(ctx, e.client, basicUUID)
	want := e.listeners
	want.Normalize()
	if err != nil || p.Inactive || !sameListeners(&p.Listeners, &want) {
		t.Errorf("PullStrategies basic: %v %+v", err, p)
	}
	p, err = PullStrategies(ctx, e.client, customUUID)
	if err != nil || !p.Inactive {
		t.Errorf("PullStrategies custom: %v %v", err, p)
	}
	if _, err := PullConfig(ctx, e.client, "lb-nope"); !errors.Is(err, cdsapi.ErrInstanceNotFound) {
		t.Errorf("unknown instance: %v", err)
	}
}

func TestDecodeStrategiesLenient(t *testing.T) {
	raw := json.RawMessage(`{"HttpListeners": [], "TcpListeners": [{"ListenerName": "db", "ListenerPort": 3306, "ListenerMode": "tcp",
		"MaxConn": 10, "ClientTimeout": 60, "ClientTimeoutUnit": "s", "ConnectTimeout": "5", "ConnectTimeoutUnit": "s",
		"ServerTimeout": "60", "ServerTimeoutUnit": "s", "Scheduler": "leastconn", "ListenerId": "x",
		"BackendServer": [{"IP": "10.0.0.1", "Port": 1, "Weight": 3, "MaxConn": 1}]}]}`)
	l, fs, err := decodeStrategies("lb", raw)
	if err != nil {
		t.Fatal(err)
	}
	if l.TcpListeners[0].ClientTimeout != "60" || l.TcpListeners[0].BackendServer[0].Weight != "3" || l.TcpListeners[0].EnableSourceIp != "off" {
		t.Errorf("%+v", l.TcpListeners[0])
	}
	if len(fs) == 0 {
		t.Error("no findings for ListenerId and the numbers")
	}
	if _, _, err := decodeStrategies("lb", json.RawMessage(`{"HttpListeners": [{"ListenerPort": "x"}]}`)); err == nil {
		t.Error("no error for a bad port")
	}
}

func TestWriteBackupNames(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	now := time.Date(2025, 3, 4, 5, 6, 7, 8e6, time.UTC)
	b1, err := writeBackup(dir, "lb/1", now, "cfg", json.RawMessage(`{"HttpListeners":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	b2, err := writeBackup(dir, "lb/1", now, "cfg2", json.RawMessage(`not json`))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(b1.Config) != "lb_1-20250304T050607.008Z-custom.cfg" || filepath.Base(b2.Config) != "lb_1-20250304T050607.008Z-2-custom.cfg" {
		t.Errorf("names %s %s", b1.Config, b2.Config)
	}
	fi, _ := os.Stat(dir)
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v", fi.Mode())
	}
	got, _ := os.ReadFile(b1.Strategies)
	if string(got) != "{\n  \"HttpListeners\": []\n}\n" {
		t.Errorf("strategies backup %q", got)
	}
	got, _ = os.ReadFile(b2.Strategies)
	if string(got) != "not json\n" {
		t.Errorf("raw kept: %q", got)
	}
}

func TestSameConfig(t *testing.T) {
	if !sameConfig("a\nb\n", "a\r\nb\n\n\n") || sameConfig("a\nb", "a\n b") || sameConfig("a", "b") {
		t.Error("sameConfig")
	}
	if UnifiedDiff("x", "y", "a\n", "a\n") != "" {
		t.Error("diff of equal texts")
	}
	d := UnifiedDiff("old", "new", "a\nb\nc\n", "a\nB\nc\n")
	if !strings.Contains(d, "--- old\n+++ new\n") || !strings.Contains(d, "-b\n+B\n") {
		t.Errorf("diff %q", d)
	}
}

func TestDefaultBackupRoot(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, tt := range []struct{ xdg, want string }{
		{"/state", "/state/lbconf/backups"},
		{"relative/state", filepath.Join(home, ".local", "state", "lbconf", "backups")}, // XDG: only absolute paths count
		{"", filepath.Join(home, ".local", "state", "lbconf", "backups")},
	} {
		t.Setenv("XDG_STATE_HOME", tt.xdg)
		if got, err := DefaultBackupRoot(); err != nil || got != tt.want {
			t.Errorf("XDG_STATE_HOME=%q: %q %v, want %q", tt.xdg, got, err, tt.want)
		}
	}
	if dir, err := DefaultBackupDir("a/../b"); err != nil || dir != filepath.Join(home, ".local", "state", "lbconf", "backups", "a_.._b") {
		t.Errorf("DefaultBackupDir: %q %v", dir, err)
	}
	t.Setenv("HOME", "")
	if _, err := writeBackup("", "u", time.Now(), "", nil); err == nil || !strings.Contains(err.Error(), "backup") {
		t.Errorf("no home, no backup dir: %v", err)
	}
}

// TestWriteBackupConcurrent: pushes in the same millisecond never
// overwrite each other's backups (issue 12: 90 concurrent dry runs left
// 163 files for 180 backups).
func TestWriteBackupConcurrent(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2025, 3, 4, 5, 6, 7, 8e6, time.UTC)
	const n = 90
	backups := make([]Backup, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			backups[i], errs[i] = writeBackup(dir, "lb-1", now, fmt.Sprintf("config %d\n", i), json.RawMessage(fmt.Sprintf(`{"n": %d}`, i)))
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("backup %d: %v", i, errs[i])
		}
		got, err := os.ReadFile(backups[i].Config)
		if err != nil || string(got) != fmt.Sprintf("config %d\n", i) {
			t.Errorf("backup %d at %s holds %q (%v): overwritten", i, backups[i].Config, got, err)
		}
		got, err = os.ReadFile(backups[i].Strategies)
		if err != nil || string(got) != fmt.Sprintf("{\n  \"n\": %d\n}\n", i) {
			t.Errorf("strategies backup %d at %s holds %q (%v): overwritten", i, backups[i].Strategies, got, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2*n {
		t.Errorf("%d files for %d backups", len(entries), 2*n)
	}
}
