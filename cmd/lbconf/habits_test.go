package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/deploy"
)

// TestUsageErrors: a mistake in the command line is one line plus a
// pointer to --help on standard error, exit 2, nothing on standard output,
// with a suggestion when the mistake looks like a typo.
func TestUsageErrors(t *testing.T) {
	valid := "../../testdata/lint/valid-basic.json"
	tests := []struct {
		args []string
		want string // the first stderr line
		see  string
	}{
		{[]string{"lnit", valid}, `lbconf: unknown command "lnit"; did you mean "lint"?`, "see lbconf --help"},
		{[]string{"compil"}, `lbconf: unknown command "compil"; did you mean "compile"?`, "see lbconf --help"},
		{[]string{"frobnicate"}, `lbconf: unknown command "frobnicate"`, "see lbconf --help"},
		{[]string{"lint", "--strcit", valid}, "lbconf: unknown flag --strcit; did you mean --strict?", "see lbconf lint --help"},
		{[]string{"lint", "--fromat", "json", valid}, "lbconf: unknown flag --fromat; did you mean --format?", "see lbconf lint --help"},
		{[]string{"lint"}, "lbconf: lint needs at least one PATH (a listener JSON/YAML file, a .cfg file, or - for standard input)", "see lbconf lint --help"},
		{[]string{"lint", "--color", "sometimes", valid}, `lbconf: --color "sometimes" is not supported: use auto, always, never`, "see lbconf lint --help"},
		{[]string{"compile", "--format", "xml", valid}, `lbconf: --format "xml" is not supported: use text, json, github, sarif`, "see lbconf compile --help"},
		{[]string{"strategies", "aply"}, `lbconf: unknown command "strategies aply"; did you mean "strategies apply"?`, "see lbconf strategies --help"},
		{[]string{"strategies", "apply", "--yse", "x.json"}, "lbconf: unknown flag --yse; did you mean --yes?", "see lbconf strategies apply --help"},
		{[]string{"strategies"}, "lbconf: strategies needs a subcommand: pull, apply, add", "see lbconf strategies --help"},
		{[]string{"hepl"}, `lbconf: unknown command "hepl"; did you mean "help"?`, "see lbconf --help"},
		{[]string{"help", "lnit"}, `lbconf: unknown command "lnit"; did you mean "lint"?`, "see lbconf --help"},
		{[]string{"completion", "tcsh"}, `lbconf: no completion for shell "tcsh": use bash, zsh, fish`, "see lbconf completion --help"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			if code != 2 || out != "" || errOut != tt.want+"\n"+tt.see+"\n" {
				t.Errorf("exit %d\nstdout %q\nstderr %q\nwant   %q", code, out, errOut, tt.want+"\n"+tt.see+"\n")
			}
		})
	}
}

// TestHelp: `lbconf help CMD` equals `lbconf CMD --help`, and every command's
// help has examples.
func TestHelp(t *testing.T) {
	code, out, _ := runCLI(t, "", "help")
	if code != 0 || !strings.Contains(out, "130 interrupted") || !strings.Contains(out, "3 a change was not confirmed") {
		t.Errorf("lbconf help: exit %d\n%s", code, out)
	}
	app := newApp(nil, nil, nil)
	for _, cmd := range app.Commands {
		paths := [][]string{{cmd.Name}}
		for _, sub := range cmd.Subcommands {
			paths = append(paths, []string{cmd.Name, sub.Name})
		}
		for _, p := range paths {
			code, viaHelp, errOut := runCLI(t, "", append([]string{"help"}, p...)...)
			if code != 0 || errOut != "" {
				t.Errorf("help %v: exit %d %s", p, code, errOut)
			}
			code, viaFlag, _ := runCLI(t, "", append(p, "--help")...)
			if code != 0 {
				t.Errorf("%v --help: exit %d", p, code)
			}
			if viaHelp != viaFlag {
				t.Errorf("help %v differs from --help:\n%s\n---\n%s", p, viaHelp, viaFlag)
			}
			if !regexp.MustCompile(`(?m)^\s*(\$ )?lbconf ` + regexp.QuoteMeta(p[0]) + `\b`).MatchString(exampleSection(viaFlag)) {
				t.Errorf("%v --help has no example running it:\n%s", p, viaFlag)
			}
		}
	}
}

// exampleSection is the text after "Example" in a help page.
func exampleSection(help string) string {
	if i := strings.Index(help, "Example"); i >= 0 {
		return help[i:]
	}
	return ""
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-v"}} {
		code, out, _ := runCLI(t, "", args...)
		if code != 0 || !regexp.MustCompile(`^lbconf \S+ \(commit \S+, go1\.\d+`).MatchString(out) {
			t.Errorf("%v: exit %d %q", args, code, out)
		}
	}
}

// TestVersionLdflags builds lbconf the way a release does and runs it.
func TestVersionLdflags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := t.TempDir() + "/lbconf"
	build := exec.Command("go", "build", "-ldflags", "-X main.buildVersion=v9.8.7 -X main.buildCommit=abc1234", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), "lbconf v9.8.7 (commit abc1234, go1.") {
		t.Errorf("%q %v", out, err)
	}
}

