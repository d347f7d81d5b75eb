package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/model/modeltest"
)

// The hostile-input corpus: each case is a reproduction of issue 12 run
// through the real binary in a child process whose address space is
// limited (ulimit -v), asserting the exit code, the exact message or
// finding, the peak resident memory the kernel measured (rusage) and a
// generous time bound. Small inputs live in testdata/hostile; large ones are
// generated here.

// hostileAS is the address-space limit of every run: a safety net so that
// a regression fails the test instead of exhausting the machine. The Go
// runtime reserves several hundred megabytes of address space at start, so
// the peak-memory bound proper is the resident-set check of each case.
const hostileAS = 3 << 30

// hostileRSS is the default bound of a run's peak resident memory.
const hostileRSS = 300 << 20

// hostileTime is the default time bound of a run: generous, as two cores
// are shared with other tests; the fixed quadratic and exponential cases
// took minutes or ran out of memory.
const hostileTime = 30 * time.Second

type hostileRun struct {
	code           int
	stdout, stderr string
	rss            int64
	elapsed        time.Duration
}

// buildLBConf builds the CLI once for the hostile tests; LBCONF_HOSTILE_BIN
// names another build to run the corpus against instead (to see it fail
// on a version without the fixes).
func buildLBConf(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("LBCONF_HOSTILE_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "lbconf")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building lbconf: %v\n%s", err, out)
	}
	return bin
}

// hostileChildEnv passes a run to TestHostileChild.
const hostileChildEnv = "LBCONF_HOSTILE_CHILD"

// hostileRequest is what TestHostileChild runs, and where it writes.
type hostileRequest struct {
	Args []string
	Dir  string
	// Stdout, Stderr and Result are files the helper writes.
	Stdout, Stderr, Result string
}

// hostileResult is what TestHostileChild measured.
type hostileResult struct {
	Code    int
	RSS     int64
	Elapsed time.Duration
}

