// Package haproxytest finds and runs the real haproxy binary for tests:
// `haproxy -c` checks of generated configs now, and whatever end-to-end
// tests need to start it later.
//
// Tests call Require (or Binary) first: without a binary they are skipped
// with the reason, unless LBCONF_REQUIRE_HAPROXY=1 is set (CI), in which
// case they fail.
package haproxytest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lbconf/lbconf/haproxycfg/check"
	"github.com/lbconf/lbconf/haproxycfg/version"
)

// RequireEnv names the environment variable that turns a missing binary
// from a skip into a failure when set to "1".
const RequireEnv = "LBCONF_REQUIRE_HAPROXY"

// CheckTimeout bounds one `haproxy -c` run.
const CheckTimeout = 60 * time.Second

// BinaryEnv names an environment variable that, when set, is the path of the
// binary to use instead of searching.
const BinaryEnv = check.BinaryEnv

// Find returns the path of the haproxy binary, as lbconf itself finds it:
// $LBCONF_HAPROXY if set, else haproxy on PATH, else /usr/sbin/haproxy or
// /usr/local/sbin/haproxy.
func Find() (string, error) { return check.Find() }

// Require returns the haproxy binary, or skips the test with the reason why
// there is none; with LBCONF_REQUIRE_HAPROXY=1 it fails the test instead.
func Require(t testing.TB) string {
	t.Helper()
	p, err := Find()
	if err != nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("%v; %s=1 makes this a failure", err, RequireEnv)
		}
		t.Skipf("%v; set %s=1 to make this a failure", err, RequireEnv)
	}
	return p
}

// Message is one [NOTICE], [WARNING] or [ALERT] line of haproxy's output.
type Message = check.Message

// ParseMessages extracts the leveled messages from haproxy's output (1.8 to
// 3.x formats).
func ParseMessages(out string) []Message { return check.ParseMessages(out) }

// Result is the outcome of one haproxy run.
type Result struct {
	// Args are the arguments haproxy ran with.
	Args []string
	// ExitCode is haproxy's exit status.
	ExitCode int
	// Output is stdout and stderr, interleaved.
	Output string
	// Messages are the leveled lines of Output.
	Messages []Message
}

// Warnings returns the [WARNING] messages.
func (r *Result) Warnings() []Message { return r.level("WARNING") }

// Alerts returns the [ALERT] messages.
func (r *Result) Alerts() []Message { return r.level("ALERT") }

func (r *Result) level(l string) []Message {
	var out []Message
	for _, m := range r.Messages {
		if m.Level == l {
			out = append(out, m)
		}
	}
	return out
}

// Run runs the binary with args, bounded by ctx, and returns what it said.
// Only failing to start it (or a timeout) is an error; a non-zero exit is in
// Result.ExitCode.
func Run(ctx context.Context, bin string, args ...string) (*Result, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	r := &Result{Args: args, Output: out.String()}
	r.Messages = ParseMessages(r.Output)
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return r, fmt.Errorf("haproxy %s: %w", strings.Join(args, " "), ctx.Err())
	case errors.As(err, &ee):
		r.ExitCode = ee.ExitCode()
	case err != nil:
		return r, fmt.Errorf("haproxy %s: %w", strings.Join(args, " "), err)
	}
	return r, nil
}

// Check runs `haproxy -c -f cfgPath` (the binary from Require) and returns
// the result; the caller judges ExitCode and the messages. The test fails if
// haproxy cannot be run at all.
func Check(t testing.TB, cfgPath string) *Result {
	t.Helper()
	bin := Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), CheckTimeout)
	defer cancel()
	r, err := Run(ctx, bin, "-c", "-f", cfgPath)
	if err != nil {
		t.Fatalf("%v\n%s", err, r.Output)
	}
	return r
}

// Version returns the binary's version ("HAProxy version 2.6.12-1 ..."
// gives 2.6).
func Version(t testing.TB) version.Version {
	t.Helper()
	bin := Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), CheckTimeout)
	defer cancel()
	reported, err := check.BinaryVersion(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := version.Parse(reported)
	if !ok {
		t.Fatalf("cannot read the version %q of %s", reported, bin)
	}
	return v
}

// WriteCert writes dir/<id>.pem: a fresh self-signed certificate for
// localhost followed by its private key, the combined form HAProxy's
// `crt` loads. It returns the file's path.
func WriteCert(t testing.TB, dir, id string) string {
	t.Helper()
	pemData, err := check.ThrowawayCertificate()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, id+".pem")
	if err := os.WriteFile(path, pemData, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
