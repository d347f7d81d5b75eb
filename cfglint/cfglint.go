// Package cfglint checks haproxy.cfg text against the cfg rules of lbconf
// (SPEC section 2): lines the parser cannot read, backends that do not exist,
// binds that collide or use reserved ports, directives the target HAProxy
// version refuses or deprecates, proxies without timeouts, and the stats
// password printed in the public API documentation.
//
// It parses with haproxytech/config-parser/v5 through package cfgparse and
// reads the text itself where config-parser is silent (unknown bind and
// server options, repeated keywords), so every finding has a line and a
// column.
package cfglint

import (
	"fmt"
	"strings"

	"github.com/lbconf/lbconf/cfgparse"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxyver"
)

// Rule names. They are stable: scripts and SARIF consumers key on them.
const (
	RuleUnknownDirective = "cfg-unknown-directive"
	RuleUnknownOption    = "cfg-unknown-option"
	RuleArguments        = "cfg-arguments"
	RuleMissingBackend   = "cfg-missing-backend"
	RuleDuplicateProxy   = "cfg-duplicate-proxy"
	RuleDuplicateBind    = "cfg-duplicate-bind"
	RuleReservedPort     = "cfg-reserved-port"
	RuleTarget           = "cfg-target"
	RuleDeprecated       = "cfg-deprecated"
	RuleTimeouts         = "cfg-timeouts"
	RuleStatsPort        = "cfg-stats-port"
	RuleRepeated         = "cfg-repeated-directive"
	RuleIgnored          = "cfg-ignored-directive"
	RulePublicPassword   = "cfg-public-password"
)

// catalogue lists the rules in the order `lbconf rules` prints them.
var catalogue = finding.Catalogue{
	{Name: RuleUnknownDirective, Severity: finding.Error, Summary: "every line must be a directive the parser knows in its section, with arguments it can read"},
	{Name: RuleUnknownOption, Severity: finding.Error, Summary: "bind and server lines may carry only options HAProxy knows (the parser drops others silently)"},
	{Name: RuleArguments, Severity: finding.Error, Summary: "single-value directives (maxconn, mode, timeout ..., default_backend ...) take one argument (the parser ignores extra ones silently)"},
	{Name: RuleMissingBackend, Severity: finding.Error, Summary: "default_backend and use_backend must name a backend or listen section of the file"},
	{Name: RuleDuplicateProxy, Severity: finding.Error, Summary: "two frontends, two backends, or a listen and another proxy cannot share a name"},
	{Name: RuleDuplicateBind, Severity: finding.Error, Summary: "two proxies cannot bind one address:port (0.0.0.0, * and an empty address are every address and collide with any address on that port)"},
	{Name: RuleReservedPort, Severity: finding.Error, Summary: "ports 22, 1080, 9100 and 9101 are reserved by the platform and cannot be bound"},
	{Name: RuleTarget, Severity: finding.Error, Summary: "directives the target HAProxy version refuses (nbproc on 2.5+; option forceclose on 2.0+; option http-tunnel, req*/rsp*, block, clitimeout/contimeout/srvtimeout on 2.1+)"},
	{Name: RuleDeprecated, Severity: finding.Warning, Summary: "directives the target HAProxy version deprecates (nbproc on 2.3 and 2.4)"},
	{Name: RuleTimeouts, Severity: finding.Warning, Summary: "every proxy needs client (frontend side) and connect and server (backend side) timeouts, in the section or its defaults"},
	{Name: RuleStatsPort, Severity: finding.Warning, Summary: "port 1081 is the instance's status page: only listen status may bind it"},
	{Name: RuleRepeated, Severity: finding.Warning, Summary: "a single-value directive set twice in a section: only the last line counts"},
	{Name: RuleIgnored, Severity: finding.Warning, Summary: "a timeout of the other side (timeout server in a frontend, timeout client in a backend) is ignored by HAProxy"},
	{Name: RulePublicPassword, Severity: finding.Warning, Summary: "the stats password printed in the public API documentation must not be used"},
}

