//go:build linux

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lbconf/lbconf/model"
)

// setCookie returns the value of the Set-Cookie for key in r, and whether
// there was one.
func setCookie(r *response, key string) (string, bool) {
	for _, v := range r.values("Set-Cookie") {
		name, rest, ok := strings.Cut(v, "=")
		if ok && name == key {
			val, _, _ := strings.Cut(rest, ";")
			return val, true
		}
	}
	return "", false
}

// mustSetCookie is setCookie that fails the test without one.
func mustSetCookie(t *testing.T, r *response, key string) string {
	t.Helper()
	v, ok := setCookie(r, key)
	if !ok {
		t.Fatalf("no Set-Cookie %s in the answer; headers %q", key, r.Header)
	}
	return v
}

// TestCookiePersistence: SessionPersistence inserts a cookie named Key that
// names the server; a client that sends it back stays on that server, while
// clients without it keep being balanced, and a client can be moved by the
// cookie it sends.
func TestCookiePersistence(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := newHTTPBackend(t, "a", "")
	b := newHTTPBackend(t, "b", "")
	l := httpListener("sticky", server(a.port, 1), server(b.port, 1))
	l.SessionPersistence = &model.SessionPersistence{Key: "srvid", Mode: 1}
	lb := e.start(model.Listeners{HttpListeners: []model.HttpListener{l}})
	addr := lb.addr("sticky")
	portOf := map[string]int{"a": a.port, "b": b.port}

	first := mustDo(t, addr, request{})
	home := first.backend()
	val := mustSetCookie(t, first, "srvid")
	if want := serverName(portOf[home]); val != want {
		t.Fatalf("Set-Cookie srvid=%s; want the name of the server that answered, %s", val, want)
	}
	cookie := "Cookie: srvid=" + val
	cookieless := map[string]int{}
	for i := range 8 {
		r := mustDo(t, addr, request{Headers: []string{cookie}})
		if r.backend() != home {
			t.Fatalf("request %d with the cookie went to %s; want %s", i, r.backend(), home)
		}
		// Interleave a client without the cookie: it keeps rotating.
		cookieless[mustDo(t, addr, request{}).backend()]++
	}
	if len(cookieless) != 2 {
		t.Errorf("clients without the cookie went to %v; want both servers", cookieless)
	}
	other := map[string]string{"a": "b", "b": "a"}[home]
	for range 4 {
		r := mustDo(t, addr, request{Headers: []string{"Cookie: srvid=" + serverName(portOf[other])}})
		if r.backend() != other {
			t.Fatalf("a cookie naming %s went to %s", other, r.backend())
		}
	}
}

