package lint

import (
	"testing"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/decompile/modelgen"
)

// TestCompiledConfigsAreClean: every config compile writes for a valid
// model passes the cfg rules of its target; the only finding allowed is the
// deprecation warning for the `nbproc 1` the 2.4 prelude keeps.
func TestCompiledConfigsAreClean(t *testing.T) {
	n := 100
	if testing.Short() {
		n = 20
	}
	for _, target := range []string{"1.8", "2.4", "2.6"} {
		g := modelgen.New(7)
		for i := range n {
			cfg, err := compiler.Compile(g.Listeners(), compiler.Options{Target: target, StatsAuth: "admin:not-public"})
			if err != nil {
				t.Fatalf("target %s, model %d: %v", target, i, err)
			}
			fs, err := Lint("compiled.cfg", cfg, target)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				if target == "2.4" && f.Rule == RuleDeprecated {
					continue
				}
				t.Errorf("target %s, model %d: %v\n%s", target, i, f, cfg)
				return
			}
		}
	}
}
