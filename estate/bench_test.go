package estate_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/lbconf/lbconf/cdsapi/fakecds"
	lbconfig "github.com/lbconf/lbconf/config"
	"github.com/lbconf/lbconf/estate"
	"github.com/lbconf/lbconf/estate/estatetest"
)

// BenchmarkPlan500 plans an estate of 500 instances against a fake that
// takes 50 ms per request. A plan reads each instance with two requests,
// so done one after the other it would take 500 x 2 x 50 ms = 50 s; the
// serial-ms metric says that, and ns/op shows how much the overlapping
// requests save.
func BenchmarkPlan500(b *testing.B) {
	const n, latency, concurrency = 500, 50 * time.Millisecond, 32
	env := estatetest.New(b, n, fakecds.Options{Latency: latency})
	dir := b.TempDir()
	config := filepath.Join(dir, lbconfig.FileName)
	if _, err := estate.Import(b.Context(), env.Client, config, filepath.Join(dir, "lb"), estate.ImportOptions{Concurrency: concurrency}); err != nil {
		b.Fatal(err)
	}
	m, err := loadManifest(config)
	if err != nil {
		b.Fatal(err)
	}
	env.Server.ResetRequests()
	for b.Loop() {
		p := estate.MakePlan(b.Context(), m, env.Clients, estate.PlanOptions{Concurrency: concurrency})
		if p.ExitCode() != estate.ExitNoChanges {
			b.Fatalf("plan: %+v", p.Summary)
		}
	}
	b.ReportMetric(float64(n*2*latency/time.Millisecond), "serial-ms")
	b.ReportMetric(float64(env.Server.MaxInFlight()), "max-in-flight")
}
