package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg/check"
	"github.com/lbconf/lbconf/haproxycfg/version"
	"github.com/lbconf/lbconf/internal/golden"
	"github.com/lbconf/lbconf/internal/haproxytest"
)

// corpusVersions are the HAProxy versions the corpus is checked against
// (binaries found by haproxytest.FindVersion).
var corpusVersions = []version.Version{{Major: 2, Minor: 2}, {Major: 2, Minor: 6}, {Major: 3, Minor: 0}}

// policyRules are lbconf's own rules for the platform, not HAProxy's:
// haproxy accepts what they refuse.
var policyRules = map[string]bool{RuleReservedPort: true, RuleDuplicateBind: true, RuleStatsPort: true}

// verdict is what one haproxy binary said about one corpus file.
type verdict struct {
	exit int
	// alerts are the lines of its ALERTs when it refused the file; 0
	// stands for an ALERT about no line (checks after parsing).
	alerts []int
}

func (v verdict) String() string {
	var ls []string
	for _, a := range v.alerts {
		ls = append(ls, strconv.Itoa(a))
	}
	return fmt.Sprintf("exit=%d alerts=%s", v.exit, strings.Join(ls, ","))
}

func parseVerdict(s string) (verdict, error) {
	var v verdict
	var alerts string
	if _, err := fmt.Sscanf(s, "exit=%d alerts=%s", &v.exit, &alerts); err != nil && !strings.HasSuffix(s, "alerts=") {
		return v, fmt.Errorf("bad verdict %q: %w", s, err)
	}
	if strings.HasSuffix(s, "alerts=") {
		fmt.Sscanf(s, "exit=%d", &v.exit)
	}
	for _, a := range strings.Split(alerts, ",") {
		if a == "" {
			continue
		}
		n, err := strconv.Atoi(a)
		if err != nil {
			return v, fmt.Errorf("bad verdict %q", s)
		}
		v.alerts = append(v.alerts, n)
	}
	return v, nil
}

const verdictsFile = "verdicts.golden"

// recordedVerdicts reads testdata/cfgcorpus/verdicts.golden: lines
// "FILE VERSION exit=N alerts=L,L".
func recordedVerdicts(t *testing.T, dir string) map[string]verdict {
	t.Helper()
	out := map[string]verdict{}
	data, err := os.ReadFile(filepath.Join(dir, verdictsFile))
	if err != nil {
		return out
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.SplitN(line, " ", 3)
		if len(f) != 3 {
			t.Fatalf("%s: bad line %q", verdictsFile, line)
		}
		v, err := parseVerdict(f[2])
		if err != nil {
			t.Fatal(err)
		}
		out[f[0]+" "+f[1]] = v
	}
	return out
}

// TestCorpus checks lint against real HAProxy 2.2, 2.6 and 3.0 on the
// configs of testdata/cfgcorpus (real-world shapes, good and bad): no lint
// error at a line the binary accepts, and at least one error in every file
// the binary refuses. Each binary's verdicts are recorded in
// verdicts.golden: a present binary must agree with the record (go test
// -update rewrites it), an absent one is skipped unless
// LBCONF_REQUIRE_HAPROXY=1, and the lint checks then use the record.
func TestCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "cfgcorpus")
	files, err := filepath.Glob(filepath.Join(dir, "*.cfg"))
	if err != nil || len(files) < 30 {
		t.Fatalf("want at least 30 corpus configs, have %d (%v)", len(files), err)
	}
	// The rule test cases too: lint's verdict on each must agree with
	// every binary.
	cases, err := filepath.Glob(filepath.Join("..", "..", "testdata", "cfglint", "*.cfg"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no rule test cases: %v", err)
	}
	files = append(files, cases...)
	sort.Strings(files)
	recorded := recordedVerdicts(t, dir)
	verdicts := map[string]verdict{}
	var record strings.Builder
	for _, version := range corpusVersions {
		bin, err := haproxytest.FindVersion(version)
		if err != nil {
			if os.Getenv(haproxytest.RequireEnv) == "1" {
				t.Fatalf("%v; %s=1 makes this a failure", err, haproxytest.RequireEnv)
			}
			t.Logf("%v: using the recorded verdicts; set %s=1 to make this a failure", err, haproxytest.RequireEnv)
		}
		run := make([]verdict, len(files))
		if bin != "" {
			// A few checks at a time: each is a short haproxy process.
			var wg sync.WaitGroup
			sem := make(chan struct{}, 4)
			for i, path := range files {
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer func() { <-sem; wg.Done() }()
					run[i] = runVerdict(t, bin, path)
				}()
			}
			wg.Wait()
		}
		for i, path := range files {
			name := corpusName(path)
			key := name + " " + version.String()
			v, ok := recorded[key]
			if bin != "" {
				v = run[i]
			} else if !ok {
				t.Fatalf("%s: no recorded verdict and no binary to make one", key)
			}
			verdicts[key] = v
			fmt.Fprintf(&record, "%s %s\n", key, v)
		}
	}
	golden.Check(t, filepath.Join(dir, verdictsFile), []byte(record.String()))

	for _, version := range corpusVersions {
		for _, path := range files {
			name := corpusName(path)
			v := verdicts[name+" "+version.String()]
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			fs, err := lint(name, text, version)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			checkAgainst(t, name, version, v, fs)
		}
	}
}

func runVerdict(t *testing.T, bin, path string) verdict {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := check.Check(context.Background(), filepath.Base(path), text, check.Options{Binary: bin})
	if err != nil {
		t.Errorf("%s with %s: %v", path, bin, err)
		return verdict{exit: -1}
	}
	v := verdict{exit: res.ExitCode}
	if res.ExitCode == 2 && strings.Contains(res.Output, "has no error but will not start") {
		// A valid config without listeners (a rule test case).
		return verdict{}
	}
	seen := map[int]bool{}
	for _, f := range res.Findings {
		if res.ExitCode != 0 && f.Severity == finding.Error && !seen[f.Line] {
			seen[f.Line] = true
			v.alerts = append(v.alerts, f.Line)
		}
	}
	sort.Ints(v.alerts)
	return v
}

// checkAgainst compares lint's findings for one version with the binary's
// verdict.
func checkAgainst(t *testing.T, name string, version version.Version, v verdict, fs []finding.Finding) {
	t.Helper()
	refused := map[int]bool{}
	for _, a := range v.alerts {
		refused[a] = true
	}
	errs := 0
	for _, f := range fs {
		if f.Severity != finding.Error || policyRules[f.Rule] {
			continue
		}
		errs++
		if v.exit == 0 {
			t.Errorf("%s: haproxy %s accepts the file, lint says %v", name, version, f)
			continue
		}
		if !refused[f.Line] && !refused[0] {
			t.Errorf("%s: haproxy %s accepts line %d (it refuses lines %v), lint says %v", name, version, f.Line, v.alerts, f)
		}
	}
	if v.exit != 0 && errs == 0 {
		t.Errorf("%s: haproxy %s refuses the file (alerts at lines %v), lint finds no error", name, version, v.alerts)
	}
}

// corpusName names a corpus file in verdicts.golden and messages:
// "cfgcorpus/01-x.cfg", "cfglint/timeouts.valid.cfg".
func corpusName(path string) string {
	return filepath.Base(filepath.Dir(path)) + "/" + filepath.Base(path)
}