// Rules returns the catalogue of haproxy.cfg rules (Input "cfg").
func Rules() []finding.Rule {
	rules := catalogue.WithInput("cfg")
	for i := range rules {
		if p, ok := policy[rules[i].Name]; ok {
			rules[i].Basis, rules[i].Why = p.basis, p.why
		}
	}
	return rules
}

// DefaultTarget is the HAProxy version checked against when Lint is given
// "": 2.4, what the product sells.
const DefaultTarget = haproxyver.DefaultTarget

// PublicPassword is the stats password printed in the public API
// documentation's sample config.
const PublicPassword = "h0jMl0ka0df71WGI1"

// Lint checks haproxy.cfg text for target (a HAProxy version: "1.8",
// "2.4", "2.6"...; "" means DefaultTarget). file names the text in findings.
// Findings are sorted. The error is for an unusable target or text the
// parser cannot read at all (a line longer than 64 KiB).
func Lint(file string, text []byte, target string) ([]finding.Finding, error) {
	if target == "" {
		target = DefaultTarget
	}
	v, err := haproxyver.ParseTarget(target)
	if err != nil {
		return nil, fmt.Errorf("cfglint: %w", err)
	}
	f, err := cfgparse.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("cfglint: %s: %w", file, err)
	}
	l := &linter{file: file, target: v, f: f}
	l.run()
	finding.Sort(l.out)
	return l.out, nil
}

// linter holds one Lint call.
type linter struct {
	file   string
	target haproxyver.Version
	f      *cfgparse.File
	out    []finding.Finding
}

func (l *linter) add(rule string, line, col int, format string, args ...any) {
	l.out = append(l.out, finding.Finding{
		File: l.file, Line: line, Col: col, Severity: catalogue.Severity(rule), Rule: rule,
		Message: fmt.Sprintf(format, args...),
	})
}

func (l *linter) run() {
	for _, s := range l.f.Sections {
		l.section(s)
	}
	l.proxies()
	l.binds()
}

// section runs the per-line rules of one section.
func (l *linter) section(s *cfgparse.Section) {
	switch {
	case s.Kind == "":
		for _, d := range s.Directives {
			l.add(RuleUnknownDirective, d.Line, d.Col(0), "`%s` is outside any section: HAProxy refuses directives before the first section header", d)
		}
		return
	case !s.Known:
		l.add(RuleUnknownDirective, s.Header.Num, 1, "section `%s` is not a kind the parser knows, so its lines are not checked; HAProxy %s may refuse it", s.Kind, l.target)
		return
	case s.IsProxy() && s.Name == "":
		l.add(RuleUnknownDirective, s.Header.Num, 1, "a %s section needs a name", s.Kind)
	}
	for _, d := range s.Directives {
		if l.versioned(s, d) {
			continue
		}
		switch {
		case d.Keyword == "" && len(d.Fields) >= 2 && d.Fields[0] == "timeout" && timeoutNames[d.Fields[1]] && (s.Kind == "frontend" || s.Kind == "backend"):
			other := "backend"
			if s.Kind == "backend" {
				other = "frontend"
			}
			l.add(RuleIgnored, d.Line, d.Col(0), "`%s` is ignored in %s: a %s has no %s side", d, s.Label(), s.Kind, other)
			continue
		case d.Keyword == "":
			l.add(RuleUnknownDirective, d.Line, d.Col(0), "`%s` is not a directive the parser knows in a %s section", d, s.Kind)
			continue
		case d.Keyword == "cookie":
			// Read here: config-parser refuses time units on
			// maxidle/maxlife, which HAProxy takes, and ignores
			// unknown words.
			if i := cookieBad(d.Fields); i >= 0 {
				l.add(RuleUnknownOption, d.Line, d.Col(i), "`%s` is not a cookie option HAProxy knows, or lacks its value (in `cookie %s`, %s)", d.Fields[min(i, len(d.Fields)-1)], d.Fields[min(1, len(d.Fields)-1)], s.Label())
			}
		case d.Unprocessed:
			l.add(RuleUnknownDirective, d.Line, d.Col(0), "the parser cannot read the arguments of `%s` in %s", d, s.Label())
			continue
		}
		if n, ok := oneArgument(s.Kind, d.Keyword); ok && len(d.Fields) > n+1 {
			l.add(RuleArguments, d.Line, d.Col(n+1), "`%s` in %s: %s takes one argument; HAProxy refuses the rest (the parser ignores it)", d, s.Label(), d.Keyword)
		}
		if d.OverriddenBy != 0 {
			l.add(RuleRepeated, d.Line, d.Col(0), "`%s` is set again at line %d in %s; only the last line counts", d, d.OverriddenBy, s.Label())
		}
		switch d.Keyword {
		case "bind", "server", "default-server":
			l.options(s, d)
		}
		if i := indexContaining(d.Fields, PublicPassword); i >= 0 {
			l.add(RulePublicPassword, d.Line, d.Col(i), "`%s` uses the stats password printed in the public API documentation: anyone can read it; set your own (compile --stats-auth)", d.Fields[0]+" "+strings.Join(d.Fields[1:i], " "))
		}
	}
}