// TestCookieModes: Mode 0 is `insert`, 1 `insert nocache`, 2 `insert
// indirect nocache`; an absent Mode is 1. nocache adds "Cache-Control:
// private" to a cacheable answer that sets the cookie (so that no shared
// cache hands one client's cookie to others); indirect hides the cookie from
// the server (other cookies still pass).
func TestCookieModes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	be := newHTTPBackend(t, "app", "")
	cases := []struct {
		name             string
		mode             int
		decodeJSON       bool // build the listener from JSON without a Mode
		nocache          bool
		serverSeesCookie bool
	}{
		{"mode0", 0, false, false, true},
		{"mode1", 1, false, true, true},
		{"mode2", 2, false, true, false},
		{"mode_absent", 0, true, true, true},
	}
	var ls []model.HttpListener
	for _, c := range cases {
		var l model.HttpListener
		if c.decodeJSON {
			l = decodeHTTPListener(t, fmt.Sprintf(`{"HttpListeners": [{
				"ListenerName": %q, "ListenerPort": 1, "ListenerMode": "http", "MaxConn": 100,
				"ClientTimeout": "10", "ClientTimeoutUnit": "s", "ConnectTimeout": "2", "ConnectTimeoutUnit": "s",
				"ServerTimeout": "10", "ServerTimeoutUnit": "s", "Scheduler": "roundrobin", "StickySession": "off",
				"BackendServer": [{"IP": "127.0.0.1", "Port": %d, "Weight": "1", "MaxConn": 100}],
				"SessionPersistence": {"Key": "ck_%s"}}]}`, c.name, be.port, c.name))
		} else {
			l = httpListener(c.name, server(be.port, 1))
			l.SessionPersistence = &model.SessionPersistence{Key: "ck_" + c.name, Mode: c.mode}
		}
		ls = append(ls, l)
	}
	lb := e.start(model.Listeners{HttpListeners: ls})

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key := "ck_" + c.name
			r := mustDo(t, lb.addr(c.name), request{Path: "/cacheable/" + c.name})
			val := mustSetCookie(t, r, key)
			private := false
			for _, v := range r.values("Cache-Control") {
				private = private || strings.Contains(strings.ToLower(v), "private")
			}
			if private != c.nocache {
				t.Errorf("Cache-Control %q on the answer that sets the cookie: private = %v, want %v",
					r.values("Cache-Control"), private, c.nocache)
			}
			mustDo(t, lb.addr(c.name), request{Path: "/" + c.name + "/second",
				Headers: []string{"Cookie: app=1; " + key + "=" + val}})
			var seen *seenRequest
			for _, rq := range be.requests() {
				if rq.RequestURI == "/"+c.name+"/second" {
					seen = &rq
				}
			}
			if seen == nil {
				t.Fatal("the second request did not reach the backend")
			}
			cookies := strings.Join(seen.headerValues("Cookie"), "; ")
			if got := strings.Contains(cookies, key+"="); got != c.serverSeesCookie {
				t.Errorf("backend got Cookie %q: persistence cookie visible = %v, want %v", cookies, got, c.serverSeesCookie)
			}
			if !strings.Contains(cookies, "app=1") {
				t.Errorf("backend got Cookie %q; the application's cookie app=1 must pass", cookies)
			}
		})
	}
}

// decodeHTTPListener decodes a listeners document with model.Decode and
// returns its only HTTP listener; decoding findings fail the test.
func decodeHTTPListener(t *testing.T, doc string) model.HttpListener {
	t.Helper()
	d, err := model.Decode("inline.json", []byte(doc))
	if err != nil {
		t.Fatalf("decoding: %v", err)
	}
	if len(d.Findings) > 0 || len(d.Listeners.HttpListeners) != 1 {
		t.Fatalf("decoding: findings %v, %d HTTP listeners", d.Findings, len(d.Listeners.HttpListeners))
	}
	return d.Listeners.HttpListeners[0]
}

// base64tab is the alphabet of HAProxy's s30tob64 (cookie dates).
const base64tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// cookieDates decodes the dates HAProxy appends to a persistence cookie
// with maxidle/maxlife: "server|LAST|FIRST", each a 5-character base64
// number of 4-second units. first is zero when absent.
func cookieDates(val string) (last, first time.Time, err error) {
	parts := strings.Split(val, "|")
	if len(parts) < 2 {
		return last, first, fmt.Errorf("cookie %q carries no date", val)
	}
	dec := func(s string) (time.Time, error) {
		if len(s) != 5 {
			return time.Time{}, fmt.Errorf("date %q in cookie %q is not 5 characters", s, val)
		}
		n := int64(0)
		for i := range 5 {
			k := strings.IndexByte(base64tab, s[i])
			if k < 0 {
				return time.Time{}, fmt.Errorf("date %q in cookie %q: bad character", s, val)
			}
			n = n<<6 | int64(k)
		}
		return time.Unix(n<<2, 0), nil
	}
	if last, err = dec(parts[1]); err != nil {
		return
	}
	if len(parts) > 2 {
		first, err = dec(parts[2])
	}
	return
}

