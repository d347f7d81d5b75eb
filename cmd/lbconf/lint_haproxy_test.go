package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/internal/haproxytest"
)

// TestLintWithHaproxy: --haproxy adds the real binary's ALERTs at their
// lines, and a line both lint and haproxy refuse is reported once.
func TestLintWithHaproxy(t *testing.T) {
	bin := haproxytest.Require(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "x.cfg")
	text := "defaults\n    mode http\n    timeout client 5s\n    timeout connect 5s\n    timeout server 5s\n" +
		"frontend fe\n    bind :8080\n    http-request frobnicate x\n    http-request set-header X \"open\n    default_backend app\n" +
		"backend app\n    server a 127.0.0.1:80\n"
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "", "lint", "--target", "2.6", cfg)
	if code != 1 || strings.Contains(out, "haproxy-check") {
		t.Fatalf("without --haproxy: exit %d, no haproxy-check expected:\n%s%s", code, out, stderr)
	}
	code, out, stderr = runCLI(t, "", "lint", "--target", "2.6", "--haproxy", bin, cfg)
	if code != 1 {
		t.Fatalf("exit %d:\n%s%s", code, out, stderr)
	}
	if !strings.Contains(out, "x.cfg:8:5: error haproxy-check:") || !strings.Contains(out, "frobnicate") {
		t.Errorf("haproxy's ALERT about line 8 missing:\n%s", out)
	}
	if n := strings.Count(out, "x.cfg:9:"); n != 1 {
		t.Errorf("line 9 (unmatched quote) reported %d times, want once:\n%s", n, out)
	}
	t.Setenv("LBCONF_HAPROXY", bin)
	if _, out2, _ := runCLI(t, "", "lint", "--target", "2.6", cfg); out2 != out {
		t.Errorf("LBCONF_HAPROXY differs from --haproxy:\n%s\nvs\n%s", out2, out)
	}
	if code, _, stderr := runCLI(t, "", "lint", "--haproxy", filepath.Join(dir, "nope"), cfg); code != 2 || !strings.Contains(stderr, "--haproxy") {
		t.Errorf("a missing binary: exit %d, stderr %q", code, stderr)
	}
}
