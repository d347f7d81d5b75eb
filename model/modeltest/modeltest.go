// Package modeltest generates listener documents for benchmarks and
// performance comparisons.
//
// Mixed builds the document issue 10 measures: half HTTP listeners with
// four servers, three whitelist CIDRs, a cookie with timers and an HTTP
// health check; half TCP listeners with four servers and EnableSourceIp.
// Every generated document is clean: lint reports nothing and compile
// succeeds, so benchmarks measure the cost of the happy path.
package modeltest

import (
	"encoding/json"
	"fmt"

	"github.com/lbconf/lbconf/model"
)

// FirstPort is the port of the first generated listener; the others follow
// one by one, so at most 65535-FirstPort+1 listeners fit in a clean
// document.
const FirstPort = 10000

// MaxClean is the largest n for which Mixed(n) is a clean document (ports
// are unique and within range).
const MaxClean = 65535 - FirstPort + 1

// Mixed returns n listeners: the first (n+1)/2 HTTP, the rest TCP. Names
// and ports are unique for n <= MaxClean; beyond that ports wrap and the
// document carries port findings.
func Mixed(n int) *model.Listeners {
	l := &model.Listeners{HttpListeners: []model.HttpListener{}, TcpListeners: []model.TcpListener{}}
	nHTTP := (n + 1) / 2
	for i := range nHTTP {
		h := model.HttpListener{
			ListenerName: fmt.Sprintf("web_%d", i), ListenerPort: port(i), ListenerMode: model.ModeHTTP, MaxConn: 5000,
			ClientTimeout: "30", ClientTimeoutUnit: "s", ConnectTimeout: "5000", ConnectTimeoutUnit: "ms",
			ServerTimeout: "30", ServerTimeoutUnit: "s", Scheduler: "roundrobin", StickySession: model.On,
			AclWhiteList:       []string{"10.0.0.0/8", fmt.Sprintf("192.168.%d.0/24", i%256), fmt.Sprintf("172.16.%d.%d/32", i/256%256, i%256)},
			CertificateIds:     []model.Certificate{},
			BackendServer:      servers(10, i),
			SessionPersistence: &model.SessionPersistence{Key: fmt.Sprintf("sid%d", i), Mode: 1, Timer: &model.Timer{MaxIdle: 600, MaxLife: 3600}},
			Option:             &model.Option{Httpchk: &model.Httpchk{Method: "GET", Uri: "/healthz"}},
		}
		l.HttpListeners = append(l.HttpListeners, h)
	}
	for i := range n - nHTTP {
		l.TcpListeners = append(l.TcpListeners, model.TcpListener{
			ListenerName: fmt.Sprintf("db_%d", i), ListenerPort: port(nHTTP + i), ListenerMode: model.ModeTCP, MaxConn: 2000,
			ClientTimeout: "60", ClientTimeoutUnit: "s", ConnectTimeout: "5", ConnectTimeoutUnit: "s",
			ServerTimeout: "60", ServerTimeoutUnit: "s", Scheduler: "leastconn", AclWhiteList: []string{},
			BackendServer:  servers(11, i),
			EnableSourceIp: model.On, EnableRepeaterMode: model.Off,
		})
	}
	return l
}

// port is the port of the i-th listener.
func port(i int) int { return FirstPort + i%MaxClean }

// servers returns four backend servers in 10.<a>.x.y/16 for listener i.
func servers(a, i int) []model.BackendServer {
	s := make([]model.BackendServer, 4)
	for j := range s {
		s[j] = model.BackendServer{IP: fmt.Sprintf("10.%d.%d.%d", a, i/63%256, i%63*4+j+1), Port: 8080, Weight: "10", MaxConn: 500}
	}
	return s
}

// MixedJSON returns Mixed(n) as an indented JSON document, as people
// write them.
func MixedJSON(n int) []byte {
	data, err := json.MarshalIndent(Mixed(n), "", "  ")
	if err != nil {
		panic(err) // the model always marshals
	}
	return append(data, '\n')
}
