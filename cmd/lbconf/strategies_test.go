package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	"github.com/lbconf/lbconf/model"
)

func TestStrategiesPull(t *testing.T) {
	e := newCLIEnv(t, fakecds.Options{})
	code, out, errOut := runCLI(t, "", "strategies", "pull", "--instance", basicUUID)
	want := e.listeners
	want.Normalize()
	if code != 0 || out != string(model.MarshalIndent(&want)) || errOut != "" {
		t.Errorf("exit %d, stderr %q\n%s", code, errOut, out)
	}
	if !strings.HasPrefix(out, "{\n  \"HttpListeners\": [\n    {\n") {
		t.Errorf("not the indented bare document:\n%s", out)
	}
	dest := filepath.Join(t.TempDir(), "l.json")
	code, _, errOut = runCLI(t, "", "strategies", "pull", "--instance", customUUID, "-o", dest)
	got, _ := os.ReadFile(dest)
	if code != 0 || string(got) != "{\n  \"HttpListeners\": [],\n  \"TcpListeners\": []\n}\n" ||
		!strings.Contains(errOut, "runs a custom config (IsCustomConf 1): these strategies are stored but not active") {
		t.Errorf("custom: exit %d, %q, %s", code, got, errOut)
	}
	// The pulled document lints clean.
	code, out, _ = runCLI(t, "", "lint", dest)
	if code != 0 {
		t.Errorf("lint of the pulled document: exit %d\n%s", code, out)
	}
}

func TestStrategiesChange(t *testing.T) {
	more := deployFixtures + "more.json"
	tests := []struct {
		name    string
		fake    fakecds.Options
		args    []string
		uuid    string
		fault   *fakecds.Fault
		code    int
		action  string // the POST that must have been sent
		backups bool
		stdout  []string
		stderr  []string
	}{
		{name: "apply", args: []string{"apply", "--yes", more}, uuid: basicUUID, code: 0, action: cdsapi.ActionModifyLoadBalancerStrategys, backups: true,
			stdout: []string{"- HTTP listener web (port 8080", "- TCP listener db (port 3306", "+ HTTP listener api (port 8081"},
			stderr: []string{"backed up instance lb-basic-0002: strategies to ", "sent; task"}},
		{name: "add, flags after PATH", args: []string{"add", more, "--yes", "--timeout", "5s"}, uuid: basicUUID, code: 0, action: cdsapi.ActionAddLoadBalancerStrategys, backups: true,
			stdout: []string{"+ HTTP listener api (port 8081", "1 added"}},
		{name: "apply unchanged", args: []string{"apply", "--yes", deployFixtures + "listeners.json"}, uuid: basicUUID, code: 0,
			stderr: []string{"no changes"}},
		{name: "add conflict", args: []string{"add", "--yes", deployFixtures + "listeners.json"}, uuid: basicUUID, code: 1,
			stderr: []string{"listener web already exists", "use `lbconf strategies apply`", "nothing was sent"}},
		{name: "invalid", args: []string{"apply", "--yes", deployFixtures + "reserved-port.json"}, uuid: basicUUID, code: 1,
			stderr: []string{"error reserved-port", "has errors; nothing was sent"}},
		{name: "custom to basic", args: []string{"apply", "--yes", deployFixtures + "listeners.json"}, uuid: customUUID, code: 0,
			action: cdsapi.ActionModifyLoadBalancerStrategys, backups: true,
			stderr: []string{"instance lb-custom-0001 (web) runs a custom config; applying strategies switches it to basic mode; its custom config was backed up to BACKUPS/lb-custom-0001-"}},
		{name: "add to custom", args: []string{"add", "--yes", more}, uuid: customUUID, code: 0,
			action: cdsapi.ActionAddLoadBalancerStrategys, backups: true, stderr: []string{"adding strategies switches it to basic mode"}},
		{name: "dry run", args: []string{"apply", "--dry-run", more}, uuid: basicUUID, code: 0, backups: true, stderr: []string{"dry run: nothing was sent"}},
		{name: "no --yes", args: []string{"add", more}, uuid: basicUUID, code: 3, backups: true, stderr: []string{"pass --yes to add"}},
		{name: "wait", fake: fakecds.Options{TaskDescribes: 2}, args: []string{"apply", "--yes", "--wait", "--wait-interval", "100ms", more},
			uuid: basicUUID, code: 0, action: cdsapi.ActionModifyLoadBalancerStrategys, backups: true,
			stderr: []string{"CHANGING", "is RUNNING with what was sent"}},
		{name: "fault 500", args: []string{"apply", "--yes", more}, uuid: basicUUID, fault: &fakecds.Fault{Kind: fakecds.FaultInternalError},
			code: 2, action: cdsapi.ActionModifyLoadBalancerStrategys, backups: true,
			stderr: []string{"InternalError", "lbconf strategies pull --instance lb-basic-0002", "your backup is at"}},
		{name: "fault cut after apply", args: []string{"add", "--yes", more}, uuid: customUUID, fault: &fakecds.Fault{Kind: fakecds.FaultCutAfterApply},
			code: 2, action: cdsapi.ActionAddLoadBalancerStrategys, backups: true,
			stderr: []string{"may have been applied", "lbconf strategies pull --instance lb-custom-0001", "your backup is at"}},
		{name: "fault slow", args: []string{"apply", "--yes", "--timeout", "300ms", more}, uuid: basicUUID,
			fault: &fakecds.Fault{Kind: fakecds.FaultSlow, Delay: time.Second},
			code:  2, action: cdsapi.ActionModifyLoadBalancerStrategys, backups: true, stderr: []string{"no answer within 300ms", "may have been applied"}},
		{name: "stdin YAML", args: []string{"apply", "--yes", "-"}, uuid: basicUUID, code: 0, action: cdsapi.ActionModifyLoadBalancerStrategys, backups: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCLIEnv(t, tt.fake)
			if tt.fault != nil {
				e.srv.InjectFault(tt.action, *tt.fault)
			}
			stdin := ""
			if tt.args[len(tt.args)-1] == "-" {
				stdin = "HttpListeners: []\nTcpListeners: []\n"
			}
			args := append([]string{"strategies", tt.args[0], "--instance", tt.uuid, "--backup-dir", e.backups}, tt.args[1:]...)
			code, out, errOut := runCLI(t, stdin, args...)
			noStackTrace(t, errOut)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errOut)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.stderr {
				if s = strings.ReplaceAll(s, "BACKUPS", e.backups); !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
			for _, a := range []string{cdsapi.ActionModifyLoadBalancerStrategys, cdsapi.ActionAddLoadBalancerStrategys, cdsapi.ActionModifyHaproxyCustomConfig} {
				if n := len(e.srv.RequestsFor(a)); (a == tt.action) != (n == 1) || n > 1 {
					t.Errorf("%d %s requests", n, a)
				}
			}
			if files := e.backupFiles(t); (len(files) == 2) != tt.backups {
				t.Errorf("backups %v", files)
			}
		})
	}
}

