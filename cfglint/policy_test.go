package cfglint_test

import (
	"testing"

	"github.com/lbconf/lbconf/cfglint"
	"github.com/lbconf/lbconf/finding"
)

// TestRulesSeverityPolicy: every cfg rule records its basis under the
// severity policy and why, and its severity is the one the basis gives.
func TestRulesSeverityPolicy(t *testing.T) {
	for _, err := range finding.Catalogue(cfglint.Rules()).Check() {
		t.Error(err)
	}
}
