package compiler_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/haproxycfg"
	"github.com/lbconf/lbconf/internal/haproxytest"
)

// knownWarning is a warning HAProxy 2.6 gives for a config that is not
// caused by the lines we generate.
type knownWarning struct {
	re *regexp.Regexp
	// prelude: the warning points at a line of the prelude.
	prelude bool
	// tcpProxy: the warning names a generated TCP listen section in its
	// first submatch (a defaults setting that does not apply to it).
	tcpProxy bool
}

// documentedPreludeWarnings are what `haproxy -c` (2.6) says about configs
// with the documented prelude:
//   - defaults sets log-format, then option httplog, then option tcplog: each
//     overrides the one before;
//   - defaults sets option forwardfor, which does not apply to `mode tcp`
//     listen sections, once per TCP listener.
var documentedPreludeWarnings = []knownWarning{
	{re: regexp.MustCompile(`'option httplog' overrides previous 'log-format' in 'defaults' section`), prelude: true},
	{re: regexp.MustCompile(`'option tcplog' overrides previous 'option httplog' in 'defaults' section`), prelude: true},
	{re: regexp.MustCompile(`'option forwardfor' ignored for proxy '([^']+)' as it requires HTTP mode`), tcpProxy: true},
}

// haproxyCase is one config to check.
type haproxyCase struct {
	name  string
	input string
	base  string
	opts  compiler.Options
	known []knownWarning
}

// TestHAProxyCheck compiles every fixture for target 2.6 (plus option and
// base variants), with test certificates, and runs `haproxy -c` on it. The
// config must be valid, and no warning may point into a generated section.
func TestHAProxyCheck(t *testing.T) {
	haproxytest.Require(t)
	var cases []haproxyCase
	for _, n := range fixtures(t) {
		cases = append(cases, haproxyCase{name: n, input: n, known: documentedPreludeWarnings})
	}
	cases = append(cases,
		haproxyCase{name: "spec-example v6 bind, stats auth", input: "spec-example",
			opts: compiler.Options{BindAddress: "::1", StatsAuth: "ops:n3w-Secret"}, known: documentedPreludeWarnings},
		haproxyCase{name: "spec-example 3.0", input: "spec-example",
			opts: compiler.Options{Target: "3.0"}, known: documentedPreludeWarnings},
		// The default prelude has no nbproc, so the output for every target
		// is valid for the local haproxy too.
		haproxyCase{name: "spec-example 1.8", input: "spec-example",
			opts: compiler.Options{Target: "1.8"}, known: documentedPreludeWarnings},
		haproxyCase{name: "tcp-proxy 2.4 (the default target)", input: "tcp-proxy",
			opts: compiler.Options{Target: "2.4"}, known: documentedPreludeWarnings},
		haproxyCase{name: "whitelist with base-extra", input: "whitelist", base: "base-extra.cfg"},
		haproxyCase{name: "spec-example with base-extra", input: "spec-example", base: "base-extra.cfg",
			opts: compiler.Options{StatsAuth: "ops:n3w-Secret"}},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			certDir := filepath.Join(dir, "certs")
			if err := os.Mkdir(certDir, 0o700); err != nil {
				t.Fatal(err)
			}
			l := loadDoc(t, c.input+".json")
			for _, h := range l.HttpListeners {
				for _, crt := range h.CertificateIds {
					haproxytest.WriteCert(t, certDir, crt.CertificateId)
				}
			}
			opts := c.opts
			if opts.Target == "" {
				opts.Target = "2.6"
			}
			if opts.BindAddress == "" {
				opts.BindAddress = "127.0.0.1"
			}
			opts.CertDir = certDir
			if c.base != "" {
				opts.Base = readFile(t, c.base)
			}
			out, err := compiler.Compile(l, opts)
			if err != nil {
				t.Fatal(err)
			}
			cfg := filepath.Join(dir, "haproxy.cfg")
			if err := os.WriteFile(cfg, out, 0o644); err != nil {
				t.Fatal(err)
			}
			r := haproxytest.Check(t, cfg)
			if r.ExitCode != 0 || len(r.Alerts()) > 0 {
				t.Fatalf("haproxy -c exit %d:\n%s\nconfig:\n%s", r.ExitCode, r.Output, numbered(out))
			}
			checkWarnings(t, out, r, c.known)
		})
	}
}

// checkWarnings fails on a warning inside a generated section and on any
// warning that is not known.
func checkWarnings(t *testing.T, out []byte, r *haproxytest.Result, known []knownWarning) {
	t.Helper()
	type span struct{ first, last int }
	generated := map[string]span{} // "kind name" -> lines
	tcp := map[string]bool{}
	for _, s := range haproxycfg.Split(string(out)) {
		if !s.IsProxy() || !compiler.IsGenerated(s.Kind, s.Name) {
			continue
		}
		generated[s.Kind+" "+s.Name] = span{s.Lines[0].Num, s.Lines[len(s.Lines)-1].Num}
		if s.Kind == "listen" {
			tcp[s.Name] = true
		}
	}
	inGenerated := func(line int) string {
		for name, sp := range generated {
			if line >= sp.first && line <= sp.last {
				return name
			}
		}
		return ""
	}
	for _, w := range r.Warnings() {
		if w.Line > 0 {
			if sec := inGenerated(w.Line); sec != "" {
				t.Errorf("warning in generated section %q (line %d): %s", sec, w.Line, w.Text)
				continue
			}
		}
		ok := false
		for _, k := range known {
			m := k.re.FindStringSubmatch(w.Text)
			switch {
			case m == nil:
			case k.prelude:
				ok = w.Line > 0 && inGenerated(w.Line) == ""
			case k.tcpProxy:
				ok = tcp[m[1]]
			default:
				ok = true
			}
			if ok {
				break
			}
		}
		if !ok {
			t.Errorf("unexpected warning: %s", w.Text)
		}
	}
}

func numbered(out []byte) string {
	var b strings.Builder
	for i, l := range strings.SplitAfter(string(out), "\n") {
		if l != "" {
			fmt.Fprintf(&b, "%4d  %s", i+1, l)
		}
	}
	return b.String()
}
