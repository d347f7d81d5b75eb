package haproxycheck

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/internal/haproxytest"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{"", nil},
		{"   # only a comment", nil},
		{"  bind 0.0.0.0:443 ssl crt /etc/haproxy/certs/c1.pem", []string{"bind", "0.0.0.0:443", "ssl", "crt", "/etc/haproxy/certs/c1.pem"}},
		{"\tstats realm Private\\ lands # comment", []string{"stats", "realm", "Private lands"}},
		{`log-format "%ci [%t] #x" other`, []string{"log-format", "%ci [%t] #x", "other"}},
		{`errorfile 503 '/etc/my errors/503.http'`, []string{"errorfile", "503", "/etc/my errors/503.http"}},
		{"acl a src 10.0.0.1#comment", []string{"acl", "a", "src", "10.0.0.1"}},
	}
	for _, tt := range tests {
		var got []string
		for _, tok := range tokenize(tt.line) {
			got = append(got, tok.value)
			if tok.start < 0 || tok.end > len(tt.line) || tok.start >= tok.end {
				t.Errorf("%q: bad span %d-%d", tt.line, tok.start, tok.end)
			}
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("tokenize(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestHostOf(t *testing.T) {
	tests := map[string]string{
		"10.0.0.5:8080":        "",
		"[2001:db8::1]:80":     "",
		"2001:db8::1":          "",
		"ipv4@10.0.0.1:80":     "",
		"unix@/run/x.sock":     "",
		"/run/x.sock":          "",
		"${BACKEND}:80":        "",
		"*:80":                 "",
		"app.internal:8080":    "app.internal",
		"ipv4@app.internal:80": "app.internal",
		"localhost":            "localhost",
	}
	for addr, want := range tests {
		if got := hostOf(addr); got != want {
			t.Errorf("hostOf(%q) = %q, want %q", addr, got, want)
		}
	}
}

func TestParseMessages(t *testing.T) {
	out := strings.Join([]string{
		"[NOTICE]   (29775) : haproxy version is 2.6.12-1+deb12u4",
		"[ALERT]    (29775) : config : parsing [/tmp/x/haproxy.cfg:7] : nbproc is not supported any more since HAProxy 2.5. Threads will automatically be used.",
		"[WARNING]  (29775) : config : parsing [/tmp/x/haproxy.cfg:21]: 'option httplog' overrides previous 'log-format' in 'defaults' section.",
		"[ALERT]    (29792) : config : [/tmp/x/haproxy.cfg:21] : 'server web-abk/b' : Couldn't open the ca-file",
		"[ALERT] 123/045612 (1234) : parsing [/tmp/x/haproxy.cfg:3] : unknown keyword 'frob' in 'global' section",
		"[ALERT]    (29792) : config : Fatal errors found in configuration.",
		"not a message",
	}, "\n")
	ms := parseMessages(out)
	if len(ms) != 6 {
		t.Fatalf("got %d messages, want 6: %+v", len(ms), ms)
	}
	want := []struct {
		level string
		line  int
		text  string
	}{
		{"NOTICE", 0, "haproxy version is 2.6.12-1+deb12u4"},
		{"ALERT", 7, "nbproc is not supported any more since HAProxy 2.5. Threads will automatically be used."},
		{"WARNING", 21, "'option httplog' overrides previous 'log-format' in 'defaults' section."},
		{"ALERT", 21, "'server web-abk/b' : Couldn't open the ca-file"},
		{"ALERT", 3, "unknown keyword 'frob' in 'global' section"},
		{"ALERT", 0, "Fatal errors found in configuration."},
	}
	for i, w := range want {
		m := ms[i]
		if m.level != w.level || m.line != w.line || m.message() != w.text {
			t.Errorf("message %d = %s/%d/%q, want %s/%d/%q", i, m.level, m.line, m.message(), w.level, w.line, w.text)
		}
		if w.line != 0 && m.file != "/tmp/x/haproxy.cfg" {
			t.Errorf("message %d file %q", i, m.file)
		}
	}
	if v, ok := removedSince(ms[1].text); !ok || v != (version{2, 5}) {
		t.Errorf("removedSince = %v %v", v, ok)
	}
}

// documented is the API documentation's sample config.
func documented(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../testdata/deploy/documented.cfg")
	if err != nil {
		t.Fatal(err)
	}
	return data
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
	major, minor := haproxytest.Version(t)
	newer := version{major, minor}
	if newer.less(version{2, 5}) {
		t.Skipf("haproxy %d.%d accepts nbproc; these cases expect 2.5 or later", major, minor)
	}
	ctx := context.Background()
	tests := []struct {
		name      string
		text      []byte
		target    string
		valid     bool
		errors    []int // lines of error findings
		warnings  []int // lines of warning findings
		noteLines []int // lines that must have a note
		noteHas   []string
	}{
		{
			name: "documented sample for 2.4", text: documented(t), target: "2.4", valid: true,
			warnings: []int{21, 22}, noteLines: []int{3, 4, 10},
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
			name: "instance files, valid", text: []byte(strings.Replace(instanceConfig, "    frobnicate on\n", "", 1)), target: "2.4", valid: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Check(ctx, "my.cfg", tt.text, Options{Binary: bin, Target: tt.target})
			if err != nil {
				t.Fatal(err)
			}
			if res.Valid() != tt.valid {
				t.Fatalf("Valid() = %v, want %v; findings %v\noutput:\n%s", res.Valid(), tt.valid, res.Findings, res.Output)
			}
			var errLines, warnLines []int
			for _, f := range res.Findings {
				if f.File != "my.cfg" || f.Rule != Rule {
					t.Errorf("finding %v: want file my.cfg and rule %s", f, Rule)
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

// fakeBinary writes a shell script that answers -v with version and -c
// with script.
func fakeBinary(t *testing.T, version, script string) string {
	t.Helper()
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	p := filepath.Join(t.TempDir(), "haproxy")
	body := "#!/bin/sh\nif [ \"$1\" = -v ]; then echo 'HA-Proxy version " + version + " 2017/12/30'; exit 0; fi\n" + script + "\n"
	if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckFakeBinary(t *testing.T) {
	ctx := context.Background()
	cfg := []byte("global\n    daemon\n\ndefaults\n    mode http\n")
	t.Run("1.8 output format", func(t *testing.T) {
		// $3 is the config path.
		bin := fakeBinary(t, "1.8.30", `echo "[ALERT] 123/045612 (1234) : parsing [$3:2] : unknown keyword 'daemon'."; echo "[ALERT] 123/045612 (1234) : Error(s) found in configuration file : $3"; exit 1`)
		res, err := Check(ctx, "x.cfg", cfg, Options{Binary: bin, Target: "1.8"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Valid() || res.Version != "1.8.30" || len(res.Findings) != 1 {
			t.Fatalf("%+v", res)
		}
		f := res.Findings[0]
		if f.Line != 2 || f.Col != 5 || f.Severity != finding.Error || f.Message != "unknown keyword 'daemon'." {
			t.Errorf("finding %v", f)
		}
		if strings.Contains(res.Output, "lbconf-check-") || !strings.Contains(res.Output, "x.cfg") {
			t.Errorf("output not mapped back: %s", res.Output)
		}
	})
	t.Run("failure without messages", func(t *testing.T) {
		bin := fakeBinary(t, "2.6.0", `echo "something broke"; exit 3`)
		res, err := Check(ctx, "x.cfg", cfg, Options{Binary: bin, Target: "2.4"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Valid() || len(res.Findings) != 1 || !strings.Contains(res.Findings[0].Message, "status 3: something broke") {
			t.Errorf("%+v", res)
		}
	})
	t.Run("older binary", func(t *testing.T) {
		bin := fakeBinary(t, "1.8.30", `exit 0`)
		res, err := Check(ctx, "x.cfg", cfg, Options{Binary: bin, Target: "2.6"})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Valid() || len(res.Notes) == 0 || !strings.Contains(res.Notes[0].Text, "older than the instance's 2.6") {
			t.Errorf("%+v", res)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		bin := fakeBinary(t, "2.6.0", `exec sleep 10`)
		start := time.Now()
		_, err := Check(ctx, "x.cfg", cfg, Options{Binary: bin, Target: "2.4", Timeout: 200 * time.Millisecond})
		if err == nil || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want a deadline", err)
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("took %s", time.Since(start))
		}
	})
	t.Run("not a binary", func(t *testing.T) {
		_, err := Check(ctx, "x.cfg", cfg, Options{Binary: filepath.Join(t.TempDir(), "nope")})
		if err == nil {
			t.Error("no error")
		}
	})
	t.Run("bad target", func(t *testing.T) {
		bin := fakeBinary(t, "2.6.0", `exit 0`)
		if _, err := Check(ctx, "x.cfg", cfg, Options{Binary: bin, Target: "latest"}); err == nil {
			t.Error("no error")
		}
	})
}

func TestFindEnv(t *testing.T) {
	t.Setenv(BinaryEnv, filepath.Join(t.TempDir(), "nope"))
	_, err := Find()
	if err == nil || errors.Is(err, ErrNoBinary) || !strings.Contains(err.Error(), BinaryEnv) {
		t.Errorf("err = %v", err)
	}
	t.Setenv(BinaryEnv, "")
	t.Setenv("PATH", t.TempDir())
	p, err := Find()
	switch {
	case err == nil:
		for _, f := range fallbacks() {
			if p == f {
				return
			}
		}
		t.Errorf("Find() = %s with an empty PATH", p)
	case !errors.Is(err, ErrNoBinary):
		t.Errorf("err = %v, want ErrNoBinary", err)
	}
}
