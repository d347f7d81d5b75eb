package decompile_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/decompile"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/validate"
)

// TestFilledDefaults decompiles proxies that leave balance, maxconn and
// timeouts to defaults: each filled value gets a note at its line, and the
// listener rules report what is still missing at the config line.
func TestFilledDefaults(t *testing.T) {
	const cfg = "global\n" + // 1
		"    maxconn 4000\n" + // 2
		"defaults\n" + // 3
		"    mode http\n" + // 4
		"    timeout connect 5s\n" + // 5
		"frontend web\n" + // 6
		"    bind :80\n" + // 7
		"    default_backend web-abk\n" + // 8
		"backend web-abk\n" + // 9
		"    server s10.0.0.1:80 10.0.0.1:80 maxconn 10 weight 1 check\n" + // 10
		"listen db\n" + // 11
		"    mode tcp\n" + // 12
		"    bind :3306\n" + // 13
		"    balance leastconn\n" + // 14
		"    maxconn 50\n" + // 15
		"    timeout client 1m\n" + // 16
		"    timeout server 1m\n" + // 17
		"    server s10.0.0.2:3306 10.0.0.2:3306 maxconn 10 weight 1 check\n" // 18
	r, err := decompile.Explain([]byte(cfg), decompile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h, tl := r.Listeners.HttpListeners[0], r.Listeners.TcpListeners[0]
	if h.Scheduler != "roundrobin" || h.MaxConn != 4000 || h.ConnectTimeout != "5" || h.ConnectTimeoutUnit != "s" ||
		tl.Scheduler != "leastconn" || tl.MaxConn != 50 || tl.ConnectTimeout != "5" || tl.ClientTimeout != "60" {
		t.Errorf("filled: %+v\n%+v", h, tl)
	}
	var notes []string
	for _, n := range r.Notes {
		notes = append(notes, itoa(n.Line)+" "+n.Text)
	}
	all := strings.Join(notes, "\n")
	for _, want := range []string{
		"5 backend web-abk timeout connect: `timeout connect 5s` comes from the defaults section (line 5)",
		"6 frontend web has no maxconn (here or in defaults): HAProxy gives it the global maxconn 4000 (line 2)",
		"6 frontend web has no `timeout client`",
		"9 backend web-abk has no balance (here or in defaults): HAProxy's default, roundrobin",
		"9 backend web-abk has no `timeout server`",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("notes lack %q:\n%s", want, all)
		}
	}
	// What is still missing is reported at the line of the proxy it
	// belongs to; values come from their lines.
	lines := map[string]int{}
	for _, f := range validate.Listeners(r.Listeners) {
		if f.Severity == finding.Error {
			lines[f.Pointer] = r.Line(f.Pointer)
		}
	}
	want := map[string]int{
		"/HttpListeners/0/ClientTimeout": 6, "/HttpListeners/0/ClientTimeoutUnit": 6,
		"/HttpListeners/0/ServerTimeout": 9, "/HttpListeners/0/ServerTimeoutUnit": 9,
	}
	if len(lines) != len(want) {
		t.Errorf("errors at %v, want %v", lines, want)
	}
	for p, l := range want {
		if lines[p] != l {
			t.Errorf("%s at line %d, want %d", p, lines[p], l)
		}
	}
	for p, l := range map[string]int{"/HttpListeners/0/MaxConn": 2, "/HttpListeners/0/ListenerPort": 7,
		"/HttpListeners/0/BackendServer/0/Weight": 10, "/TcpListeners/0/ConnectTimeout": 5, "/TcpListeners/0/Scheduler": 14} {
		if got := r.Line(p); got != l {
			t.Errorf("Line(%s) = %d, want %d", p, got, l)
		}
	}
}

// TestDecompiledConfigsCompile: every config of the test data, decompiled,
// compiles again, unless an error finding at a config line says what
// blocks it.
func TestDecompiledConfigsCompile(t *testing.T) {
	var paths []string
	for _, glob := range []string{"../testdata/decompile/*.cfg", "../testdata/deploy/*.cfg", "../testdata/compile/*.cfg"} {
		m, _ := filepath.Glob(glob)
		paths = append(paths, m...)
	}
	if len(paths) < 10 {
		t.Fatalf("only %d configs", len(paths))
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		r, err := decompile.Explain(data, decompile.Options{})
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		fs := validate.Listeners(r.Listeners)
		if finding.HasErrors(fs) {
			for _, f := range fs {
				if f.Severity == finding.Error && r.Line(f.Pointer) == 0 {
					t.Errorf("%s: error %v has no config line", p, f)
				}
			}
			continue
		}
		if _, err := compiler.Compile(r.Listeners, compiler.Options{Validated: fs}); err != nil {
			t.Errorf("%s: the decompiled document does not compile: %v", p, err)
		}
	}
}

func itoa(n int) string {
	s := ""
	if n == 0 {
		return "0"
	}
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func TestRulesCatalogue(t *testing.T) {
	for _, err := range finding.Catalogue(decompile.Rules()).Check() {
		t.Error(err)
	}
	if r := decompile.Rules(); len(r) != 1 || r[0].Name != decompile.RuleLoss || r[0].Input != "cfg" {
		t.Errorf("Rules() = %+v", r)
	}
}
