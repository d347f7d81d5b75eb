package compiler_test

import (
	"strings"
	"testing"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/model"
)

// Compile refuses targets newer than the layout is checked for: 3.1's
// manual drops the documented option accept-invalid-http-request/-response,
// so their output would fail lint for the same target.
func TestTargetNewerThanLayout(t *testing.T) {
	l := &model.Listeners{}
	if _, err := compiler.Compile(l, compiler.Options{Target: compiler.LatestTarget().String()}); err != nil {
		t.Fatalf("the latest target: %v", err)
	}
	for _, target := range []string{"3.1", "3.2", "4.0"} {
		_, err := compiler.Compile(l, compiler.Options{Target: target})
		if err == nil || !strings.Contains(err.Error(), "use --target 3.0 or earlier") {
			t.Errorf("target %s: %v", target, err)
		}
	}
}
