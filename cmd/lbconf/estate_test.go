package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	"github.com/lbconf/lbconf/cdsapi/fakecds/fakecdstest"
	"github.com/lbconf/lbconf/config"
	"github.com/lbconf/lbconf/estate"
	"github.com/lbconf/lbconf/estate/estatetest"
)

// newEstateEnv is a fake API with an estate of n instances (see
// estatetest.Seed), reachable through the environment, and a fresh working
// directory.
func newEstateEnv(t *testing.T, n int) *fakecds.Server {
	t.Helper()
	fo := fakecds.Options{AccessKeyID: testAccessKeyID, SecretKey: testSecretKey}
	srv := fakecds.NewServer(fo)
	t.Cleanup(srv.Close)
	estatetest.Seed(srv, n)
	fakecdstest.Setenv(t, srv, fo)
	t.Chdir(t.TempDir())
	return srv
}

// readmeExample returns the lines of the worked example of README.md's
// "Managing an estate" section.
func readmeExample(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, "### Managing an estate")
	if start < 0 {
		t.Fatal("README.md has no Managing an estate section")
	}
	text = text[start:]
	i := strings.Index(text, "TestReadmeEstateExample")
	j := strings.Index(text[i:], "```sh\n")
	if i < 0 || j < 0 {
		t.Fatal("the section has no worked example")
	}
	block := text[i+j+len("```sh\n"):]
	block = block[:strings.Index(block, "```")]
	return strings.Split(strings.TrimSpace(block), "\n")
}

var (
	exitComment = regexp.MustCompile(`#\s*exit (\d+)`)
	sedLine     = regexp.MustCompile(`^sed -i 's/([^/]*)/([^/]*)/' (\S+)$`)
)

// The README's worked example works as it says, exit codes included.
func TestReadmeEstateExample(t *testing.T) {
	lines := readmeExample(t)
	srv := newEstateEnv(t, 3)
	if len(lines) < 5 {
		t.Fatalf("example too short: %q", lines)
	}
	for _, line := range lines {
		cmd, comment, _ := strings.Cut(line, "#")
		cmd = strings.TrimSpace(cmd)
		if m := sedLine.FindStringSubmatch(cmd); m != nil {
			data, err := os.ReadFile(m[3])
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), m[1]) {
				t.Fatalf("%s: %s does not contain %q", line, m[3], m[1])
			}
			os.WriteFile(m[3], []byte(strings.ReplaceAll(string(data), m[1], m[2])), 0o600)
			continue
		}
		args := strings.Fields(cmd)
		if len(args) == 0 || args[0] != "lbconf" {
			t.Fatalf("the test cannot run %q: use lbconf or sed -i 's/A/B/' FILE lines", line)
		}
		em := exitComment.FindStringSubmatch("#" + comment)
		if em == nil {
			t.Fatalf("%q: say the exit code in a comment (# exit N)", line)
		}
		want, _ := strconv.Atoi(em[1])
		code, out, errOut := runCLI(t, "", args[1:]...)
		if code != want {
			t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", cmd, code, want, out, errOut)
		}
		t.Logf("$ %s\n%s%s", cmd, out, errOut)
	}
	cfg, _ := srv.CustomConfig(estatetest.UUID(1))
	if !strings.Contains(cfg, "weight 30 check") {
		t.Error("the edit did not reach the instance")
	}
	if ents, _ := os.ReadDir(filepath.Join("backups", estatetest.UUID(1))); len(ents) != 2 {
		t.Errorf("backups: %v", ents)
	}
}

