package compiler_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/internal/golden"
	"github.com/lbconf/lbconf/model"
)

// tcpOnly is a small valid document for base tests.
func tcpOnly() *model.Listeners {
	return &model.Listeners{TcpListeners: []model.TcpListener{{
		ListenerName: "db", ListenerPort: 3306, ListenerMode: "tcp", MaxConn: 10,
		ClientTimeout: "1", ClientTimeoutUnit: "s", ConnectTimeout: "1", ConnectTimeoutUnit: "s",
		ServerTimeout: "1", ServerTimeoutUnit: "s", Scheduler: "roundrobin",
		BackendServer: []model.BackendServer{{IP: "10.0.0.1", Port: 3306, Weight: "1", MaxConn: 5}},
	}}}
}

const dbSection = "listen db\n" +
	"    bind 0.0.0.0:3306\n" +
	"    mode tcp\n" +
	"    balance roundrobin\n" +
	"    maxconn 10\n" +
	"    timeout client 1s\n" +
	"    timeout connect 1s\n" +
	"    timeout server 1s\n" +
	"    server s10.0.0.1:3306 10.0.0.1:3306 maxconn 5 weight 1 check\n" +
	"\n\n"

// TestBase covers what a base keeps, where, and how it ends.
func TestBase(t *testing.T) {
	for _, tc := range []struct {
		name, base, statsAuth, want string
	}{
		{
			name: "no trailing newline",
			base: "global\n    daemon",
			want: "global\n    daemon\n\n" + dbSection,
		},
		{
			name: "no trailing blank line",
			base: "global\n    daemon\n",
			want: "global\n    daemon\n\n" + dbSection,
		},
		{
			name: "blank lines kept as they are",
			base: "global\n    daemon\n\n\n\n",
			want: "global\n    daemon\n\n\n\n" + dbSection,
		},
		{
			name: "whitespace-only last line counts as blank",
			base: "global\n    daemon\n    \n",
			want: "global\n    daemon\n    \n" + dbSection,
		},
		{
			name: "proxies dropped, comment before a kept section kept, order kept",
			base: "# head\nglobal\n  daemon\nfrontend a\n  bind :1\n# about b\n\nbackend b\n  server x 1.1.1.1:1\n# users\nuserlist u\n  user x insecure-password y\nlisten db\n  bind :3306\n\nlisten status\n  bind 127.0.0.1:1081\n",
			want: "# head\nglobal\n  daemon\n# users\nuserlist u\n  user x insecure-password y\nlisten status\n  bind 127.0.0.1:1081\n\n" + dbSection,
		},
		{
			name: "only proxies",
			base: "frontend a\n  bind :1\n",
			want: dbSection,
		},
		{
			name: "CRLF kept",
			base: "global\r\n    daemon\r\n\r\nfrontend x\r\n    bind :1\r\n",
			want: "global\r\n    daemon\r\n\r\n" + dbSection,
		},
		{
			name: "CRLF without blank line",
			base: "global\r\n    daemon\r\n",
			want: "global\r\n    daemon\r\n\n" + dbSection,
		},
		{
			name:      "stats auth replaced, others dropped",
			base:      "listen status\n\tbind 127.0.0.1:1081\n\tstats auth a:b\n\tstats refresh 5s\n  stats   auth c:d\n",
			statsAuth: "ops:pw",
			want:      "listen status\n\tbind 127.0.0.1:1081\n\tstats auth ops:pw\n\tstats refresh 5s\n\n" + dbSection,
		},
		{
			name:      "stats auth added after the last directive",
			base:      "listen status\n  bind 127.0.0.1:1081\n  stats uri /s\n# end\n\n",
			statsAuth: "ops:pw",
			want:      "listen status\n  bind 127.0.0.1:1081\n  stats uri /s\n  stats auth ops:pw\n# end\n\n" + dbSection,
		},
		{
			name:      "stats auth added to a last line without newline",
			base:      "listen status\n  bind 127.0.0.1:1081",
			statsAuth: "ops:pw",
			want:      "listen status\n  bind 127.0.0.1:1081\n  stats auth ops:pw\n\n" + dbSection,
		},
		{
			name:      "stats auth added to an empty listen status",
			base:      "listen status\n",
			statsAuth: "ops:pw",
			want:      "listen status\n    stats auth ops:pw\n\n" + dbSection,
		},
		{
			name:      "stats auth with CRLF",
			base:      "listen status\r\n  stats auth a:b\r\n\r\n",
			statsAuth: "ops:pw",
			want:      "listen status\r\n  stats auth ops:pw\r\n\r\n" + dbSection,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := compiler.Compile(tcpOnly(), compiler.Options{Base: []byte(tc.base), StatsAuth: tc.statsAuth})
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Errorf("got:\n%q\nwant:\n%q", out, tc.want)
			}
			// Compiling again with the output as base changes nothing.
			again, err := compiler.Compile(tcpOnly(), compiler.Options{Base: out, StatsAuth: tc.statsAuth})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, out) {
				t.Errorf("not idempotent:\n%q\nthen\n%q", out, again)
			}
		})
	}
}

