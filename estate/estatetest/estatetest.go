// Package estatetest builds estates of load balancer instances in a fake
// API (cdsapi/fakecds) for the tests and benchmarks of package estate and
// of the CLI.
package estatetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/deploy"
	"github.com/lbconf/lbconf/estate"
	"github.com/lbconf/lbconf/model"
)

// UUID is the InstanceUuid of instance i of an estate.
func UUID(i int) string { return fmt.Sprintf("1b2c3d4e-0000-4000-8000-%012d", i) }

// Name is the InstanceName of instance i.
func Name(i int) string { return fmt.Sprintf("lb-%03d", i) }

// Custom reports whether instance i runs a custom config (odd i) rather
// than basic strategies (even i).
func Custom(i int) bool { return i%2 == 1 }

// Listeners returns the listeners of instance i: one HTTP and one TCP
// listener that every rule accepts, distinct per instance.
func Listeners(i int) model.Listeners {
	doc, err := model.Decode(fmt.Sprintf("instance-%d.json", i), []byte(fmt.Sprintf(listenersJSON, i%200+1, 8000+i%1000, i%250+1, i%250+1)))
	if err != nil {
		panic(err)
	}
	l := doc.Listeners
	l.Normalize()
	return l
}

const listenersJSON = `{
  "HttpListeners": [{
    "ListenerName": "web", "ListenerPort": 80, "ListenerMode": "http", "MaxConn": 1000,
    "ClientTimeout": "30", "ClientTimeoutUnit": "s", "ConnectTimeout": "5000", "ConnectTimeoutUnit": "ms",
    "ServerTimeout": "30", "ServerTimeoutUnit": "s", "Scheduler": "roundrobin", "StickySession": "off",
    "AclWhiteList": [], "CertificateIds": [],
    "BackendServer": [{"IP": "10.1.%d.5", "Port": 8080, "Weight": "10", "MaxConn": 100}],
    "Option": {"Httpchk": {"Method": "GET", "Uri": "/health"}}
  }],
  "TcpListeners": [{
    "ListenerName": "db", "ListenerPort": %d, "ListenerMode": "tcp", "MaxConn": 2000,
    "ClientTimeout": "60", "ClientTimeoutUnit": "s", "ConnectTimeout": "5", "ConnectTimeoutUnit": "s",
    "ServerTimeout": "60", "ServerTimeoutUnit": "s", "Scheduler": "leastconn", "AclWhiteList": [],
    "BackendServer": [{"IP": "10.2.%d.7", "Port": 3306, "Weight": "1", "MaxConn": 1000}, {"IP": "10.3.%d.7", "Port": 3306, "Weight": "1", "MaxConn": 1000}],
    "EnableSourceIp": "off", "EnableRepeaterMode": "off"
  }]
}`

// Config returns the custom config of instance i: its listeners compiled
// for HAProxy 2.6, the version new instances run.
func Config(i int) string {
	l := Listeners(i)
	cfg, err := compiler.Compile(&l, compiler.Options{Target: "2.6"})
	if err != nil {
		panic(err)
	}
	return string(cfg)
}

// Seed adds instances 0..n-1 to srv: odd ones in custom mode running
// Config(i) (with Listeners(i) kept as their inactive strategies), even
// ones in basic mode running Listeners(i). Every instance has the tag
// "estate", and instances whose index is a multiple of 3 also "prod".
func Seed(srv *fakecds.Server, n int) {
	for i := range n {
		tags := []cdsapi.Tag{{TagID: "1", TagName: "estate"}}
		if i%3 == 0 {
			tags = append(tags, cdsapi.Tag{TagID: "2", TagName: "prod"})
		}
		inst := fakecds.Instance{InstanceUuid: UUID(i), InstanceName: Name(i), Version: "2.6", Tags: tags,
			Vips: []cdsapi.Vip{{IP: fmt.Sprintf("10.0.%d.%d", i/250, i%250+1), Type: "private"}}}
		cfg := ""
		if Custom(i) {
			inst.IsCustomConf = 1
			cfg = Config(i)
		}
		srv.AddInstance(inst, Listeners(i), cfg)
	}
}

// Env is a fake API seeded with an estate and a client factory for it.
type Env struct {
	Server *fakecds.Server
	// Clients returns clients of the fake; every endpoint is the fake.
	Clients estate.Clients
	Client  *cdsapi.Client
}

// New starts a fake with n instances (see [Seed]); it is closed when the
// test ends. The clients retry reads after 5 ms.
func New(tb testing.TB, n int, fo fakecds.Options) *Env {
	tb.Helper()
	srv := fakecds.NewServer(fo)
	tb.Cleanup(srv.Close)
	Seed(srv, n)
	client, err := cdsapi.NewClient(srv.Credentials(), cdsapi.Options{Endpoint: srv.URL, Timeout: 10 * time.Second,
		Backoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, Jitter: cdsapi.DefaultJitter})
	if err != nil {
		tb.Fatal(err)
	}
	return &Env{Server: srv, Client: client, Clients: func(string) (deploy.API, error) { return client, nil }}
}
