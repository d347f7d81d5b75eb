package check

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg/version"
)

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
	ms := ParseMessages(out)
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
		if m.Level != w.level || m.Line != w.line || m.body() != w.text {
			t.Errorf("message %d = %s/%d/%q, want %s/%d/%q", i, m.Level, m.Line, m.body(), w.level, w.line, w.text)
		}
		if w.line != 0 && m.File != "/tmp/x/haproxy.cfg" {
			t.Errorf("message %d file %q", i, m.File)
		}
	}
	if v, ok := removedSince(ms[1].Text); !ok || v != (version.Version{Major: 2, Minor: 5}) {
		t.Errorf("removedSince = %v %v", v, ok)
	}
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

// TestUnmapperPrefixes checks that a stand-in path that is a prefix of
// another (standin-1, standin-10) does not garble the longer one.
func TestUnmapperPrefixes(t *testing.T) {
	p := &preparer{dir: "/tmp/lbconf-check-x", back: map[string]string{}}
	for i := 1; i <= 12; i++ {
		p.back[fmt.Sprintf("%s/standin-%d", p.dir, i)] = fmt.Sprintf("/etc/haproxy/f%d.map", i)
	}
	unmap := p.unmapper(p.dir+"/haproxy.cfg", "x.cfg")
	// Replacer order used to follow map iteration: try several times.
	for range 20 {
		got := unmap("cannot open /tmp/lbconf-check-x/standin-10 and /tmp/lbconf-check-x/standin-1 in /tmp/lbconf-check-x/haproxy.cfg")
		want := "cannot open /etc/haproxy/f10.map and /etc/haproxy/f1.map in x.cfg"
		if got != want {
			t.Fatalf("unmap = %q, want %q", got, want)
		}
	}
}
