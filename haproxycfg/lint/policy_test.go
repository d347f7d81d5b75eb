package lint_test

import (
	"testing"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg/lint"
)

// TestRulesSeverityPolicy: every cfg rule records its basis under the
// severity policy and why, and its severity is the one the basis gives.
func TestRulesSeverityPolicy(t *testing.T) {
	for _, err := range finding.Catalogue(lint.Rules()).Check() {
		t.Error(err)
	}
}
