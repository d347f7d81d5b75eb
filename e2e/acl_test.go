//go:build linux

package e2e

import (
	"fmt"
	"testing"

	"github.com/lbconf/lbconf/model"
)

// TestAclWhiteList: AclWhiteList lets only the listed addresses and
// networks in, on HTTP and TCP listeners alike: a client bound to another
// loopback address is refused (the connection is closed without an
// answer). A long list is split over several acl lines, which HAProxy ORs.
func TestAclWhiteList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	hb := newHTTPBackend(t, "app", "")
	tb := newTCPBackend(t, "echo")

	// 25 entries: the compiler writes 20 per acl line, so 127.0.0.9 (the
	// last) is on the second line.
	var long []string
	for i := 100; i < 124; i++ {
		long = append(long, fmt.Sprintf("127.0.1.%d", i))
	}
	long = append(long, "127.0.0.9")

	cases := []struct {
		name    string
		list    []string
		allowed []string
		denied  []string
	}{
		{"one_address", []string{"127.0.0.1"}, []string{"127.0.0.1"}, []string{"127.0.0.2"}},
		{"cidr", []string{"127.0.0.0/30"}, []string{"127.0.0.1", "127.0.0.2", "127.0.0.3"}, []string{"127.0.0.5", "127.0.0.4"}},
		{"mixed", []string{"127.0.0.9", "127.0.0.4/31"}, []string{"127.0.0.9", "127.0.0.4", "127.0.0.5"}, []string{"127.0.0.1", "127.0.0.6"}},
		{"long", long, []string{"127.0.0.9", "127.0.1.100"}, []string{"127.0.0.1", "127.0.0.8"}},
		{"none", nil, []string{"127.0.0.1", "127.0.0.2", "127.0.0.5"}, nil},
	}
	var l model.Listeners
	for _, c := range cases {
		h := httpListener("h_"+c.name, server(hb.port, 1))
		h.AclWhiteList = c.list
		l.HttpListeners = append(l.HttpListeners, h)
		tl := tcpListener("t_"+c.name, server(tb.port, 1))
		tl.AclWhiteList = c.list
		l.TcpListeners = append(l.TcpListeners, tl)
	}
	lb := e.start(l)

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, src := range c.allowed {
				if rej, err := refused(lb.addr("h_"+c.name), src); err != nil || rej {
					t.Errorf("HTTP from %s: refused = %v (%v); want it served", src, rej, err)
				}
				if got, _, err := tcpExchange(lb.addr("t_"+c.name), src, "", "hello"); err != nil || len(got) != 1 || got[0] != "echo hello" {
					t.Errorf("TCP from %s: got %q (%v); want the echo", src, got, err)
				}
			}
			for _, src := range c.denied {
				if rej, err := refused(lb.addr("h_"+c.name), src); err != nil || !rej {
					t.Errorf("HTTP from %s: refused = %v (%v); want refused", src, rej, err)
				}
				if rej, err := tcpRefused(lb.addr("t_"+c.name), src); err != nil || !rej {
					t.Errorf("TCP from %s: refused = %v (%v); want refused", src, rej, err)
				}
			}
		})
	}
}
