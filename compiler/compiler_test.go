package compiler_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/internal/golden"
	"github.com/lbconf/lbconf/model"
)

const testdata = "../testdata/compile"

// loadDoc decodes a bare {HttpListeners, TcpListeners} fixture strictly.
func loadDoc(t testing.TB, name string) *model.Listeners {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, name))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var l model.Listeners
	if err := dec.Decode(&l); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &l
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixtures lists every listener document of testdata/compile.
func fixtures(t testing.TB) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(testdata, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no fixtures in " + testdata)
	}
	for i, n := range names {
		names[i] = strings.TrimSuffix(filepath.Base(n), ".json")
	}
	return names
}

// goldenCase compiles one fixture with options into NAME.VARIANT.cfg.
type goldenCase struct {
	input   string // fixture name without .json
	variant string // golden suffix: NAME.VARIANT.cfg
	base    string // base config file in testdata, or ""
	opts    compiler.Options
}

func (c goldenCase) golden() string { return c.input + "." + c.variant + ".cfg" }

// goldenCases is every fixture with default options (target 2.4, the
// documented prelude), plus the option and target variants.
func goldenCases(t testing.TB) []goldenCase {
	var cases []goldenCase
	for _, n := range fixtures(t) {
		cases = append(cases, goldenCase{input: n, variant: "golden"})
	}
	cases = append(cases,
		goldenCase{input: "documented-sample", variant: "base", base: "documented-custom-config.cfg"},
		goldenCase{input: "documented-sample", variant: "base-t18", base: "documented-custom-config.cfg", opts: compiler.Options{Target: "1.8"}},
		goldenCase{input: "documented-sample", variant: "base-stats-auth", base: "documented-custom-config.cfg", opts: compiler.Options{StatsAuth: "ops:n3w-Secret"}},
		goldenCase{input: "spec-example", variant: "t18", opts: compiler.Options{Target: "1.8"}},
		goldenCase{input: "spec-example", variant: "t24", opts: compiler.Options{Target: "2.4"}},
		goldenCase{input: "spec-example", variant: "t26", opts: compiler.Options{Target: "2.6"}},
		goldenCase{input: "spec-example", variant: "t30", opts: compiler.Options{Target: "3.0"}},
		goldenCase{input: "spec-example", variant: "bind-127", opts: compiler.Options{BindAddress: "127.0.0.1"}},
		goldenCase{input: "spec-example", variant: "bind-v6", opts: compiler.Options{BindAddress: "::"}},
		goldenCase{input: "spec-example", variant: "stats-auth", opts: compiler.Options{StatsAuth: "ops:n3w-Secret"}},
		goldenCase{input: "spec-example", variant: "stats-auth-t26", opts: compiler.Options{StatsAuth: "ops:n3w-Secret", Target: "2.6"}},
		goldenCase{input: "spec-example", variant: "base-extra", base: "base-extra.cfg", opts: compiler.Options{Target: "2.6"}},
		goldenCase{input: "spec-example", variant: "base-extra-stats-auth", base: "base-extra.cfg", opts: compiler.Options{StatsAuth: "ops:n3w-Secret"}},
		goldenCase{input: "certs", variant: "cert-dir", opts: compiler.Options{CertDir: "/srv/tls/"}},
	)
	return cases
}

func (c goldenCase) compile(t testing.TB) []byte {
	t.Helper()
	opts := c.opts
	if c.base != "" {
		opts.Base = readFile(t, c.base)
		opts.BaseName = c.base
	}
	out, err := compiler.Compile(loadDoc(t, c.input+".json"), opts)
	if err != nil {
		t.Fatalf("Compile(%s, %s): %v", c.input, c.variant, err)
	}
	return out
}

// TestGolden compiles every fixture and variant and compares with its golden
// file (go test ./compiler -update rewrites them).
func TestGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.golden(), func(t *testing.T) {
			got := c.compile(t)
			golden.Check(t, filepath.Join(testdata, c.golden()), got)
			// Same input, same bytes.
			if again := c.compile(t); !bytes.Equal(got, again) {
				t.Error("a second Compile gave different bytes")
			}
		})
	}
}

