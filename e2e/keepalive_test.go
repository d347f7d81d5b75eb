//go:build linux

package e2e

import (
	"bufio"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lbconf/lbconf/model"
)

// TestStickySession: StickySession "on" is the `http-response add-header
// Connection keep-alive` line. With the documented defaults (option
// httpclose) it decides whether client connections are kept alive:
//
//   - an HTTP/1.0 client asking for keep-alive gets "Connection: keep-alive"
//     back only when the listener has it on;
//   - an HTTP/1.1 client can send a second request on the same connection
//     only when it is on; when it is off, the answer says
//     "Connection: close" and haproxy closes the connection.
//
// The headers are read raw: Go's HTTP client drops Connection headers.
func TestStickySession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	be := newHTTPBackend(t, "app", "")
	on := httpListener("keepalive_on", server(be.port, 1))
	on.StickySession = model.On
	off := httpListener("keepalive_off", server(be.port, 1))
	off.StickySession = model.Off
	lb := e.start(model.Listeners{HttpListeners: []model.HttpListener{on, off}})

	for _, c := range []struct {
		listener  string
		keepAlive bool
	}{
		{"keepalive_on", true},
		{"keepalive_off", false},
	} {
		t.Run(c.listener, func(t *testing.T) {
			t.Run("http1.0-keep-alive-header", func(t *testing.T) {
				conn, err := dial(lb.addr(c.listener), "", 5*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
				if _, err := io.WriteString(conn, "GET /ka10 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"); err != nil {
					t.Fatal(err)
				}
				r, err := readOne(bufio.NewReader(conn))
				if err != nil {
					t.Fatal(err)
				}
				got := slices.ContainsFunc(r.values("Connection"), func(v string) bool { return strings.EqualFold(v, "keep-alive") })
				if r.Status != 200 || got != c.keepAlive {
					t.Errorf("status %d, Connection headers %q: keep-alive present = %v, want %v", r.Status, r.values("Connection"), got, c.keepAlive)
				}
			})
			t.Run("http1.1-second-request", func(t *testing.T) {
				conn, err := dial(lb.addr(c.listener), "", 5*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
				br := bufio.NewReader(conn)
				if _, err := io.WriteString(conn, "GET /ka11-1 HTTP/1.1\r\nHost: e2e\r\n\r\n"); err != nil {
					t.Fatal(err)
				}
				r, err := readOne(br)
				if err != nil {
					t.Fatal(err)
				}
				closeHdr := slices.ContainsFunc(r.values("Connection"), func(v string) bool { return strings.EqualFold(v, "close") })
				if closeHdr == c.keepAlive {
					t.Errorf("first answer's Connection headers %q: close = %v, want %v", r.values("Connection"), closeHdr, !c.keepAlive)
				}
				// Second request on the same connection.
				_, werr := io.WriteString(conn, "GET /ka11-2 HTTP/1.1\r\nHost: e2e\r\n\r\n")
				r2, rerr := readOne(br)
				served := werr == nil && rerr == nil && r2.Status == 200
				if served != c.keepAlive {
					t.Errorf("second request on one connection served = %v (write: %v, read: %v), want %v",
						served, werr, rerr, c.keepAlive)
				}
				if !c.keepAlive && rerr != nil && !errors.Is(rerr, io.EOF) && !strings.Contains(rerr.Error(), "reset") && !strings.Contains(rerr.Error(), "EOF") {
					t.Errorf("after the first answer the connection should be closed; got %v", rerr)
				}
			})
		})
	}
}