// timeoutNames are HAProxy's timeout kinds; config-parser has no parser
// for those that do not apply to a section.
var timeoutNames = map[string]bool{
	"check": true, "client": true, "client-fin": true, "connect": true, "http-keep-alive": true,
	"http-request": true, "queue": true, "server": true, "server-fin": true, "tarpit": true, "tunnel": true,
}

func indexContaining(words []string, s string) int {
	for i, w := range words {
		if strings.Contains(w, s) {
			return i
		}
	}
	return -1
}

// options reports bind and server options config-parser does not know: it
// drops them silently, HAProxy refuses them.
func (l *linter) options(s *cfgparse.Section, d *cfgparse.Directive) {
	kind, start := "bind", 2
	switch d.Keyword {
	case "server":
		kind, start = "server", 3
	case "default-server":
		kind, start = "server", 1
	}
	w := d.Fields
	where := strings.Join(w[:start], " ")
	for i := start; i < len(w); {
		n, known := cfgparse.OptionWidth(kind, w[i:])
		if !known {
			l.add(RuleUnknownOption, d.Line, d.Col(i), "`%s` is not a %s option HAProxy knows (in `%s ...`, %s)", w[i], kind, where, s.Label())
		}
		i += n
	}
}

// cookieBad checks a cookie line the way HAProxy reads it: a name, then
// known keywords; maxidle and maxlife take a time with an optional unit. It
// returns the index of the first bad word, or -1.
func cookieBad(w []string) int {
	if len(w) < 2 {
		return len(w)
	}
	for i := 2; i < len(w); i++ {
		switch w[i] {
		case "rewrite", "insert", "prefix", "indirect", "nocache", "postonly", "preserve", "httponly", "secure", "dynamic":
		case "domain", "attr":
			if i+1 >= len(w) {
				return i
			}
			i++
		case "maxidle", "maxlife":
			if i+1 >= len(w) || !isTime(w[i+1]) {
				return i
			}
			i++
		default:
			return i
		}
	}
	return -1
}

// oneArgument says how many words a keyword (config-parser's name, which
// may be two words) is, for the directives that take exactly one argument
// in a section of kind.
func oneArgument(kind, kw string) (words int, ok bool) {
	switch kw {
	case "maxconn", "fullconn", "mode", "default_backend", "nbproc", "nbthread", "retries":
		return 1, true
	case "user", "group", "chroot":
		return 1, kind == "global"
	}
	if strings.HasPrefix(kw, "timeout ") {
		return 2, true
	}
	return 0, false
}

// isTime reports whether s is a HAProxy time: digits and an optional unit.
func isTime(s string) bool {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return false
	}
	switch s[i:] {
	case "", "us", "ms", "s", "m", "h", "d":
		return true
	}
	return false
}
