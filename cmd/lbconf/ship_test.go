package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
	"go.yaml.in/yaml/v3"
)

// readYAML parses a repository file into v.
func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile("../../" + path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

var lbconfCallRE = regexp.MustCompile(`\blbconf((?: +(?:[a-z][a-z-]*|--?[a-z][a-z-]*(?:=\S+)?))+)`)

// checkCalls checks every `lbconf CMD --flag ...` in text: the command
// exists and has the flags.
func checkCalls(t *testing.T, where, text string) int {
	t.Helper()
	app := newApp(nil, nil, nil)
	n := 0
	for _, m := range lbconfCallRE.FindAllStringSubmatch(text, -1) {
		words := strings.Fields(m[1])
		cmds := app.Commands
		var cmd *cli.Command
		i := 0
		for ; i < len(words) && !strings.HasPrefix(words[i], "-"); i++ {
			next := findCommand(cmds, words[i])
			if next == nil {
				break
			}
			cmd, cmds = next, next.Subcommands
		}
		if cmd == nil {
			if len(words) > 0 && !strings.HasPrefix(words[0], "-") && !strings.Contains(words[0], "/") {
				if words[0] != "lbconf" && words[0] != "name" && words[0] != "the" && words[0] != "in" {
					t.Errorf("%s: `lbconf%s`: no command %q", where, m[1], words[0])
				}
			}
			continue
		}
		n++
		for _, w := range words[i:] {
			if !strings.HasPrefix(w, "-") {
				continue
			}
			name, _, _ := strings.Cut(strings.TrimLeft(w, "-"), "=")
			if name != "help" && !hasFlag(cmd, name) {
				t.Errorf("%s: `lbconf%s`: %s has no flag --%s", where, m[1], cmd.FullName(), name)
			}
		}
	}
	return n
}

// TestActionFiles parses action.yml, .pre-commit-hooks.yaml and the example
// workflow, and checks the inputs and commands they name exist.
func TestActionFiles(t *testing.T) {
	var action struct {
		Inputs  map[string]struct{ Default string } `yaml:"inputs"`
		Outputs map[string]struct{ Value string }   `yaml:"outputs"`
		Runs    struct {
			Using string `yaml:"using"`
			Steps []struct {
				ID   string            `yaml:"id"`
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				If   string            `yaml:"if"`
				Env  map[string]string `yaml:"env"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	readYAML(t, "action.yml", &action)
	if action.Runs.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", action.Runs.Using)
	}
	raw, _ := os.ReadFile("../../action.yml")
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`inputs\.([a-z-]+)`).FindAllStringSubmatch(string(raw), -1) {
		used[m[1]] = true
		if _, ok := action.Inputs[m[1]]; !ok {
			t.Errorf("action.yml uses undeclared input %q", m[1])
		}
	}
	for name := range action.Inputs {
		if !used[name] {
			t.Errorf("action.yml declares input %q but never uses it", name)
		}
	}
	calls := 0
	ids := map[string]bool{}
	for _, s := range action.Runs.Steps {
		ids[s.ID] = true
		if s.Run != "" {
			calls += checkCalls(t, "action.yml", s.Run)
			if strings.Contains(s.Run, "${{") {
				t.Errorf("action.yml: a run script expands ${{ }} directly (script injection); pass it through env")
			}
		}
	}
	for _, o := range action.Outputs {
		for _, m := range regexp.MustCompile(`steps\.([a-z-]+)\.`).FindAllStringSubmatch(o.Value, -1) {
			if !ids[m[1]] {
				t.Errorf("output refers to missing step %q", m[1])
			}
		}
	}
	if calls < 3 {
		t.Errorf("action.yml runs lbconf %d times; want lint (github, sarif) and diff", calls)
	}
	for _, want := range []string{"--format github", "--format sarif", "lbconf diff", "GITHUB_STEP_SUMMARY", "upload-sarif", "go install", "go build",
		"lbconf plan --format", "--out", "lbconf apply --yes"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("action.yml lacks %q", want)
		}
	}
	// The estate modes: their inputs exist, and every flag a step passes
	// through its args array belongs to the lbconf command the step runs.
	if action.Inputs["mode"].Default != "lint" {
		t.Errorf("mode defaults to %q, want lint", action.Inputs["mode"].Default)
	}
	for _, in := range []string{"mode", "config", "base-ref", "format", "plan-file", "concurrency", "max-rps", "endpoint",
		"keep-going", "wait", "backup-dir", "fail-on-changes"} {
		if _, ok := action.Inputs[in]; !ok {
			t.Errorf("action.yml has no input %q", in)
		}
	}
	for _, out := range []string{"exit-code", "changes", "plan-file"} {
		if _, ok := action.Outputs[out]; !ok {
			t.Errorf("action.yml has no output %q", out)
		}
	}
	app := newApp(nil, nil, nil)
	stepFlags := 0
	for _, s := range action.Runs.Steps {
		m := regexp.MustCompile(`(?m)^\s*lbconf (lint|plan|apply)\b`).FindAllStringSubmatch(s.Run, -1)
		if len(m) == 0 {
			continue
		}
		for _, call := range m {
			cmd := findCommand(app.Commands, call[1])
			for _, f := range regexp.MustCompile(`args\+=\(--([a-z-]+)`).FindAllStringSubmatch(s.Run, -1) {
				stepFlags++
				if !hasFlag(cmd, f[1]) {
					t.Errorf("action.yml step %q passes --%s to lbconf %s, which has no such flag", s.ID, f[1], call[1])
				}
			}
		}
	}
	if stepFlags < 10 {
		t.Errorf("only %d flags passed through args arrays: the test does not see the steps", stepFlags)
	}
	for _, id := range []string{"lint", "plan", "apply"} {
		if !ids[id] {
			t.Errorf("action.yml has no step %q", id)
		}
	}

	var hooks []struct {
		ID, Entry, Language, Files string
	}
	readYAML(t, ".pre-commit-hooks.yaml", &hooks)
	if len(hooks) == 0 {
		t.Fatal("no hooks")
	}
	for _, h := range hooks {
		if checkCalls(t, ".pre-commit-hooks.yaml "+h.ID, h.Entry) != 1 || h.Language != "golang" {
			t.Errorf("hook %s: entry %q language %q", h.ID, h.Entry, h.Language)
		}
		re, err := regexp.Compile(h.Files)
		if err != nil || !re.MatchString("lb/web.json") || !re.MatchString("haproxy.cfg") || !re.MatchString("a.yml") || re.MatchString("main.go") {
			t.Errorf("hook %s: files %q", h.ID, h.Files)
		}
	}

	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Uses string            `yaml:"uses"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	readYAML(t, "examples/github/lbconf.yml", &wf)
	usesAction := false
	for _, job := range wf.Jobs {
		for _, s := range job.Steps {
			if !strings.HasPrefix(s.Uses, "lbconf/lbconf@") {
				continue
			}
			usesAction = true
			for k := range s.With {
				if _, ok := action.Inputs[k]; !ok {
					t.Errorf("examples/github/lbconf.yml passes unknown input %q", k)
				}
			}
		}
	}
	if !usesAction {
		t.Error("examples/github/lbconf.yml does not use the action")
	}
}

// TestReleaseFiles checks the Dockerfile and .goreleaser.yaml: the -X
// names they set exist (TestVersionLdflags proves they work), binaries are
// static, images run as a non-root user, and releases cover linux, darwin
// and windows on amd64 and arm64 with checksums.
func TestReleaseFiles(t *testing.T) {
	docker, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var rel struct {
		Builds []struct {
			Main    string   `yaml:"main"`
			Env     []string `yaml:"env"`
			Ldflags []string `yaml:"ldflags"`
			Goos    []string `yaml:"goos"`
			Goarch  []string `yaml:"goarch"`
		} `yaml:"builds"`
		Archives []struct {
			Files []string `yaml:"files"`
		} `yaml:"archives"`
		Checksum struct {
			NameTemplate string `yaml:"name_template"`
		} `yaml:"checksum"`
	}
	readYAML(t, ".goreleaser.yaml", &rel)
	if len(rel.Builds) != 1 || rel.Builds[0].Main != "./cmd/lbconf" || rel.Checksum.NameTemplate == "" {
		t.Fatalf("%+v", rel)
	}
	b := rel.Builds[0]
	if strings.Join(b.Goos, ",") != "linux,darwin,windows" || strings.Join(b.Goarch, ",") != "amd64,arm64" ||
		!contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("builds: %+v", b)
	}
	for _, a := range rel.Archives {
		for _, f := range a.Files {
			if _, err := os.Stat("../../" + f); err != nil {
				t.Errorf("archive file %s: %v", f, err)
			}
		}
	}
	for what, text := range map[string]string{"Dockerfile": string(docker), ".goreleaser.yaml": strings.Join(b.Ldflags, " ")} {
		for _, m := range regexp.MustCompile(`-X main\.(\w+)=`).FindAllStringSubmatch(text, -1) {
			if m[1] != "buildVersion" && m[1] != "buildCommit" {
				t.Errorf("%s sets main.%s, which does not exist", what, m[1])
			}
		}
		if !strings.Contains(text, "main.buildVersion") {
			t.Errorf("%s does not set the version", what)
		}
	}
	// Every final stage runs as a non-root user; the build is static.
	stages := regexp.MustCompile(`(?m)^FROM `).Split(string(docker), -1)[1:]
	if len(stages) != 3 || !strings.Contains(stages[0], "CGO_ENABLED=0") {
		t.Fatalf("want build, haproxy and default stages, got %d", len(stages))
	}
	for _, s := range stages[1:] {
		if !regexp.MustCompile(`(?m)^USER 65532`).MatchString(s) {
			t.Errorf("stage %q runs as root", strings.SplitN(s, "\n", 2)[0])
		}
	}
	if !strings.Contains(stages[1], "apt-get install -y --no-install-recommends haproxy") {
		t.Error("no haproxy variant")
	}
	// lbconf has no platform-specific code of its own: the one package
	// chosen per platform is golang.org/x/term's, which supports all six.
}
