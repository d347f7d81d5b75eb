// Package suppress reads lbconf's inline suppression comments in YAML
// listener documents and haproxy.cfg files and drops the findings they
// silence:
//
//	MaxConn: 200000   # lbconf-disable-line maxconn-over-global
//	# lbconf-disable cfg-deprecated
//
// lbconf-disable-line silences the named rules (comma or space separated)
// on its own line. lbconf-disable silences them from its line to the end
// of the section: in haproxy.cfg until the next section keyword, in YAML
// until the next line indented less than the comment (for a comment at
// the left margin, the rest of the file). A rule name the catalogue does
// not hold is itself reported (rule suppression-unknown-rule), so a typo
// does not silently silence nothing. JSON has no comments.
package suppress

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg"
)

// RuleUnknown is the rule of a suppression comment naming no known rule.
const RuleUnknown = "suppression-unknown-rule"

var catalogue = finding.Catalogue{
	{Name: RuleUnknown, Severity: finding.Warning, Basis: finding.LikelyMistake,
		Why:     "a misspelt rule name in a suppression comment silences nothing, so the finding it meant to silence still appears; the comment itself harms nothing",
		Summary: "an lbconf-disable or lbconf-disable-line comment must name rules lbconf has (lbconf rules lists them)"},
}

// Rules is the package's catalogue.
func Rules() []finding.Rule { return catalogue.WithInput("listeners, cfg") }

// The comment keywords.
const (
	keywordLine    = "lbconf-disable-line"
	keywordSection = "lbconf-disable"
)

// span silences rule from line From to line To (inclusive).
type span struct {
	rule     string
	from, to int
}

// Set is the suppressions of one file.
type Set struct{ spans []span }

// Scan reads the suppression comments of text, a YAML document or (cfg
// true) a haproxy.cfg, and reports those naming rules known does not
// accept as findings of file.
func Scan(file string, text []byte, cfg bool, known func(rule string) bool) (Set, []finding.Finding) {
	lines := strings.Split(string(text), "\n")
	var set Set
	var fs []finding.Finding
	for i, line := range lines {
		col, comment, ok := findComment(line, cfg)
		if !ok {
			continue
		}
		body := strings.TrimSpace(strings.TrimLeft(comment, "#"))
		var kw string
		switch {
		case strings.HasPrefix(body, keywordLine+" "), body == keywordLine:
			kw = keywordLine
		case strings.HasPrefix(body, keywordSection+" "), body == keywordSection:
			kw = keywordSection
		default:
			continue
		}
		rules := strings.FieldsFunc(body[len(kw):], func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
		lineNo := i + 1
		if len(rules) == 0 {
			fs = append(fs, finding.Finding{File: file, Line: lineNo, Col: col, Severity: catalogue.Severity(RuleUnknown), Rule: RuleUnknown,
				Message: fmt.Sprintf("%s names no rule: write `# %s RULE` (lbconf rules lists them)", kw, kw)})
			continue
		}
		to := lineNo
		if kw == keywordSection {
			to = sectionEnd(lines, i, cfg)
		}
		for _, r := range rules {
			if !known(r) {
				fs = append(fs, finding.Finding{File: file, Line: lineNo, Col: col, Severity: catalogue.Severity(RuleUnknown), Rule: RuleUnknown,
					Message: fmt.Sprintf("%s names %q, which is no lbconf rule (lbconf rules lists them); nothing is silenced by it", kw, r)})
				continue
			}
			set.spans = append(set.spans, span{rule: r, from: lineNo, to: to})
		}
	}
	return set, fs
}

// Filter drops the findings the set silences.
func (s Set) Filter(fs []finding.Finding) []finding.Finding {
	if len(s.spans) == 0 {
		return fs
	}
	out := fs[:0:0]
next:
	for _, f := range fs {
		for _, sp := range s.spans {
			if f.Rule == sp.rule && f.Line >= sp.from && f.Line <= sp.to {
				continue next
			}
		}
		out = append(out, f)
	}
	return out
}

// findComment returns the comment of a line and its 1-based column in
// characters: a '#' outside quotes that, in YAML, starts the line or
// follows a space or tab, and in haproxy.cfg is not escaped.
func findComment(line string, cfg bool) (col int, comment string, ok bool) {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' {
				i++
			}
		case cfg && c == '\\':
			i++
		case c == '"' || c == '\'':
			if cfg || i == 0 || line[i-1] == ' ' || line[i-1] == '\t' || line[i-1] == ':' || line[i-1] == '-' || line[i-1] == '[' || line[i-1] == ',' {
				quote = c
			}
		case c == '#':
			if cfg || i == 0 || line[i-1] == ' ' || line[i-1] == '\t' {
				return utf8.RuneCountInString(line[:i]) + 1, line[i:], true
			}
		}
	}
	return 0, "", false
}

// sectionEnd is the last line (1-based) a section-wide comment on line i
// (0-based) covers.
func sectionEnd(lines []string, i int, cfg bool) int {
	if cfg {
		for j := i + 1; j < len(lines); j++ {
			if w := haproxycfg.Fields(lines[j]); len(w) > 0 && haproxycfg.IsSectionKeyword(w[0]) {
				return j // the line before the next section, 1-based
			}
		}
		return len(lines)
	}
	indent := indentOf(lines[i])
	for j := i + 1; j < len(lines); j++ {
		t := strings.TrimSpace(lines[j])
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if indentOf(lines[j]) < indent {
			return j
		}
	}
	return len(lines)
}

func indentOf(s string) int {
	return len(s) - len(strings.TrimLeft(s, " \t"))
}

// HasComments reports whether text may hold suppression comments, to skip
// the scan of files without any.
func HasComments(text []byte) bool { return bytes.Contains(text, []byte("lbconf-disable")) }