// TestHostileChild is a helper process, not a test: it limits its address
// space, runs one command and records its exit code and peak memory. The
// measurement has to come from a small process: Linux counts the memory of
// the process that started a child in the child's peak, and the test
// process itself is large.
func TestHostileChild(t *testing.T) {
	spec := os.Getenv(hostileChildEnv)
	if spec == "" {
		t.Skip("a helper process of TestHostileInput")
	}
	var req hostileRequest
	if err := json.Unmarshal([]byte(spec), &req); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: hostileAS, Max: hostileAS}); err != nil {
		t.Fatal(err)
	}
	stdout, err := os.Create(req.Stdout)
	if err != nil {
		t.Fatal(err)
	}
	defer stdout.Close()
	stderr, err := os.Create(req.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	// A run is killed at twice the time bound, so that a regression fails
	// instead of hanging.
	ctx, cancel := context.WithTimeout(context.Background(), 2*hostileTime)
	defer cancel()
	cmd := exec.CommandContext(ctx, req.Args[0], req.Args[1:]...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = req.Dir, stdout, stderr
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "LBCONF_STATS_AUTH=", hostileChildEnv+"=")
	start := time.Now()
	err = cmd.Run()
	res := hostileResult{Elapsed: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		res.Code = ee.ExitCode()
	default:
		t.Fatal(err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.RSS = ru.Maxrss << 10 // kilobytes on Linux
	}
	b, _ := json.Marshal(res)
	if err := os.WriteFile(req.Result, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// runHostile runs bin with args from the repository root through
// TestHostileChild in a new test process.
func runHostile(t *testing.T, bin string, args ...string) hostileRun {
	t.Helper()
	tmp := t.TempDir()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	req := hostileRequest{Args: append([]string{bin}, args...), Dir: root,
		Stdout: filepath.Join(tmp, "stdout"), Stderr: filepath.Join(tmp, "stderr"), Result: filepath.Join(tmp, "result")}
	spec, _ := json.Marshal(req)
	helper := exec.Command(os.Args[0], "-test.run=^TestHostileChild$", "-test.count=1")
	helper.Env = append(os.Environ(), hostileChildEnv+"="+string(spec))
	if out, err := helper.CombinedOutput(); err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	var res hostileResult
	b, err := os.ReadFile(req.Result)
	if err == nil {
		err = json.Unmarshal(b, &res)
	}
	if err != nil {
		t.Fatalf("helper result: %v", err)
	}
	stdout, _ := os.ReadFile(req.Stdout)
	stderr, _ := os.ReadFile(req.Stderr)
	return hostileRun{code: res.Code, stdout: string(stdout), stderr: string(stderr), rss: res.RSS, elapsed: res.Elapsed}
}

// hostileCase is one reproduction.
type hostileCase struct {
	name string
	// setup writes generated inputs into dir and returns the arguments;
	// "DIR" in args is replaced with dir.
	setup func(t *testing.T, dir string)
	args  []string
	code  int
	// stderr and stdout must each contain every listed line exactly.
	stderr, stdout []string
	// noRaw forbids raw control characters (other than newline) in the
	// output.
	noRaw bool
	// rss and time override the default bounds.
	rss int64
	// check runs extra assertions.
	check func(t *testing.T, dir string, r hostileRun)
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func repeatLines(n int, format func(i int) string) []byte {
	var b bytes.Buffer
	for i := range n {
		b.WriteString(format(i))
	}
	return b.Bytes()
}

const parserCrash = "config-parser cannot read this directive (it crashed on it); check its arguments against HAProxy's manual"

const tooLarge = "larger than the 16 MiB lbconf reads: beyond lbconf's limits"

func hostileCases() []hostileCase {
	notCfg := func(name, file, msg string) hostileCase {
		return hostileCase{
			name: name,
			setup: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "out.json"), []byte("precious\n"))
			},
			args:   []string{"decompile", "-o", "DIR/out.json", "testdata/hostile/" + file},
			code:   2,
			stderr: []string{"lbconf: testdata/hostile/" + file + ": not a haproxy.cfg: " + msg},
			check: func(t *testing.T, dir string, r hostileRun) {
				if got, _ := os.ReadFile(filepath.Join(dir, "out.json")); string(got) != "precious\n" || r.stdout != "" {
					t.Errorf("-o replaced: %q, stdout %q", got, r.stdout)
				}
			},
		}
	}
	const cfgHelp = "a haproxy.cfg is UTF-8 text whose first line (comments aside) opens a section: global, defaults, frontend, backend, listen, ..."
	return []hostileCase{
		// config-parser crashes on some malformed directives: the crash
		// is an error naming the line, and -o is left alone.
		{name: "config-parser crash in decompile",
			setup: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "out.json"), []byte("precious\n"))
			},
			args: []string{"decompile", "-o", "DIR/out.json", "testdata/hostile/parser-crash.cfg"}, code: 2,
			stderr: []string{`lbconf: testdata/hostile/parser-crash.cfg: decompile: line 4: "http-request set-var(x) str(y)": ` + parserCrash},
			check: func(t *testing.T, dir string, r hostileRun) {
				if got, _ := os.ReadFile(filepath.Join(dir, "out.json")); string(got) != "precious\n" || r.stdout != "" {
					t.Errorf("-o replaced: %q, stdout %q", got, r.stdout)
				}
			}},
		{name: "config-parser crash in lint", args: []string{"lint", "testdata/hostile/parser-crash.cfg"}, code: 2,
			stderr: []string{`lbconf: cfglint: testdata/hostile/parser-crash.cfg: line 4: "http-request set-var(x) str(y)": ` + parserCrash}},
		// Bounded cost.
		{name: "yaml billion laughs", args: []string{"lint", "testdata/hostile/billion-laughs.yaml"}, code: 2,
			stderr: []string{"lbconf: testdata/hostile/billion-laughs.yaml:7:26: more than 500000 values (aliases counted as often as they are used): lbconf reads at most 500000 values per document"}},
		{name: "two billion laughs in one call",
			setup: func(t *testing.T, dir string) {
				data, _ := os.ReadFile("../../testdata/hostile/billion-laughs.yaml")
				writeFile(t, filepath.Join(dir, "b.yaml"), data)
			},
			args: []string{"lint", "testdata/hostile/billion-laughs.yaml", "DIR/b.yaml"}, code: 2,
			stderr: []string{
				"lbconf: testdata/hostile/billion-laughs.yaml:7:26: more than 500000 values (aliases counted as often as they are used): lbconf reads at most 500000 values per document",
				"lbconf: DIR/b.yaml:7:26: more than 500000 values (aliases counted as often as they are used): lbconf reads at most 500000 values per document",
			}},
		{name: "yaml merge keys and aliases",
			setup: func(t *testing.T, dir string) {
				// Each mapping merges the previous one: 63 KB whose merges
				// were redone for every alias, each with a linear lookup.
				var b strings.Builder
				b.WriteString("m0: &m0 {k0: 1}\n")
				for i := 1; i < 2500; i++ {
					fmt.Fprintf(&b, "m%d: &m%d {<<: *m%d, k%d: 1}\n", i, i, i-1, i)
				}
				writeFile(t, filepath.Join(dir, "merge.yaml"), []byte(b.String()))
			},
			args: []string{"lint", "DIR/merge.yaml"}, code: 2,
			stderr: []string{"lbconf: DIR/merge.yaml:143:18: more than 500000 values (aliases counted as often as they are used): lbconf reads at most 500000 values per document"}},
		{name: "/dev/zero", args: []string{"lint", "/dev/zero"}, code: 2,
			stderr: []string{"lbconf: /dev/zero: " + tooLarge}},
		{name: "/dev/zero to decompile", args: []string{"decompile", "/dev/zero"}, code: 2,
			stderr: []string{"lbconf: /dev/zero: " + tooLarge}},
		{name: "/dev/zero as compile base", args: []string{"compile", "--base", "/dev/zero", "examples/listeners.json"}, code: 2,
			stderr: []string{"lbconf: --base: /dev/zero: " + tooLarge}},
		{name: "fifo",
			setup: func(t *testing.T, dir string) {
				fifo := filepath.Join(dir, "fifo")
				if err := syscall.Mkfifo(fifo, 0o600); err != nil {
					t.Skipf("no FIFO: %v", err)
				}
				go func() {
					f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
					if err != nil {
						return
					}
					defer f.Close()
					chunk := bytes.Repeat([]byte("# filler\n"), 1<<16)
					for range 40 { // 23 MB at most; stops when the reader goes
						if _, err := f.Write(chunk); err != nil {
							return
						}
					}
				}()
			},
			args: []string{"lint", "DIR/fifo"}, code: 2, stderr: []string{"lbconf: DIR/fifo: " + tooLarge}},
		{name: "100,000 frontend/backend pairs (9 MB, 400,000 lines)",
			setup: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "pairs.cfg"), repeatLines(100_000, func(i int) string {
					return fmt.Sprintf("frontend f%d\n    default_backend f%d-abk\nbackend f%d-abk\n    server s 10.0.0.1:80\n", i, i, i)
				}))
			},
			args: []string{"decompile", "DIR/pairs.cfg"}, code: 2,
			stderr: []string{"lbconf: DIR/pairs.cfg: decompile: 400000 lines is more than 300000: beyond lbconf's limits (lbconf reads configs of at most 300000 lines and 20000 sections)"}},
		{name: "10,000 listeners compiled (15,002 sections, 220,044 lines)",
			setup: func(t *testing.T, dir string) {
				cfg, err := compiler.Compile(modeltest.Mixed(10000), compiler.Options{})
				if err != nil {
					t.Fatal(err)
				}
				writeFile(t, filepath.Join(dir, "big.cfg"), cfg)
			},
			// config-parser keeps tens of kilobytes per section: fed all
			// at once it took 840 MB here; haproxycfg/parse feeds it in batches.
			args: []string{"decompile", "-o", "/dev/null", "DIR/big.cfg"}, code: 0, rss: 500 << 20},
		{name: "20,000 sections of 14 lines (6 MB)",
			setup: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "acl.cfg"), repeatLines(19_999, func(i int) string {
					var b strings.Builder
					fmt.Fprintf(&b, "listen l%d\n    bind :%d\n", i, i%60000+1)
					for j := range 12 {
						fmt.Fprintf(&b, "    acl a%d src 10.0.0.%d\n", j, j)
					}
					return b.String()
				}))
			},
			args: []string{"decompile", "-o", "/dev/null", "DIR/acl.cfg"}, code: 0, rss: 600 << 20},
		{name: "200,000 defaults sections",
			setup: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "defaults.cfg"), bytes.Repeat([]byte("defaults\n"), 200_000))
			},
			args: []string{"decompile", "DIR/defaults.cfg"}, code: 2,
			stderr: []string{"lbconf: DIR/defaults.cfg: decompile: 200000 sections (the last on line 200000) is more than 20000: beyond lbconf's limits (lbconf reads configs of at most 300000 lines and 20000 sections)"}},
		{name: "20,001 sections",
			setup: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "many.cfg"), repeatLines(20_001, func(i int) string {
					return fmt.Sprintf("listen l%d\n    mode tcp\n    bind :%d\n", i, 10000+i)
				}))
			},
			args: []string{"lint", "DIR/many.cfg"}, code: 2,
			stderr: []string{"lbconf: cfglint: DIR/many.cfg: 20001 sections (the last on line 60001) is more than 20000: beyond lbconf's limits (lbconf reads configs of at most 300000 lines and 20000 sections)"}},
		{name: "100,000 frontend dup",
			setup: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "dup.cfg"), repeatLines(100_000, func(int) string { return "frontend dup\n    bind :80\n" }))
			},
			args: []string{"lint", "DIR/dup.cfg"}, code: 2,
			stderr: []string{"lbconf: cfglint: DIR/dup.cfg: 100000 sections (the last on line 199999) is more than 20000: beyond lbconf's limits (lbconf reads configs of at most 300000 lines and 20000 sections)"}},
		{name: "10^6 server lines",
			setup: func(t *testing.T, dir string) {
				head := "global\ndefaults\n    mode http\nfrontend f\n    bind :80\n    default_backend f-abk\nbackend f-abk\n"
				writeFile(t, filepath.Join(dir, "servers.cfg"), append([]byte(head), repeatLines(1_000_000, func(i int) string {
					return fmt.Sprintf("    server s%d 10.%d.%d.%d:80\n", i, i>>16&255, i>>8&255, i&255)
				})...))
			},
			args: []string{"decompile", "DIR/servers.cfg"}, code: 2,
			stderr: []string{"lbconf: DIR/servers.cfg: 34361970 bytes is larger than the 16 MiB lbconf reads: beyond lbconf's limits"}},
		{name: "99,000 server lines in one backend (linear decompile)",
			setup: func(t *testing.T, dir string) {
				head := "global\ndefaults\n    mode http\nfrontend f\n    bind :80\n    default_backend f-abk\nbackend f-abk\n"
				writeFile(t, filepath.Join(dir, "servers.cfg"), append([]byte(head), repeatLines(99_000, func(i int) string {
					return fmt.Sprintf("    server s%d 10.%d.%d.%d:80 check\n", i, i>>16&255, i>>8&255, i&255)
				})...))
			},
			args: []string{"decompile", "-o", "/dev/null", "DIR/servers.cfg"}, code: 0,
			stderr: []string{"DIR/servers.cfg:504:12: warning too-many-findings: 197007 more findings in this file are not shown (at most 1000 per file); fix the ones above and run again"},
			rss:    600 << 20},
		{name: "AclWhiteList of 10^6 bad entries",
			setup: func(t *testing.T, dir string) {
				entries := strings.TrimSuffix(strings.Repeat(`"x",`, 1_000_000), ",")
				writeFile(t, filepath.Join(dir, "acl.json"), []byte(`{"HttpListeners": [{"ListenerName": "a", "AclWhiteList": [`+entries+`]}]}`))
			},
			args: []string{"lint", "DIR/acl.json"}, code: 2,
			stderr: []string{"lbconf: DIR/acl.json:1:2000039: more than 500000 values (aliases counted as often as they are used): lbconf reads at most 500000 values per document"}},
		{name: "AclWhiteList of 499,990 bad entries of 17 bytes (10 MB, the most values a document holds; findings beyond 1,000 counted, not kept)",
			setup: func(t *testing.T, dir string) {
				entries := strings.TrimSuffix(strings.Repeat(`"xxxxxxxxxxxxxxxxx",`, 499_990), ",")
				writeFile(t, filepath.Join(dir, "acl.json"), []byte(`{"HttpListeners": [{"ListenerName": "a", "AclWhiteList": [`+entries+`]}]}`))
			},
			args: []string{"lint", "DIR/acl.json"}, code: 1,
			stdout: []string{"DIR/acl.json:1:19819: error too-many-findings: 499002 more findings in this file are not shown (at most 1000 per file); fix the ones above and run again"},
			rss:    450 << 20},
		{name: "AclWhiteList of 150,000 bad entries: N more",
			setup: func(t *testing.T, dir string) {
				entries := strings.TrimSuffix(strings.Repeat(`"x",`, 150_000), ",")
				writeFile(t, filepath.Join(dir, "acl.json"), []byte(`{"HttpListeners": [{"ListenerName": "a", "AclWhiteList": [`+entries+`]}]}`))
			},
			args: []string{"lint", "DIR/acl.json"}, code: 1,
			stdout: []string{"DIR/acl.json:1:4011: error too-many-findings: 149012 more findings in this file are not shown (at most 1000 per file); fix the ones above and run again"},
			check: func(t *testing.T, dir string, r hostileRun) {
				if n := strings.Count(r.stdout, "\n"); n != 1001 {
					t.Errorf("%d lines of findings, want 1001", n)
				}
			}},

		// decompile refuses what is not a haproxy.cfg.
		notCfg("decompile JSON", "listeners.json.cfg", `no line opens a section; line 1 starts with "{\"HttpListeners\":" (this looks like a JSON document: lint it, or decompile a haproxy.cfg): `+cfgHelp),
		notCfg("decompile YAML", "listeners.yaml.cfg", `no line opens a section; line 1 starts with "HttpListeners:" (this looks like a YAML document: lint it, or decompile a haproxy.cfg): `+cfgHelp),
		notCfg("decompile binary", "binary.cfg", "the input is binary or not UTF-8 (it has NUL bytes or invalid UTF-8): "+cfgHelp),
		notCfg("decompile UTF-16", "utf16.cfg", "the input is UTF-16 text: convert it to UTF-8 (iconv -f UTF-16 -t UTF-8); "+cfgHelp),
		notCfg("decompile CR-only", "cr-only.cfg", `the input has CR-only line ends: haproxy reads lines ended by LF or CRLF (convert with tr '\r' '\n'); `+cfgHelp),
		notCfg("decompile empty", "empty.cfg", "the input is empty: "+cfgHelp),
		notCfg("decompile no section", "comments-only.cfg", "the input has no section, only comments: "+cfgHelp),

		// YAML constructs that were silently dropped.
		{name: "multi-document YAML", args: []string{"lint", "testdata/hostile/multi-document.yaml"}, code: 1,
			stdout: []string{"testdata/hostile/multi-document.yaml:4:1: error syntax: YAML: did not find expected node content"}},
		{name: "custom tag", args: []string{"lint", "testdata/hostile/custom-tag.yaml"}, code: 1,
			stdout: []string{"testdata/hostile/custom-tag.yaml:1:16: error syntax: YAML: the tag !evil is not allowed: a listener document holds plain mappings, lists, strings, numbers, booleans and null"}},
		{name: "merge key of a scalar", args: []string{"lint", "testdata/hostile/merge-scalar.yaml"}, code: 1,
			stdout: []string{"testdata/hostile/merge-scalar.yaml:3:9: error syntax: YAML: the merge key << takes a mapping or a list of mappings, got a number"}},
		{name: "1e309", args: []string{"lint", "testdata/hostile/huge-float.yaml"}, code: 1,
			stdout: []string{"testdata/hostile/huge-float.yaml:2:19: error type: ListenerPort must be a whole number, got 1e309, a number out of range (/TcpListeners/0/ListenerPort)"}},

		// Control characters never reach the terminal.
		{name: "control characters in a key (text)", args: []string{"lint", "testdata/hostile/control-key.json"}, code: 0, noRaw: true,
			stdout: []string{`testdata/hostile/control-key.json:1:43: warning undocumented-field: field "\x1b[2J\x1b]0;pwned\a" is not in the API documentation and is ignored; documented: HttpListeners, TcpListeners (/\x1b[2J\x1b]0;pwned\a)`}},
		{name: "control characters in a key (json)", args: []string{"lint", "--format", "json", "testdata/hostile/control-key.json"}, code: 0, noRaw: true,
			stdout: []string{`    "pointer": "/\\x1b[2J\\x1b]0;pwned\\a"`}},
		{name: "control characters in a key (github)", args: []string{"lint", "--format", "github", "testdata/hostile/control-key.json"}, code: 0, noRaw: true},
		{name: "control characters in a key (sarif)", args: []string{"lint", "--format", "sarif", "testdata/hostile/control-key.json"}, code: 0, noRaw: true},
		{name: "control characters in a decompile loss", args: []string{"decompile", "testdata/hostile/control-loss.cfg"}, code: 1, noRaw: true,
			stderr: []string{"testdata/hostile/control-loss.cfg:6:5: warning decompile-loss: `http-request deny if { hdr(x) -m str \\x1b[2J }` in listen t has no equivalent in the listener model and would be lost"}},
		{name: "control characters in diff values", args: []string{"diff", "testdata/hostile/control-loss.cfg", "testdata/compile/documented-sample.golden.cfg"}, code: 1, noRaw: true},

		// Outputs.
		{name: "-o /dev/null", args: []string{"compile", "-o", "/dev/null", "examples/listeners.json"}, code: 0},
		{name: "decompile -o /dev/null", args: []string{"decompile", "-o", "/dev/null", "testdata/decompile/hand-edited.cfg"}, code: 0},
		{name: "missing output directory", args: []string{"compile", "-o", "DIR/no/such/out.cfg", "examples/listeners.json"}, code: 2,
			stderr: []string{"lbconf: writing DIR/no/such/out.cfg: the directory DIR/no/such does not exist"},
			check: func(t *testing.T, dir string, r hostileRun) {
				if strings.Contains(r.stderr, ".tmp-") {
					t.Errorf("the temporary file is named: %s", r.stderr)
				}
			}},
		{name: "stats auth written 0600",
			setup: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "old.cfg"), []byte("old\n"))
				if err := os.Chmod(filepath.Join(dir, "old.cfg"), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			args: []string{"compile", "--stats-auth", "admin:s3cret-pass", "-o", "DIR/old.cfg", "examples/listeners.json"}, code: 0,
			check: func(t *testing.T, dir string, r hostileRun) {
				if fi, err := os.Stat(filepath.Join(dir, "old.cfg")); err != nil || fi.Mode().Perm() != 0o600 {
					t.Errorf("mode %v, %v; want 0600", fi.Mode(), err)
				}
			}},
	}
}

