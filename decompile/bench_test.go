package decompile

import (
	"errors"
	"fmt"
	"testing"

	parser "github.com/haproxytech/config-parser/v5"
	"github.com/haproxytech/config-parser/v5/options"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/haproxycfg/parse"
	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/model/modeltest"
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

// mixedConfig compiles modeltest's mixed document of n listeners.
func mixedConfig(b *testing.B, n int) []byte {
	b.Helper()
	cfg, err := compiler.Compile(modeltest.Mixed(n), compiler.Options{Target: "2.6"})
	if err != nil {
		b.Fatal(err)
	}
	return cfg
}

// BenchmarkDecompileMixed decompiles the compiled mixed document of 10 to
// 10,000 listeners. A config beyond cfgparse's limits is refused; the
// benchmark then says so.
func BenchmarkDecompileMixed(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000} {
		cfg := mixedConfig(b, n)
		b.Run(fmt.Sprintf("listeners=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(cfg)))
			b.ReportAllocs()
			for b.Loop() {
				_, losses, err := Decompile(cfg, Options{})
				if errors.Is(err, parse.ErrTooLarge) {
					b.Skipf("refused by the hostile-input limit: %v", err)
				}
				if err != nil || len(losses) > 0 {
					b.Fatal(err, losses)
				}
			}
		})
	}
}

// BenchmarkConfigParserBare is the floor of BenchmarkDecompileMixed:
// config-parser's own parse of the same text, nothing else.
func BenchmarkConfigParserBare(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000} {
		cfg := mixedConfig(b, n)
		b.Run(fmt.Sprintf("listeners=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(cfg)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parser.New(options.String(string(cfg))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
