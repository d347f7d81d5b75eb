//go:build linux

package e2e

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/internal/haproxytest"
	"github.com/lbconf/lbconf/model"
)

// Port range the listeners are given: below Linux's ephemeral range
// (32768-60999), so that neither the Go backends (port 0) nor outgoing
// connections take them, and clear of the platform's reserved ports.
const (
	portLow  = 20000
	portHigh = 32000
)

// startAttempts bounds the retries with fresh ports when a listener port
// turned out to be taken.
const startAttempts = 4

// env is the directory of one haproxy instance (config, stats socket,
// certificates) and the binary to run.
type env struct {
	t       *testing.T
	bin     string
	dir     string // short: holds the stats socket
	certDir string
}

// newEnv skips the test without haproxy (fails with
// LBCONF_REQUIRE_HAPROXY=1) and makes the run directory.
func newEnv(t *testing.T) *env {
	t.Helper()
	bin := haproxytest.Require(t)
	// t.TempDir can be too long for a unix socket path (about 100 bytes).
	dir, err := os.MkdirTemp("", "lbe2e")
	if err != nil {
		t.Fatalf("making the run directory: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	certDir := filepath.Join(dir, "certs")
	if err := os.Mkdir(certDir, 0o700); err != nil {
		t.Fatalf("making the certificate directory: %v", err)
	}
	return &env{t: t, bin: bin, dir: dir, certDir: certDir}
}

// balancer is a running haproxy serving a compiled config.
type balancer struct {
	srv *haproxytest.Server
	// cfg is the config haproxy runs.
	cfg []byte
	// ports maps listener names to the ports they were given.
	ports map[string]int
	// socket is the admin stats socket of the test prelude.
	socket string
}

// admin sends one command to haproxy's stats socket and returns the answer.
func (l *balancer) admin(cmd string) (string, error) {
	c, err := net.DialTimeout("unix", l.socket, 2*time.Second)
	if err != nil {
		return "", fmt.Errorf("stats socket: %w", err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, cmd+"\n"); err != nil {
		return "", fmt.Errorf("stats socket: sending %q: %w", cmd, err)
	}
	b, err := io.ReadAll(c)
	if err != nil {
		return "", fmt.Errorf("stats socket: answer to %q: %w", cmd, err)
	}
	return string(b), nil
}

// addr returns 127.0.0.1:port of a listener.
func (l *balancer) addr(name string) string {
	p, ok := l.ports[name]
	if !ok {
		panic("e2e: no listener " + name)
	}
	return "127.0.0.1:" + strconv.Itoa(p)
}

// port returns the port of a listener.
func (l *balancer) port(name string) int { return l.ports[name] }

// startOptions tune env.start.
type startOptions struct {
	// transform, when set, turns the compiled config into the config to
	// serve (the round trip through the API uses it).
	transform func(cfg []byte) ([]byte, error)
}

// start gives every listener a free port, compiles the listeners for
// HAProxy 2.6 with the test prelude as base, binding 127.0.0.1 and with
// certificates in e.certDir, serves the result and waits until every
// listener accepts connections. A port that turns out to be taken is
// replaced and everything is done again (a few times at most). The caller's
// listeners are not modified.
func (e *env) start(l model.Listeners, opts ...startOptions) *balancer {
	e.t.Helper()
	var o startOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	l.HttpListeners = slices.Clone(l.HttpListeners)
	l.TcpListeners = slices.Clone(l.TcpListeners)
	var last error
	for attempt := 1; attempt <= startAttempts; attempt++ {
		ports, err := assignPorts(&l)
		if err != nil {
			e.t.Fatal(err)
		}
		cfg, err := e.compile(&l)
		if err != nil {
			e.t.Fatal(err)
		}
		if o.transform != nil {
			if cfg, err = o.transform(cfg); err != nil {
				e.t.Fatal(err)
			}
		}
		addrs := make([]string, 0, len(ports))
		for _, p := range ports {
			addrs = append(addrs, "127.0.0.1:"+strconv.Itoa(p))
		}
		socket := filepath.Join(e.dir, "admin.sock")
		srv, err := haproxytest.Serve(e.t, haproxytest.ServeOptions{
			Binary:      e.bin,
			Config:      cfg,
			Dir:         e.dir,
			Addrs:       addrs,
			StatsSocket: socket,
			SysProcAttr: &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL},
		})
		if err == nil {
			return &balancer{srv: srv, cfg: cfg, ports: ports, socket: socket}
		}
		last = err
		var se *haproxytest.StartError
		if !errors.As(err, &se) || !se.AddrInUse {
			break
		}
		e.t.Logf("attempt %d: a listener port was taken, trying other ports", attempt)
	}
	e.t.Fatalf("starting haproxy: %v", last)
	return nil
}

// compile compiles l the way the tests serve it.
func (e *env) compile(l *model.Listeners) ([]byte, error) {
	var warnings []finding.Finding
	cfg, err := compiler.Compile(l, compiler.Options{
		Target:      "2.6",
		Base:        []byte(haproxytest.ServePrelude(e.dir)),
		BaseName:    "e2e-prelude",
		BindAddress: "127.0.0.1",
		CertDir:     e.certDir,
		Warnings:    func(f finding.Finding) { warnings = append(warnings, f) },
	})
	for _, w := range warnings {
		e.t.Logf("compile warning: %s: %s (%s)", w.Rule, w.Message, w.Pointer)
	}
	if err != nil {
		return nil, fmt.Errorf("compiling the listeners: %w", err)
	}
	return cfg, nil
}

// assignPorts gives every listener a free port and returns them by name.
func assignPorts(l *model.Listeners) (map[string]int, error) {
	ports := map[string]int{}
	used := map[int]bool{}
	pick := func(name string) (int, error) {
		p, err := freePort(used)
		if err != nil {
			return 0, fmt.Errorf("listener %s: %w", name, err)
		}
		used[p] = true
		ports[name] = p
		return p, nil
	}
	var err error
	for i := range l.HttpListeners {
		h := &l.HttpListeners[i]
		if h.ListenerPort, err = pick(h.ListenerName); err != nil {
			return nil, err
		}
	}
	for i := range l.TcpListeners {
		t := &l.TcpListeners[i]
		if t.ListenerPort, err = pick(t.ListenerName); err != nil {
			return nil, err
		}
	}
	return ports, nil
}

// freePort returns a port of [portLow, portHigh) that 127.0.0.1 can listen
// on right now and that is not in used.
func freePort(used map[int]bool) (int, error) {
	for range 100 {
		p := portLow + rand.IntN(portHigh-portLow)
		if used[p] {
			continue
		}
		ln, err := net.Listen("tcp4", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		_ = ln.Close()
		return p, nil
	}
	return 0, errors.New("no free port found in 100 tries")
}

// Listener builders with test defaults: roundrobin, keep-alive off, 10s
// client and server timeouts, 2s connect timeout, MaxConn 1000.

func httpListener(name string, servers ...model.BackendServer) model.HttpListener {
	return model.HttpListener{
		ListenerName: name, ListenerMode: model.ModeHTTP, MaxConn: 1000,
		ClientTimeout: "10", ClientTimeoutUnit: "s",
		ConnectTimeout: "2", ConnectTimeoutUnit: "s",
		ServerTimeout: "10", ServerTimeoutUnit: "s",
		Scheduler: "roundrobin", StickySession: model.Off,
		BackendServer: servers,
	}
}

func tcpListener(name string, servers ...model.BackendServer) model.TcpListener {
	return model.TcpListener{
		ListenerName: name, ListenerMode: model.ModeTCP, MaxConn: 1000,
		ClientTimeout: "10", ClientTimeoutUnit: "s",
		ConnectTimeout: "2", ConnectTimeoutUnit: "s",
		ServerTimeout: "10", ServerTimeoutUnit: "s",
		Scheduler: "roundrobin", EnableSourceIp: model.Off, EnableRepeaterMode: model.Off,
		BackendServer: servers,
	}
}

// server is a BackendServer on 127.0.0.1:port with the given weight.
func server(port int, weight int) model.BackendServer {
	return model.BackendServer{IP: "127.0.0.1", Port: port, Weight: strconv.Itoa(weight), MaxConn: 1000}
}

// serverName is the name Compile gives a server on 127.0.0.1:port (the
// value of its persistence cookie).
func serverName(port int) string { return "s127.0.0.1:" + strconv.Itoa(port) }

// subtest is a named subtest for runConcurrently.
type subtest struct {
	name string
	run  func(t *testing.T)
}

// runConcurrently runs the subtests all at once and returns when they are
// done. They mostly wait (for timers, checks, timeouts); t.Parallel would
// cap them at GOMAXPROCS running tests.
func runConcurrently(t *testing.T, subs ...subtest) {
	t.Helper()
	var wg sync.WaitGroup
	for _, s := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.Run(s.name, s.run)
		}()
	}
	wg.Wait()
}