// TestCookieTimers: MaxIdle and MaxLife end persistence. HAProxy writes the
// last-seen and first-seen dates (4-second units) into the cookie; once
// now - last > MaxIdle, or now - first > MaxLife, the cookie is ignored:
// the client is balanced again and gets a new cookie. MaxLife ends
// persistence even for a client that keeps using (and refreshing) its
// cookie. Without a Timer the cookie does not expire.
func TestCookieTimers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := newHTTPBackend(t, "a", "")
	b := newHTTPBackend(t, "b", "")
	cases := []timerCase{
		{"idle", 1, 0, false},
		{"life", 0, 2, true},
		{"none", 0, 0, false},
	}
	var ls []model.HttpListener
	for _, c := range cases {
		l := httpListener("timer_"+c.name, server(a.port, 1), server(b.port, 1))
		l.SessionPersistence = &model.SessionPersistence{Key: "tk_" + c.name, Mode: 1}
		if c.maxIdle != 0 || c.maxLife != 0 {
			l.SessionPersistence.Timer = &model.Timer{MaxIdle: c.maxIdle, MaxLife: c.maxLife}
		}
		ls = append(ls, l)
	}
	lb := e.start(model.Listeners{HttpListeners: ls})
	var subs []subtest
	for _, c := range cases {
		subs = append(subs, subtest{c.name, func(t *testing.T) { c.run(t, lb) }})
	}
	runConcurrently(t, subs...)
}

// timerCase is a case of TestCookieTimers: listener timer_<name>, cookie
// tk_<name>.
type timerCase struct {
	name             string
	maxIdle, maxLife int
	// keepActive sends the cookie every 300ms, taking up refreshed ones.
	keepActive bool
}

func (c timerCase) run(t *testing.T, lb *balancer) {
	addr, key := lb.addr("timer_"+c.name), "tk_"+c.name
	r := mustDo(t, addr, request{})
	home, val := r.backend(), mustSetCookie(t, r, key)
	var expiry time.Time
	if c.maxIdle == 0 && c.maxLife == 0 {
		if strings.Contains(val, "|") {
			t.Fatalf("cookie %q carries dates without a Timer", val)
		}
		expiry = time.Now().Add(2500 * time.Millisecond) // just a wait: it must still hold
	} else {
		last, first, err := cookieDates(val)
		if err != nil {
			t.Fatal(err)
		}
		if c.maxIdle > 0 {
			expiry = last.Add(time.Duration(c.maxIdle+1) * time.Second)
		} else {
			if first.IsZero() {
				t.Fatalf("cookie %q has no first date with MaxLife", val)
			}
			expiry = first.Add(time.Duration(c.maxLife+1) * time.Second)
		}
	}
	// Before expiry the cookie holds (the client may refresh it).
	for i := 0; time.Until(expiry) > 300*time.Millisecond; i++ {
		if i == 40 {
			t.Fatal("too many rounds before expiry")
		}
		r := mustDo(t, addr, request{Headers: []string{"Cookie: " + key + "=" + val}})
		if time.Until(expiry) > 100*time.Millisecond && r.backend() != home {
			t.Fatalf("%v before expiry the cookie did not hold: went to %s, want %s", time.Until(expiry), r.backend(), home)
		}
		if !c.keepActive {
			time.Sleep(time.Until(expiry) - 250*time.Millisecond)
			continue
		}
		if nv, ok := setCookie(r, key); ok {
			val = nv
		}
		time.Sleep(300 * time.Millisecond)
	}
	time.Sleep(time.Until(expiry) + 300*time.Millisecond)
	// After: balanced again (two requests of a roundrobin pair reach both
	// servers), each with a new cookie.
	got := map[string]int{}
	renewed := 0
	for range 2 {
		r := mustDo(t, addr, request{Headers: []string{"Cookie: " + key + "=" + val}})
		got[r.backend()]++
		if _, ok := setCookie(r, key); ok {
			renewed++
		}
	}
	expired := len(got) == 2 && renewed == 2
	wantExpired := c.maxIdle != 0 || c.maxLife != 0
	if expired != wantExpired {
		t.Errorf("after the wait the cookie %q went to %v with %d new cookies: expired = %v, want %v",
			val, got, renewed, expired, wantExpired)
	}
}
