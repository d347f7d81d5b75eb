package compiler_test

import (
	"context"
	"testing"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/decompile/modelgen"
	"github.com/lbconf/lbconf/haproxycfg/check"
	"github.com/lbconf/lbconf/haproxycfg/version"
	"github.com/lbconf/lbconf/internal/haproxytest"
	"github.com/lbconf/lbconf/model"
)

// TestCompiledAcrossVersions: every config compiled for --target 1.8 and
// 2.4 passes HAProxy 2.2's `haproxy -c`, and every config compiled for 2.6
// and later passes 2.6 and 3.0 (binaries from .ci/fetch-haproxy; required
// in CI). Certificates and other instance files get haproxycfg/check's
// stand-ins.
func TestCompiledAcrossVersions(t *testing.T) {
	v := func(major, minor int) version.Version { return version.Version{Major: major, Minor: minor} }
	for _, tc := range []struct {
		binary  version.Version
		targets []string
	}{
		{v(2, 2), []string{"1.8", "2.4"}},
		{v(2, 6), []string{"2.6", "3.0"}},
		{v(3, 0), []string{"2.6", "3.0"}},
	} {
		t.Run(tc.binary.String(), func(t *testing.T) {
			t.Parallel()
			bin := haproxytest.RequireVersion(t, tc.binary)
			var docs []*model.Listeners
			var names []string
			for _, n := range fixtures(t) {
				docs, names = append(docs, loadDoc(t, n+".json")), append(names, n)
			}
			g := modelgen.New(11)
			for i := range 5 {
				docs, names = append(docs, g.Listeners()), append(names, "generated-"+string(rune('a'+i)))
			}
			for _, target := range tc.targets {
				for i, l := range docs {
					cfg, err := compiler.Compile(l, compiler.Options{Target: target, StatsAuth: "ops:n3w-Secret"})
					if err != nil {
						t.Fatalf("%s for %s: %v", names[i], target, err)
					}
					res, err := check.Check(context.Background(), names[i]+".cfg", cfg, check.Options{Binary: bin})
					if err != nil {
						t.Fatalf("%s for %s: %v", names[i], target, err)
					}
					if res.ExitCode != 0 {
						t.Errorf("%s compiled for %s: haproxy %s refuses it:\n%s\n%s", names[i], target, res.Version, res.Output, cfg)
					}
				}
			}
		})
	}
}
