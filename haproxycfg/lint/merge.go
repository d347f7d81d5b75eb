package lint

import "github.com/lbconf/lbconf/finding"

// Merge adds the findings of a real `haproxy -c` run (package haproxycfg/check)
// to lint's own, deduplicated: haproxy's finding at a line where lint already
// reports something at least as severe is left out (lint's message says what
// to do), and haproxy's repeated messages are kept once. The result is
// sorted.
func Merge(own, haproxy []finding.Finding) []finding.Finding {
	type at struct {
		file string
		line int
	}
	worst := map[at]finding.Severity{}
	for _, f := range own {
		k := at{f.File, f.Line}
		if s, ok := worst[k]; !ok || s != finding.Error {
			worst[k] = f.Severity
		}
	}
	out := append([]finding.Finding(nil), own...)
	seen := map[finding.Finding]bool{}
	for _, f := range haproxy {
		if s, ok := worst[at{f.File, f.Line}]; ok && f.Line > 0 && (s == finding.Error || f.Severity == finding.Warning) {
			continue
		}
		if seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, f)
	}
	finding.Sort(out)
	return out
}
