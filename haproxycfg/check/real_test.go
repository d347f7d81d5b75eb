package check_test

// These tests run the real haproxy through internal/haproxytest, which
// itself uses this package: they live in the external test package.

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg/check"
	"github.com/lbconf/lbconf/internal/haproxytest"
	"github.com/lbconf/lbconf/model"
)

// documented is the API documentation's sample config.
func documented(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../../testdata/deploy/documented.cfg")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// compiled is the default compile output (documented prelude) of one HTTP
// and one TCP listener, for 2.6.
func compiled(t *testing.T) []byte {
	t.Helper()
	srv := []model.BackendServer{{IP: "127.0.0.1", Port: 9000, Weight: "1", MaxConn: 10}}
	l := &model.Listeners{
		HttpListeners: []model.HttpListener{{ListenerName: "web", ListenerPort: 8080, ListenerMode: "http", MaxConn: 10,
			ClientTimeout: "1", ClientTimeoutUnit: "s", ConnectTimeout: "1", ConnectTimeoutUnit: "s", ServerTimeout: "1",
			ServerTimeoutUnit: "s", Scheduler: "roundrobin", StickySession: "off", BackendServer: srv}},
		TcpListeners: []model.TcpListener{{ListenerName: "db", ListenerPort: 3306, ListenerMode: "tcp", MaxConn: 10,
			ClientTimeout: "1", ClientTimeoutUnit: "s", ConnectTimeout: "1", ConnectTimeoutUnit: "s", ServerTimeout: "1",
			ServerTimeoutUnit: "s", Scheduler: "roundrobin", BackendServer: srv}},
	}
	out, err := compiler.Compile(l, compiler.Options{Target: "2.6", BindAddress: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// instanceConfig names files, users and hosts that exist only on an
// instance, and has an error on line 27.
const instanceConfig = `global
    log 127.0.0.1 local0
    chroot /var/lib/lbconf-no-such-dir
    stats socket /run/lbconf-no-such-dir/admin.sock mode 660 level admin
    user lbconf-no-such-user
    group lbconf-no-such-group
    nbproc 1

defaults
    mode http
    timeout client 5s
    timeout connect 5s
    timeout server 5s
    errorfile 503 /etc/lbconf-no-such-dir/503.http

frontend web
    bind 127.0.0.1:8443 ssl crt /etc/lbconf-no-such-dir/certs/c1.pem crt-list /etc/lbconf-no-such-dir/list.txt
    acl wl src -f /etc/lbconf-no-such-dir/white.lst
    http-request set-header X-Host %[req.hdr(host),map(/etc/lbconf-no-such-dir/hosts.map)]
    tcp-request connection reject if !wl
    default_backend web-abk

backend web-abk
    server a app.lbconf-no-such-host.internal:80 check
    server b 10.0.0.1:443 check ssl verify required ca-file /etc/lbconf-no-such-dir/ca.pem crl-file /etc/lbconf-no-such-dir/crl.pem
    server c 10.0.0.2:80 check
    frobnicate on
`

func TestCheckRealBinary(t *testing.T) {
	bin := haproxytest.Require(t)
	if v := haproxytest.Version(t); v.HasNbproc() {
		t.Skipf("haproxy %s accepts nbproc; these cases expect 2.5 or later", v)
	}
	ctx := context.Background()
	tests := []struct {
		name      string
		text      []byte
		target    string
		valid     bool
		errors    []int // lines of error findings
		warnings  []int // lines of warning findings
		prelude   []int // lines of the prelude's warnings (Result.Prelude)
		noteLines []int // lines that must have a note
		noteHas   []string
	}{
		{
			name: "documented sample for 2.4", text: documented(t), target: "2.4", valid: true,
			warnings: []int{}, prelude: []int{21, 22}, noteLines: []int{3, 4, 10},
			noteHas: []string{"nbproc 1", "instance's 2.4 accepts it", "checked with the local haproxy"},
		},
		{
			name: "documented sample for 2.6", text: documented(t), target: "2.6", valid: false,
			errors: []int{10},
		},
		{
			name: "documented sample, no target", text: documented(t), target: "", valid: false,
			errors: []int{10},
		},
		{
			name: "instance files and an error", text: []byte(instanceConfig), target: "2.4", valid: false,
			errors:    []int{27},
			noteLines: []int{3, 4, 5, 6, 7, 14, 17, 18, 19, 24, 25},
			noteHas: []string{"throwaway certificate", "crt-list", "throwaway CA", "crl-file /etc/lbconf-no-such-dir/crl.pem",
				"empty file", "plain 503 answer", "app.lbconf-no-such-host.internal", "user lbconf-no-such-user"},
		},
		{
			// The default compile output: the prelude's warnings (including
			// option forwardfor for the TCP listener db, at its header) are
			// apart from the findings, which are none.
			name: "compiled with the default prelude", text: compiled(t), target: "2.6", valid: true,
			warnings: []int{}, prelude: []int{20, 21, 67},
		},
		{
			name: "instance files, valid", text: []byte(strings.Replace(instanceConfig, "    frobnicate on\n", "", 1)), target: "2.4", valid: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := check.Check(ctx, "my.cfg", tt.text, check.Options{Binary: bin, Target: tt.target})
			if err != nil {
				t.Fatal(err)
			}
			if res.Valid() != tt.valid {
				t.Fatalf("Valid() = %v, want %v; findings %v\noutput:\n%s", res.Valid(), tt.valid, res.Findings, res.Output)
			}
			var errLines, warnLines []int
			for _, f := range res.Findings {
				if f.File != "my.cfg" || f.Rule != check.Rule {
					t.Errorf("finding %v: want file my.cfg and rule %s", f, check.Rule)
				}
				if strings.Contains(f.Message, "lbconf-check-") || strings.Contains(f.Message, "standin-") {
					t.Errorf("finding shows a temporary path: %v", f)
				}
				if f.Severity == finding.Error {
					errLines = append(errLines, f.Line)
				} else {
					warnLines = append(warnLines, f.Line)
				}
			}
			if tt.errors != nil && !sameInts(errLines, tt.errors) {
				t.Errorf("error lines %v, want %v: %v", errLines, tt.errors, res.Findings)
			}
			if tt.warnings != nil && !sameInts(warnLines, tt.warnings) {
				t.Errorf("warning lines %v, want %v: %v", warnLines, tt.warnings, res.Findings)
			}
			var preludeLines []int
			for _, f := range res.Prelude {
				preludeLines = append(preludeLines, f.Line)
			}
			if tt.prelude != nil && !sameInts(preludeLines, tt.prelude) {
				t.Errorf("prelude warning lines %v, want %v: %v", preludeLines, tt.prelude, res.Prelude)
			}
			if sum := res.PreludeSummary(); tt.prelude != nil && ((sum != "") != (len(tt.prelude) > 0) || len(tt.prelude) > 0 && !strings.Contains(sum, "documented prelude")) {
				t.Errorf("PreludeSummary %q", sum)
			}
			for _, f := range append(res.Findings, res.Prelude...) {
				if f.Line == 0 && strings.Contains(f.Message, "proxy '") {
					t.Errorf("a message about a proxy has no line: %v", f)
				}
			}
			var notes []string
			noted := map[int]bool{}
			for _, n := range res.Notes {
				notes = append(notes, n.String())
				noted[n.Line] = true
			}
			for _, l := range tt.noteLines {
				if !noted[l] {
					t.Errorf("no note for line %d: %q", l, notes)
				}
			}
			all := strings.Join(notes, "\n")
			for _, s := range tt.noteHas {
				if !strings.Contains(all, s) {
					t.Errorf("notes lack %q:\n%s", s, all)
				}
			}
		})
	}
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
