package haproxytest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Defaults of ServeOptions.
const (
	// DefaultStartTimeout bounds how long Serve waits for haproxy to listen.
	DefaultStartTimeout = 10 * time.Second
	// DefaultStopTimeout is how long Stop waits after SIGTERM before it
	// kills haproxy.
	DefaultStopTimeout = 5 * time.Second
	// maxOutput caps the output kept from one haproxy process; beyond it,
	// the oldest half is dropped.
	maxOutput = 4 << 20
)

// ServePrelude returns global and defaults sections for serving compiled
// configs in tests, to pass as the compiler's base config: the documented
// prelude without what only a production host can do (daemon, chroot, user,
// group, nbproc, a syslog server, the stats socket and listen status at
// fixed places), with the stats socket and pidfile in dir, logs on stderr
// (haproxy runs with -db) and noreuseport (so that two test instances can
// never share a port by accident), and a global maxconn of 4096 instead of
// 150000 (haproxy sizes its file descriptor table from it, and tests run
// many instances at once). The defaults section keeps the
// documented options that change behaviour: httpclose, forwardfor,
// abortonclose, maxconn 5000, timeout tunnel and client-fin.
//
// dir must be short: a unix socket path is limited to about 100 bytes.
func ServePrelude(dir string) string {
	return `global
        log stderr format short local0 info
        stats socket ` + filepath.Join(dir, "admin.sock") + ` mode 600 level admin
        stats timeout 30s
        pidfile ` + filepath.Join(dir, "haproxy.pid") + `
        maxconn 4096
        nbthread 2
        noreuseport
        tune.ssl.default-dh-param 2048
        hard-stop-after 5s
        ssl-default-bind-options ssl-min-ver TLSv1.0

defaults
        log     global
        mode    http
        option  httplog
        option abortonclose
        option httpclose
        option forwardfor
        maxconn 5000
        timeout tunnel 1h
        timeout client-fin 30s

`
}

// ServeOptions says how Serve runs haproxy.
type ServeOptions struct {
	// Binary is the haproxy executable (from Require). Required.
	Binary string
	// Config is the whole haproxy.cfg. Required.
	Config []byte
	// Dir is where the config is written (as haproxy.cfg). Required; it
	// should be the directory of the stats socket of ServePrelude.
	Dir string
	// Addrs are TCP addresses ("127.0.0.1:8080") that must accept
	// connections before Serve returns: the config's bind addresses. Addrs
	// or StatsSocket (or both) must be given.
	Addrs []string
	// StatsSocket, when set, is a stats socket path that must answer
	// "show info" before Serve returns. Since haproxy binds every listener
	// before it serves any, an answer also proves that no bind failed.
	StatsSocket string
	// StartTimeout bounds the wait for readiness; 0 means
	// DefaultStartTimeout.
	StartTimeout time.Duration
	// StopTimeout is how long Stop waits after SIGTERM before killing; 0
	// means DefaultStopTimeout.
	StopTimeout time.Duration
	// SysProcAttr, when non-nil, is set on the command (e.g. Pdeathsig on
	// Linux, so that haproxy dies with a test binary that is killed).
	SysProcAttr *syscall.SysProcAttr
}

// StartError reports a haproxy that exited or did not become ready.
type StartError struct {
	// Err says what went wrong.
	Err error
	// Output is what haproxy printed.
	Output string
	// AddrInUse is true when haproxy could not bind an address because it
	// is taken: the caller may pick other ports and try again.
	AddrInUse bool
}

func (e *StartError) Error() string {
	return fmt.Sprintf("haproxy did not start: %v\n--- haproxy output:\n%s", e.Err, e.Output)
}

func (e *StartError) Unwrap() error { return e.Err }

// Server is a haproxy process started by Serve, running in the foreground
// (-db). It is stopped at the end of the test that started it.
type Server struct {
	// ConfigPath is the config file haproxy runs.
	ConfigPath string

	cmd      *exec.Cmd
	out      *syncBuffer
	done     chan struct{} // closed when the process has been waited for
	waitErr  error         // set before done is closed
	stopWait time.Duration
	stopOnce sync.Once
	stopErr  error
}