func TestEstateCommands(t *testing.T) {
	srv := newEstateEnv(t, 6)
	if code, _, errOut := runCLI(t, "", "plan"); code != 2 || !strings.Contains(errOut, "lbconf import DIR") {
		t.Errorf("plan without a manifest: exit %d, %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "import", "--tag", "prod", "lb"); code != 0 || !strings.Contains(errOut, "2 instances: 2 files written") {
		t.Fatalf("import --tag: exit %d, %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "import", "--name-match", "^lb-00[1-9]$", "lb"); code != 0 || !strings.Contains(errOut, "5 instances: 4 files written, 1 unchanged") {
		t.Fatalf("import --name-match: exit %d, %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "lint", config.FileName); code != 0 {
		t.Errorf("lint of the manifest: exit %d, %s", code, errOut)
	}

	// JSON output and a saved plan; the instance changes; apply refuses it.
	b, _ := os.ReadFile("lb/lb-002.json")
	os.WriteFile("lb/lb-002.json", []byte(strings.Replace(string(b), `"Weight": "10"`, `"Weight": "20"`, 1)), 0o600)
	code, out, errOut := runCLI(t, "", "plan", "--format", "json", "--out", "p.json", "--concurrency", "2", "--max-rps", "500")
	if code != 1 {
		t.Fatalf("plan: exit %d, %s", code, errOut)
	}
	var p estate.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil || p.Summary.Updates != 1 {
		t.Fatalf("plan JSON: %v %+v", err, p.Summary)
	}
	l := estatetest.Listeners(2)
	l.HttpListeners[0].MaxConn = 999
	srv.SetInstanceState(estatetest.UUID(2), &l, "")
	code, out, errOut = runCLI(t, "", "apply", "p.json")
	if code != 3 || !strings.Contains(errOut, "pass --yes") {
		t.Errorf("apply without --yes and no terminal: exit %d, %s", code, errOut)
	}
	code, out, errOut = runCLI(t, "", "apply", "--yes", "p.json")
	if code != 1 || !strings.Contains(out, "refused") || !strings.Contains(out, "changed since the plan") {
		t.Errorf("apply of a stale plan: exit %d\n%s\n%s", code, out, errOut)
	}
	if n := len(srv.RequestsFor(cdsapi.ActionModifyLoadBalancerStrategys)); n != 0 {
		t.Errorf("%d changes sent", n)
	}
	// Without a plan, apply plans, shows the plan and applies it.
	code, out, errOut = runCLI(t, "", "apply", "--yes", "--keep-going", "--wait", "--wait-interval", "100ms")
	if code != 0 || !strings.Contains(out, "1 to update") || !strings.Contains(out, "applied") || !strings.Contains(errOut, "[1/1] "+estatetest.UUID(2)+" (lb-002): applied") {
		t.Errorf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "", "apply", "--yes"); code != 0 || !strings.Contains(errOut, "no changes to apply") {
		t.Errorf("apply with nothing to do: exit %d, %s", code, errOut)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "--format", "xml"}, "use text, json, markdown"},
		{[]string{"plan", "--concurrency", "0"}, "--concurrency must be"},
		{[]string{"plan", "--max-rps", "0"}, "--max-rps"},
		{[]string{"plan", "extra"}, "takes no arguments"},
		{[]string{"import"}, "exactly one DIR"},
		{[]string{"import", "--name-match", "(", "lb"}, "--name-match"},
		{[]string{"apply", "nope.json"}, "no such file"},
		{[]string{"plan", "--base", "no-such-ref"}, "not a git revision"},
	} {
		if code, _, errOut := runCLI(t, "", tc.args...); code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %s", tc.args, code, errOut)
		}
	}
}

// plan --base REF reads the files at a git revision for drift.
func TestPlanBaseGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	srv := newEstateEnv(t, 3)
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", ".")
	if code, _, errOut := runCLI(t, "", "import", "lb"); code != 0 {
		t.Fatal(errOut)
	}
	git("add", ".")
	git("commit", "-qm", "import")
	l := estatetest.Listeners(0)
	l.HttpListeners[0].MaxConn = 7
	srv.SetInstanceState(estatetest.UUID(0), &l, "")
	code, out, errOut := runCLI(t, "", "plan", "--base", "HEAD", "--format", "json")
	var p estate.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil || code != 1 {
		t.Fatalf("exit %d: %v\n%s", code, err, errOut)
	}
	var drift []bool
	for _, ip := range p.Instances {
		drift = append(drift, ip.Drift != nil && *ip.Drift)
	}
	if want := []bool{true, false, false}; !slices.Equal(drift, want) {
		t.Errorf("drift %v, want %v", drift, want)
	}
}

// The GitHub workflow example calls lbconf with commands and flags that
// exist, and the formats it reads.
func TestEstateWorkflowExample(t *testing.T) {
	var action struct {
		Inputs map[string]struct{ Default string } `yaml:"inputs"`
	}
	readYAML(t, "action.yml", &action)
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Uses string            `yaml:"uses"`
				Env  map[string]string `yaml:"env"`
				With map[string]string `yaml:"with"`
			}
		}
	}
	readYAML(t, "examples/github/estate.yml", &wf)
	modes := map[string]string{}
	for job, j := range wf.Jobs {
		for _, s := range j.Steps {
			if !strings.HasPrefix(s.Uses, "lbconf/lbconf@") {
				continue
			}
			for k := range s.With {
				if _, ok := action.Inputs[k]; !ok {
					t.Errorf("%s: the action has no input %q", job, k)
				}
			}
			mode := s.With["mode"]
			modes[job] += mode + " "
			if mode == "plan" || mode == "apply" {
				for _, env := range []string{cdsapi.EnvSecretID, cdsapi.EnvSecretKey} {
					if !strings.Contains(s.Env[env], "secrets.") {
						t.Errorf("%s: mode %s without %s from a secret", job, mode, env)
					}
				}
			}
			if f := s.With["format"]; f != "" && !contains(estate.Formats, f) {
				t.Errorf("%s: format %s", job, f)
			}
		}
	}
	if modes["plan"] != "lint plan " || modes["apply"] != "apply " {
		t.Errorf("modes used: %v, want lint and plan on pull requests, apply on the default branch", modes)
	}
}
