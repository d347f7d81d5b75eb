package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	"github.com/lbconf/lbconf/haproxycfg"
	"github.com/lbconf/lbconf/model"
)

func modelListeners() model.Listeners { return model.Listeners{} }

func TestPullCommand(t *testing.T) {
	e := newCLIEnv(t, fakecds.Options{})
	t.Run("stdout", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "pull", "--instance", customUUID)
		if code != 0 || out != e.config || errOut != "" {
			t.Errorf("exit %d, stderr %q, config equal %v", code, errOut, out == e.config)
		}
	})
	t.Run("file", func(t *testing.T) {
		dest := filepath.Join(t.TempDir(), "pulled.cfg")
		code, out, errOut := runCLI(t, "", "pull", "-i", customUUID, "-o", dest)
		got, err := os.ReadFile(dest)
		if code != 0 || out != "" || err != nil || string(got) != e.config {
			t.Fatalf("exit %d, %q, %v", code, errOut, err)
		}
		if fi, _ := os.Stat(dest); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v", fi.Mode())
		}
		// An existing file keeps its mode, never wider than 0600 when the
		// config holds a password.
		want := os.FileMode(0o640)
		if haproxycfg.HoldsSecret(e.config) {
			want = 0o600
		}
		if err := os.Chmod(dest, 0o640); err != nil {
			t.Fatal(err)
		}
		runCLI(t, "", "pull", "-i", customUUID, "--output", dest)
		if fi, _ := os.Stat(dest); fi.Mode().Perm() != want {
			t.Errorf("mode %v after a second pull, want %v", fi.Mode(), want)
		}
		if err := os.Chmod(dest, 0o400); err != nil {
			t.Fatal(err)
		}
		runCLI(t, "", "pull", "-i", customUUID, "--output", dest)
		if fi, _ := os.Stat(dest); fi.Mode().Perm() != 0o400 {
			t.Errorf("mode %v after a pull over a 0400 file", fi.Mode())
		}
	})
	t.Run("flags after", func(t *testing.T) {
		code, out, _ := runCLI(t, "", "pull", "--instance", customUUID, "--timeout", "5s")
		if code != 0 || out != e.config {
			t.Errorf("exit %d", code)
		}
	})
	t.Run("basic mode", func(t *testing.T) {
		e.srv.AddInstance(fakecds.Instance{InstanceUuid: "lb-basic-with-old", Version: "2.4"}, e.listeners, "global\n    daemon\n")
		code, out, errOut := runCLI(t, "", "pull", "--instance", "lb-basic-with-old")
		if code != 0 || out != "global\n    daemon\n" || !strings.Contains(errOut, "runs basic strategies") ||
			!strings.Contains(errOut, "lbconf strategies pull --instance lb-basic-with-old") {
			t.Errorf("exit %d, %q, %q", code, out, errOut)
		}
		code, out, errOut = runCLI(t, "", "pull", "--instance", basicUUID)
		if code != 0 || out != "" || !strings.Contains(errOut, "empty custom config") {
			t.Errorf("empty: exit %d, %q, %q", code, out, errOut)
		}
	})
	t.Run("faults", func(t *testing.T) {
		for _, f := range []fakecds.Fault{
			{Kind: fakecds.FaultResourceInUse},
			{Kind: fakecds.FaultMalformedJSON},
			// Retried: 3 attempts of 200 ms, 1.5 s of backoff.
			{Kind: fakecds.FaultSlow, Delay: 2e9},
		} {
			e.srv.ClearFaults()
			e.srv.InjectFault(cdsapi.ActionDescribeHaproxyCustomConfig, f)
			dest := filepath.Join(t.TempDir(), "x.cfg")
			code, _, errOut := runCLI(t, "", "pull", "--instance", customUUID, "--timeout", "200ms", "-o", dest)
			if code != 2 || !strings.Contains(errOut, "reading the custom config of instance "+customUUID) {
				t.Errorf("%s: exit %d, %s", f.Kind, code, errOut)
			}
			if _, err := os.Stat(dest); err == nil {
				t.Errorf("%s: output written", f.Kind)
			}
		}
		e.srv.ClearFaults()
	})
}