// Serve writes opts.Config to opts.Dir/haproxy.cfg, starts `haproxy -db -f`
// on it and waits until every opts.Addrs accepts connections (and
// opts.StatsSocket answers). It registers a cleanup on tb that stops the
// process and, when the test failed, logs haproxy's output.
//
// Failing to start is returned as a *StartError (haproxy is stopped then);
// Serve does not fail the test itself, so that callers can retry with other
// ports when StartError.AddrInUse.
func Serve(tb testing.TB, opts ServeOptions) (*Server, error) {
	tb.Helper()
	if opts.Binary == "" || len(opts.Config) == 0 || opts.Dir == "" {
		return nil, errors.New("haproxytest.Serve: Binary, Config and Dir are required")
	}
	if len(opts.Addrs) == 0 && opts.StatsSocket == "" {
		return nil, errors.New("haproxytest.Serve: give Addrs or StatsSocket: without them there is no telling that haproxy started")
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = DefaultStartTimeout
	}
	if opts.StopTimeout <= 0 {
		opts.StopTimeout = DefaultStopTimeout
	}
	path := filepath.Join(opts.Dir, "haproxy.cfg")
	if err := os.WriteFile(path, opts.Config, 0o600); err != nil {
		return nil, fmt.Errorf("haproxytest.Serve: writing the config: %w", err)
	}
	s := &Server{
		ConfigPath: path,
		out:        &syncBuffer{},
		done:       make(chan struct{}),
		stopWait:   opts.StopTimeout,
	}
	s.cmd = exec.Command(opts.Binary, "-db", "-f", path)
	s.cmd.Dir = opts.Dir
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	s.cmd.SysProcAttr = opts.SysProcAttr
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("haproxytest.Serve: starting %s: %w", opts.Binary, err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.done)
	}()
	tb.Cleanup(func() {
		err := s.Stop()
		if tb.Failed() {
			tb.Logf("haproxy %s output:\n%s", s.ConfigPath, s.Output())
		} else if err != nil {
			tb.Logf("stopping haproxy: %v", err)
		}
	})
	if err := s.waitReady(opts); err != nil {
		_ = s.Stop()
		out := s.Output()
		return nil, &StartError{Err: err, Output: out, AddrInUse: addrInUse(out)}
	}
	return s, nil
}

// addrInUse reports whether haproxy's output says a bind failed because the
// address is taken.
func addrInUse(out string) bool {
	for _, m := range ParseMessages(out) {
		if m.Level == "ALERT" && (strings.Contains(m.Text, "Address already in use") ||
			strings.Contains(m.Text, "cannot bind socket")) {
			return true
		}
	}
	return false
}

// waitReady polls the stats socket and the addresses until they answer, the
// process exits or the start timeout passes.
func (s *Server) waitReady(opts ServeOptions) error {
	deadline := time.Now().Add(opts.StartTimeout)
	pending := append([]string(nil), opts.Addrs...)
	statsOK := opts.StatsSocket == ""
	for {
		if s.Exited() {
			return fmt.Errorf("haproxy exited: %v", s.waitErr)
		}
		if !statsOK {
			statsOK = showInfo(opts.StatsSocket) == nil
		}
		if statsOK {
			var still []string
			for _, a := range pending {
				c, err := net.DialTimeout("tcp", a, 200*time.Millisecond)
				if err != nil {
					still = append(still, a)
					continue
				}
				_ = c.Close()
			}
			pending = still
			if len(pending) == 0 {
				// A bind failure makes haproxy exit before it serves
				// anything; look once more so that a foreign listener on
				// the same port is not mistaken for haproxy.
				if s.Exited() {
					return fmt.Errorf("haproxy exited: %v", s.waitErr)
				}
				return nil
			}
		}
		if time.Now().After(deadline) {
			if !statsOK {
				return fmt.Errorf("stats socket %s did not answer within %v", opts.StatsSocket, opts.StartTimeout)
			}
			return fmt.Errorf("%s not accepting connections after %v", strings.Join(pending, ", "), opts.StartTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// showInfo asks the stats socket for "show info" and checks the answer.
func showInfo(socket string) error {
	c, err := net.DialTimeout("unix", socket, 200*time.Millisecond)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("show info\n")); err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(c); err != nil {
		return err
	}
	if !strings.Contains(buf.String(), "Pid:") {
		return fmt.Errorf("unexpected answer to show info: %q", buf.String())
	}
	return nil
}

// Exited reports whether the process has ended.
func (s *Server) Exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// Pid returns the process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Output returns what haproxy has printed so far (alerts, warnings and
// the request logs of ServePrelude).
func (s *Server) Output() string { return s.out.String() }

// Stop ends haproxy: SIGTERM (stop now), then SIGKILL if it is still
// running after the stop timeout. It waits for the process and may be called
// more than once.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		if s.Exited() {
			return
		}
		if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !s.Exited() {
			s.stopErr = fmt.Errorf("SIGTERM to haproxy %d: %w", s.Pid(), err)
		}
		select {
		case <-s.done:
			return
		case <-time.After(s.stopWait):
		}
		_ = s.cmd.Process.Kill()
		select {
		case <-s.done:
			s.stopErr = errors.Join(s.stopErr, fmt.Errorf("haproxy %d ignored SIGTERM for %v and was killed", s.Pid(), s.stopWait))
		case <-time.After(5 * time.Second):
			s.stopErr = errors.Join(s.stopErr, fmt.Errorf("haproxy %d did not exit after SIGKILL", s.Pid()))
		}
	})
	return s.stopErr
}

// syncBuffer is a bytes.Buffer safe for concurrent writes and reads, capped
// at maxOutput bytes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len()+len(p) > maxOutput {
		keep := b.buf.Bytes()[b.buf.Len()/2:]
		rest := append([]byte("[... earlier output dropped ...]\n"), keep...)
		b.buf.Reset()
		b.buf.Write(rest)
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
