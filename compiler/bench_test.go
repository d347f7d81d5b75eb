package compiler_test

import (
	"fmt"
	"testing"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/model/modeltest"
)

// benchListeners returns n HTTP listeners with 4 servers, a cookie and a
// health check each, and n/2 TCP listeners.
func benchListeners(n int) *model.Listeners {
	l := &model.Listeners{}
	for i := range n {
		h := model.HttpListener{
			ListenerName: fmt.Sprintf("web%d", i), ListenerPort: 10000 + i, ListenerMode: "http", MaxConn: 1000,
			ClientTimeout: "30", ClientTimeoutUnit: "s", ConnectTimeout: "5", ConnectTimeoutUnit: "s",
			ServerTimeout: "30", ServerTimeoutUnit: "s", Scheduler: "roundrobin", StickySession: "on",
			AclWhiteList:       []string{"10.0.0.0/8", "192.168.1.0/24"},
			SessionPersistence: &model.SessionPersistence{Key: fmt.Sprintf("c%d", i), Mode: 1, Timer: &model.Timer{MaxIdle: 600, MaxLife: 3600}},
			Option:             &model.Option{Httpchk: &model.Httpchk{Method: "GET", Uri: "/health"}},
		}
		for j := range 4 {
			h.BackendServer = append(h.BackendServer, model.BackendServer{IP: fmt.Sprintf("10.%d.%d.%d", i/250%250, i%250, j+1), Port: 8080, Weight: "10", MaxConn: 100})
		}
		l.HttpListeners = append(l.HttpListeners, h)
	}
	for i := range n / 2 {
		l.TcpListeners = append(l.TcpListeners, model.TcpListener{
			ListenerName: fmt.Sprintf("db%d", i), ListenerPort: 40000 + i, ListenerMode: "tcp", MaxConn: 1000,
			ClientTimeout: "60", ClientTimeoutUnit: "s", ConnectTimeout: "5", ConnectTimeoutUnit: "s",
			ServerTimeout: "60", ServerTimeoutUnit: "s", Scheduler: "leastconn", EnableSourceIp: "on", EnableRepeaterMode: "off",
			BackendServer: []model.BackendServer{{IP: fmt.Sprintf("10.200.%d.%d", i/250%250, i%250+1), Port: 3306, Weight: "1", MaxConn: 100}},
		})
	}
	return l
}

// BenchmarkCompile measures validation plus rendering.
func BenchmarkCompile(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		l := benchListeners(n)
		b.Run(fmt.Sprintf("listeners=%d", n+n/2), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := compiler.Compile(l, compiler.Options{Target: "2.6"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCompileMixed compiles modeltest's mixed document (half HTTP,
// half TCP listeners) of 10 to 10,000 listeners: validation plus rendering.
func BenchmarkCompileMixed(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000} {
		l := modeltest.Mixed(n)
		b.Run(fmt.Sprintf("listeners=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := compiler.Compile(l, compiler.Options{Target: "2.6"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
