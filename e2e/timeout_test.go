//go:build linux

package e2e

import (
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/lbconf/lbconf/model"
)

// TestServerTimeout: a server slower than ServerTimeout makes haproxy answer
// 504 about ServerTimeout after the request; a faster one is served.
func TestServerTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	be := newHTTPBackend(t, "slow", "")
	l := httpListener("srv_to", server(be.port, 1))
	l.ServerTimeout, l.ServerTimeoutUnit = "500", "ms"
	lb := e.start(model.Listeners{HttpListeners: []model.HttpListener{l}})

	r := mustDo(t, lb.addr("srv_to"), request{Path: "/sleep?ms=100"})
	if r.Status != 200 {
		t.Errorf("a server answering in 100ms: status %d, want 200", r.Status)
	}
	r = mustDo(t, lb.addr("srv_to"), request{Path: "/sleep?ms=5000"})
	if r.Status != 504 || r.Elapsed < 450*time.Millisecond || r.Elapsed > 2500*time.Millisecond {
		t.Errorf("a server answering in 5s: status %d after %v; want 504 after about 500ms", r.Status, r.Elapsed)
	}
}

// TestConnectTimeout: a server that never completes the TCP handshake (a
// 127.0.0.1 socket whose accept queue is full) makes haproxy give up after
// ConnectTimeout per attempt (3 retries by default: 4 attempts) and answer
// 503.
func TestConnectTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	hole := newBlackhole(t)
	l := httpListener("conn_to", server(hole.port, 1))
	l.ConnectTimeout, l.ConnectTimeoutUnit = "200", "ms"
	l.ServerTimeout, l.ServerTimeoutUnit = "30", "s"
	lb := e.start(model.Listeners{HttpListeners: []model.HttpListener{l}})

	// Sent at once: haproxy's own health check of the server fails after
	// its 2s inter and would then answer 503 without trying to connect.
	r := mustDo(t, lb.addr("conn_to"), request{Timeout: 8 * time.Second})
	const attempts = 4
	if r.Status != 503 || r.Elapsed < 200*time.Millisecond || r.Elapsed > attempts*200*time.Millisecond+1500*time.Millisecond {
		t.Errorf("connecting to a server that never answers: status %d after %v; want 503 after %d attempts of 200ms",
			r.Status, r.Elapsed, attempts)
	}
}

// TestClientTimeout: an HTTP client that sends nothing is disconnected
// about ClientTimeout after it connected.
//
// TCP listeners are different: once haproxy has connected a TCP client to a
// server the connection is a tunnel, and the documented defaults' `timeout
// tunnel 1h` supersedes both ClientTimeout and ServerTimeout. The tcp case
// pins that behaviour (the idle connection outlives ClientTimeout) so that
// it is visible; if the compiler starts writing a tunnel timeout per TCP
// listener, its expectation must flip.
func TestClientTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	hb := newHTTPBackend(t, "app", "")
	tb := newTCPBackend(t, "echo")
	h := httpListener("cli_to_http", server(hb.port, 1))
	h.ClientTimeout, h.ClientTimeoutUnit = "600", "ms"
	tl := tcpListener("cli_to_tcp", server(tb.port, 1))
	tl.ClientTimeout, tl.ClientTimeoutUnit = "600", "ms"
	lb := e.start(model.Listeners{HttpListeners: []model.HttpListener{h}, TcpListeners: []model.TcpListener{tl}})

	// idleFor connects, sends nothing and returns how long until haproxy
	// closed the connection, or limit when it did not.
	idleFor := func(t *testing.T, name string, limit time.Duration) (time.Duration, bool) {
		start := time.Now()
		conn, err := dial(lb.addr(name), "", 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(start.Add(limit))
		_, err = io.ReadAll(conn)
		if isTimeout(err) {
			return limit, false
		}
		return time.Since(start), true
	}
	runConcurrently(t,
		subtest{"http", func(t *testing.T) {
			el, closed := idleFor(t, "cli_to_http", 5*time.Second)
			if !closed || el < 500*time.Millisecond || el > 3*time.Second {
				t.Errorf("idle client connection: closed = %v after %v; want closed after about 600ms", closed, el)
			}
		}},
		subtest{"tcp_superseded_by_timeout_tunnel", func(t *testing.T) {
			if el, closed := idleFor(t, "cli_to_tcp", 2*time.Second); closed {
				t.Errorf("idle TCP connection closed after %v: ClientTimeout now applies to TCP listeners "+
					"(the defaults' timeout tunnel no longer supersedes it); update this test", el)
			}
		}},
	)
}

// TestMaxConn: a listener's MaxConn caps its concurrent connections: with
// MaxConn 1, a second connection is not served while the first is busy,
// and is served once it ends. A server's MaxConn caps the requests sent to
// it at once; the others wait in haproxy's queue.
func TestMaxConn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	one := newHTTPBackend(t, "one", "")
	queued := newHTTPBackend(t, "queued", "")
	l := httpListener("maxconn1", server(one.port, 1))
	l.MaxConn = 1
	s := server(queued.port, 1)
	s.MaxConn = 1
	srv := httpListener("srv_maxconn1", s)
	lb := e.start(model.Listeners{HttpListeners: []model.HttpListener{l, srv}})

	t.Run("listener", func(t *testing.T) {
		type result struct {
			r   *response
			err error
		}
		first, second := make(chan result, 1), make(chan result, 1)
		go func() {
			r, err := do(lb.addr("maxconn1"), request{Path: "/slow"})
			first <- result{r, err}
		}()
		if got := one.waitArrival(t, 5*time.Second); got.RequestURI != "/slow" {
			t.Fatalf("first arrival %s, want /slow", got.RequestURI)
		}
		go func() {
			r, err := do(lb.addr("maxconn1"), request{Path: "/second"})
			second <- result{r, err}
		}()
		select {
		case got := <-one.arrived:
			t.Fatalf("a second connection was served (%s) while the first held the only slot", got.RequestURI)
		case res := <-second:
			t.Fatalf("a second connection was answered while the first held the only slot: %+v", res)
		case <-time.After(700 * time.Millisecond):
		}
		one.releaseSlow()
		for name, c := range map[string]chan result{"first": first, "second": second} {
			select {
			case res := <-c:
				if res.err != nil || res.r.Status != 200 {
					t.Errorf("%s request: %+v", name, res)
				}
			case <-time.After(5 * time.Second):
				t.Errorf("%s request not served within 5s after the first ended", name)
			}
		}
	})
	t.Run("server", func(t *testing.T) {
		const n = 3
		var wg sync.WaitGroup
		errs := make(chan error, n)
		start := time.Now()
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := do(lb.addr("srv_maxconn1"), request{Path: fmt.Sprintf("/sleep?ms=300&i=%d", i)})
				if err == nil && r.Status != 200 {
					err = fmt.Errorf("status %d", r.Status)
				}
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		if m := queued.maxInFlight.Load(); m != 1 {
			t.Errorf("the server with MaxConn 1 had %d requests at once", m)
		}
		if el := time.Since(start); el < n*300*time.Millisecond {
			t.Errorf("%d requests of 300ms on a server with MaxConn 1 took %v; want them one after another", n, el)
		}
	})
}
