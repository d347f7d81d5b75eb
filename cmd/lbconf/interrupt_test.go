package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lbconf/lbconf/cdsapi/fakecds"
)

// TestInterruptExit130 runs the real binary: a push waits for an instance
// that stays busy, Ctrl-C (SIGINT) ends it with exit 130 and a sentence
// saying what happened and where the backup is.
func TestInterruptExit130(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "lbconf")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	e := newCLIEnv(t, fakecds.Options{TaskDuration: time.Hour})
	cmd := exec.Command(bin, "push", "--yes", "--wait", "--wait-timeout", "1m", "--wait-interval", "100ms", "--no-check",
		"--instance", customUUID, "--backup-dir", e.backups, writeTemp(t, "new.cfg", changed(e.config)))
	cmd.Env = os.Environ() // the fake's endpoint and credentials, from newCLIEnv
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(stderr)
	deadline := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	signalled := false
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if !signalled && strings.Contains(sc.Text(), "lbconf: sent") {
			time.Sleep(300 * time.Millisecond) // into the wait
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			signalled = true
		}
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	all := strings.Join(lines, "\n")
	if !signalled || !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("signalled %v, %v\n%s", signalled, err, all)
	}
	if !strings.Contains(all, "lbconf: interrupted by Ctrl-C: stopped waiting") || !strings.Contains(all, e.backups) || strings.Contains(all, "goroutine") {
		t.Errorf("the message does not say what happened and where the backup is:\n%s", all)
	}
}
