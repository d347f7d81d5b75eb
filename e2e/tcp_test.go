//go:build linux

package e2e

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lbconf/lbconf/model"
)

// TestTCPListeners: a TCP listener passes bytes both ways. EnableSourceIp
// "on" (send-proxy) starts every server connection with a PROXY v1 header
// that carries the client's address and the listener's; without it the
// server gets the client's bytes as they are, even when they look like a
// PROXY header. EnableRepeaterMode "on" (accept-proxy) requires clients to
// send a PROXY header and passes the address it claims on to the server;
// a client without one is refused. A whitelist on a repeater listener is
// checked against the real peer (the proxy in front), not the claimed
// address: `tcp-request connection` rules run before the PROXY header is
// read.
func TestTCPListeners(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Addresses claimed by a client in its PROXY header (loopback, so
	// nothing here names a real outside host).
	const claimed = "PROXY TCP4 127.0.0.77 127.0.0.88 4444 5555\r\n"
	backends := map[string]*tcpBackend{}
	var ls []model.TcpListener
	for _, c := range []struct{ name, sourceIP, repeater string }{
		{"plain", model.Off, model.Off},
		{"source_ip", model.On, model.Off},
		{"repeater", model.On, model.On},
		{"repeater_acl", model.On, model.On},
	} {
		b := newTCPBackend(t, "echo_"+c.name)
		backends[c.name] = b
		l := tcpListener(c.name, server(b.port, 1))
		l.EnableSourceIp, l.EnableRepeaterMode = c.sourceIP, c.repeater
		if c.name == "repeater_acl" {
			l.AclWhiteList = []string{"127.0.0.3"}
		}
		ls = append(ls, l)
	}
	lb := e.start(model.Listeners{TcpListeners: ls})

	t.Run("plain-bytes-both-ways", func(t *testing.T) {
		got, _, err := tcpExchange(lb.addr("plain"), "127.0.0.3", "", "ping", "second line", "third")
		want := []string{"echo_plain ping", "echo_plain second line", "echo_plain third"}
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("echoes %q (%v); want %q", got, err, want)
		}
		rec := backends["plain"].waitConn(t, 5*time.Second)
		if rec.Proxy != nil || rec.First != "ping" {
			t.Errorf("server got PROXY header %+v and first line %q; want no header and \"ping\"", rec.Proxy, rec.First)
		}
	})
	t.Run("plain-passes-a-client-proxy-line-as-data", func(t *testing.T) {
		if _, _, err := tcpExchange(lb.addr("plain"), "127.0.0.3", claimed, "x"); err != nil {
			t.Fatal(err)
		}
		rec := backends["plain"].waitConn(t, 5*time.Second)
		// The echo backend parses a leading PROXY line itself: it must be
		// the client's, untouched.
		if rec.Proxy == nil || rec.Proxy.SrcIP != "127.0.0.77" || rec.First != "x" {
			t.Errorf("server got %+v, first line %q; want the client's own PROXY line passed through", rec.Proxy, rec.First)
		}
	})
	t.Run("source_ip-sends-proxy-header", func(t *testing.T) {
		got, local, err := tcpExchange(lb.addr("source_ip"), "127.0.0.3", "", "ping")
		if err != nil || len(got) != 1 || got[0] != "echo_source_ip ping" {
			t.Fatalf("echo %q (%v)", got, err)
		}
		rec := backends["source_ip"].waitConn(t, 5*time.Second)
		want := proxyHeader{Version: 1, Proto: "TCP4", SrcIP: "127.0.0.3", SrcPort: local.Port,
			DstIP: "127.0.0.1", DstPort: lb.port("source_ip")}
		if rec.Proxy == nil || *rec.Proxy != want || rec.First != "ping" {
			t.Errorf("server got PROXY %+v and first line %q; want %+v and \"ping\"", rec.Proxy, rec.First, want)
		}
	})
	t.Run("source_ip-does-not-accept-proxy", func(t *testing.T) {
		// Without repeater mode a client's PROXY line is data: the server
		// gets haproxy's header with the real address, then the line.
		_, local, err := tcpExchange(lb.addr("source_ip"), "127.0.0.3", claimed, "x")
		if err != nil {
			t.Fatal(err)
		}
		rec := backends["source_ip"].waitConn(t, 5*time.Second)
		if rec.Proxy == nil || rec.Proxy.SrcIP != "127.0.0.3" || rec.Proxy.SrcPort != local.Port ||
			rec.First != "PROXY TCP4 127.0.0.77 127.0.0.88 4444 5555\r" {
			t.Errorf("server got PROXY %+v and first line %q; want the real address, then the client's line", rec.Proxy, rec.First)
		}
	})
	t.Run("repeater-passes-claimed-address", func(t *testing.T) {
		got, _, err := tcpExchange(lb.addr("repeater"), "127.0.0.3", claimed, "ping")
		if err != nil || len(got) != 1 || got[0] != "echo_repeater ping" {
			t.Fatalf("echo %q (%v)", got, err)
		}
		rec := backends["repeater"].waitConn(t, 5*time.Second)
		want := proxyHeader{Version: 1, Proto: "TCP4", SrcIP: "127.0.0.77", SrcPort: 4444, DstIP: "127.0.0.88", DstPort: 5555}
		if rec.Proxy == nil || *rec.Proxy != want || rec.First != "ping" {
			t.Errorf("server got PROXY %+v and first line %q; want %+v and \"ping\"", rec.Proxy, rec.First, want)
		}
	})
	t.Run("repeater-whitelist-checks-the-real-peer", func(t *testing.T) {
		// The proxy in front (127.0.0.3) is listed: any client it claims
		// passes.
		got, _, err := tcpExchange(lb.addr("repeater_acl"), "127.0.0.3", claimed, "x")
		if err != nil || len(got) != 1 || got[0] != "echo_repeater_acl x" {
			t.Errorf("listed peer claiming an unlisted client: %q (%v); want served", got, err)
		}
		// An unlisted peer is refused even when it claims a listed client.
		if rej, err := tcpRefused(lb.addr("repeater_acl"), "127.0.0.2"); err != nil || !rej {
			t.Errorf("unlisted peer: refused = %v (%v); want refused", rej, err)
		}
		got, _, err = tcpExchange(lb.addr("repeater_acl"), "127.0.0.2", "PROXY TCP4 127.0.0.3 127.0.0.88 4444 5555\r\n", "x")
		if err == nil {
			t.Errorf("unlisted peer claiming the listed address was served: %q", got)
		}
	})
	t.Run("repeater-refuses-clients-without-header", func(t *testing.T) {
		if rej, err := tcpRefused(lb.addr("repeater"), "127.0.0.3"); err != nil || !rej {
			t.Errorf("a client without a PROXY header: refused = %v (%v); want refused", rej, err)
		}
	})
}

