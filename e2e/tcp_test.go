//go:build linux

package e2e

import (
	"slices"
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
// a client without one is refused.
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
	} {
		b := newTCPBackend(t, "echo_"+c.name)
		backends[c.name] = b
		l := tcpListener(c.name, server(b.port, 1))
		l.EnableSourceIp, l.EnableRepeaterMode = c.sourceIP, c.repeater
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
	t.Run("repeater-refuses-clients-without-header", func(t *testing.T) {
		if rej, err := tcpRefused(lb.addr("repeater"), "127.0.0.3"); err != nil || !rej {
			t.Errorf("a client without a PROXY header: refused = %v (%v); want refused", rej, err)
		}
	})
}