// TestBaseNbproc checks that a base with nbproc is refused for 2.5+ (HAProxy
// would refuse it) and accepted below.
func TestBaseNbproc(t *testing.T) {
	base := readFile(t, "documented-custom-config.cfg")
	l := loadDoc(t, "documented-sample.json")
	for _, target := range []string{"2.6", "2.8", "3.0"} {
		out, err := compiler.Compile(l, compiler.Options{Base: base, BaseName: "doc.cfg", Target: target})
		var ie *compiler.InvalidError
		if !errors.As(err, &ie) || out != nil {
			t.Fatalf("target %s: got %v, want *InvalidError", target, err)
		}
		want := "doc.cfg:10:9: error target-directive: nbproc is refused by HAProxy 2.5 and later (target " + target +
			"): remove it from the base, or compile for target 2.4 or 1.8"
		if len(ie.Findings) != 1 || ie.Findings[0].String() != want {
			t.Errorf("target %s: findings %v, want [%s]", target, ie.Findings, want)
		}
	}
	for _, target := range []string{"1.8", "2.4"} {
		if _, err := compiler.Compile(l, compiler.Options{Base: base, Target: target}); err != nil {
			t.Errorf("target %s: %v", target, err)
		}
	}
}

// TestRecompileIsIdentity compiles every golden case again with its own
// output as base (and the same options): the bytes must not change. This is
// the half of the decompile guarantee that belongs to the compiler.
func TestRecompileIsIdentity(t *testing.T) {
	for _, c := range goldenCases(t) {
		first := c.compile(t)
		for _, auth := range []string{"", c.opts.StatsAuth} {
			opts := c.opts
			opts.Base, opts.StatsAuth = first, auth
			opts.Warnings = func(f finding.Finding) {
				if f.Rule == compiler.RuleBaseProxyDropped {
					t.Errorf("%s: recompiling dropped a proxy: %v", c.golden(), f)
				}
			}
			again, err := compiler.Compile(loadDoc(t, c.input+".json"), opts)
			if err != nil {
				t.Fatalf("%s: %v", c.golden(), err)
			}
			if !bytes.Equal(first, again) {
				t.Errorf("%s (stats auth %q): recompiling with the output as base changed it:\n%s", c.golden(), auth, golden.Diff(string(first), string(again)))
			}
		}
	}
}

// TestBaseIsVerbatim checks that every kept byte of a messy base survives.
func TestBaseIsVerbatim(t *testing.T) {
	base := readFile(t, "base-extra.cfg")
	out, err := compiler.Compile(tcpOnly(), compiler.Options{Base: base})
	if err != nil {
		t.Fatal(err)
	}
	for _, chunk := range []string{
		"# Pulled from an instance, then edited by hand.\n# Kept: this comment, global, defaults, userlist, resolvers and listen status.\n\nglobal\n\tlog 127.0.0.1 local0\n",
		"userlist admins\n\tuser ops insecure-password s3cret\n\n# resolvers for host name servers (stays with the resolvers section)\nresolvers dns\n",
		"\tstats auth admin:old-password\n\tstats hide-version\n\nlisten db\n",
	} {
		if !strings.Contains(string(out), chunk) {
			t.Errorf("output lacks %q:\n%s", chunk, out)
		}
	}
	if strings.Contains(string(out), "old_web") || strings.Contains(string(out), "frontend web") {
		t.Errorf("base proxies were kept:\n%s", out)
	}
}
