package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/estate/estatetest"
)

// actionStep is a step of action.yml.
type actionStep struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
}

var (
	inputRefRE   = regexp.MustCompile(`^\$\{\{\s*inputs\.([a-z-]+)\b.*\}\}$`)
	stepOutputRE = regexp.MustCompile(`^\$\{\{\s*steps\.([a-z-]+)\.outputs\.([a-z-]+)\s*\}\}$`)
)

// lookup finds "STEP.OUTPUT" in pairs "STEP.OUTPUT=VALUE".
func lookup(pairs []string, key string) string {
	for _, p := range pairs {
		if k, v, ok := strings.Cut(p, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// runActionStep runs a step of action.yml with bash as a runner would: its
// env with the inputs (defaults, then with), outputs, summary and
// RUNNER_TEMP in files, and earlier steps' outputs from stepOutputs
// ("STEP.OUTPUT=VALUE"); it returns the step's outputs and exit status.
func runActionStep(t *testing.T, bin string, s actionStep, inputs map[string]string, stepOutputs ...string) (map[string]string, int) {
	t.Helper()
	tmp := t.TempDir()
	outFile, summary := filepath.Join(tmp, "output"), filepath.Join(tmp, "summary")
	cmd := exec.Command("bash", "-c", s.Run)
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"),
		"GITHUB_OUTPUT="+outFile, "GITHUB_STEP_SUMMARY="+summary, "RUNNER_TEMP="+tmp)
	for k, v := range s.Env {
		if m := inputRefRE.FindStringSubmatch(v); m != nil {
			v = inputs[m[1]]
		} else if m := stepOutputRE.FindStringSubmatch(v); m != nil {
			v = lookup(stepOutputs, m[1]+"."+m[2])
		} else if strings.Contains(v, "${{") {
			v = "" // the github context: not set here
		}
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatal(err)
		}
		code = ee.ExitCode()
	}
	t.Logf("step %s: exit %d\n%s", s.Name, code, out)
	outputs := map[string]string{}
	data, _ := os.ReadFile(outFile)
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			outputs[k] = v
		}
	}
	sum, _ := os.ReadFile(summary)
	outputs["(summary)"] = string(sum)
	return outputs, code
}

// The plan and apply steps of action.yml work: run with bash and the real
// binary against the fake API, they plan into the job summary, set the
// outputs, and apply the plan.
func TestActionEstateSteps(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	bin := filepath.Join(t.TempDir(), "lbconf")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var action struct {
		Inputs map[string]struct{ Default string } `yaml:"inputs"`
		Runs   struct {
			Steps []actionStep `yaml:"steps"`
		} `yaml:"runs"`
	}
	readYAML(t, "action.yml", &action)
	steps := map[string]actionStep{}
	for _, s := range action.Runs.Steps {
		steps[s.ID] = s
	}
	inputs := func(with map[string]string) map[string]string {
		in := map[string]string{}
		for k, v := range action.Inputs {
			in[k] = v.Default
		}
		for k, v := range with {
			in[k] = v
		}
		return in
	}

	srv := newEstateEnv(t, 3)
	if code, _, errOut := runCLI(t, "", "import", "lb"); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	plan := inputs(map[string]string{"mode": "plan"})
	out, code := runActionStep(t, bin, steps["plan"], plan)
	if code != 0 || out["exit-code"] != "0" || out["changes"] != "false" || !strings.Contains(out["(summary)"], "## lbconf plan") {
		t.Fatalf("plan of no changes: exit %d, %v", code, out)
	}
	data, _ := os.ReadFile("lb/lb-001.cfg")
	os.WriteFile("lb/lb-001.cfg", []byte(strings.Replace(string(data), "weight 10 check", "weight 30 check", 1)), 0o600)
	out, code = runActionStep(t, bin, steps["plan"], plan)
	if code != 0 || out["exit-code"] != "1" || out["changes"] != "true" || out["plan-file"] != "lbconf-plan.json" ||
		!strings.Contains(out["(summary)"], estatetest.UUID(1)+"` | lb-001 | custom | **update**") {
		t.Fatalf("plan of a change: exit %d, %v", code, out)
	}
	if _, err := os.Stat("lbconf-plan.json"); err != nil {
		t.Fatalf("no plan file: %v", err)
	}

	apply := inputs(map[string]string{"mode": "apply", "backup-dir": "backups", "wait": "false"})
	if out, code = runActionStep(t, bin, steps["plan"], apply); code != 0 || out["exit-code"] != "1" {
		t.Fatalf("apply mode's plan: exit %d, %v", code, out)
	}
	out, code = runActionStep(t, bin, steps["apply"], apply)
	if code != 0 || out["exit-code"] != "0" || !strings.Contains(out["(summary)"], "## lbconf apply") {
		t.Fatalf("apply: exit %d, %v", code, out)
	}
	if cfg, _ := srv.CustomConfig(estatetest.UUID(1)); !strings.Contains(cfg, "weight 30 check") {
		t.Error("the change did not reach the instance")
	}
	if ents, _ := os.ReadDir(filepath.Join("backups", estatetest.UUID(1))); len(ents) == 0 {
		t.Error("no backup in the backup-dir input")
	}

	// The last step fails the job as the mode says.
	var final actionStep
	for _, s := range action.Runs.Steps {
		if strings.HasPrefix(s.Name, "Fail") {
			final = s
		}
	}
	for _, tc := range []struct {
		with    map[string]string
		outputs []string
		want    int
	}{
		{map[string]string{"mode": "lint"}, []string{"lint.exit-code=1"}, 1},
		{map[string]string{"mode": "plan"}, []string{"plan.exit-code=1"}, 0},
		{map[string]string{"mode": "plan", "fail-on-changes": "true"}, []string{"plan.exit-code=1"}, 1},
		{map[string]string{"mode": "plan"}, []string{"plan.exit-code=2"}, 2},
		{map[string]string{"mode": "apply"}, []string{"plan.exit-code=0"}, 0},
		{map[string]string{"mode": "apply"}, []string{"plan.exit-code=2"}, 2},
		{map[string]string{"mode": "apply"}, []string{"plan.exit-code=1", "apply.exit-code=1"}, 1},
		{map[string]string{"mode": "apply"}, []string{"plan.exit-code=1", "apply.exit-code=0"}, 0},
	} {
		if _, code := runActionStep(t, bin, final, inputs(tc.with), tc.outputs...); code != tc.want {
			t.Errorf("%q with %v: exit %d, want %d", final.Name, tc.outputs, code, tc.want)
		}
	}
}
