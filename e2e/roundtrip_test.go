//go:build linux

package e2e

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	"github.com/lbconf/lbconf/model"
)

// TestPullRoundTrip runs the production flow against the fake API on
// 127.0.0.1: compile, push the config with ModifyHaproxyCustomConfig
// through the API client, pull it back with DescribeHaproxyCustomConfig,
// and serve the pulled text. It must come back byte for byte, switch the
// instance to the custom config, and still keep its promises: TLS with
// X-Forwarded headers, cookie persistence, the whitelist, keep-alive, and
// the PROXY header of a TCP listener.
func TestPullRoundTrip(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cert := writeCert(t, e.certDir, "shop-cert", "localhost")
	a := newHTTPBackend(t, "a", "")
	b := newHTTPBackend(t, "b", "")
	db := newTCPBackend(t, "db")

	web := httpListener("shop", server(a.port, 1), server(b.port, 1))
	web.StickySession = model.On
	web.AclWhiteList = []string{"127.0.0.1", "127.0.0.3"}
	web.CertificateIds = []model.Certificate{{CertificateId: "shop-cert", CertificateName: "shop"}}
	web.SessionPersistence = &model.SessionPersistence{Key: "shopid", Mode: 2}
	tl := tcpListener("shopdb", server(db.port, 1))
	tl.EnableSourceIp = model.On

	fake := fakecds.NewServer(fakecds.Options{})
	t.Cleanup(fake.Close)
	const uuid = "lb-e2e-roundtrip-0001"
	fake.AddInstance(fakecds.Instance{InstanceUuid: uuid, InstanceName: "e2e", Version: "2.6"}, model.Listeners{}, "")
	client, err := cdsapi.NewClient(fake.Credentials(), cdsapi.Options{Endpoint: fake.URL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("API client: %v", err)
	}
	pushPull := func(cfg []byte) ([]byte, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := client.ModifyHaproxyCustomConfig(ctx, uuid, string(cfg)); err != nil {
			return nil, fmt.Errorf("push: %w", err)
		}
		pulled, err := client.DescribeHaproxyCustomConfig(ctx, uuid)
		if err != nil {
			return nil, fmt.Errorf("pull: %w", err)
		}
		if pulled != string(cfg) {
			return nil, fmt.Errorf("the pulled config differs from the pushed one:\npushed:\n%s\npulled:\n%s", cfg, pulled)
		}
		return []byte(pulled), nil
	}
	lb := e.start(model.Listeners{HttpListeners: []model.HttpListener{web}, TcpListeners: []model.TcpListener{tl}},
		startOptions{transform: pushPull})
	if inst, ok := fake.Instance(uuid); !ok || inst.IsCustomConf != 1 {
		t.Errorf("after the push the instance has IsCustomConf %d, want 1", inst.IsCustomConf)
	}

	tlsCfg := tlsFor("localhost", cert)
	addr := lb.addr("shop")
	t.Run("tls-and-forwarded-headers", func(t *testing.T) {
		r := mustDo(t, addr, request{TLS: tlsCfg, Path: "/rt"})
		if r.Status != 200 {
			t.Fatalf("status %d", r.Status)
		}
		var got seenRequest
		for _, be := range []*httpBackend{a, b} {
			for _, rq := range be.requests() {
				if rq.RequestURI == "/rt" {
					got = rq
				}
			}
		}
		for h, want := range map[string]string{
			"X-Forwarded-Proto":          "https",
			"X-Forwarded-Port":           strconv.Itoa(lb.port("shop")),
			"X-Forwarded-Client-srcport": strconv.Itoa(r.Local.Port),
		} {
			if vs := got.headerValues(h); len(vs) != 1 || vs[0] != want {
				t.Errorf("backend saw %s = %q, want %q", h, vs, want)
			}
		}
	})
	t.Run("cookie-persistence", func(t *testing.T) {
		first := mustDo(t, addr, request{TLS: tlsCfg})
		home, val := first.backend(), mustSetCookie(t, first, "shopid")
		for range 6 {
			if r := mustDo(t, addr, request{TLS: tlsCfg, Headers: []string{"Cookie: shopid=" + val}}); r.backend() != home {
				t.Fatalf("with the cookie went to %s, want %s", r.backend(), home)
			}
		}
		seen := map[string]int{}
		for range 4 {
			seen[mustDo(t, addr, request{TLS: tlsCfg}).backend()]++
		}
		if len(seen) != 2 {
			t.Errorf("without the cookie requests went to %v; want both servers", seen)
		}
	})
	t.Run("whitelist", func(t *testing.T) {
		for src, want := range map[string]bool{"127.0.0.1": false, "127.0.0.3": false, "127.0.0.2": true} {
			rej, err := refused(addr, src, tlsCfg)
			if err != nil || rej != want {
				t.Errorf("from %s: refused = %v (%v), want %v", src, rej, err, want)
			}
		}
	})
	t.Run("keep-alive", func(t *testing.T) {
		r := mustDo(t, addr, request{TLS: tlsCfg, Raw: "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"})
		if r.Status != 200 || r.get("Connection") != "keep-alive" {
			t.Errorf("HTTP/1.0 keep-alive request: status %d, Connection %q; want 200 and keep-alive", r.Status, r.values("Connection"))
		}
	})
	t.Run("tcp-send-proxy", func(t *testing.T) {
		got, local, err := tcpExchange(lb.addr("shopdb"), "127.0.0.3", "", "select 1")
		if err != nil || len(got) != 1 || got[0] != "db select 1" {
			t.Fatalf("echo %q (%v)", got, err)
		}
		rec := db.waitConn(t, 5*time.Second)
		if rec.Proxy == nil || rec.Proxy.SrcIP != "127.0.0.3" || rec.Proxy.SrcPort != local.Port {
			t.Errorf("server got PROXY %+v; want the client 127.0.0.3:%d", rec.Proxy, local.Port)
		}
	})
}