// TestDocumentedSample is the contract's golden test: the documented sample's
// two listeners, compiled with the documented config as base for 2.4, give
// the documented text byte for byte, trailing blank lines aside. Without the
// base (the documented prelude) and with the documented stats password given,
// they give it too, minus its `nbproc 1` line (the default prelude drops it
// so that it is valid on every supported version: HAProxy 2.5 removed nbproc).
func TestDocumentedSample(t *testing.T) {
	doc := readFile(t, "documented-custom-config.cfg")
	want := strings.TrimRight(string(doc), "\n")
	l := loadDoc(t, "documented-sample.json")
	for _, tc := range []struct {
		name string
		opts compiler.Options
	}{
		{"base", compiler.Options{Base: doc, Target: "2.4"}},
		{"base default target", compiler.Options{Base: doc}},
		{"documented prelude", compiler.Options{StatsAuth: "admin:h0jMl0ka0df71WGI1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := want
			if tc.opts.Base == nil {
				// The default prelude is the documented one without nbproc 1
				// (so that it is valid and clean on every supported version).
				want = strings.Replace(want, "        nbproc 1\n", "", 1)
			}
			out, err := compiler.Compile(l, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			got := string(out)
			if !strings.HasSuffix(got, "\n\n\n") || strings.HasSuffix(got, "\n\n\n\n") {
				t.Errorf("output should end with the last server line and two blank lines, ends %q", got[len(got)-20:])
			}
			if strings.TrimRight(got, "\n") != want {
				t.Errorf("differs from the documented config:\n%s", golden.Diff(want, strings.TrimRight(got, "\n")))
			}
		})
	}
}

// TestSpecExample checks that an HTTP listener with every option and a TCP
// listener come out as these exact sections, at the end of the output.
func TestSpecExample(t *testing.T) {
	const frontend = "frontend web\n" +
		"    default_backend web-abk\n" +
		"    compression algo gzip\n" +
		"    bind 0.0.0.0:443 ssl crt /etc/haproxy/certs/c1.pem\n" +
		"    acl web_whitelist src 10.0.0.0/8 192.168.1.2\n" +
		"    tcp-request connection reject if !web_whitelist\n" +
		"    http-response add-header Connection keep-alive\n" +
		"    http-request set-header http_x_forwarded_proto https\n" +
		"    http-request set-header X-Forwarded-Proto https\n" +
		"    http-request set-header X-Forwarded-Port %[dst_port]\n" +
		"    http-request set-header X-Forwarded-Client-srcport %[src_port]\n" +
		"    mode http\n" +
		"    timeout client 30s\n" +
		"    maxconn 1000\n" +
		"    option accept-invalid-http-request\n" +
		"    \n" +
		"\n" +
		"backend web-abk\n" +
		"    balance leastconn\n" +
		"    fullconn 2000\n" +
		"    cookie sid insert indirect nocache maxidle 600s maxlife 3600s\n" +
		"    option httpchk GET /health\n" +
		"    timeout connect 5s\n" +
		"    timeout server 30000ms\n" +
		"    server s10.0.0.5:8080 10.0.0.5:8080 maxconn 100 weight 10 check cookie s10.0.0.5:8080\n" +
		"\n\n"
	const listen = "listen db\n" +
		"    bind 0.0.0.0:3306 accept-proxy\n" +
		"    mode tcp\n" +
		"    balance leastconn\n" +
		"    maxconn 2000\n" +
		"    timeout client 60s\n" +
		"    timeout connect 5s\n" +
		"    timeout server 60s\n" +
		"    acl db_whitelist src 10.0.0.0/8\n" +
		"    tcp-request connection reject if !db_whitelist\n" +
		"    server s10.2.0.7:3306 10.2.0.7:3306 maxconn 1000 weight 1 check send-proxy\n" +
		"\n\n"
	out, err := compiler.Compile(loadDoc(t, "spec-example.json"), compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(out), "\n\n\n\n"+frontend+listen) {
		t.Errorf("the expected sections do not end the output:\n%s", out)
	}
}

// TestPrelude checks the default prelude: no nbproc on any version (2.3
// and 2.4 deprecate it, 2.5 refuses it, 1 is the default below), and stats
// auth only when given.
func TestPrelude(t *testing.T) {
	l := &model.Listeners{}
	for _, tc := range []struct {
		target    string
		statsAuth string
	}{
		{"1.8", ""},
		{"2.4", ""},
		{"", ""},
		{"2.6", ""},
		{"3.0", "u:p"},
		{"2.4", "u:p"},
	} {
		out, err := compiler.Compile(l, compiler.Options{Target: tc.target, StatsAuth: tc.statsAuth})
		if err != nil {
			t.Fatal(err)
		}
		s := string(out)
		if strings.Contains(s, "nbproc") {
			t.Errorf("target %q: the default prelude writes nbproc, which 2.5+ refuse and older versions default to", tc.target)
		}
		wantAuth := tc.statsAuth != ""
		if got := strings.Contains(s, "\n     stats auth "+tc.statsAuth+"\n"); got != wantAuth {
			t.Errorf("target %q stats auth %q: line present = %v, want %v", tc.target, tc.statsAuth, got, wantAuth)
		}
		if strings.Contains(s, "h0jMl0ka0df71WGI1") {
			t.Errorf("target %q: the documented password is in the output", tc.target)
		}
		if !strings.HasPrefix(s, "global\n") || !strings.HasSuffix(s, "    option accept-invalid-http-response\n\n\n\n") {
			t.Errorf("target %q: unexpected prelude:\n%s", tc.target, s)
		}
	}
}

func TestOptionErrors(t *testing.T) {
	l := loadDoc(t, "spec-example.json")
	const secret = "pa55word"
	for _, tc := range []struct {
		name   string
		opts   compiler.Options
		option string
	}{
		{"garbage target", compiler.Options{Target: "banana"}, "target"},
		{"unsupported target", compiler.Options{Target: "2.5"}, "target"},
		{"star bind", compiler.Options{BindAddress: "*"}, "bind-address"},
		{"bind with port", compiler.Options{BindAddress: "1.2.3.4:80"}, "bind-address"},
		{"bracketed v6", compiler.Options{BindAddress: "[::1]"}, "bind-address"},
		{"v6 zone", compiler.Options{BindAddress: "fe80::1%eth0"}, "bind-address"},
		{"host name bind", compiler.Options{BindAddress: "localhost"}, "bind-address"},
		{"bind newline", compiler.Options{BindAddress: "0.0.0.0\n"}, "bind-address"},
		{"relative cert dir", compiler.Options{CertDir: "certs"}, "cert-dir"},
		{"cert dir space", compiler.Options{CertDir: "/etc/my certs"}, "cert-dir"},
		{"cert dir hash", compiler.Options{CertDir: "/etc/certs#x"}, "cert-dir"},
		{"cert dir newline", compiler.Options{CertDir: "/etc/certs\nbind :1"}, "cert-dir"},
		{"cert dir quote", compiler.Options{CertDir: `/etc/"certs`}, "cert-dir"},
		{"cert dir dollar", compiler.Options{CertDir: "/etc/${HOME}"}, "cert-dir"},
		{"cert dir non-ascii", compiler.Options{CertDir: "/etc/证书"}, "cert-dir"},
		{"auth no colon", compiler.Options{StatsAuth: secret}, "stats-auth"},
		{"auth empty user", compiler.Options{StatsAuth: ":" + secret}, "stats-auth"},
		{"auth empty password", compiler.Options{StatsAuth: "admin:"}, "stats-auth"},
		{"auth space", compiler.Options{StatsAuth: "admin:" + secret + " x"}, "stats-auth"},
		{"auth hash", compiler.Options{StatsAuth: "admin:" + secret + "#"}, "stats-auth"},
		{"auth newline", compiler.Options{StatsAuth: "admin:" + secret + "\n    bind :1"}, "stats-auth"},
		{"auth tab", compiler.Options{StatsAuth: "admin\t:" + secret}, "stats-auth"},
		{"auth backslash", compiler.Options{StatsAuth: `admin:` + secret + `\`}, "stats-auth"},
		{"auth non-ascii", compiler.Options{StatsAuth: "admin:" + secret + "é"}, "stats-auth"},
		{"empty base", compiler.Options{Base: []byte{}}, "base"},
		{"stats auth without status", compiler.Options{Base: []byte("global\n    daemon\n"), StatsAuth: "admin:" + secret}, "stats-auth"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := compiler.Compile(l, tc.opts)
			var oe *compiler.OptionError
			if !errors.As(err, &oe) {
				t.Fatalf("got %v (%T), want *OptionError", err, err)
			}
			if out != nil {
				t.Error("output returned with an error")
			}
			if oe.Option != tc.option {
				t.Errorf("option %q, want %q", oe.Option, tc.option)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error echoes the password: %v", err)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("error message holds a line break: %q", err)
			}
		})
	}
}

// TestOptionValues checks accepted option spellings.
func TestOptionValues(t *testing.T) {
	l := loadDoc(t, "certs.json")
	for _, tc := range []struct {
		opts compiler.Options
		want string
	}{
		{compiler.Options{BindAddress: "10.1.2.3"}, "    bind 10.1.2.3:443 ssl crt /etc/haproxy/certs/cert-a1b2c3.pem\n"},
		{compiler.Options{BindAddress: "::1"}, "    bind [::1]:443 ssl crt /etc/haproxy/certs/cert-a1b2c3.pem\n"},
		{compiler.Options{BindAddress: "2001:DB8:0::1"}, "    bind [2001:db8::1]:443 ssl"},
		{compiler.Options{BindAddress: "::ffff:10.0.0.1"}, "    bind [::ffff:10.0.0.1]:443 ssl"},
		{compiler.Options{CertDir: "/"}, "    bind 0.0.0.0:443 ssl crt /cert-a1b2c3.pem\n"},
		{compiler.Options{CertDir: "/srv//tls/./x/"}, "    bind 0.0.0.0:443 ssl crt /srv/tls/x/cert-a1b2c3.pem\n"},
		{compiler.Options{CertDir: "/srv/tls"}, "    bind 0.0.0.0:8443 ssl crt /srv/tls/cert-a1b2c3.pem crt /srv/tls/cert-d4e5f6.pem\n"},
	} {
		out, err := compiler.Compile(l, tc.opts)
		if err != nil {
			t.Fatalf("%+v: %v", tc.opts, err)
		}
		if !strings.Contains(string(out), tc.want) {
			t.Errorf("%+v: output lacks %q", tc.opts, tc.want)
		}
	}
}

// TestEmptyAndNil covers documents without listeners and nil input.
func TestEmptyAndNil(t *testing.T) {
	if _, err := compiler.Compile(nil, compiler.Options{}); err == nil {
		t.Error("Compile(nil) succeeded")
	}
	out, err := compiler.Compile(&model.Listeners{}, compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "frontend") || strings.Count(string(out), "listen ") != 1 {
		t.Errorf("an empty document should give the prelude only:\n%s", out)
	}
}

// TestWarningsCallback checks that warnings reach Options.Warnings sorted
// and that errors carry the findings.
func TestWarningsCallback(t *testing.T) {
	var got []finding.Finding
	_, err := compiler.Compile(loadDoc(t, "spec-example.json"), compiler.Options{
		Base: readFile(t, "base-extra.cfg"), BaseName: "pulled.cfg",
		Warnings: func(f finding.Finding) { got = append(got, f) },
	})
	if err != nil {
		t.Fatal(err)
	}
	var dropped []string
	for _, f := range got {
		if f.Rule == compiler.RuleBaseProxyDropped {
			dropped = append(dropped, f.String())
			if f.File != "pulled.cfg" || f.Severity != finding.Warning {
				t.Errorf("bad finding %+v", f)
			}
		}
	}
	want := []string{
		`pulled.cfg:19:1: warning base-proxy-dropped: frontend "old_web" of the base is not compiled from any listener and is dropped: every frontend, backend and listen of the base except "listen status" is replaced`,
		`pulled.cfg:23:1: warning base-proxy-dropped: backend "old_web-abk" of the base is not compiled from any listener and is dropped: every frontend, backend and listen of the base except "listen status" is replaced`,
	}
	if strings.Join(dropped, "\n") != strings.Join(want, "\n") {
		t.Errorf("dropped-proxy warnings:\n%s\nwant:\n%s", strings.Join(dropped, "\n"), strings.Join(want, "\n"))
	}
}

// TestDuplicateProxyNames checks that a listener name that collides with a
// proxy of the output (the kept status page, or another HTTP listener's
// NAME-abk backend) is refused by validation (listener-name-reserved) and,
// when validation is skipped, by the compiler's own re-check of the whole
// output.
func TestDuplicateProxyNames(t *testing.T) {
	srv := []model.BackendServer{{IP: "10.0.0.1", Port: 80, Weight: "1", MaxConn: 10}}
	httpL := func(name string, port int) model.HttpListener {
		return model.HttpListener{ListenerName: name, ListenerPort: port, ListenerMode: "http", MaxConn: 10,
			ClientTimeout: "1", ClientTimeoutUnit: "s", ConnectTimeout: "1", ConnectTimeoutUnit: "s",
			ServerTimeout: "1", ServerTimeoutUnit: "s", Scheduler: "roundrobin", StickySession: "off", BackendServer: srv}
	}
	tcpL := func(name string, port int) model.TcpListener {
		return model.TcpListener{ListenerName: name, ListenerPort: port, ListenerMode: "tcp", MaxConn: 10,
			ClientTimeout: "1", ClientTimeoutUnit: "s", ConnectTimeout: "1", ConnectTimeoutUnit: "s",
			ServerTimeout: "1", ServerTimeoutUnit: "s", Scheduler: "roundrobin", BackendServer: srv}
	}
	for _, tc := range []struct {
		name string
		l    model.Listeners
		ptr  string
	}{
		{"tcp status", model.Listeners{TcpListeners: []model.TcpListener{tcpL("status", 81)}}, "/TcpListeners/0/ListenerName"},
		{"http status", model.Listeners{HttpListeners: []model.HttpListener{httpL("status", 81)}}, "/HttpListeners/0/ListenerName"},
		{"tcp on a backend name", model.Listeners{HttpListeners: []model.HttpListener{httpL("web", 80)},
			TcpListeners: []model.TcpListener{tcpL("web-abk", 81)}}, "/TcpListeners/0/ListenerName"},
		{"http on a backend name", model.Listeners{HttpListeners: []model.HttpListener{httpL("web", 80), httpL("web-abk", 81)}},
			"/HttpListeners/1/ListenerName"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, skip := range []bool{false, true} {
				opts := compiler.Options{}
				wantRule := "listener-name-reserved"
				if skip {
					opts.Validated = []finding.Finding{}
					wantRule = compiler.RuleUnsafeValue
				}
				_, err := compiler.Compile(&tc.l, opts)
				var inv *compiler.InvalidError
				if !errors.As(err, &inv) {
					t.Fatalf("skip validation %v: want an InvalidError, got %v", skip, err)
				}
				found := false
				for _, f := range inv.Findings {
					if f.Rule == wantRule && f.Pointer == tc.ptr {
						found = true
					}
				}
				if !found {
					t.Errorf("skip validation %v: want %s at %s, got %v", skip, wantRule, tc.ptr, inv.Findings)
				}
			}
		})
	}
}

// TestRulesSeverityPolicy checks the compiler's own rules against the
// severity policy.
func TestRulesSeverityPolicy(t *testing.T) {
	for _, err := range finding.Catalogue(compiler.Rules()).Check() {
		t.Error(err)
	}
}
