package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/config"
	"github.com/lbconf/lbconf/estate/estatetest"
)

// Every command that reads the configuration has one --config, the same
// flag: lint and the estate commands find and name the file alike.
func TestOneConfigFlag(t *testing.T) {
	app := newApp(nil, nil, nil)
	want := configFileFlag().(*cli.StringFlag).Usage
	for _, name := range []string{"lint", "compile", "import", "plan", "apply"} {
		cmd := findCommand(app.Commands, name)
		if cmd == nil {
			t.Fatalf("no command %s", name)
		}
		n := 0
		for _, f := range cmd.Flags {
			if sf, ok := f.(*cli.StringFlag); ok && sf.Name == "config" {
				n++
				if sf.Usage != want {
					t.Errorf("%s --config: %q, want %q", name, sf.Usage, want)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s has %d --config flags", name, n)
		}
	}
}

// The estate commands read the configuration through package config, as
// lint does: a broken file stops them with the same message, lint of the
// file reports its keys and its manifest, and --config names a file of
// any name for both.
func TestEstateReadsTheSharedConfig(t *testing.T) {
	newEstateEnv(t, 3)
	if code, _, errOut := runCLI(t, "", "import", "lb"); code != 0 {
		t.Fatalf("import: exit %d, %s", code, errOut)
	}
	good, err := os.ReadFile(config.FileName)
	if err != nil {
		t.Fatal(err)
	}
	// A misspelt key: every command refuses the file, lint reports it.
	if err := os.WriteFile(config.FileName, append([]byte("targte: \"2.6\"\n"), good...), 0o644); err != nil {
		t.Fatal(err)
	}
	const msg = `.lbconf.yaml:1: unknown key "targte": use target, disable, override, ignore-paths, instances`
	for _, args := range [][]string{{"plan"}, {"apply", "--yes"}, {"lint", "lb"}} {
		if code, _, errOut := runCLI(t, "", args...); code != 2 || !strings.Contains(errOut, msg) {
			t.Errorf("%v with a misspelt key: exit %d, %s", args, code, errOut)
		}
	}
	code, out, errOut := runCLI(t, "", "lint", "--config", "/dev/null", config.FileName)
	if code != 1 || !strings.Contains(out, ".lbconf.yaml:1:1: error config: unknown key \"targte\"") {
		t.Errorf("lint of the file: exit %d\n%s%s", code, out, errOut)
	}
	// Keys, rule names and the manifest are all checked.
	bad := "disable: [stats-prot]\n" + strings.Replace(string(good), "lb/lb-001.cfg", "lb/nope.cfg", 1)
	os.Mkdir("sub", 0o755)
	if err := os.WriteFile("sub/.lbconf.yaml", []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLI(t, "", "lint", "--config", "/dev/null", "--format", "json", "sub/.lbconf.yaml")
	if code != 1 || !strings.Contains(out, `"rule": "config"`) || !strings.Contains(out, `unknown rule \"stats-prot\"`) ||
		!strings.Contains(out, `"rule": "manifest-file"`) {
		t.Errorf("lint of another configuration: exit %d\n%s", code, out)
	}

	// A configuration of another name, given with --config to lint and plan.
	if err := os.Rename(config.FileName, "estate.yaml"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("estate.yaml", good, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "", "plan"); code != 2 || !strings.Contains(errOut, "no .lbconf.yaml here") {
		t.Errorf("plan without a configuration: exit %d, %s", code, errOut)
	}
	if code, out, errOut := runCLI(t, "", "plan", "--config", "estate.yaml"); code != 0 {
		t.Errorf("plan --config: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, "", "lint", "--config", "estate.yaml", "estate.yaml", "lb"); code != 0 {
		t.Errorf("lint --config F F: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "", "plan", "--config", "nope.yaml"); code != 2 || !strings.Contains(errOut, "nope.yaml") {
		t.Errorf("plan --config of a missing file: exit %d, %s", code, errOut)
	}
	// import creates the file --config names, and keeps the other keys.
	os.Mkdir("infra", 0o755)
	if code, _, errOut := runCLI(t, "", "import", "--config", "infra/lb.yaml", "lb"); code != 0 {
		t.Fatalf("import --config of a new file: exit %d, %s", code, errOut)
	}
	data, _ := os.ReadFile("infra/lb.yaml")
	os.WriteFile("infra/lb.yaml", append([]byte("# the team's settings\ntarget: \"2.6\"\n"), data...), 0o644)
	if code, _, errOut := runCLI(t, "", "import", "--config", "infra/lb.yaml", "lb"); code != 0 || !strings.Contains(errOut, "infra/lb.yaml unchanged") {
		t.Errorf("import again: exit %d, %s", code, errOut)
	}
	if data, _ := os.ReadFile("infra/lb.yaml"); !strings.HasPrefix(string(data), "# the team's settings\ntarget: \"2.6\"\n") {
		t.Errorf("the configuration's other keys and comments were not kept:\n%s", data)
	}
	if code, out, errOut := runCLI(t, "", "plan", "--config", "infra/lb.yaml"); code != 0 {
		t.Errorf("plan --config infra/lb.yaml: exit %d\n%s%s", code, out, errOut)
	}
}

// plan and apply judge the files with the configuration's rule disable
// and severity override, and --disable/--enable, as lint does.
func TestEstateConfigRules(t *testing.T) {
	srv := newEstateEnv(t, 3)
	if code, _, errOut := runCLI(t, "", "import", "lb"); code != 0 {
		t.Fatalf("import: exit %d, %s", code, errOut)
	}
	f, err := os.OpenFile(filepath.Join("lb", "lb-001.cfg"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("    balance source\n    balance roundrobin\n") // a warning: cfg-repeated-directive
	f.Close()
	if code, out, errOut := runCLI(t, "", "plan", "--out", "p.json"); code != 1 {
		t.Fatalf("plan of a change with a warning: exit %d\n%s%s", code, out, errOut)
	}
	// The configuration makes the warning an error: plan reports an error,
	// and apply of the plan made before refuses the instance.
	good, _ := os.ReadFile(config.FileName)
	if err := os.WriteFile(config.FileName, append(good, "override:\n  error: [cfg-repeated-directive]\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCLI(t, "", "plan"); code != 2 || !strings.Contains(out, "has errors") {
		t.Errorf("plan with the override: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut := runCLI(t, "", "apply", "--yes", "--no-check", "--backup-dir", "b", "p.json")
	if code != 1 || !strings.Contains(out, "refused") || !strings.Contains(out, "has errors for HAProxy 2.6") {
		t.Errorf("apply with the override: exit %d\n%s%s", code, out, errOut)
	}
	if n := len(srv.RequestsFor(cdsapi.ActionModifyHaproxyCustomConfig)); n != 0 {
		t.Fatalf("%d configs sent", n)
	}
	// --disable wins for a run.
	if code, out, errOut := runCLI(t, "", "plan", "--disable", "cfg-repeated-directive"); code != 1 {
		t.Errorf("plan --disable: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "", "apply", "--yes", "--no-check", "--backup-dir", "b", "--disable", "cfg-repeated-directive", "p.json")
	if code != 0 || !strings.Contains(errOut, estatetest.UUID(1)+" (lb-001): sent") && !strings.Contains(errOut, "applied") {
		t.Errorf("apply --disable: exit %d\n%s%s", code, out, errOut)
	}
	if n := len(srv.RequestsFor(cdsapi.ActionModifyHaproxyCustomConfig)); n != 1 {
		t.Errorf("%d configs sent, want 1", n)
	}
	if code, _, errOut := runCLI(t, "", "plan", "--disable", "no-such-rule"); code != 2 || !strings.Contains(errOut, `unknown rule "no-such-rule"`) {
		t.Errorf("plan --disable of an unknown rule: exit %d, %s", code, errOut)
	}
}

// compile writes for the configuration's target unless --target: the
// documented config's nbproc 1 is refused as a base for 2.6 only.
func TestCompileReadsConfigTarget(t *testing.T) {
	t.Setenv(statsAuthEnv, "")
	doc, _ := filepath.Abs(compileFixtures + "documented-sample.json")
	base, _ := filepath.Abs(compileFixtures + "documented-custom-config.cfg")
	dir := t.TempDir()
	other := filepath.Join(t.TempDir(), "conf.yaml")
	os.WriteFile(other, []byte("target: \"2.6\"\n"), 0o644)
	t.Chdir(dir)
	if code, _, errOut := runCLI(t, "", "compile", "--base", base, doc); code != 0 {
		t.Fatalf("compile without a configuration: exit %d, %s", code, errOut)
	}
	os.WriteFile(config.FileName, []byte("target: \"2.6\"\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"compile", "--base", base, doc}, 1},
		{[]string{"compile", "--target", "2.4", "--base", base, doc}, 0},
		{[]string{"compile", "--config", other, "--base", base, doc}, 1},
	} {
		code, _, errOut := runCLI(t, "", tc.args...)
		if code != tc.want || code == 1 && !strings.Contains(errOut, "error target-directive: nbproc") {
			t.Errorf("%v: exit %d, want %d: %s", tc.args, code, tc.want, errOut)
		}
	}
	os.WriteFile(config.FileName, []byte("target: \"2.5\"\n"), 0o644)
	if code, _, errOut := runCLI(t, "", "compile", doc); code != 2 || !strings.Contains(errOut, ".lbconf.yaml: target: ") {
		t.Errorf("a bad target in the configuration: exit %d, %s", code, errOut)
	}
}
