package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

const diffFixtures = "../../testdata/diff/"

func TestDiffCommand(t *testing.T) {
	before, after := diffFixtures+"before.json", diffFixtures+"after.cfg"
	t.Run("text", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "diff", before, after)
		if code != 1 || errOut != "" {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
		want, err := os.ReadFile(diffFixtures + "before-after.txt")
		if err != nil {
			t.Fatal(err)
		}
		// The golden names the files by base name.
		got := strings.NewReplacer(before, "before.json", after, "after.cfg").Replace(out)
		if got != string(want) {
			t.Errorf("stdout differs from before-after.txt:\n%s", out)
		}
	})
	t.Run("json", func(t *testing.T) {
		code, out, _ := runCLI(t, "", "diff", "--format", "json", before, after)
		var r struct {
			Same    bool
			Changes []map[string]any
		}
		if code != 1 || json.Unmarshal([]byte(out), &r) != nil || r.Same || len(r.Changes) == 0 {
			t.Fatalf("exit %d, stdout %s", code, out)
		}
	})
	t.Run("same, stdin", func(t *testing.T) {
		data, err := os.ReadFile(before)
		if err != nil {
			t.Fatal(err)
		}
		code, out, errOut := runCLI(t, string(data), "diff", "-", before)
		if code != 0 || errOut != "" || out != "- and "+before+" mean the same listeners\n" {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
	})
	t.Run("compiled equals its document", func(t *testing.T) {
		code, cfg, errOut := runCLI(t, "", "compile", before)
		if code != 0 {
			t.Fatalf("compile: exit %d: %s", code, errOut)
		}
		code, out, errOut := runCLI(t, cfg, "diff", before, "-")
		if code != 0 {
			t.Fatalf("exit %d, stdout %s, stderr %s", code, out, errOut)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"one path", []string{"diff", before}, "exactly two paths"},
		{"both stdin", []string{"diff", "-", "-"}, "both be standard input"},
		{"bad format", []string{"diff", "--format", "xml", before, after}, "--format"},
		{"missing file", []string{"diff", before, "/nonexistent.json"}, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tc.args...)
			if code != 2 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q, want 2 and %q", code, errOut, tc.want)
			}
		})
	}
	t.Run("document that does not decode", func(t *testing.T) {
		code, _, errOut := runCLI(t, `{"HttpListeners": [{"listenerNme": 1}]}`, "diff", "-", before)
		if code != 2 || !strings.Contains(errOut, "does not decode") {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
	})
}

// TestDiffMasksSecrets: a stats auth password that differs is shown
// masked in every format, unless --show-secrets.
func TestDiffMasksSecrets(t *testing.T) {
	dir := t.TempDir()
	cfg := func(pass string) string {
		return "global\n    maxconn 100\n\nlisten status\n    bind 127.0.0.1:1081\n    mode http\n    stats enable\n    stats auth admin:" + pass + "\n"
	}
	a, b := dir+"/a.cfg", dir+"/b.cfg"
	if err := os.WriteFile(a, []byte(cfg("old-Secret-1")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte(cfg("new-Secret-2")), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json"} {
		code, out, errOut := runCLI(t, "", "diff", "--format", format, a, b)
		if code != 1 || strings.Contains(out+errOut, "Secret-") || !strings.Contains(out, "admin:<hidden") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q: want the change with the passwords masked", format, code, out, errOut)
		}
	}
	code, out, _ := runCLI(t, "", "diff", "--show-secrets", a, b)
	if code != 1 || !strings.Contains(out, "old-Secret-1") || !strings.Contains(out, "new-Secret-2") {
		t.Errorf("--show-secrets: exit %d, stdout %q", code, out)
	}
}
