package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	"github.com/lbconf/lbconf/haproxycfg"
	"github.com/lbconf/lbconf/internal/haproxytest"
)

// changed is the documented config with one server weight changed.
func changed(cfg string) string {
	return strings.Replace(cfg, "maxconn 2220 weight 1 check", "maxconn 2220 weight 5 check", 1)
}

func TestPushCommand(t *testing.T) {
	type want struct {
		code    int
		sent    bool     // the instance has the new config
		backups int      // files in the backup directory
		stdout  []string // substrings
		stderr  []string
	}
	type pushCase struct {
		name   string
		fake   fakecds.Options
		uuid   string
		config func(e *cliEnv) string
		args   []string
		stdin  string
		fault  *fakecds.Fault
		want   want
	}
	tests := []pushCase{
		{name: "push", uuid: customUUID, config: func(e *cliEnv) string { return changed(e.config) }, args: []string{"--yes"},
			want: want{code: 0, sent: true, backups: 2,
				stdout: []string{"--- instance lb-custom-0001 (custom config)", "+++ ", "-    server s10.240.104.24:80 10.240.104.24:80 maxconn 2220 weight 1 check",
					"+    server s10.240.104.24:80 10.240.104.24:80 maxconn 2220 weight 5 check"},
				stderr: []string{"backed up instance lb-custom-0001: custom config to ", "sent; task "}}},
		{name: "no changes", uuid: customUUID, config: func(e *cliEnv) string { return e.config }, args: []string{"--yes"},
			want: want{code: 0, stderr: []string{"no changes: instance lb-custom-0001 already runs"}}},
		{name: "dry run", uuid: customUUID, config: func(e *cliEnv) string { return changed(e.config) }, args: []string{"--dry-run"},
			want: want{code: 0, backups: 2, stdout: []string{"+    server"}, stderr: []string{"dry run: nothing was sent"}}},
		{name: "no --yes on a pipe", uuid: customUUID, config: func(e *cliEnv) string { return changed(e.config) },
			want: want{code: 3, backups: 2, stdout: []string{"+    server"}, stderr: []string{"standard input is not a terminal", "pass --yes", "nothing was sent", "the only backup is the one taken before asking"}}},
		{name: "lint refuses", uuid: customUUID, config: func(e *cliEnv) string { return e.config + "\nbackend x\n    frobnicate on\n" },
			args: []string{"--yes"},
			want: want{code: 1, stderr: []string{"error cfg-unknown-directive", "has errors for HAProxy 2.4", "nothing was sent"}}},
		{name: "lint refuses for the instance's version", uuid: "lb-26", config: func(e *cliEnv) string { return e.config }, args: []string{"--yes"},
			want: want{code: 1, stderr: []string{":10:", "nbproc", "has errors for HAProxy 2.6"}}},
		{name: "basic to custom", uuid: basicUUID, config: func(e *cliEnv) string { return e.config }, args: []string{"--yes"},
			want: want{code: 0, sent: true, backups: 2, stderr: []string{
				"instance lb-basic-0002 (db) runs basic strategies; pushing a custom config switches it to custom mode; its strategies were backed up to " +
					"BACKUPS/lb-basic-0002-"}}},
		{name: "stdin", uuid: customUUID, config: func(e *cliEnv) string { return "" }, stdin: "STDIN", args: []string{"--yes"},
			want: want{code: 0, sent: true, backups: 2, stdout: []string{"+++ -"}}},
		{name: "wait", fake: fakecds.Options{TaskDescribes: 3}, uuid: customUUID, config: func(e *cliEnv) string { return changed(e.config) },
			args: []string{"--yes", "--wait", "--wait-interval", "100ms"},
			want: want{code: 0, sent: true, backups: 2, stderr: []string{"instance lb-custom-0001: CHANGING (", "is RUNNING with what was sent"}}},
		{name: "wait times out", fake: fakecds.Options{TaskDuration: time.Hour}, uuid: customUUID, config: func(e *cliEnv) string { return changed(e.config) },
			args: []string{"--yes", "--wait", "--wait-interval", "100ms", "--wait-timeout", "400ms"},
			want: want{code: 2, sent: true, backups: 2, stderr: []string{"timed out waiting", "did not read back what was sent within 400ms", "last seen: CHANGING",
				"the change was accepted", "lbconf pull --instance lb-custom-0001", "your backup is at BACKUPS/"}}},
		{name: "busy instance", fake: fakecds.Options{TaskDuration: time.Hour}, uuid: "lb-busy", config: func(e *cliEnv) string { return changed(e.config) },
			args: []string{"--yes"},
			want: want{code: 2, backups: 2, stderr: []string{"is CHANGING, not RUNNING", "ResourceInUse", "not applied", "your backup is at"}}},
	}
	faults := []struct {
		name    string
		fault   fakecds.Fault
		applied bool
		stderr  []string
	}{
		{"500", fakecds.Fault{Kind: fakecds.FaultInternalError}, false, []string{"InternalError", "(HTTP 500", "most likely not applied", "lbconf pull --instance lb-custom-0001"}},
		{"409", fakecds.Fault{Kind: fakecds.FaultResourceInUse}, false, []string{"ResourceInUse", "(HTTP 409", "busy with another task", "not applied"}},
		{"slow", fakecds.Fault{Kind: fakecds.FaultSlow, Delay: 2 * time.Second}, true, []string{"no answer within 300ms", "may have been applied", "lbconf pull --instance lb-custom-0001"}},
		{"malformed JSON", fakecds.Fault{Kind: fakecds.FaultMalformedJSON}, false, []string{"malformed response", "may have been applied"}},
		{"cut connection", fakecds.Fault{Kind: fakecds.FaultCutConnection}, false, []string{"connection was closed", "may have been applied"}},
		{"cut after apply", fakecds.Fault{Kind: fakecds.FaultCutAfterApply}, true, []string{"connection was closed", "may have been applied"}},
	}
	for _, f := range faults {
		f := f
		tests = append(tests, pushCase{name: "fault " + f.name, uuid: customUUID, config: func(e *cliEnv) string { return changed(e.config) },
			args: []string{"--yes", "--timeout", "300ms"}, fault: &f.fault,
			want: want{code: 2, sent: f.applied, backups: 2, stderr: append(f.stderr, "your backup is at BACKUPS/")}})
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCLIEnv(t, tt.fake)
			e.srv.AddInstance(fakecds.Instance{InstanceUuid: "lb-26", Version: "2.6.12", IsCustomConf: 1}, modelListeners(), "")
			if tt.fake.TaskDuration > 0 {
				// Make lb-busy busy: a change starts its task.
				e.srv.AddInstance(fakecds.Instance{InstanceUuid: "lb-busy", Version: "2.4", IsCustomConf: 1}, modelListeners(), e.config)
				if tt.uuid == "lb-busy" {
					if code, _, errOut := runCLI(t, "", "push", "--yes", "--no-check", "--backup-dir", t.TempDir(), "--instance", "lb-busy",
						writeTemp(t, "x.cfg", e.config+"\n# busy\n")); code != 0 {
						t.Fatalf("making lb-busy busy: %s", errOut)
					}
					e.srv.ResetRequests()
				}
			}
			newConfig := tt.config(e)
			path := "-"
			stdin := ""
			if tt.stdin == "STDIN" {
				newConfig = changed(e.config)
				stdin = newConfig
			} else {
				path = writeTemp(t, "new.cfg", newConfig)
			}
			if tt.fault != nil {
				e.srv.InjectFault(cdsapi.ActionModifyHaproxyCustomConfig, *tt.fault)
			}
			before, _ := e.srv.CustomConfig(tt.uuid)
			args := append([]string{"push", "--instance", tt.uuid, "--backup-dir", e.backups}, tt.args...)
			code, out, errOut := runCLI(t, stdin, append(args, path)...)
			noStackTrace(t, errOut)
			if code != tt.want.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.want.code, out, errOut)
			}
			for _, s := range tt.want.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.want.stderr {
				s = strings.ReplaceAll(s, "BACKUPS", e.backups)
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
			// Slow faults apply after the client gave up.
			deadline := time.Now().Add(3 * time.Second)
			for {
				got, _ := e.srv.CustomConfig(tt.uuid)
				sent := got == newConfig && before != newConfig
				if sent == tt.want.sent || time.Now().After(deadline) {
					if sent != tt.want.sent {
						t.Errorf("instance has the new config: %v, want %v", sent, tt.want.sent)
					}
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			files := e.backupFiles(t)
			if len(files) != tt.want.backups {
				t.Fatalf("backups %v, want %d files", files, tt.want.backups)
			}
			for _, p := range files {
				fi, err := os.Stat(p)
				if err != nil || fi.Mode().Perm() != 0o600 {
					t.Errorf("%s: %v %v", p, err, fi.Mode())
				}
				if !strings.Contains(errOut, p) {
					t.Errorf("backup %s not named on stderr", p)
				}
				if strings.HasSuffix(p, "-custom.cfg") {
					data, _ := os.ReadFile(p)
					if string(data) != before {
						t.Errorf("%s does not hold the instance's previous config", p)
					}
				}
			}
			posts := len(e.srv.RequestsFor(cdsapi.ActionModifyHaproxyCustomConfig))
			if wantPost := tt.want.sent || tt.fault != nil || tt.uuid == "lb-busy"; (posts == 1) != wantPost || posts > 1 {
				t.Errorf("%d ModifyHaproxyCustomConfig requests", posts)
			}
		})
	}
}

