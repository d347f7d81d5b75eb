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

// Sort orders findings by file, line, column, then pointer, rule and
// message (Less), so that output is stable whatever order the checks ran in.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return Less(fs[i], fs[j]) })
}

// Less is the order of Sort: file, then a file's RuleTooMany finding after
// all its others (it stands for the findings after them), then line,
// column, pointer, rule and message.
func Less(a, b Finding) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if ma, mb := a.Rule == RuleTooMany, b.Rule == RuleTooMany; ma != mb {
		return mb
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
// dropped, so that the verdict does not change. A RuleTooMany finding
// already in fs (from a Bounded collector) counts the findings it stands
// for into N.
func Limit(fs []Finding, max int) []Finding {
	var out []Finding
	for start := 0; start < len(fs); {
		end := start
		for end < len(fs) && fs[end].File == fs[start].File {
			end++
		}
		// Sorted: a file's RuleTooMany findings come after its others.
		shown := start
		for shown < end && fs[shown].Rule != RuleTooMany {
			shown++
		}
		hidden, hiddenErr := 0, false
		var first *Finding
		for i := shown; i < end; i++ {
			hidden += tooManyCount(fs[i].Message)
			hiddenErr = hiddenErr || fs[i].Severity == Error
			if first == nil {
				first = &fs[i]
			}
		}
		if shown-start > max {
			dropped := fs[start+max : shown]
			first = &dropped[0]
			hidden += len(dropped)
			hiddenErr = hiddenErr || HasErrors(dropped)
			shown = start + max
		}
		out = append(out, fs[start:shown]...)
		if first != nil {
			out = append(out, tooMany(*first, hidden, hiddenErr, max))
		}
		start = end
	}
	return out
}

// tooManyFormat is the message of a RuleTooMany finding.
const tooManyFormat = "%d more findings in this file are not shown (at most %d per file); fix the ones above and run again"

// tooMany is the RuleTooMany finding standing for n findings from first
// on, an error when any of them is one.
func tooMany(first Finding, n int, anyError bool, max int) Finding {
	more := first
	more.Severity, more.Pointer = Warning, ""
	if anyError {
		more.Severity = Error
	}
	more.Rule = RuleTooMany
	more.Message = fmt.Sprintf(tooManyFormat, n, max)
	return more
}

// tooManyCount is the N of a RuleTooMany finding's message.
func tooManyCount(msg string) int {
	var n, max int
	if _, err := fmt.Sscanf(msg, tooManyFormat, &n, &max); err != nil {
		return 0
	}
	return n
}

// Bounded collects the findings of one file in bounded memory: it keeps
// the first Max in the order of Sort and counts the rest, so that a
// document with a million bad values holds 1,000 findings, not a million.
// The zero value keeps MaxPerFile.
type Bounded struct {
	// Max is how many findings are kept; 0 means MaxPerFile.
	Max int

	heap     []Finding // the Max+1 first findings so far, a max-heap by Less
	n        int       // findings added
	evictErr bool      // an evicted finding was an error
}

// Add collects f.
func (b *Bounded) Add(f Finding) {
	max := b.max()
	b.n++
	if len(b.heap) <= max {
		b.heap = append(b.heap, f)
		b.up(len(b.heap) - 1)
		return
	}
	// Full: f replaces the last kept finding when it comes before it.
	if !Less(f, b.heap[0]) {
		b.evictErr = b.evictErr || f.Severity == Error
		return
	}
	b.evictErr = b.evictErr || b.heap[0].Severity == Error
	b.heap[0] = f
	b.down(0)
}

// Len is how many findings were added.
func (b *Bounded) Len() int { return b.n }

// Findings returns the kept findings sorted (Sort), followed, when more
// were added, by one RuleTooMany finding standing for the rest, as Limit
// writes it.
func (b *Bounded) Findings() []Finding {
	out := append([]Finding(nil), b.heap...)
	Sort(out)
	max := b.max()
	if b.n <= max {
		return out
	}
	dropped := b.n - max
	anyErr := b.evictErr || out[max].Severity == Error
	return append(out[:max], tooMany(out[max], dropped, anyErr, max))
}

func (b *Bounded) max() int {
	if b.Max > 0 {
		return b.Max
	}
	return MaxPerFile
}

func (b *Bounded) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !Less(b.heap[p], b.heap[i]) {
			return
		}
		b.heap[p], b.heap[i] = b.heap[i], b.heap[p]
		i = p
	}
}

func (b *Bounded) down(i int) {
	for {
		l, big := 2*i+1, i
		if l < len(b.heap) && Less(b.heap[big], b.heap[l]) {
			big = l
		}
		if r := l + 1; r < len(b.heap) && Less(b.heap[big], b.heap[r]) {
			big = r
		}
		if big == i {
			return
		}
		b.heap[i], b.heap[big] = b.heap[big], b.heap[i]
		i = big
	}
}
