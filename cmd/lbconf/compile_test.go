package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const compileFixtures = "../../testdata/compile/"

func compileWriteTemp(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func compileReadText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCompileGoldens runs the CLI on compiler fixtures and compares with the
// compiler's goldens: flags map to the options they name.
func TestCompileGoldens(t *testing.T) {
	t.Setenv(statsAuthEnv, "")
	for _, tc := range []struct {
		args   []string
		golden string
	}{
		{[]string{"spec-example.json"}, "spec-example.golden.cfg"},
		{[]string{"--target", "2.6", "spec-example.json"}, "spec-example.t26.cfg"},
		{[]string{"--target", "1.8", "spec-example.json"}, "spec-example.t18.cfg"},
		{[]string{"--bind-address", "::", "spec-example.json"}, "spec-example.bind-v6.cfg"},
		{[]string{"--stats-auth", "ops:n3w-Secret", "spec-example.json"}, "spec-example.stats-auth.cfg"},
		{[]string{"--cert-dir", "/srv/tls/", "certs.json"}, "certs.cert-dir.cfg"},
		{[]string{"--base", compileFixtures + "documented-custom-config.cfg", "documented-sample.json"}, "documented-sample.base.cfg"},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			args := append([]string{"compile"}, tc.args...)
			args[len(args)-1] = compileFixtures + args[len(args)-1]
			code, out, errOut := runCLI(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if want := compileReadText(t, compileFixtures+tc.golden); out != want {
				t.Errorf("output differs from %s", tc.golden)
			}
		})
	}
}

func TestCompileStdinAndOutputFile(t *testing.T) {
	t.Setenv(statsAuthEnv, "")
	dir := t.TempDir()
	in := compileReadText(t, compileFixtures+"spec-example.json")
	want := compileReadText(t, compileFixtures+"spec-example.golden.cfg")

	dest := filepath.Join(dir, "haproxy.cfg")
	code, out, errOut := runCLI(t, in, "compile", "-o", dest, "-")
	// spec-example.json's TCP listener whitelists behind accept-proxy: a warning, not an error.
	if code != 0 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "warning repeater-whitelist") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if got := compileReadText(t, dest); got != want {
		t.Error("-o wrote something else than the golden")
	}
	fi, err := os.Stat(dest)
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v, %v; want 0644", fi.Mode(), err)
	}

	// An existing file keeps its permissions and is replaced whole.
	if err := os.Chmod(dest, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "", "compile", "--output", dest, "--target", "2.6", compileFixtures+"spec-example.json"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := compileReadText(t, dest); got != compileReadText(t, compileFixtures+"spec-example.t26.cfg") {
		t.Error("second write differs from the 2.6 golden")
	}
	if fi, _ := os.Stat(dest); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 kept", fi.Mode().Perm())
	}

	// A symbolic link is followed: its target is replaced, the link stays.
	link := filepath.Join(dir, "link.cfg")
	if err := os.Symlink(dest, link); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "", "compile", "-o", link, compileFixtures+"spec-example.json"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi.Mode(), err)
	}
	if compileReadText(t, dest) != want {
		t.Error("the link's target was not rewritten")
	}

	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestCompileErrors(t *testing.T) {
	t.Setenv(statsAuthEnv, "")
	dir := t.TempDir()
	bad := compileWriteTemp(t, dir, "bad.json", `{
  "HttpListeners": [],
  "TcpListeners": [{
    "ListenerName": "db\n    bind :9999", "ListenerPort": 3306, "ListenerMode": "tcp", "MaxConn": 10,
    "ClientTimeout": "1", "ClientTimeoutUnit": "s", "ConnectTimeout": "1", "ConnectTimeoutUnit": "s",
    "ServerTimeout": "1", "ServerTimeoutUnit": "s", "Scheduler": "roundrobin",
    "BackendServer": [{"IP": "10.0.0.1", "Port": 1, "Weight": "1", "MaxConn": 1}]
  }]
}
`)
	dest := filepath.Join(dir, "out.cfg")
	code, out, errOut := runCLI(t, "", "compile", "-o", dest, bad)
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if want := bad + ":4:21: error listener-name: "; !strings.Contains(errOut, want) || !strings.Contains(errOut, "(/TcpListeners/0/ListenerName)") {
		t.Errorf("stderr %q lacks %q", errOut, want)
	}
	if _, err := os.Stat(dest); err == nil {
		t.Error("output written despite errors")
	}

	// Describe response shape: pointers and positions under /Data.
	describe := compileWriteTemp(t, dir, "describe.json", `{"Code": "Success", "Message": "success", "TaskId": "",
"Data": {"HttpListeners": [], "TcpListeners": [{
  "ListenerName": "db", "ListenerPort": 22, "ListenerMode": "tcp", "MaxConn": 10,
  "ClientTimeout": "1", "ClientTimeoutUnit": "s", "ConnectTimeout": "1", "ConnectTimeoutUnit": "s",
  "ServerTimeout": "1", "ServerTimeoutUnit": "s", "Scheduler": "roundrobin",
  "BackendServer": [{"IP": "10.0.0.1", "Port": 1, "Weight": "1", "MaxConn": 1}]}]}}
`)
	code, _, errOut = runCLI(t, "", "compile", describe)
	if code != 1 || !strings.Contains(errOut, describe+":3:41: error reserved-port: ") || !strings.Contains(errOut, "(/Data/TcpListeners/0/ListenerPort)") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}

	// A base config that the target refuses.
	code, _, errOut = runCLI(t, "", "compile", "--target", "2.6", "--base", compileFixtures+"documented-custom-config.cfg", compileFixtures+"documented-sample.json")
	if code != 1 || !strings.Contains(errOut, compileFixtures+"documented-custom-config.cfg:10:9: error target-directive: nbproc") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestCompileWarnings(t *testing.T) {
	t.Setenv(statsAuthEnv, "")
	code, out, errOut := runCLI(t, "", "compile", "--base", compileFixtures+"base-extra.cfg", compileFixtures+"whitelist.json")
	if code != 0 || out == "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{
		compileFixtures + "base-extra.cfg:19:1: warning base-proxy-dropped: frontend \"old_web\"",
		compileFixtures + "base-extra.cfg:23:1: warning base-proxy-dropped: backend \"old_web-abk\"",
		compileFixtures + "whitelist.json:",
		"warning acl-host-bits",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	// The base's web and web-abk are compiled from the whitelist listener.
	if strings.Contains(errOut, `"web`) {
		t.Errorf("a compiled proxy is reported as dropped:\n%s", errOut)
	}
}