// TestHostileInput runs the hostile-input corpus.
func TestHostileInput(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs large inputs")
	}
	bin := buildLBConf(t)
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				args[i] = strings.ReplaceAll(a, "DIR", dir)
			}
			r := runHostile(t, bin, args...)
			sub := func(s string) string { return strings.ReplaceAll(s, "DIR", dir) }
			if r.code != tc.code {
				t.Errorf("exit %d, want %d\nstderr: %.2000s", r.code, tc.code, r.stderr)
			}
			for _, want := range tc.stderr {
				if !hasLine(r.stderr, sub(want)) {
					t.Errorf("stderr lacks the line\n  %s\ngot:\n%.3000s", sub(want), r.stderr)
				}
			}
			for _, want := range tc.stdout {
				if !hasLine(r.stdout, sub(want)) {
					t.Errorf("stdout lacks the line\n  %s\ngot:\n%.3000s", sub(want), r.stdout)
				}
			}
			if tc.noRaw {
				for _, out := range []string{r.stdout, r.stderr} {
					if i := strings.IndexFunc(out, func(c rune) bool { return c != '\n' && (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) }); i >= 0 {
						t.Errorf("raw control character %q in output: %.200q", out[i], out[max(0, i-80):])
					}
				}
			}
			limit := int64(hostileRSS)
			if tc.rss != 0 {
				limit = tc.rss
			}
			if r.rss > limit {
				t.Errorf("peak memory %d MB, bound %d MB", r.rss>>20, limit>>20)
			}
			if r.elapsed > hostileTime {
				t.Errorf("took %s, bound %s", r.elapsed, hostileTime)
			}
			t.Logf("exit %d, %d MB peak, %s", r.code, r.rss>>20, r.elapsed.Round(time.Millisecond))
			if tc.check != nil {
				tc.check(t, dir, r)
			}
		})
	}
}

// hasLine reports whether text has want as one whole line.
func hasLine(text, want string) bool {
	for _, l := range strings.Split(text, "\n") {
		if l == want {
			return true
		}
	}
	return false
}
