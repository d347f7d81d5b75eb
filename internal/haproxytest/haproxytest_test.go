package haproxytest

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/haproxycfg/version"
)

func TestParseMessages(t *testing.T) {
	out := strings.Join([]string{
		"[NOTICE]   (6031) : haproxy version is 2.6.12-1+deb12u4",
		"[WARNING]  (6031) : config : parsing [hx/doc.cfg:20]: 'option httplog' overrides previous 'log-format' in 'defaults' section.",
		"[ALERT]    (77) : config : parsing [/tmp/a b.cfg:7] : unknown keyword 'bogus' in 'frontend' section",
		"[WARNING] 123/456789 (42) : parsing [x.cfg:3] : 1.8 style",
		"[WARNING]  (6854) : config : 'option forwardfor' ignored for proxy 'db' as it requires HTTP mode.",
		"Configuration file is valid",
		"",
	}, "\n")
	want := []Message{
		{Level: "NOTICE", Text: "haproxy version is 2.6.12-1+deb12u4"},
		{Level: "WARNING", File: "hx/doc.cfg", Line: 20, Text: "config : parsing [hx/doc.cfg:20]: 'option httplog' overrides previous 'log-format' in 'defaults' section."},
		{Level: "ALERT", File: "/tmp/a b.cfg", Line: 7, Text: "config : parsing [/tmp/a b.cfg:7] : unknown keyword 'bogus' in 'frontend' section"},
		{Level: "WARNING", File: "x.cfg", Line: 3, Text: "parsing [x.cfg:3] : 1.8 style"},
		{Level: "WARNING", Text: "config : 'option forwardfor' ignored for proxy 'db' as it requires HTTP mode."},
	}
	if got := ParseMessages(out); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
	r := &Result{Messages: want}
	if len(r.Warnings()) != 3 || len(r.Alerts()) != 1 {
		t.Errorf("Warnings %v, Alerts %v", r.Warnings(), r.Alerts())
	}
}

func TestFindEnvOverride(t *testing.T) {
	t.Setenv(BinaryEnv, filepath.Join(t.TempDir(), "missing"))
	if _, err := Find(); err == nil || !strings.Contains(err.Error(), BinaryEnv) {
		t.Errorf("Find with a missing %s: %v", BinaryEnv, err)
	}
}

// TestCheck runs the real binary on a valid and a broken config, with a
// generated certificate.
func TestCheck(t *testing.T) {
	Require(t)
	dir := t.TempDir()
	crt := WriteCert(t, dir, "c1")
	good := filepath.Join(dir, "good.cfg")
	cfg := "defaults\n    mode http\n    timeout client 1s\n    timeout connect 1s\n    timeout server 1s\n" +
		"frontend f\n    bind 127.0.0.1:8443 ssl crt " + crt + "\n    default_backend b\n" +
		"backend b\n    server s1 127.0.0.1:8080\n"
	if err := os.WriteFile(good, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := Check(t, good); r.ExitCode != 0 || len(r.Alerts()) != 0 {
		t.Errorf("valid config: exit %d\n%s", r.ExitCode, r.Output)
	}
	bad := filepath.Join(dir, "bad.cfg")
	if err := os.WriteFile(bad, []byte(cfg+"    bogus-keyword 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := Check(t, bad)
	if r.ExitCode == 0 {
		t.Fatalf("broken config accepted:\n%s", r.Output)
	}
	found := false
	for _, a := range r.Alerts() {
		found = found || (a.File == bad && a.Line == 11)
	}
	if !found {
		t.Errorf("no alert for %s:11:\n%s", bad, r.Output)
	}
	if v := Version(t); v.Less(version.Version{Major: 1, Minor: 8}) {
		t.Errorf("Version = %s", v)
	}
}
