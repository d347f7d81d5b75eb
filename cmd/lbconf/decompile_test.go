package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const decompileFixtures = "../../testdata/decompile/"

func TestDecompileCommand(t *testing.T) {
	handEdited := decompileFixtures + "hand-edited.cfg"
	losses, err := os.ReadFile(decompileFixtures + "hand-edited.losses")
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, err := os.ReadFile(decompileFixtures + "hand-edited.json")
	if err != nil {
		t.Fatal(err)
	}
	nLosses := strings.Count(string(losses), "\n")

	t.Run("warnings", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "decompile", handEdited)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if out != string(wantJSON) {
			t.Errorf("stdout differs from hand-edited.json:\n%s", out)
		}
		lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
		if len(lines) != nLosses {
			t.Fatalf("%d stderr lines, want %d:\n%s", len(lines), nLosses, errOut)
		}
		want := handEdited + ":35:2: warning decompile-loss: `http-request deny if { path_beg /admin }` in frontend shop has no equivalent in the listener model and would be lost"
		if !strings.Contains(errOut, want+"\n") {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	})
	t.Run("strict", func(t *testing.T) {
		dir := t.TempDir()
		dest := filepath.Join(dir, "out.json")
		code, out, errOut := runCLI(t, "", "decompile", "--strict", "-o", dest, handEdited)
		if code != 1 || out != "" || !strings.Contains(errOut, ": error decompile-loss: ") {
			t.Fatalf("exit %d, stdout %q, stderr %s", code, out, errOut)
		}
		if _, err := os.Stat(dest); err == nil {
			t.Error("--strict with losses wrote the output")
		}
	})
	t.Run("strict without losses, stdin, -o", func(t *testing.T) {
		// The repository's copy of shared/reference/documented-custom-config.cfg.
		sample, err := os.ReadFile("../../testdata/compile/documented-custom-config.cfg")
		if err != nil {
			t.Fatal(err)
		}
		dest := filepath.Join(t.TempDir(), "out.json")
		code, out, errOut := runCLI(t, string(sample), "decompile", "--strict", "-o", dest, "-")
		if code != 0 || out != "" || errOut != "" {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
		got, err := os.ReadFile(dest)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(decompileFixtures + "documented.json")
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("output differs from documented.json:\n%s", got)
		}
	})
	t.Run("empty config", func(t *testing.T) {
		// Input with no section is not a haproxy.cfg: a usage error.
		code, out, errOut := runCLI(t, "", "decompile", "-")
		if code != 2 || out != "" || !strings.Contains(errOut, "not a haproxy.cfg: the input is empty") {
			t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
		code, out, _ = runCLI(t, "global\n", "decompile", "-")
		if code != 0 || out != "{\n  \"HttpListeners\": [],\n  \"TcpListeners\": []\n}\n" {
			t.Errorf("exit %d, stdout %q", code, out)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no path", []string{"decompile"}, "exactly one PATH"},
		{"missing file", []string{"decompile", "/nonexistent.cfg"}, "no such file"},
		{"bad bind address", []string{"decompile", "--bind-address", "x", handEdited}, "--bind-address"},
		{"bad cert dir", []string{"decompile", "--cert-dir", "rel", handEdited}, "--cert-dir"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tc.args...)
			if code != 2 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q, want 2 and %q", code, errOut, tc.want)
			}
		})
	}
}

func TestDecompileBindAddressAndCertDir(t *testing.T) {
	cfg := "frontend w\n    default_backend w-abk\n    bind 127.0.0.1:443 ssl crt /srv/tls/c1.pem\n" +
		"    http-request set-header X-Forwarded-Proto https\n    maxconn 10\n    timeout client 1s\nbackend w-abk\n" +
		"    balance roundrobin\n    timeout connect 1s\n    timeout server 1s\n    server s10.0.0.1:80 10.0.0.1:80 maxconn 5 check\n"
	code, out, errOut := runCLI(t, cfg, "decompile", "--strict", "--bind-address", "127.0.0.1", "--cert-dir", "/srv/tls/", "-")
	if code != 0 || errOut != "" || !strings.Contains(out, `"CertificateId": "c1"`) {
		t.Fatalf("exit %d, stderr %q, stdout %s", code, errOut, out)
	}
	code, _, errOut = runCLI(t, cfg, "decompile", "-")
	if code != 0 || strings.Count(errOut, "decompile-loss") != 2 {
		t.Fatalf("default options: exit %d, want two losses (address, directory):\n%s", code, errOut)
	}
}

// TestDecompileFindingsAtConfigLines: defaults are filled with notes, the
// listener rules run on the result, their findings point at config lines,
// and a result lbconf would refuse exits 1 (the document is still written).
func TestDecompileFindingsAtConfigLines(t *testing.T) {
	cfg := "global\n    maxconn 4000\nfrontend web\n    bind :80\n    default_backend web-abk\n" +
		"backend web-abk\n    server s10.0.0.1:80 10.0.0.1:80 maxconn 10 weight 1 check\n"
	code, out, errOut := runCLI(t, cfg, "decompile", "-")
	for _, want := range []string{
		"-:3: note: frontend web has no maxconn (here or in defaults): HAProxy gives it the global maxconn 4000 (line 2)",
		"-:6: note: backend web-abk has no balance (here or in defaults): HAProxy's default, roundrobin, is the Scheduler",
		"-:3:1: error required: ClientTimeout",
		"-:6:1: error required: ServerTimeout",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if code != 1 || !strings.Contains(out, `"Scheduler": "roundrobin"`) || !strings.Contains(out, `"MaxConn": 4000`) || strings.Contains(errOut, ":0:") {
		t.Errorf("exit %d\n%s", code, out)
	}
}