// TestPlatformNamedListenerRoundTrip: an instance whose listeners the
// platform named with hyphens (a CCK cluster's ccp-cluster-master-api, the
// doc's http-test) is pulled, linted, compiled and applied unchanged
// through the fake: warnings only, and apply sends nothing new.
func TestPlatformNamedListenerRoundTrip(t *testing.T) {
	e := newCLIEnv(t, fakecds.Options{})
	const uuid = "7a1b2c3d-73f7-11ee-8a3c-0ad4b19c4d62"
	srv := []model.BackendServer{{IP: "10.0.0.5", Port: 6443, Weight: "1", MaxConn: 0}}
	e.srv.AddInstance(fakecds.Instance{InstanceUuid: uuid, InstanceName: "cck", Version: "2.6"}, model.Listeners{
		HttpListeners: []model.HttpListener{{ListenerName: "http-test", ListenerPort: 8080, ListenerMode: "http", MaxConn: 100,
			ClientTimeout: "30", ClientTimeoutUnit: "s", ConnectTimeout: "5", ConnectTimeoutUnit: "s", ServerTimeout: "30",
			ServerTimeoutUnit: "s", Scheduler: "roundrobin", StickySession: "off", BackendServer: srv}},
		TcpListeners: []model.TcpListener{{ListenerName: "ccp-cluster-master-api", ListenerPort: 6443, ListenerMode: "tcp", MaxConn: 100,
			ClientTimeout: "30", ClientTimeoutUnit: "s", ConnectTimeout: "5", ConnectTimeoutUnit: "s", ServerTimeout: "30",
			ServerTimeoutUnit: "s", Scheduler: "roundrobin", BackendServer: srv}},
	}, "")
	pulled := filepath.Join(t.TempDir(), "cck.json")
	if code, _, errOut := runCLI(t, "", "strategies", "pull", "--instance", uuid, "-o", pulled); code != 0 {
		t.Fatalf("pull: exit %d: %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "", "lint", pulled)
	if code != 0 || !strings.Contains(out, "warning listener-name-doc") || strings.Contains(out, "error") {
		t.Errorf("lint: exit %d\n%s%s", code, out, errOut)
	}
	code, cfg, errOut := runCLI(t, "", "compile", "--target", "2.6", pulled)
	if code != 0 || !strings.Contains(cfg, "\nlisten ccp-cluster-master-api\n") || !strings.Contains(cfg, "\nbackend http-test-abk\n") {
		t.Errorf("compile: exit %d\n%s", code, errOut)
	}
	code, out, errOut = runCLI(t, "", "strategies", "apply", "--instance", uuid, "--yes", "--backup-dir", e.backups, pulled)
	if code != 0 || !strings.Contains(errOut, "no changes") || len(e.srv.RequestsFor(cdsapi.ActionModifyLoadBalancerStrategys)) != 0 {
		t.Errorf("apply unchanged: exit %d\n%s%s", code, out, errOut)
	}
}
