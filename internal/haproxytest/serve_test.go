package haproxytest

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// testProxy is a minimal proxy for the serve tests: it answers every
// request with 200 itself.
func testProxy(port int) string {
	return fmt.Sprintf(`frontend f
    bind 127.0.0.1:%d
    mode http
    timeout client 5s
    http-request return status 200 content-type text/plain string "served by haproxy"
`, port)
}

// takenPort returns a listener on a free 127.0.0.1 port, closed at the end.
func takenPort(t *testing.T) (net.Listener, int) {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	return ln, ln.Addr().(*net.TCPAddr).Port
}

func shortDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "hxserve")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// TestServe starts haproxy with the serve prelude, talks to it and stops it.
func TestServe(t *testing.T) {
	bin := Require(t)
	dir := shortDir(t)
	ln, port := takenPort(t)
	_ = ln.Close() // free it for haproxy
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	s, err := Serve(t, ServeOptions{
		Binary:      bin,
		Config:      []byte(ServePrelude(dir) + testProxy(port)),
		Dir:         dir,
		Addrs:       []string{addr},
		StatsSocket: dir + "/admin.sock",
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	b, err := io.ReadAll(c)
	_ = c.Close()
	if err != nil || !strings.Contains(string(b), "served by haproxy") {
		t.Fatalf("answer %q (%v)", b, err)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
	if !s.Exited() {
		t.Error("haproxy still running after Stop")
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

// TestServeAddrInUse: a port that is taken makes Serve fail with a
// StartError that says so, so that callers can retry.
func TestServeAddrInUse(t *testing.T) {
	bin := Require(t)
	dir := shortDir(t)
	_, port := takenPort(t)
	_, err := Serve(t, ServeOptions{
		Binary:       bin,
		Config:       []byte(ServePrelude(dir) + testProxy(port)),
		Dir:          dir,
		Addrs:        []string{fmt.Sprintf("127.0.0.1:%d", port)},
		StatsSocket:  dir + "/admin.sock",
		StartTimeout: 5 * time.Second,
	})
	var se *StartError
	if !errors.As(err, &se) || !se.AddrInUse {
		t.Fatalf("Serve on a taken port: %v; want a StartError with AddrInUse", err)
	}
}

// TestServeBadConfig: a config haproxy refuses is a StartError carrying
// haproxy's alert, not a hang.
func TestServeBadConfig(t *testing.T) {
	bin := Require(t)
	dir := shortDir(t)
	_, err := Serve(t, ServeOptions{
		Binary: bin, Config: []byte(ServePrelude(dir) + "frontend f\n    bogus-keyword 1\n"), Dir: dir,
		StatsSocket: dir + "/admin.sock", StartTimeout: 5 * time.Second,
	})
	var se *StartError
	if !errors.As(err, &se) || se.AddrInUse || !strings.Contains(se.Output, "bogus-keyword") {
		t.Fatalf("Serve on a broken config: %v; want a StartError with haproxy's alert", err)
	}
}
