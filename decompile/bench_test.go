package decompile

import (
	"fmt"
	"testing"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/model"
)

// benchConfig compiles n HTTP listeners with 4 servers each.
func benchConfig(b *testing.B, n int) []byte {
	b.Helper()
	l := &model.Listeners{}
	for i := range n {
		h := model.HttpListener{
			ListenerName: fmt.Sprintf("l%d", i), ListenerPort: 2000 + i, ListenerMode: "http", MaxConn: 1000,
			ClientTimeout: "30", ClientTimeoutUnit: "s", ConnectTimeout: "5", ConnectTimeoutUnit: "s",
			ServerTimeout: "30", ServerTimeoutUnit: "s", Scheduler: "roundrobin", StickySession: "on",
			AclWhiteList: []string{"10.0.0.0/8"},
		}
		for j := range 4 {
			h.BackendServer = append(h.BackendServer, model.BackendServer{IP: fmt.Sprintf("10.1.%d.%d", i%250, j+1), Port: 80, Weight: "1", MaxConn: 100})
		}
		l.HttpListeners = append(l.HttpListeners, h)
	}
	cfg, err := compiler.Compile(l, compiler.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return cfg
}

func BenchmarkDecompile(b *testing.B) {
	for _, n := range []int{100, 1000} {
		cfg := benchConfig(b, n)
		b.Run(fmt.Sprintf("listeners=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(cfg)))
			for b.Loop() {
				if _, losses, err := Decompile(cfg, Options{}); err != nil || len(losses) > 0 {
					b.Fatal(err, losses)
				}
			}
		})
	}
}
