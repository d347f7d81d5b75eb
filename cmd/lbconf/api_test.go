package main

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	"github.com/lbconf/lbconf/cdsapi/fakecds/fakecdstest"
	"github.com/lbconf/lbconf/deploy"
	"github.com/lbconf/lbconf/model"
)

const (
	deployFixtures = "../../testdata/deploy/"
	customUUID     = fakecdstest.CustomUUID
	basicUUID      = fakecdstest.BasicUUID
	// The fake's credentials: the test looks for them in every output.
	testAccessKeyID = "AKIDLBCONFCLITEST0001"
	testSecretKey   = "lbconf-cli-test-secret-9f8e7d6c5b4a"
)

// cliEnv is the shared fake-API world (fakecdstest), reachable through
// the environment the CLI reads, with a backup directory.
type cliEnv struct {
	srv       *fakecds.Server
	backups   string
	config    string
	listeners model.Listeners
}

func newCLIEnv(t *testing.T, fo fakecds.Options) *cliEnv {
	t.Helper()
	fo.AccessKeyID, fo.SecretKey = testAccessKeyID, testSecretKey
	w := fakecdstest.New(t, fo)
	fakecdstest.Setenv(t, w.Server, fo)
	return &cliEnv{srv: w.Server, backups: t.TempDir(), config: w.Config, listeners: w.Listeners}
}

// writeTemp writes a file in a fresh temporary directory.
func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// posts counts the changing requests the fake received.
func (e *cliEnv) posts() int { return fakecdstest.Posts(e.srv) }

// backupFiles lists the backup directory.
func (e *cliEnv) backupFiles(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(e.backups)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, en := range entries {
		out = append(out, filepath.Join(e.backups, en.Name()))
	}
	return out
}

func noStackTrace(t *testing.T, stderr string) {
	t.Helper()
	if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
		t.Errorf("stack trace on stderr: %s", stderr)
	}
}

func TestCredentialsAndEndpoint(t *testing.T) {
	e := newCLIEnv(t, fakecds.Options{})
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		stderr []string
	}{
		{"no credentials", map[string]string{cdsapi.EnvSecretID: "", cdsapi.EnvSecretKey: ""}, []string{"instances"}, 2,
			[]string{"CDS_SECRET_ID", "CDS_SECRET_KEY"}},
		{"no secret", map[string]string{cdsapi.EnvSecretKey: ""}, []string{"pull", "--instance", customUUID}, 2,
			[]string{"CDS_SECRET_ID", "CDS_SECRET_KEY", "not set: CDS_SECRET_KEY"}},
		{"wrong secret", map[string]string{cdsapi.EnvSecretKey: "wrong-secret-value"}, []string{"instances"}, 2,
			[]string{"SignatureDoesNotMatch"}},
		{"bad endpoint", nil, []string{"instances", "--endpoint", "mars"}, 2, []string{"unknown endpoint", "mainland"}},
		{"endpoint flag", map[string]string{cdsapi.EnvEndpoint: "http://127.0.0.1:1"}, []string{"instances", "--endpoint", e.srv.URL}, 0, nil},
		{"bad timeout", nil, []string{"instances", "--timeout", "0s"}, 2, []string{"--timeout"}},
		{"no instance", nil, []string{"pull"}, 2, []string{"needs --instance"}},
		{"unknown instance", nil, []string{"pull", "--instance", "lb-nope"}, 2, []string{"instance not found", "lb-nope"}},
		{"push without path", nil, []string{"push", "--instance", customUUID}, 2, []string{"exactly one PATH"}},
		{"push missing file", nil, []string{"push", "--instance", customUUID, "/nonexistent/x.cfg"}, 2, []string{"no such file"}},
		{"bad wait interval", nil, []string{"push", "--instance", customUUID, "--wait-interval", "1ms", deployFixtures + "documented.cfg"}, 2,
			[]string{"--wait-interval"}},
		{"apply bad JSON", nil, []string{"strategies", "apply", "--instance", basicUUID, writeTemp(t, "e.json", "")}, 2, []string{"empty document"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, _, errOut := runCLI(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr %s", code, tt.code, errOut)
			}
			for _, s := range tt.stderr {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q: %s", s, errOut)
				}
			}
			noStackTrace(t, errOut)
		})
	}
	if e.posts() != 0 {
		t.Errorf("%d changes sent", e.posts())
	}
}