func TestCompileUsage(t *testing.T) {
	t.Setenv(statsAuthEnv, "")
	doc := compileFixtures + "spec-example.json"
	const secret = "Sup3rSecret"
	for _, tc := range []struct {
		name string
		args []string
		env  string
		code int
		want string
	}{
		{"no path", []string{"compile"}, "", 2, "exactly one PATH"},
		{"two paths", []string{"compile", doc, doc}, "", 2, "exactly one PATH"},
		{"bad target", []string{"compile", "--target", "2.5", doc}, "", 2, "--target: unsupported target \"2.5\": allowed are 1.8, 2.4"},
		{"bad bind", []string{"compile", "--bind-address", "*", doc}, "", 2, "--bind-address: \"*\" is not an IP address"},
		{"bad cert dir", []string{"compile", "--cert-dir", "certs", doc}, "", 2, "--cert-dir: \"certs\" is not an absolute path"},
		{"bad stats auth", []string{"compile", "--stats-auth", secret, doc}, "", 2, "--stats-auth: want user:password"},
		{"bad env stats auth", []string{"compile", doc}, "admin:" + secret + " x", 2, statsAuthEnv + ": user:password holds a space"},
		{"missing file", []string{"compile", "nope.json"}, "", 2, "nope.json: no such file"},
		{"missing base", []string{"compile", "--base", "nope.cfg", doc}, "", 2, "--base: nope.cfg: no such file"},
		{"both stdin", []string{"compile", "--base", "-", "-"}, "", 2, "cannot both be standard input"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(statsAuthEnv, tc.env)
			code, out, errOut := runCLI(t, "", tc.args...)
			if code != tc.code || out != "" || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d (want %d), stdout %q, stderr %q (want %q)", code, tc.code, out, errOut, tc.want)
			}
			if strings.Contains(errOut, secret) {
				t.Errorf("the password is echoed: %q", errOut)
			}
		})
	}
}

// TestCompileStatsAuthEnv checks that LBCONF_STATS_AUTH is the default of
// --stats-auth, that the flag wins, and that help never shows the value.
func TestCompileStatsAuthEnv(t *testing.T) {
	doc := compileFixtures + "spec-example.json"
	t.Setenv(statsAuthEnv, "envuser:EnvPa55")
	code, out, errOut := runCLI(t, "", "compile", doc)
	if code != 0 || !strings.Contains(out, "\n     stats auth envuser:EnvPa55\n") {
		t.Errorf("exit %d, stderr %q; env value not used", code, errOut)
	}
	code, out, _ = runCLI(t, "", "compile", "--stats-auth", "flag:F1ag", doc)
	if code != 0 || !strings.Contains(out, "stats auth flag:F1ag\n") || strings.Contains(out, "EnvPa55") {
		t.Errorf("exit %d; the flag should win over the environment", code)
	}
	code, out, errOut = runCLI(t, "", "compile", "--help")
	if code != 0 || strings.Contains(out+errOut, "EnvPa55") || !strings.Contains(out, statsAuthEnv) {
		t.Errorf("exit %d; help shows the secret or omits the variable:\n%s", code, out)
	}
}

// TestCompiledExamplesLintStrict pipes `lbconf compile examples/listeners.json`
// into `lbconf lint --strict -` for the default target and every --target:
// the default prelude must be valid on every supported version (no
// `nbproc 1`, which 2.4 deprecates and 2.5+ refuse).
func TestCompiledExamplesLintStrict(t *testing.T) {
	for _, target := range []string{"", "1.8", "2.4", "2.6", "3.0"} {
		t.Run("target="+target, func(t *testing.T) {
			args := []string{"compile", "../../examples/listeners.json"}
			lintArgs := []string{"lint", "--strict"}
			if target != "" {
				args = append(args, "--target", target)
				lintArgs = append(lintArgs, "--target", target)
			}
			code, cfg, errOut := runCLI(t, "", args...)
			if code != 0 {
				t.Fatalf("compile exit %d: %s", code, errOut)
			}
			code, out, errOut := runCLI(t, cfg, append(lintArgs, "-")...)
			if code != 0 {
				t.Errorf("lint --strict of the compiled examples: exit %d\n%s%s", code, out, errOut)
			}
		})
	}
}