// TestTCPSchedulerMaxConnConnectTimeout covers the lines a TCP listener
// shares with HTTP ones: Scheduler (source keeps one client address on one
// server and spreads addresses; roundrobin follows Weight), MaxConn (with 1,
// a second connection is not served until the first ends) and
// ConnectTimeout (a server that never completes the handshake makes
// haproxy close the client connection after its attempts).
func TestTCPSchedulerMaxConnConnectTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b := newTCPBackend(t, "a"), newTCPBackend(t, "b")
	hole := newBlackhole(t)
	src := tcpListener("t_source", server(a.port, 1), server(b.port, 1))
	src.Scheduler = "source"
	weighted := tcpListener("t_weighted", server(a.port, 1), server(b.port, 3))
	one := tcpListener("t_maxconn1", server(a.port, 1))
	one.MaxConn = 1
	hung := tcpListener("t_conn_to", server(hole.port, 1))
	hung.ConnectTimeout, hung.ConnectTimeoutUnit = "200", "ms"
	lb := e.start(model.Listeners{TcpListeners: []model.TcpListener{hung, src, weighted, one}})

	// serverOf returns which backend echoed a line sent from from.
	serverOf := func(t *testing.T, listener, from string) string {
		got, _, err := tcpExchange(lb.addr(listener), from, "", "who")
		if err != nil || len(got) != 1 {
			t.Fatalf("exchange from %s: %q (%v)", from, got, err)
		}
		name, _, _ := strings.Cut(got[0], " ")
		return name
	}
	runConcurrently(t,
		subtest{"connect-timeout", func(t *testing.T) {
			// At once: haproxy's health check of the hung server fails
			// after its 2s inter, and then haproxy would not even try.
			start := time.Now()
			got, _, err := tcpExchange(lb.addr("t_conn_to"), "", "", "hello")
			el := time.Since(start)
			if err == nil || isTimeout(err) || el < 200*time.Millisecond || el > 4*200*time.Millisecond+1500*time.Millisecond {
				t.Errorf("client of an unreachable server: got %q, %v after %v; want the connection closed after 4 attempts of 200ms", got, err, el)
			}
		}},
		subtest{"source", func(t *testing.T) {
			for _, from := range []string{"127.0.0.1", "127.0.0.2"} {
				first := serverOf(t, "t_source", from)
				for range 5 {
					if got := serverOf(t, "t_source", from); got != first {
						t.Fatalf("source: %s went to %s, then %s", from, first, got)
					}
				}
			}
			seen := map[string]bool{}
			for i := 2; i < 18; i++ {
				seen[serverOf(t, "t_source", fmt.Sprintf("127.0.0.%d", i))] = true
			}
			if len(seen) != 2 {
				t.Errorf("source: 16 client addresses went to %v; want both servers", seen)
			}
		}},
		subtest{"weights", func(t *testing.T) {
			counts := map[string]int{}
			for range 80 {
				counts[serverOf(t, "t_weighted", "")]++
			}
			if counts["a"] < 14 || counts["a"] > 26 {
				t.Errorf("weights 1 and 3 over 80 connections: %v; want about 20 and 60", counts)
			}
		}},
		subtest{"maxconn", func(t *testing.T) {
			c1, err := dial(lb.addr("t_maxconn1"), "", 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer c1.Close()
			_ = c1.SetDeadline(time.Now().Add(10 * time.Second))
			if _, err := io.WriteString(c1, "first\n"); err != nil {
				t.Fatal(err)
			}
			if line, err := bufio.NewReader(c1).ReadString('\n'); err != nil || line != "a first\n" {
				t.Fatalf("first connection: %q (%v)", line, err)
			}
			second := make(chan error, 1)
			go func() {
				got, _, err := tcpExchange(lb.addr("t_maxconn1"), "", "", "second")
				if err == nil && (len(got) != 1 || got[0] != "a second") {
					err = fmt.Errorf("echo %q", got)
				}
				second <- err
			}()
			select {
			case err := <-second:
				t.Fatalf("a second connection was served while the first held the only slot (%v)", err)
			case <-time.After(700 * time.Millisecond):
			}
			_ = c1.Close()
			select {
			case err := <-second:
				if err != nil {
					t.Errorf("second connection after the first ended: %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Error("the second connection was not served within 5s after the first ended")
			}
		}},
	)
}
