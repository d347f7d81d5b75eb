package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/internal/golden"
)

var (
	wantRe   = regexp.MustCompile(`# want: (\S+)`)
	targetRe = regexp.MustCompile(`^# target: (\S+)`)
)

// TestRuleFiles lints every testdata/cfglint/*.cfg. Lines marked
// `# want: RULE` must get exactly that finding and no line may get another;
// *.valid.cfg files have no markers and must be clean. The messages of all
// files are kept in findings.golden.
func TestRuleFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "cfglint", "*.cfg"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test configs: %v", err)
	}
	sort.Strings(files)
	var all strings.Builder
	covered := map[string]bool{}
	for _, path := range files {
		name := filepath.Base(path)
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(text), "\n")
		target := ""
		if m := targetRe.FindStringSubmatch(lines[0]); m != nil {
			target = m[1]
		}
		var want []string
		for i, l := range lines {
			for _, m := range wantRe.FindAllStringSubmatch(l, -1) {
				want = append(want, fmt.Sprintf("%d %s", i+1, m[1]))
			}
		}
		if strings.HasSuffix(name, ".valid.cfg") && len(want) > 0 {
			t.Errorf("%s: a valid file has markers", name)
		}
		fs, err := Lint(name, text, target)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got []string
		for _, f := range fs {
			got = append(got, fmt.Sprintf("%d %s", f.Line, f.Rule))
			covered[f.Rule] = true
			all.WriteString(f.String() + "\n")
			if f.Col < 1 {
				t.Errorf("%s: finding without a column: %v", name, f)
			}
		}
		sort.Strings(got)
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n  got  %v\n  want %v", name, got, want)
		}
	}
	for _, r := range Rules() {
		if !covered[r.Name] {
			t.Errorf("rule %s has no invalid test config", r.Name)
		}
	}
	golden.Check(t, filepath.Join("..", "..", "testdata", "cfglint", "findings.golden"), []byte(all.String()))
}

func TestDocumentedSample(t *testing.T) {
	// The repository's copy of shared/reference/documented-custom-config.cfg.
	text, err := os.ReadFile(filepath.Join("..", "..", "testdata", "compile", "documented-custom-config.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		target string
		want   []string
	}{
		{"1.8", []string{"38 cfg-public-password"}},
		{"2.4", []string{"10 cfg-deprecated", "38 cfg-public-password"}},
		{"2.6", []string{"10 cfg-target", "38 cfg-public-password"}},
	}
	for _, tt := range tests {
		fs, err := Lint("sample.cfg", text, tt.target)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fs {
			got = append(got, fmt.Sprintf("%d %s", f.Line, f.Rule))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("target %s: got %v, want %v", tt.target, got, tt.want)
		}
	}
}

func TestTargets(t *testing.T) {
	for _, bad := range []string{"x", "2", "2.x", "1.2.3.4", "-1.0"} {
		if _, err := Lint("f", nil, bad); err == nil {
			t.Errorf("target %q: want an error", bad)
		}
	}
	for _, ok := range []string{"", "1.8", "2.4.22", "3.0"} {
		if _, err := Lint("f", nil, ok); err != nil {
			t.Errorf("target %q: %v", ok, err)
		}
	}
}

func TestRulesCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if r.Input != "cfg" || r.Summary == "" || !strings.HasPrefix(r.Name, "cfg-") || seen[r.Name] {
			t.Errorf("bad rule %+v", r)
		}
		seen[r.Name] = true
	}
	if catalogue.Severity(RuleTimeouts) != finding.Warning || catalogue.Severity(RuleDuplicateBind) != finding.Error {
		t.Error("severities")
	}
}

func TestConcurrentLint(t *testing.T) {
	text := []byte("defaults\n  timeout client 1s\nfrontend a\n  bind :80\n  bogus\n")
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				fs, err := Lint("f", text, "")
				if err != nil || len(fs) != 1 {
					t.Errorf("%v %v", err, fs)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestMerge(t *testing.T) {
	own := []finding.Finding{
		{File: "f", Line: 3, Col: 5, Severity: finding.Error, Rule: RuleSyntax, Message: "quote"},
		{File: "f", Line: 7, Col: 1, Severity: finding.Warning, Rule: RuleTimeouts, Message: "timeouts"},
	}
	hap := []finding.Finding{
		{File: "f", Line: 3, Col: 5, Severity: finding.Error, Rule: "haproxy-check", Message: "unmatched quote"},
		{File: "f", Line: 7, Col: 1, Severity: finding.Warning, Rule: "haproxy-check", Message: "missing timeouts"},
		{File: "f", Line: 7, Col: 1, Severity: finding.Error, Rule: "haproxy-check", Message: "worse than lint said"},
		{File: "f", Line: 9, Col: 1, Severity: finding.Error, Rule: "haproxy-check", Message: "only haproxy"},
		{File: "f", Line: 9, Col: 1, Severity: finding.Error, Rule: "haproxy-check", Message: "only haproxy"},
		{File: "f", Line: 0, Severity: finding.Error, Rule: "haproxy-check", Message: "no line"},
	}
	var got []string
	for _, f := range Merge(own, hap) {
		got = append(got, fmt.Sprintf("%d %s %s", f.Line, f.Rule, f.Message))
	}
	want := []string{"0 haproxy-check no line", "3 cfg-syntax quote", "7 cfg-timeouts timeouts", "7 haproxy-check worse than lint said", "9 haproxy-check only haproxy"}
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Merge:\n got  %q\n want %q", got, want)
	}
}
