//go:build linux

package e2e

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lbconf/lbconf/model"
)

// countBackends sends n requests (from workers goroutines, each on its own
// connections) and counts the answers per backend name; failures are
// counted under "".
func countBackends(t *testing.T, addr string, n, workers int, req request) map[string]int {
	t.Helper()
	var mu sync.Mutex
	counts := map[string]int{}
	var firstErr error
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				name := ""
				r, err := do(addr, req)
				if err == nil && r.Status == 200 {
					name = r.backend()
				}
				mu.Lock()
				counts[name]++
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if counts[""] > 0 {
		t.Errorf("%d of %d requests failed; the first error: %v", counts[""], n, firstErr)
	}
	return counts
}

// TestSchedulerWeights: roundrobin and static-rr spread requests in
// proportion to the servers' Weight (1 and 3: about 100 and 300 of 400).
// What sets static-rr apart is that its weights are static: haproxy's
// runtime API refuses to change them, while roundrobin's can be.
func TestSchedulerWeights(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	light := newHTTPBackend(t, "light", "")
	heavy := newHTTPBackend(t, "heavy", "")
	var ls []model.HttpListener
	for _, s := range []string{"roundrobin", "static-rr"} {
		l := httpListener("w_"+map[string]string{"roundrobin": "rr", "static-rr": "srr"}[s],
			server(light.port, 1), server(heavy.port, 3))
		l.Scheduler = s
		ls = append(ls, l)
	}
	lb := e.start(model.Listeners{HttpListeners: ls})

	for _, l := range ls {
		t.Run(l.Scheduler+"/runtime-weight", func(t *testing.T) {
			cmd := fmt.Sprintf("set weight %s-abk/%s 2", l.ListenerName, serverName(light.port))
			ans, err := lb.admin(cmd)
			if err != nil {
				t.Fatal(err)
			}
			if refusedChange := strings.Contains(ans, "static"); refusedChange != (l.Scheduler == "static-rr") {
				t.Errorf("%q answered %q: weight change refused = %v, want %v", cmd, ans, refusedChange, l.Scheduler == "static-rr")
			}
			if _, err := lb.admin(fmt.Sprintf("set weight %s-abk/%s 1", l.ListenerName, serverName(light.port))); err != nil {
				t.Fatal(err)
			}
		})
		t.Run(l.Scheduler, func(t *testing.T) {
			counts := countBackends(t, lb.addr(l.ListenerName), 400, 4, request{})
			// Exact smooth weighting gives 100/300; allow ±20%.
			if counts["light"] < 80 || counts["light"] > 120 || counts["heavy"] < 240 || counts["heavy"] > 360 {
				t.Errorf("%s with weights 1 and 3: light %d, heavy %d of 400; want about 100 and 300",
					l.Scheduler, counts["light"], counts["heavy"])
			}
		})
	}
}

// TestSchedulerLeastconn: with a slow request holding one of three
// servers, leastconn sends the next requests to the idle ones; roundrobin
// (the control) keeps sending some to the busy one.
//
// Three servers, not two: the connection of the previous quick request may
// still be counted for a moment after its answer, and with two servers that
// tie would let leastconn pick the busy one.
func TestSchedulerLeastconn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	bes := []*httpBackend{newHTTPBackend(t, "a", ""), newHTTPBackend(t, "b", ""), newHTTPBackend(t, "c", "")}
	var servers []model.BackendServer
	for _, b := range bes {
		servers = append(servers, server(b.port, 1))
	}
	lc := httpListener("lc", servers...)
	lc.Scheduler = "leastconn"
	rr := httpListener("rr", servers...)
	lb := e.start(model.Listeners{HttpListeners: []model.HttpListener{lc, rr}})

	for _, c := range []struct {
		listener   string
		preferIdle bool
	}{
		{"lc", true},
		{"rr", false},
	} {
		// Sequential: both listeners share the backends and their /slow
		// gates.
		t.Run(c.listener, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				r, err := do(lb.addr(c.listener), request{Path: "/slow"})
				if err == nil && r.Status != 200 {
					err = fmt.Errorf("slow request: status %d", r.Status)
				}
				done <- err
			}()
			var busy string
			select {
			case <-bes[0].arrived:
				busy = "a"
			case <-bes[1].arrived:
				busy = "b"
			case <-bes[2].arrived:
				busy = "c"
			case <-time.After(5 * time.Second):
				t.Fatal("the slow request reached no backend within 5s")
			}
			onBusy := 0
			for range 6 {
				r := mustDo(t, lb.addr(c.listener), request{Path: "/fast"})
				if r.Status != 200 {
					t.Fatalf("status %d", r.Status)
				}
				if r.backend() == busy {
					onBusy++
				}
				time.Sleep(10 * time.Millisecond) // let haproxy release the connection
			}
			if c.preferIdle && onBusy != 0 {
				t.Errorf("leastconn sent %d of 6 requests to the server busy with a slow request; want 0", onBusy)
			}
			if !c.preferIdle && onBusy == 0 {
				t.Errorf("control: roundrobin sent no request to the busy server; the test cannot tell leastconn apart")
			}
			for _, b := range bes {
				b.releaseSlow()
			}
			select {
			case err := <-done:
				if err != nil {
					t.Error(err)
				}
			case <-time.After(5 * time.Second):
				t.Error("the slow request did not end within 5s of its release")
			}
			for _, b := range bes {
				drain(b.arrived)
			}
		})
	}
}

// TestSchedulerSource: source hashing keeps one client address on one
// server, while different addresses are spread; roundrobin (the control)
// moves one address around.
func TestSchedulerSource(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := newHTTPBackend(t, "a", "")
	b := newHTTPBackend(t, "b", "")
	src := httpListener("src", server(a.port, 1), server(b.port, 1))
	src.Scheduler = "source"
	rr := httpListener("rr", server(a.port, 1), server(b.port, 1))
	lb := e.start(model.Listeners{HttpListeners: []model.HttpListener{src, rr}})

	serversOf := func(listener, from string, n int) map[string]int {
		got := map[string]int{}
		for range n {
			r := mustDo(t, lb.addr(listener), request{Src: from})
			got[r.backend()]++
		}
		return got
	}
	t.Run("same-address-same-server", func(t *testing.T) {
		for _, from := range []string{"127.0.0.1", "127.0.0.2", "127.0.0.3"} {
			if got := serversOf("src", from, 8); len(got) != 1 {
				t.Errorf("source from %s went to %v; want one server", from, got)
			}
		}
	})
	t.Run("addresses-spread", func(t *testing.T) {
		seen := map[string]int{}
		for i := 2; i < 18; i++ {
			for name := range serversOf("src", fmt.Sprintf("127.0.0.%d", i), 1) {
				seen[name]++
			}
		}
		if len(seen) != 2 {
			t.Errorf("16 client addresses all went to %v; want both servers used", seen)
		}
	})
	t.Run("control-roundrobin-moves", func(t *testing.T) {
		if got := serversOf("rr", "127.0.0.1", 4); len(got) != 2 {
			t.Errorf("roundrobin from one address went to %v; want both servers", got)
		}
	})
}

// drain empties an arrival channel.
func drain(c chan seenRequest) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}
