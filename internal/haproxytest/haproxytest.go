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
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// RequireEnv names the environment variable that turns a missing binary
// from a skip into a failure when set to "1".
const RequireEnv = "LBCONF_REQUIRE_HAPROXY"

// BinaryEnv names an environment variable that, when set, is the path of the
// binary to use instead of searching.
const BinaryEnv = "LBCONF_HAPROXY"

// fallbacks are tried when haproxy is not on PATH (Debian installs it in
// /usr/sbin, which is not on every user's PATH).
func fallbacks() []string { return []string{"/usr/sbin/haproxy", "/usr/local/sbin/haproxy"} }

// CheckTimeout bounds one `haproxy -c` run.
const CheckTimeout = 60 * time.Second

// Find returns the path of the haproxy binary: $LBCONF_HAPROXY if set, else
// haproxy on PATH, else /usr/sbin/haproxy or /usr/local/sbin/haproxy.
func Find() (string, error) {
	if p := os.Getenv(BinaryEnv); p != "" {
		if err := executable(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", BinaryEnv, p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("haproxy"); err == nil {
		return p, nil
	}
	for _, p := range fallbacks() {
		if executable(p) == nil {
			return p, nil
		}
	}
	return "", errors.New("no haproxy binary: not on PATH, not in " + strings.Join(fallbacks(), " or ") +
		" (install it with `apt-get install -y haproxy`, or set " + BinaryEnv + ")")
}

func executable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", p)
	}
	return nil
}

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
type Message struct {
	// Level is "NOTICE", "WARNING" or "ALERT".
	Level string
	// File and Line are the config position of a "parsing [FILE:LINE]"
	// message; Line is 0 for messages without one.
	File string
	Line int
	// Text is the message after the level and process id.
	Text string
}

func (m Message) String() string { return "[" + m.Level + "] " + m.Text }

var (
	levelRE   = regexp.MustCompile(`^\[(NOTICE|WARNING|ALERT)\]\s*(.*)$`)
	pidRE     = regexp.MustCompile(`^(?:\d+/\d+\s+)?\(\d+\)\s*:\s*`)
	parsingRE = regexp.MustCompile(`parsing \[(.+):(\d+)\]`)
)

// ParseMessages extracts the leveled messages from haproxy's output (1.8 to
// 3.x formats).
func ParseMessages(out string) []Message {
	var ms []Message
	for _, line := range strings.Split(out, "\n") {
		m := levelRE.FindStringSubmatch(strings.TrimRight(line, "\r"))
		if m == nil {
			continue
		}
		msg := Message{Level: m[1], Text: pidRE.ReplaceAllString(m[2], "")}
		if p := parsingRE.FindStringSubmatch(msg.Text); p != nil {
			msg.File = p[1]
			msg.Line, _ = strconv.Atoi(p[2])
		}
		ms = append(ms, msg)
	}
	return ms
}

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

// Version returns the major and minor version of the binary ("HAProxy
// version 2.6.12-1 ..." gives 2, 6).
func Version(t testing.TB) (major, minor int) {
	t.Helper()
	bin := Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), CheckTimeout)
	defer cancel()
	r, err := Run(ctx, bin, "-v")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?i)HA-?Proxy version (\d+)\.(\d+)`).FindStringSubmatch(r.Output)
	if m == nil {
		t.Fatalf("cannot read the version from %s -v:\n%s", bin, r.Output)
	}
	major, _ = strconv.Atoi(m[1])
	minor, _ = strconv.Atoi(m[2])
	return major, minor
}

// WriteCert writes dir/<id>.pem: a fresh self-signed certificate for
// localhost followed by its private key, the combined form HAProxy's
// `crt` loads. It returns the file's path.
func WriteCert(t testing.TB, dir, id string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"lbconf test " + id}},
		DNSNames:     []string{"localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	_ = pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: der})
	_ = pem.Encode(&buf, &pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	path := filepath.Join(dir, id+".pem")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
