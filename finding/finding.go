// Package finding defines the one type every lbconf check reports: a
// Finding, carrying the rule that fired, its severity, where it points (file,
// line, column and, for listener documents, an RFC 6901 JSON pointer) and a
// message that says what is allowed.
//
// Checks produce findings; the report package formats them. Neither knows
// about the other.
package finding

import (
	"fmt"
	"sort"

	"github.com/lbconf/lbconf/internal/safetext"
)

// Severity says whether a finding blocks (Error) or only advises (Warning).
type Severity int

// Severities, from most to least severe.
const (
	Error Severity = iota
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText makes a Severity encode as "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses "error" or "warning".
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "error":
		*s = Error
	case "warning":
		*s = Warning
	default:
		return fmt.Errorf("unknown severity %q: want error or warning", b)
	}
	return nil
}

// Finding is one problem found in one file.
type Finding struct {
	// File is the path as the user gave it ("-" for standard input).
	File string `json:"file"`
	// Line and Col are 1-based; Col counts characters (runes), not bytes.
	// Zero means unknown.
	Line int `json:"line"`
	Col  int `json:"col"`
	// Severity is error or warning.
	Severity Severity `json:"severity"`
	// Rule is the stable rule name, e.g. "listener-port".
	Rule string `json:"rule"`
	// Message says what is wrong and what is allowed.
	Message string `json:"message"`
	// Pointer is the RFC 6901 JSON pointer of the value, for listener
	// documents ("" for the whole document and for haproxy.cfg input).
	Pointer string `json:"pointer,omitempty"`
}

// Escaped returns the finding with the non-printable characters of its
// texts escaped (strconv.Quote style): file names, messages quoting input
// and pointers to keys may hold anything the input held.
func (f Finding) Escaped() Finding {
	f.File = safetext.Escape(f.File)
	f.Rule = safetext.Escape(f.Rule)
	f.Message = safetext.Escape(f.Message)
	f.Pointer = safetext.Escape(f.Pointer)
	return f
}

// String renders the finding as FILE:LINE:COL: SEVERITY RULE: MESSAGE
// (POINTER), escaped.
func (f Finding) String() string {
	f = f.Escaped()
	s := fmt.Sprintf("%s:%d:%d: %s %s: %s", f.File, f.Line, f.Col, f.Severity, f.Rule, f.Message)
	if f.Pointer != "" {
		s += " (" + f.Pointer + ")"
	}
	return s
}

// Sort orders findings by file, line, column, then rule and message, so that
// output is stable whatever order the checks ran in.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		if a.Pointer != b.Pointer {
			return a.Pointer < b.Pointer
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
}

// HasErrors reports whether any finding is an error.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// Rule describes one rule for catalogues (`lbconf rules`, SARIF metadata).
type Rule struct {
	// Name is the stable rule name.
	Name string `json:"name"`
	// Severity is the severity its findings carry.
	Severity Severity `json:"severity"`
	// Input is what the rule checks: "listeners" (JSON/YAML documents) or
	// "cfg" (haproxy.cfg).
	Input string `json:"input"`
	// Summary is a one-line explanation.
	Summary string `json:"summary"`
}

// Catalogue is a list of rules, as a checking package declares them.
type Catalogue []Rule

// Severity returns the severity of the named rule; a name the catalogue
// does not hold is an Error.
func (c Catalogue) Severity(name string) Severity {
	for _, r := range c {
		if r.Name == name {
			return r.Severity
		}
	}
	return Error
}

// WithInput returns a copy of the catalogue whose rules say they check
// input ("listeners" or "cfg").
func (c Catalogue) WithInput(input string) []Rule {
	out := make([]Rule, len(c))
	for i, r := range c {
		r.Input = input
		out[i] = r
	}
	return out
}

// MaxPerFile is how many findings of one file are reported; Limit replaces
// the rest with one RuleTooMany finding.
const MaxPerFile = 1000

// RuleTooMany names the finding that stands for findings not shown.
const RuleTooMany = "too-many-findings"

// Rules is the catalogue of this package's own rule.
func Rules() []Rule {
	return []Rule{{Name: RuleTooMany, Severity: Error, Input: "any", Summary: fmt.Sprintf(
		"a file has more than %d findings; the rest are counted in one finding (its severity is the worst of them)", MaxPerFile)}}
}

// Limit keeps the first max findings of each file of fs, which must be
// sorted (Sort), and replaces the rest of a file with one RuleTooMany
// finding after them: "N more findings ...", as severe as the worst one
// dropped, so that the verdict does not change.
func Limit(fs []Finding, max int) []Finding {
	var out []Finding
	for start := 0; start < len(fs); {
		end := start
		for end < len(fs) && fs[end].File == fs[start].File {
			end++
		}
		if end-start <= max {
			out = append(out, fs[start:end]...)
			start = end
			continue
		}
		out = append(out, fs[start:start+max]...)
		more := fs[start+max]
		more.Severity, more.Pointer = Warning, ""
		if HasErrors(fs[start+max : end]) {
			more.Severity = Error
		}
		more.Rule = RuleTooMany
		more.Message = fmt.Sprintf("%d more findings in this file are not shown (at most %d per file); fix the ones above and run again", end-start-max, max)
		out = append(out, more)
		start = end
	}
	return out
}