func TestColorDecision(t *testing.T) {
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	var buf bytes.Buffer
	tests := []struct {
		name string
		mode string
		w    any
		env  func(string) string
		want bool
	}{
		{"always wins over NO_COLOR", "always", &buf, env("NO_COLOR", "1"), true},
		{"never", "never", &buf, env("TERM", "xterm"), false},
		{"auto: a buffer is no terminal", "auto", &buf, env("TERM", "xterm"), false},
		{"auto: /dev/null is no terminal", "auto", devnull, env("TERM", "xterm"), false},
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		tests = append(tests,
			struct {
				name string
				mode string
				w    any
				env  func(string) string
				want bool
			}{"auto: terminal", "auto", tty, env("TERM", "xterm"), true},
			struct {
				name string
				mode string
				w    any
				env  func(string) string
				want bool
			}{"auto: terminal, NO_COLOR", "auto", tty, env("NO_COLOR", "1", "TERM", "xterm"), false},
			struct {
				name string
				mode string
				w    any
				env  func(string) string
				want bool
			}{"auto: terminal, TERM=dumb", "auto", tty, env("TERM", "dumb"), false})
	}
	for _, tt := range tests {
		w, _ := tt.w.(interface{ Write([]byte) (int, error) })
		if got := colorDecision(tt.mode, w, tt.env); got != tt.want {
			t.Errorf("%s: %v", tt.name, got)
		}
	}
}

// TestColorFlag: --color always colours findings and diffs; never and a
// pipe do not.
func TestColorFlag(t *testing.T) {
	bad := "../../testdata/lint/rules/listener-port.bad.json"
	code, out, _ := runCLI(t, "", "lint", "--color", "always", bad)
	if code != 1 || !strings.Contains(out, "\x1b[1;31merror\x1b[0m") {
		t.Errorf("lint --color always: %q", out)
	}
	t.Setenv("NO_COLOR", "")
	_, out, _ = runCLI(t, "", "lint", bad)
	if strings.Contains(out, "\x1b[") {
		t.Errorf("coloured without a terminal: %q", out)
	}
	_, out, _ = runCLI(t, "", "diff", "--color", "always", "../../testdata/diff/before.json", "../../testdata/diff/after.cfg")
	if !strings.Contains(out, "\x1b[31m- TCP listener db") || !strings.Contains(out, "\x1b[32m+ TCP listener cache") {
		t.Errorf("diff --color always: %q", out)
	}
	_, out, _ = runCLI(t, "", "diff", "--color", "never", "../../testdata/diff/before.json", "../../testdata/diff/after.cfg")
	if strings.Contains(out, "\x1b[") {
		t.Errorf("diff --color never: %q", out)
	}
}

func TestExplain(t *testing.T) {
	bad := "../../testdata/lint/rules/listener-port.bad.json"
	code, out, _ := runCLI(t, "", "lint", "--explain", bad)
	if code != 1 || !strings.HasSuffix(out, "\nsee docs/rules.md#listener-port (lbconf rules listener-port)\n") {
		t.Errorf("exit %d: %q", code, out)
	}
	_, out, _ = runCLI(t, "", "lint", bad)
	if strings.Contains(out, "see docs/rules.md") {
		t.Error("hint without --explain")
	}
}

// TestFormatEverywhere: the commands that report findings take --format.
func TestFormatEverywhere(t *testing.T) {
	code, out, errOut := runCLI(t, "", "compile", "--format", "json", "../../testdata/lint/rules/listener-port.bad.json")
	if code != 1 || out != "" || !strings.HasPrefix(errOut, "[\n") || !strings.Contains(errOut, `"rule": "listener-port"`) {
		t.Errorf("compile --format json: exit %d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "", "compile", "--format", "github", "../../testdata/lint/rules/listener-port.bad.json")
	if code != 1 || !strings.HasPrefix(errOut, "::error file=") {
		t.Errorf("compile --format github: exit %d\n%s", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "decompile", "--format", "sarif", "../../testdata/decompile/hand-edited.cfg")
	if code != 0 || !strings.Contains(errOut, `"ruleId": "decompile-loss"`) {
		t.Errorf("decompile --format sarif: exit %d\n%s", code, errOut)
	}
	for _, cmd := range [][]string{{"push"}, {"strategies", "apply"}, {"strategies", "add"}, {"compile"}, {"decompile"}, {"lint"}} {
		code, _, errOut := runCLI(t, "", append(cmd, "--format", "xml", "x")...)
		if code != 2 || !strings.Contains(errOut, `--format "xml" is not supported`) {
			t.Errorf("%v: exit %d %s", cmd, code, errOut)
		}
	}
}

// TestExitCodesOfOutcomes: not confirmed is 3 and an interruption 130,
// whatever else the error wraps.
func TestExitCodesOfOutcomes(t *testing.T) {
	notConfirmed := fmt.Errorf("%w: %w; nothing was sent", deploy.ErrRefused, deploy.ErrNotConfirmed)
	interrupted := fmt.Errorf("interrupted before sending: %w; nothing was sent", context.Canceled)
	for _, tt := range []struct {
		err  error
		want int
	}{
		{apiExit(notConfirmed), 3},
		{apiExit(interrupted), 130},
		{apiExit(fmt.Errorf("%w: lint", deploy.ErrRefused)), 1},
		{apiExit(errors.New("boom")), 2},
	} {
		if got := exitCodeOf(tt.err); got != tt.want {
			t.Errorf("%v: exit %d, want %d", tt.err, got, tt.want)
		}
	}
}

// TestDevNullIsNoTerminal: /dev/null is a character device but no
// terminal, so push cannot ask on it and does not colour into it.
func TestDevNullIsNoTerminal(t *testing.T) {
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	if fi.Mode()&os.ModeCharDevice == 0 {
		t.Skip("/dev/null is no character device here")
	}
	if isTerminal(f) {
		t.Error("/dev/null taken for a terminal")
	}
}
