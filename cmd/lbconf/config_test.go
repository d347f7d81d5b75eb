package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// copyFile copies a repository file into dir under name.
func copyFile(t *testing.T, src, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConfigFile: .lbconf.yaml found upwards sets disable, override and
// ignore-paths; --config names another; --disable/--enable win for a run.
func TestConfigFile(t *testing.T) {
	repo, _ := filepath.Abs("../..")
	root := t.TempDir()
	copyFile(t, filepath.Join(repo, "testdata/lint/rules/acl-host-bits.bad.json"), root, "lb/warn.json")
	copyFile(t, filepath.Join(repo, "testdata/lint/rules/listener-port.bad.json"), root, "lb/old/bad.json")
	sub := filepath.Join(root, "lb")
	t.Chdir(sub)

	code, out, _ := runCLI(t, "", "lint", ".")
	if code != 1 || !strings.Contains(out, "warning acl-host-bits") || !strings.Contains(out, "error listener-port") {
		t.Fatalf("no config: exit %d\n%s", code, out)
	}
	writeConfig := func(dir, text string) string {
		p := filepath.Join(dir, ".lbconf.yaml")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Found upwards: the file is in root, the working directory is root/lb.
	writeConfig(root, "override:\n  error: [acl-host-bits]\nignore-paths: [lb/old]\n")
	code, out, errOut := runCLI(t, "", "lint", ".")
	if code != 1 || !strings.Contains(out, "error acl-host-bits") || strings.Contains(out, "listener-port") {
		t.Errorf("override and ignore-paths: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", "lint", "--disable", "acl-host-bits", ".")
	if code != 0 || out != "" {
		t.Errorf("--disable: exit %d\n%s", code, out)
	}
	// A path named explicitly is linted even when ignored paths hold it.
	code, out, _ = runCLI(t, "", "lint", "old/bad.json")
	if code != 1 || !strings.Contains(out, "listener-port") {
		t.Errorf("explicit path: exit %d\n%s", code, out)
	}
	// --config names another file; disable there, --enable turns it back on.
	other := writeConfig(t.TempDir(), "disable: [acl-host-bits]\n")
	code, out, _ = runCLI(t, "", "lint", "--config", other, "warn.json")
	if code != 0 || out != "" {
		t.Errorf("--config disable: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", "lint", "--config", other, "--enable", "acl-host-bits", "warn.json")
	if code != 0 || !strings.Contains(out, "warning acl-host-bits") {
		t.Errorf("--enable: exit %d\n%s", code, out)
	}
	// Mistakes say where and what is allowed.
	bad := writeConfig(t.TempDir(), "disable: [acl-host-bit]\n")
	code, _, errOut = runCLI(t, "", "lint", "--config", bad, "warn.json")
	if code != 2 || !strings.Contains(errOut, bad+`:1: unknown rule "acl-host-bit"`) {
		t.Errorf("unknown rule in config: exit %d %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "lint", "--disable", "acl-host-bit", "warn.json")
	if code != 2 || !strings.Contains(errOut, `--disable: unknown rule "acl-host-bit"; did you mean "acl-host-bits"?`) {
		t.Errorf("--disable unknown: exit %d %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "lint", "--config", filepath.Join(root, "nope.yaml"), "warn.json")
	if code != 2 || !strings.Contains(errOut, "nope.yaml") {
		t.Errorf("missing --config: exit %d %s", code, errOut)
	}
	// target comes from the file unless --target is given.
	writeConfig(root, "target: '2.6'\n")
	cfg := copyFile(t, filepath.Join(repo, "testdata/compile/documented-custom-config.cfg"), sub, "doc.cfg")
	code, out, _ = runCLI(t, "", "lint", cfg)
	if code != 1 || !strings.Contains(out, "nbproc") {
		t.Errorf("target 2.6 from the config: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", "lint", "--target", "2.4", cfg)
	if strings.Contains(out, "error cfg-target") {
		t.Errorf("--target wins: exit %d\n%s", code, out)
	}
}

func TestInlineSuppression(t *testing.T) {
	code, out, _ := runCLI(t, "", "lint", "../../testdata/lint/rules/suppression-unknown-rule.ok.yaml")
	if code != 0 || out != "" {
		t.Errorf("suppressed: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", "lint", "--strict", "../../testdata/lint/rules/suppression-unknown-rule.bad.yaml")
	if code != 1 || !strings.Contains(out, ":4:25: warning suppression-unknown-rule") || !strings.Contains(out, "warning stats-port") {
		t.Errorf("typo: exit %d\n%s", code, out)
	}
	// haproxy.cfg: a section-wide comment.
	dir := t.TempDir()
	text, err := os.ReadFile("../../testdata/cfglint/deprecated.invalid.cfg")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "x.cfg")
	os.WriteFile(p, text, 0o644)
	_, before, _ := runCLI(t, "", "lint", p)
	if !strings.Contains(before, "cfg-deprecated") {
		t.Fatalf("the example has no cfg-deprecated finding:\n%s", before)
	}
	os.WriteFile(p, []byte(strings.Replace(string(text), "global\n", "global\n    # lbconf-disable cfg-deprecated\n", 1)), 0o644)
	_, after, _ := runCLI(t, "", "lint", p)
	if strings.Contains(after, "cfg-deprecated") {
		t.Errorf("not suppressed:\n%s", after)
	}
}

func TestInit(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	code, _, errOut := runCLI(t, "", "init")
	if code != 0 || !strings.Contains(errOut, "wrote .lbconf.yaml") {
		t.Fatalf("exit %d %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "init")
	if code != 2 || !strings.Contains(errOut, "exists; --force replaces it") {
		t.Errorf("second init: exit %d %s", code, errOut)
	}
	if code, _, _ = runCLI(t, "", "init", "--force"); code != 0 {
		t.Errorf("--force: exit %d", code)
	}
	// The written file is the configuration lint reads, and it parses.
	code, _, errOut = runCLI(t, `{"HttpListeners": [], "TcpListeners": []}`, "lint", "-")
	if code != 0 {
		t.Errorf("lint with the init file: exit %d %s", code, errOut)
	}
}

func TestLintDirAndPatterns(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, "../../testdata/lint/valid-basic.json", dir, "a.json")
	copyFile(t, "../../testdata/lint/rules/listener-port.bad.json", dir, "sub/b.json")
	copyFile(t, "../../testdata/lint/rules/listener-port.bad.json", dir, ".hidden/c.json")
	copyFile(t, "../../testdata/lint/valid-basic.json", dir, "notes.txt")
	code, out, _ := runCLI(t, "", "lint", dir)
	if code != 1 || !strings.Contains(out, filepath.Join(dir, "sub", "b.json")+":5:23: error listener-port") || strings.Contains(out, ".hidden") {
		t.Errorf("lint DIR: exit %d\n%s", code, out)
	}
	code, out, errOut := runCLI(t, "", "lint", filepath.Join(dir, "*.yaml"))
	if code != 2 || out != "" || !strings.Contains(errOut, filepath.Join(dir, "*.yaml")+" matches no file") {
		t.Errorf("unmatched pattern: exit %d %s", code, errOut)
	}
	code, _, _ = runCLI(t, "", "lint", filepath.Join(dir, "*.json"))
	if code != 0 {
		t.Errorf("quoted pattern: exit %d", code)
	}
	empty := t.TempDir()
	code, _, errOut = runCLI(t, "", "lint", empty)
	if code != 2 || !strings.Contains(errOut, "holds no listener document or config") {
		t.Errorf("empty dir: exit %d %s", code, errOut)
	}
}

// TestCompileLintStrict: what compile writes passes lint --strict.
func TestCompileLintStrict(t *testing.T) {
	for _, ex := range []string{"../../examples/listeners.json", "../../examples/listeners.yaml"} {
		code, cfg, errOut := runCLI(t, "", "compile", ex)
		if code != 0 {
			t.Fatalf("compile %s: exit %d %s", ex, code, errOut)
		}
		code, out, errOut := runCLI(t, cfg, "lint", "--strict", "-")
		if code != 0 {
			t.Errorf("compile %s | lint --strict -: exit %d\n%s%s", ex, code, out, errOut)
		}
	}
}

// TestCompletion runs the bash script in bash and checks what it offers;
// zsh and fish scripts are syntax-checked when those shells exist.
func TestCompletion(t *testing.T) {
	for _, sh := range completionShells {
		code, out, _ := runCLI(t, "", "completion", sh)
		if code != 0 || !strings.Contains(out, "lint") || !strings.Contains(out, "strategies") {
			t.Errorf("%s: exit %d", sh, code)
		}
		path, err := exec.LookPath(sh)
		if err != nil {
			t.Logf("%s not installed: its script is not run", sh)
			continue
		}
		script := filepath.Join(t.TempDir(), "lbconf."+sh)
		os.WriteFile(script, []byte(out), 0o644)
		if sh != "bash" {
			if out, err := exec.Command(path, "-n", script).CombinedOutput(); err != nil {
				t.Errorf("%s -n: %v\n%s", sh, err, out)
			}
			continue
		}
		complete := func(line string) string {
			words := strings.Fields(line)
			cword := len(words)
			if strings.HasSuffix(line, " ") {
				words = append(words, "")
			} else {
				cword--
			}
			quoted := make([]string, len(words))
			for i, w := range words {
				quoted[i] = "'" + w + "'"
			}
			prog := "source " + script + "; COMP_WORDS=(" + strings.Join(quoted, " ") + "); COMP_CWORD=" +
				strconv.Itoa(cword) + "; _lbconf; echo \"${COMPREPLY[*]}\""
			out, err := exec.Command(path, "--norc", "-c", prog).CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			return strings.TrimSpace(string(out))
		}
		for line, want := range map[string]string{
			"lbconf li":                   "lint",
			"lbconf strategies a":         "add apply",
			"lbconf lint --str":           "--strict",
			"lbconf strategies apply --y": "--yes",
			"lbconf compile -":            "",
		} {
			got := complete(line)
			if want == "" {
				if !strings.Contains(got, "--output") || !strings.Contains(got, "--target") {
					t.Errorf("%q: %q", line, got)
				}
				continue
			}
			if got != want {
				t.Errorf("%q: %q, want %q", line, got, want)
			}
		}
	}
}
