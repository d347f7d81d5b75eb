// Package docs holds lbconf's generated documentation, embedded so that the
// binary can print it: rules.md, one section per rule, is what
// `lbconf rules RULE` prints and what SARIF helpUri points at.
//
// rules.md is generated from the rule catalogue and the rule test cases by
// `go test ./cmd/lbconf -run TestRulesDoc -update`; a test fails when it is
// out of date.
package docs

import (
	_ "embed"
	"strings"
)

// RulesMarkdown is docs/rules.md.
//
//go:embed rules.md
var RulesMarkdown string

// RuleSection returns the section of rules.md about rule (from its
// "## rule" heading to the next one), or "" when there is none.
func RuleSection(rule string) string {
	head := "\n## " + rule + "\n"
	i := strings.Index(RulesMarkdown, head)
	if i < 0 {
		return ""
	}
	s := RulesMarkdown[i+1:]
	if j := strings.Index(s[len(head)-1:], "\n## "); j >= 0 {
		s = s[:len(head)-1+j+1]
	}
	return strings.TrimRight(s, "\n") + "\n"
}