// TestSecretsNeverShown runs every command, with --debug and with faults,
// and looks for the secret key, the AccessKeyId and every signature the
// fake received in standard output, standard error and the backups.
func TestSecretsNeverShown(t *testing.T) {
	e := newCLIEnv(t, fakecds.Options{TaskDescribes: 1})
	cfg := writeTemp(t, "new.cfg", strings.Replace(e.config, "weight 1 check", "weight 3 check", 1))
	more := deployFixtures + "more.json"
	var all strings.Builder
	runs := [][]string{
		{"instances", "--debug"},
		{"pull", "--debug", "--instance", customUUID},
		{"strategies", "pull", "--debug", "--instance", basicUUID},
		{"push", "--debug", "--yes", "--wait", "--wait-interval", "100ms", "--backup-dir", e.backups, "--instance", customUUID, cfg},
		{"strategies", "add", "--debug", "--yes", "--backup-dir", e.backups, "--instance", basicUUID, more},
	}
	for _, args := range runs {
		_, out, errOut := runCLI(t, "", args...)
		all.WriteString(out + errOut)
	}
	e.srv.InjectFault(cdsapi.ActionModifyHaproxyCustomConfig, fakecds.Fault{Kind: fakecds.FaultMalformedJSON})
	_, out, errOut := runCLI(t, "", "push", "--debug", "--yes", "--backup-dir", e.backups, "--instance", basicUUID, cfg)
	all.WriteString(out + errOut)
	t.Setenv(cdsapi.EnvSecretKey, "another-wrong-secret-key")
	_, out, errOut = runCLI(t, "", "instances", "--debug")
	all.WriteString(out + errOut)
	for _, p := range e.backupFiles(t) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(data)
	}
	text := all.String()
	if !strings.Contains(text, "Signature=REDACTED") {
		t.Errorf("the debug log is missing: %s", text)
	}
	secrets := []string{testSecretKey, "another-wrong-secret-key", testAccessKeyID}
	for _, r := range e.srv.Requests() {
		if sig := r.Params.Get("Signature"); sig != "" {
			secrets = append(secrets, sig, url.QueryEscape(sig), cdsapi.PercentEncode(sig))
		}
	}
	if len(secrets) < 10 {
		t.Fatalf("only %d secrets to look for", len(secrets))
	}
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("output shows %q", s)
		}
	}
}

func TestCLIUIConfirm(t *testing.T) {
	tests := []struct {
		input string
		want  bool
	}{
		{"y\n", true}, {"YES\n", true}, {" yes \n", true}, {"\n", false}, {"n\n", false}, {"no\n", false},
		{"yep\n", false}, {"", false}, {"y", true},
	}
	for _, tt := range tests {
		var errb strings.Builder
		ui := &cliUI{out: &strings.Builder{}, errw: &errb, in: strings.NewReader(tt.input), interactive: true}
		got, err := ui.Confirm(context.Background(), "push x?")
		if err != nil || got != tt.want {
			t.Errorf("answer %q: %v, %v; want %v", tt.input, got, err, tt.want)
		}
		if !strings.HasPrefix(errb.String(), "push x? [y/N] ") {
			t.Errorf("prompt %q", errb.String())
		}
	}
	ui := &cliUI{errw: &strings.Builder{}, in: strings.NewReader("y\n")}
	if _, err := ui.Confirm(context.Background(), "q"); !errors.Is(err, deploy.ErrNotInteractive) {
		t.Errorf("not interactive: %v", err)
	}
	// Interrupted while waiting for an answer.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	ui = &cliUI{errw: &strings.Builder{}, in: r, interactive: true}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := ui.Confirm(ctx, "q"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("interrupted: %v", err)
	}
}

func TestCLIUIProgress(t *testing.T) {
	var errb strings.Builder
	ui := &cliUI{errw: &errb}
	ui.Progress("CHANGING", time.Second)
	ui.Progress("CHANGING", 2*time.Second)
	ui.Progress("RUNNING", 3*time.Second)
	ui.EndProgress()
	if errb.String() != "CHANGING (1s)\nRUNNING (3s)\n" {
		t.Errorf("log progress %q", errb.String())
	}
	errb.Reset()
	ui = &cliUI{errw: &errb, tty: true}
	ui.Progress("CHANGING", time.Second)
	ui.Progress("CHANGING", 2*time.Second)
	ui.Info("done")
	if errb.String() != "\r\033[KCHANGING (1s)\r\033[KCHANGING (2s)\nlbconf: done\n" {
		t.Errorf("terminal progress %q", errb.String())
	}
}
