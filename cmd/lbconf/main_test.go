package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/internal/golden"
)

// runCLI runs lbconf in-process and returns its exit code and output.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"lbconf"}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// TestLintFormats pins each output format with a golden file.
func TestLintFormats(t *testing.T) {
	t.Chdir("../..") // paths in the output as a user at the repository root types them
	inputs := []string{"testdata/lint/api-modify-body.json", "testdata/lint/mixed.yaml", "testdata/lint/rules/duplicate-key.bad.json"}
	for _, format := range []string{"text", "json", "github", "sarif"} {
		t.Run(format, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", append([]string{"lint", "--format", format}, inputs...)...)
			if code != 1 || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			golden.Check(t, "testdata/lint/golden/findings."+format, []byte(out))
			if format == "json" || format == "sarif" {
				var v any
				if err := json.Unmarshal([]byte(out), &v); err != nil {
					t.Errorf("%s output is not JSON: %v", format, err)
				}
			}
		})
	}
}

func TestLintExitCodes(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	valid := "../../testdata/lint/valid-basic.json"
	warn := "../../testdata/lint/rules/acl-host-bits.bad.json"
	bad := "../../testdata/lint/rules/listener-port.bad.json"
	tests := []struct {
		name     string
		args     []string
		stdin    string
		code     int
		stderrIs string // substring of stderr
	}{
		{"clean", []string{"lint", valid}, "", 0, ""},
		{"yaml", []string{"lint", "../../testdata/lint/valid-basic.yaml"}, "", 0, ""},
		{"warnings allowed", []string{"lint", warn}, "", 0, ""},
		{"strict", []string{"lint", "--strict", warn}, "", 1, ""},
		{"errors", []string{"lint", valid, bad}, "", 1, ""},
		{"stdin", []string{"lint", "-"}, `{"HttpListeners": [], "TcpListeners": []}`, 0, ""},
		{"stdin twice", []string{"lint", "-", "-"}, "{}", 2, "only once"},
		{"syntax", []string{"lint", write("bad.json", "{\n  \"HttpListeners\": [,]\n}")}, "", 1, ""},
		{"missing", []string{"lint", filepath.Join(dir, "nope.json")}, "", 2, "no such file"},
		{"directory without documents", []string{"lint", filepath.Join(dir, "sub")}, "", 2, "holds no listener document or config"},
		{"empty", []string{"lint", write("empty.json", "")}, "", 2, "empty document"},
		{"binary", []string{"lint", write("bin.json", "\x00\x01\x02")}, "", 2, "not a text file"},
		{"io error wins", []string{"lint", bad, filepath.Join(dir, "nope.json")}, "", 2, "no such file"},
		{"no paths", []string{"lint"}, "", 2, "needs at least one PATH"},
		{"bad format", []string{"lint", "--format", "xml", valid}, "", 2, "use text, json, github, sarif"},
		{"bad target", []string{"lint", "--target", "9", valid}, "", 2, "--target"},
		{"unknown flag", []string{"lint", "--nope", valid}, "", 2, "unknown flag --nope"},
		{"unknown command", []string{"frobnicate"}, "", 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			if !strings.Contains(errOut, tt.stderrIs) {
				t.Errorf("stderr %q, want it to contain %q", errOut, tt.stderrIs)
			}
			if strings.Contains(errOut, "goroutine ") || strings.Contains(errOut, "panic") {
				t.Errorf("stack trace on stderr: %s", errOut)
			}
		})
	}
}

func TestSyntaxFindingPosition(t *testing.T) {
	code, out, _ := runCLI(t, "{\n  \"HttpListeners\": [,]\n}", "lint", "-")
	want := "-:2:21: error syntax: invalid character ',' looking for beginning of value\n"
	if code != 1 || out != want {
		t.Errorf("exit %d, output %q, want %q", code, out, want)
	}
}

func TestRulesCommand(t *testing.T) {
	code, out, _ := runCLI(t, "", "rules")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, r := range allRules() {
		if !strings.Contains(out, r.Name) || !strings.Contains(out, r.Summary) {
			t.Errorf("rules output lacks %s", r.Name)
		}
	}
	code, out, _ = runCLI(t, "", "rules", "--format", "json")
	var list []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list) != len(allRules()) {
		t.Errorf("rules --format json: exit %d, %d rules", code, len(list))
	}
}

func TestFlagsAfterPaths(t *testing.T) {
	warn := "../../testdata/lint/rules/acl-host-bits.bad.json"
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"lint", warn, "--strict"}, 1},
		{[]string{"lint", warn, "--format", "json", "--strict"}, 1},
		{[]string{"lint", warn, "--format=json"}, 0},
		{[]string{"lint", "--", warn}, 0},
		{[]string{"lint", warn}, 0},
		{[]string{"decompile", "../../testdata/decompile/hand-edited.cfg", "--strict"}, 1},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, "", tt.args...)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d (%s)", tt.args, code, tt.code, errOut)
		}
		if strings.Contains(strings.Join(tt.args, " "), "format") && !strings.HasPrefix(out, "[") {
			t.Errorf("%v: output is not JSON: %q", tt.args, out)
		}
	}
}

func TestCompileOutputFlagAfterPath(t *testing.T) {
	out := filepath.Join(t.TempDir(), "haproxy.cfg")
	code, _, errOut := runCLI(t, "", "compile", "../../examples/listeners.json", "-o", out, "--target", "2.6")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), "frontend web") {
		t.Errorf("output file: %v %q", err, b)
	}
}

func TestLintConfigFromStdin(t *testing.T) {
	cfg := "# comment\n\nglobal\n    nbproc 1\n"
	code, out, _ := runCLI(t, cfg, "lint", "--target", "2.6", "-")
	if code != 1 || !strings.Contains(out, "-:4:") || !strings.Contains(out, "cfg-target") {
		t.Errorf("exit %d, output %q: want a cfg-target error on line 4", code, out)
	}
	code, out, _ = runCLI(t, `{"HttpListeners": [], "TcpListeners": []}`, "lint", "-")
	if code != 0 || out != "" {
		t.Errorf("JSON on stdin: exit %d, output %q", code, out)
	}
}

// TestEveryRuleHasItsBasis: `lbconf rules --format json` gives every rule
// its basis under the severity policy and why, for a docs generator.
func TestEveryRuleHasItsBasis(t *testing.T) {
	code, out, _ := runCLI(t, "", "rules", "--format", "json")
	var rules []struct{ Name, Severity, Basis, Why string }
	if code != 0 || json.Unmarshal([]byte(out), &rules) != nil || len(rules) < 50 {
		t.Fatalf("exit %d: %s", code, out)
	}
	for _, r := range rules {
		if r.Basis == "" || r.Why == "" {
			t.Errorf("rule %s has no basis or why", r.Name)
		}
	}
}
