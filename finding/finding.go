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
	s := fmt.Sprintf("%s: %s %s: %s", f.Where(), f.Severity, f.Rule, f.Message)
	if f.Pointer != "" {
		s += " (" + f.Pointer + ")"
	}
	return s
}

// Where is FILE:LINE:COL, or FILE alone for a finding about no line (never
// a made-up ":0:0").
func (f Finding) Where() string {
	if f.Line <= 0 {
		return f.File
	}
	return fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Col)
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
	// Basis is why the rule has its severity, under the severity policy
	// (README.md, "Severity policy": an error is what the API or HAProxy
	// refuses or what misbehaves; a documented constraint the platform does
	// not enforce, or a likely mistake, is a warning): which kind it is.
	Basis Basis `json:"basis,omitempty"`
	// Why is one sentence of evidence for Basis: what the API or HAProxy
	// does with such a value, or where the platform itself breaks the
	// documented constraint.
	Why string `json:"why,omitempty"`
}

// Basis is the kind of a rule under the severity policy: an error is what
// the API would refuse, what HAProxy would refuse, or what would make the
// instance misbehave; a documented constraint the platform demonstrably does
// not enforce is a warning that names the documented rule, and so is a valid
// value that is likely a mistake.
type Basis string

// The bases of the severity policy.
const (
	// APIRefuses: the cloud API refuses the request (error).
	APIRefuses Basis = "api-refuses"
	// HAProxyRefuses: HAProxy refuses the config (error).
	HAProxyRefuses Basis = "haproxy-refuses"
	// Misbehaves: accepted, but the instance would misbehave or the config
	// would be unsafe (error).
	Misbehaves Basis = "misbehaves"
	// NotEnforced: a documented constraint the platform or its official
	// clients demonstrably break (warning naming the documented rule).
	NotEnforced Basis = "doc-not-enforced"
	// LikelyMistake: valid and working, but probably not what was meant
	// (warning).
	LikelyMistake Basis = "likely-mistake"
)

// Severity is the severity the policy gives rules of this basis.
func (b Basis) Severity() Severity {
	switch b {
	case NotEnforced, LikelyMistake:
		return Warning
	}
	return Error
}

// Check reports catalogue entries that break the severity policy: a
// missing name, Basis or Why, a severity other than the basis gives, or a
// name declared twice. It returns nil for a sound catalogue.
func (c Catalogue) Check() []error {
	var errs []error
	seen := map[string]bool{}
	for _, r := range c {
		switch {
		case r.Name == "":
			errs = append(errs, fmt.Errorf("a rule without a name (summary %q)", r.Summary))
		case seen[r.Name]:
			errs = append(errs, fmt.Errorf("rule %s is declared twice", r.Name))
		case r.Basis == "" || r.Why == "":
			errs = append(errs, fmt.Errorf("rule %s: Basis and Why must say why it is an %s", r.Name, r.Severity))
		case r.Basis.Severity() != r.Severity:
			errs = append(errs, fmt.Errorf("rule %s: basis %s makes it an %s, not an %s", r.Name, r.Basis, r.Basis.Severity(), r.Severity))
		}
		seen[r.Name] = true
	}
	return errs
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
	return []Rule{{Name: RuleTooMany, Severity: Error, Input: "any", Basis: Misbehaves,
		Why: "it stands for the findings not shown and carries the worst of their severities, so the verdict is theirs: an error when any hidden finding is one", Summary: fmt.Sprintf(
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
