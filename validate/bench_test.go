package validate_test

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/model/modeltest"
	"github.com/lbconf/lbconf/validate"
)

// bigDocument returns a valid document of n HTTP and n TCP listeners, each
// with four servers, ACLs and a cookie.
func bigDocument(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"HttpListeners": [`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `
  {"ListenerName": "web%d", "ListenerPort": %d, "ListenerMode": "http", "MaxConn": 1000,
   "ClientTimeout": "30", "ClientTimeoutUnit": "s", "ConnectTimeout": "5000", "ConnectTimeoutUnit": "ms",
   "ServerTimeout": "30", "ServerTimeoutUnit": "s", "Scheduler": "roundrobin", "StickySession": "on",
   "AclWhiteList": ["10.0.0.0/8", "192.168.%d.0/24"], "CertificateIds": [],
   "BackendServer": [`, i, 10000+i, i%256)
		for s := 0; s < 4; s++ {
			if s > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, `{"IP": "10.%d.%d.%d", "Port": 8080, "Weight": "10", "MaxConn": 100}`, i/65536%256, i/256%256, s+1)
		}
		fmt.Fprintf(&b, `],
   "SessionPersistence": {"Key": "c%d", "Mode": 1, "Timer": {"MaxIdle": 600, "MaxLife": 3600}},
   "Option": {"Httpchk": {"Method": "GET", "Uri": "/health"}}}`, i)
	}
	b.WriteString("],\n\"TcpListeners\": [")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `
  {"ListenerName": "db%d", "ListenerPort": %d, "ListenerMode": "tcp", "MaxConn": 1000,
   "ClientTimeout": "60", "ClientTimeoutUnit": "s", "ConnectTimeout": "5", "ConnectTimeoutUnit": "s",
   "ServerTimeout": "60", "ServerTimeoutUnit": "s", "Scheduler": "leastconn", "AclWhiteList": [],
   "BackendServer": [{"IP": "10.200.%d.%d", "Port": 3306, "Weight": "1", "MaxConn": 100}],
   "EnableSourceIp": "on", "EnableRepeaterMode": "off"}`, i, 10000+n+i, i/256%256, i%256)
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

// benchmarkLint decodes and validates a clean document of n HTTP and n TCP
// listeners. Larger documents are BenchmarkLintMixed's: past model.MaxNodes
// they are refused.
func benchmarkLint(b *testing.B, n int) {
	data := bigDocument(n)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := model.Decode("big.json", data)
		if err != nil {
			b.Fatal(err)
		}
		if fs := validate.Document(doc); len(fs) != 0 {
			b.Fatalf("unexpected findings, first: %v", fs[0])
		}
	}
}

func BenchmarkLint100Listeners(b *testing.B) { benchmarkLint(b, 50) }
func BenchmarkLint1kListeners(b *testing.B)  { benchmarkLint(b, 500) }

// benchSizes are the listener counts of the Mixed benchmarks (issue 10).
var benchSizes = []int{10, 100, 1000, 10000}

// BenchmarkLintMixed decodes and validates modeltest's mixed document (half
// HTTP, half TCP listeners) of 10 to 10,000 listeners, as `lbconf lint`
// does. A document beyond model.MaxNodes is refused by the hostile-input
// limit; the benchmark then measures that refusal and says so.
func BenchmarkLintMixed(b *testing.B) {
	for _, n := range benchSizes {
		data := modeltest.MixedJSON(n)
		b.Run(fmt.Sprintf("listeners=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			defer func() {
				// What lint allocates per byte of the document it reads:
				// its peak memory is at most the document and this.
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/float64(len(data)), "alloc-B/doc-B")
			}()
			for b.Loop() {
				doc, err := model.Decode("mixed.json", data)
				if errors.Is(err, model.ErrTooLarge) {
					b.Skipf("refused by the hostile-input limit: %v", err)
				}
				if err != nil {
					b.Fatal(err)
				}
				if fs := validate.Document(doc); len(fs) != 0 {
					b.Fatalf("%d findings, first: %v", len(fs), fs[0])
				}
			}
		})
	}
}
