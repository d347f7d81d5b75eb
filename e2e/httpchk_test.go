//go:build linux

package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/lbconf/lbconf/model"
)

// TestHttpchk: Option.Httpchk makes haproxy check each server with the
// configured Method and Uri (what the backend sees), and a server that
// answers the check with 500 is taken out of rotation within a few check
// intervals (default inter 2s, fall 3), while the healthy one keeps serving.
func TestHttpchk(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	type chkCase struct{ listener, method, uri string }
	cases := []chkCase{
		{"chk_get", "GET", "/healthz?probe=1"},
		{"chk_head", "HEAD", "/ping"},
		{"chk_options", "OPTIONS", "/status/check"},
	}
	healthy := map[string]*httpBackend{}
	failing := map[string]*httpBackend{}
	var ls []model.HttpListener
	for _, c := range cases {
		h := newHTTPBackend(t, c.listener+"_ok", c.uri)
		f := newHTTPBackend(t, c.listener+"_bad", c.uri)
		healthy[c.listener], failing[c.listener] = h, f
		l := httpListener(c.listener, server(h.port, 1), server(f.port, 1))
		l.Option = &model.Option{Httpchk: &model.Httpchk{Method: c.method, Uri: c.uri}}
		ls = append(ls, l)
	}
	lb := e.start(model.Listeners{HttpListeners: ls})

	// The checks of all three listeners and the failover run at once: they
	// all wait for haproxy's check timer.
	var subs []subtest
	for _, c := range cases {
		subs = append(subs, subtest{c.listener + "/check-request", func(t *testing.T) {
			deadline := time.Now().Add(6 * time.Second)
			for _, b := range []*httpBackend{healthy[c.listener], failing[c.listener]} {
				for len(b.checks()) == 0 && time.Now().Before(deadline) {
					time.Sleep(50 * time.Millisecond)
				}
				chks := b.checks()
				if len(chks) == 0 {
					t.Fatalf("backend %s got no check on %s within 6s; requests: %v", b.name, c.uri, b.requests())
				}
				if got := chks[0]; got.Method != c.method || got.RequestURI != c.uri {
					t.Errorf("backend %s was checked with %s %s; want %s %s", b.name, got.Method, got.RequestURI, c.method, c.uri)
				}
			}
		}})
	}
	subs = append(subs, subtest{"failing-server-leaves-rotation", func(t *testing.T) {
		addr := lb.addr("chk_get")
		ok, bad := healthy["chk_get"], failing["chk_get"]
		// Both serve while healthy.
		seen := map[string]int{}
		for range 4 {
			seen[mustDo(t, addr, request{}).backend()]++
		}
		if seen[ok.name] == 0 || seen[bad.name] == 0 {
			t.Fatalf("before the failure requests went to %v; want both servers", seen)
		}
		bad.checkStatus.Store(http.StatusInternalServerError)
		start := time.Now()
		deadline := start.Add(15 * time.Second)
		streak := 0
		for streak < 6 {
			if time.Now().After(deadline) {
				t.Fatalf("the server failing its check (500) still got traffic 15s later")
			}
			r := mustDo(t, addr, request{})
			if r.Status != 200 {
				t.Fatalf("status %d while one server is healthy", r.Status)
			}
			if r.backend() == bad.name {
				streak = 0
				time.Sleep(200 * time.Millisecond)
				continue
			}
			streak++
		}
		t.Logf("server out of rotation %v after its check began failing", time.Since(start).Round(100*time.Millisecond))
	}})
	runConcurrently(t, subs...)
}