// TestPushDefaultBackupDir checks the default backup directory,
// $XDG_STATE_HOME/lbconf/backups/<uuid>/ (else ~/.local/state/...), that
// push prints it, and the strategies backup of a basic instance.
func TestPushDefaultBackupDir(t *testing.T) {
	e := newCLIEnv(t, fakecds.Options{})
	path := writeTemp(t, "new.cfg", e.config)
	t.Chdir(t.TempDir())
	state, home := t.TempDir(), t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_STATE_HOME", "relative/ignored") // not absolute: ignored, as the XDG spec says
	code, _, errOut := runCLI(t, "", "push", "--yes", "--instance", customUUID, writeTemp(t, "changed.cfg", changed(e.config)))
	homeDir := filepath.Join(home, ".local", "state", "lbconf", "backups", customUUID)
	if code != 0 || !strings.Contains(errOut, "custom config to "+homeDir+string(filepath.Separator)) {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat("lbconf-backups"); err == nil {
		t.Error("backups still written to the working directory")
	}
	t.Setenv("XDG_STATE_HOME", state)
	code, _, errOut = runCLI(t, "", "push", "--yes", "--instance", basicUUID, path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	dir := filepath.Join(state, "lbconf", "backups", basicUUID)
	if !strings.Contains(errOut, "custom config to "+dir+string(filepath.Separator)) {
		t.Errorf("the backup path is not printed:\n%s", errOut)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 2 {
		t.Fatalf("%v %v", entries, err)
	}
	fi, _ := os.Stat(dir)
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("backup dir mode %v", fi.Mode())
	}
	for _, en := range entries {
		if !strings.HasSuffix(en.Name(), "-strategies.json") {
			continue
		}
		// The backup applies as it is: strategies apply --dry-run finds
		// nothing wrong with it.
		p := filepath.Join(dir, en.Name())
		code, out, errOut := runCLI(t, "", "strategies", "apply", "--dry-run", "--instance", basicUUID, "--backup-dir", t.TempDir(), p)
		if code != 0 || out != "" || !strings.Contains(errOut, "keeps, but does not run, are those of "+p) ||
			!strings.Contains(errOut, "switches it to basic mode") {
			t.Errorf("restoring %s: exit %d\n%s\n%s", p, code, out, errOut)
		}
	}
}

func TestPushBackupUnwritable(t *testing.T) {
	e := newCLIEnv(t, fakecds.Options{})
	blocker := writeTemp(t, "file", "")
	code, _, errOut := runCLI(t, "", "push", "--yes", "--instance", customUUID, "--backup-dir", filepath.Join(blocker, "sub"),
		writeTemp(t, "new.cfg", changed(e.config)))
	if code != 2 || !strings.Contains(errOut, "backing up instance "+customUUID) || !strings.Contains(errOut, "nothing was sent") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if e.posts() != 0 {
		t.Error("sent without a backup")
	}
}

// TestPushHAProxyCheck runs the real haproxy -c through push.
func TestPushHAProxyCheck(t *testing.T) {
	haproxytest.Require(t)
	e := newCLIEnv(t, fakecds.Options{})
	withCert := strings.Replace(changed(e.config), "bind 0.0.0.0:80\n", "bind 0.0.0.0:80\n    bind 0.0.0.0:443 ssl crt /etc/lbconf-no-such-dir/c1.pem\n", 1)
	code, _, errOut := runCLI(t, "", "push", "--dry-run", "--instance", customUUID, "--backup-dir", e.backups, writeTemp(t, "new.cfg", withCert))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, s := range []string{"haproxy -c (", "accepts it", "new.cfg:10: not checked by haproxy -c", "nbproc 1",
		"crt /etc/lbconf-no-such-dir/c1.pem: the file is not on this machine; checked with a throwaway certificate",
		"haproxy -c gave 2 warning(s) that come from the documented prelude"} {
		if !strings.Contains(errOut, s) {
			t.Errorf("stderr lacks %q:\n%s", s, errOut)
		}
	}
	// The prelude's warnings are said once, never as findings, never at :0:0.
	if strings.Count(errOut, "documented prelude") != 1 || strings.Contains(errOut, "warning haproxy-check: 'option httplog'") || strings.Contains(errOut, ":0:0:") {
		t.Errorf("prelude warnings reported as findings:\n%s", errOut)
	}
	// An error haproxy finds, reported at the line of the user's file: a
	// sample fetch that does not exist.
	bad := strings.Replace(changed(e.config), "bind 0.0.0.0:80\n", "bind 0.0.0.0:80\n    http-request set-var(txn.x) bogus_fetch_xyz\n", 1)
	line := strings.Count(bad[:strings.Index(bad, "http-request set-var(txn.x)")], "\n") + 1
	code, _, errOut = runCLI(t, "", "push", "--yes", "--instance", customUUID, "--backup-dir", e.backups, writeTemp(t, "bad.cfg", bad))
	if code != 1 || !strings.Contains(errOut, fmt.Sprintf("bad.cfg:%d:5: error haproxy-check", line)) {
		t.Errorf("exit %d:\n%s", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "push", "--yes", "--no-check", "--dry-run", "--instance", customUUID, "--backup-dir", e.backups, writeTemp(t, "bad.cfg", bad))
	if strings.Contains(errOut, "haproxy -c") {
		t.Errorf("--no-check ran haproxy -c: exit %d\n%s", code, errOut)
	}
	if e.posts() != 0 {
		t.Error("sent")
	}
}

// TestPushMasksSecrets: the push diff shows stats auth passwords masked
// unless --show-secrets (issue 12), and says when only a password changed.
func TestPushMasksSecrets(t *testing.T) {
	const old, secret = "admin:h0jMl0ka0df71WGI1", "admin:N3w-s3cret-pass"
	for _, tc := range []struct {
		name   string
		args   []string
		config func(string) string
		stdout []string
		hidden []string
		stderr string
	}{
		{"masked", nil, func(c string) string { return changed(strings.Replace(c, old, "ops:N3w-s3cret-pass", 1)) },
			[]string{"-     stats auth admin:" + haproxycfg.MaskedSecret, "+     stats auth ops:" + haproxycfg.MaskedSecret, "+    server"},
			[]string{"h0jMl0ka0df71WGI1", "N3w-s3cret-pass"}, ""},
		{"only the password", nil, func(c string) string { return strings.Replace(c, old, secret, 1) },
			nil, []string{"h0jMl0ka0df71WGI1", "N3w-s3cret-pass"}, "differs from the custom config of instance lb-custom-0001 only in a password (masked; --show-secrets shows it)"},
		{"--show-secrets", []string{"--show-secrets"}, func(c string) string { return changed(strings.Replace(c, old, secret, 1)) },
			[]string{"-     stats auth " + old, "+     stats auth " + secret}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newCLIEnv(t, fakecds.Options{})
			path := writeTemp(t, "new.cfg", tc.config(e.config))
			args := append([]string{"push", "--dry-run", "--no-check", "--instance", customUUID, "--backup-dir", e.backups}, tc.args...)
			code, out, errOut := runCLI(t, "", append(args, path)...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, errOut)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tc.hidden {
				if strings.Contains(out+errOut, s) {
					t.Errorf("output shows %q:\n%s\n%s", s, out, errOut)
				}
			}
			if !strings.Contains(errOut, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, errOut)
			}
		})
	}
}
