// Package lint checks haproxy.cfg text against the cfg rules of lbconf
// (`lbconf rules` lists them), grounded in HAProxy's own facts: the keyword tables of
// its configuration manual per version (package haproxycfg/keywords) decide
// whether a keyword is known, in the wrong section, deprecated, removed in
// the target or newer than it. Lines are read as HAProxy reads them
// (package haproxycfg: quotes, escapes, ${VAR}, comments, .if blocks
// evaluated for the target). It also reports backends that do not exist,
// identical binds in two proxies, reserved ports, addresses on proxy lines,
// proxies with servers but without timeouts, and the stats password printed
// in the public API documentation.
//
// config-parser (through package haproxycfg/parse) still types values and links
// proxies to their defaults, but what it cannot parse is not an error by
// itself: HAProxy's grammar is. Every finding has a line and a column.
package lint

import (
	"fmt"
	"strings"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg"
	"github.com/lbconf/lbconf/haproxycfg/parse"
	"github.com/lbconf/lbconf/haproxycfg/version"
	"github.com/lbconf/lbconf/model"
)

// Rule names. They are stable: scripts and SARIF consumers key on them.
const (
	RuleSyntax           = "cfg-syntax"
	RuleConditional      = "cfg-conditional"
	RuleDiagnostic       = "cfg-diagnostic"
	RuleUnknownDirective = "cfg-unknown-directive"
	RuleWrongSection     = "cfg-wrong-section"
	RuleProxyAddress     = "cfg-proxy-address"
	RuleBindAddress      = "cfg-bind-address"
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
	{Name: RuleSyntax, Severity: finding.Error, Summary: "lines HAProxy cannot read: an unmatched quote, `${` without `}`, more than 64 words, a NUL character (2.3+), a last line without a newline (2.3+)"},
	{Name: RuleConditional, Severity: finding.Error, Summary: "conditional blocks (.if/.elif/.else/.endif) need HAProxy 2.4+ and must be well formed and closed; an active .alert stops HAProxy"},
	{Name: RuleDiagnostic, Severity: finding.Warning, Summary: "an active .warning, or an .alert in a block whose condition depends on the environment or build"},
	{Name: RuleUnknownDirective, Severity: finding.Error, Summary: "every keyword must be in the target's HAProxy manual: one in no version is a typo (did-you-mean), one removed before the target or added after it is refused"},
	{Name: RuleWrongSection, Severity: finding.Error, Summary: "a keyword in a section that cannot hold it (defaults, global, or server lines in a frontend): HAProxy refuses it"},
	{Name: RuleUnknownOption, Severity: finding.Error, Summary: "bind and server options must be in the target's manual, with their value"},
	{Name: RuleProxyAddress, Severity: finding.Error, Summary: "an address on a frontend or listen line (`listen stats :1936`) is refused since HAProxy 2.0: use a bind line"},
	{Name: RuleBindAddress, Severity: finding.Error, Summary: "a bind address HAProxy refuses: a missing or invalid port, an address family prefix the target does not know"},
	{Name: RuleArguments, Severity: finding.Error, Summary: "single-value directives (maxconn, mode, timeout ..., default_backend ...) take one argument (the parser ignores extra ones silently)"},
	{Name: RuleMissingBackend, Severity: finding.Error, Summary: "default_backend and use_backend must name a backend or listen section of the file"},
	{Name: RuleDuplicateProxy, Severity: finding.Error, Summary: "two frontends, two backends, or a listen and another proxy cannot share a name"},
	{Name: RuleDuplicateBind, Severity: finding.Error, Summary: "two proxies cannot bind one identical address:port (they would share its connections at random; a wildcard and a specific address on one port are fine: the specific one wins)"},
	{Name: RuleReservedPort, Severity: finding.Error, Summary: "ports " + model.ReservedPortsText() + " are reserved by the platform and cannot be bound"},
	{Name: RuleTarget, Severity: finding.Error, Summary: "directives the target HAProxy version refuses, measured on real binaries (nbproc, option forceclose and option http-tunnel on 2.5+; req*/rsp*, block, clitimeout/contimeout/srvtimeout on 2.1+)"},
	{Name: RuleDeprecated, Severity: finding.Warning, Summary: "directives the target HAProxy version deprecates (the manual's matrix, nbproc on 2.3 and 2.4), and what 2.2 only warns about (a NUL, a missing final newline)"},
	{Name: RuleTimeouts, Severity: finding.Warning, Summary: "a proxy needs a client timeout (frontend side), and connect and server timeouts when it has servers, in the section or its defaults: HAProxy warns otherwise"},
	{Name: RuleStatsPort, Severity: finding.Warning, Summary: "port 1081 is the instance's status page: only listen status may bind it"},
	{Name: RuleRepeated, Severity: finding.Warning, Summary: "a single-value directive set twice in a section: only the last line counts"},
	{Name: RuleIgnored, Severity: finding.Warning, Summary: "a keyword of the other side (timeout server or balance in a frontend, timeout client or capture in a backend) is ignored by HAProxy, which warns"},
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
const DefaultTarget = version.DefaultTarget

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
	v, err := version.ParseTarget(target)
	if err != nil {
		return nil, fmt.Errorf("cfglint: %w", err)
	}
	return lint(file, text, v)
}

// lint checks text for any version (the corpus test also checks against
// 2.2, which is no target but is a binary CI runs).
func lint(file string, text []byte, v version.Version) ([]finding.Finding, error) {
	l := &linter{file: file, target: v, g: newGrammar(v), dupSections: map[*parse.Section]bool{}}
	l.sc = l.scan(text)
	f, err := parse.Parse(l.sc.text)
	if err != nil {
		return nil, fmt.Errorf("cfglint: %s: %w", file, err)
	}
	l.f = f
	l.run()
	finding.Sort(l.out)
	return l.out, nil
}

// linter holds one Lint call.
type linter struct {
	file   string
	target version.Version
	g      grammar
	sc     *scanned
	f      *parse.File
	// dupSections are the proxies that repeat an earlier one's name.
	dupSections map[*parse.Section]bool
	out         []finding.Finding
}

// maybe reports whether line n is in a conditional block lint cannot
// decide (then it may be exclusive with another line).
func (l *linter) maybe(n int) bool {
	return n >= 1 && n <= len(l.sc.maybe) && l.sc.maybe[n-1]
}

// toks returns the words of line n as HAProxy reads them.
func (l *linter) toks(n int) []haproxycfg.Token {
	if n < 1 || n > len(l.sc.toks) {
		return nil
	}
	return l.sc.toks[n-1]
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
func (l *linter) section(s *parse.Section) {
	switch {
	case s.Kind == "":
		for _, d := range s.Directives {
			l.add(RuleWrongSection, d.Line, d.Col(0), "`%s` is outside any section: HAProxy refuses directives before the first section header (global, defaults, frontend, backend, listen, ...)", d)
		}
		return
	case s.IsProxy() && s.Name == "":
		l.add(RuleUnknownDirective, s.Header.Num, 1, "a %s section needs a name", s.Kind)
	}
	l.header(s)
	if since, ok := sectionSince[s.Kind]; ok && l.target.Less(since) {
		l.add(RuleUnknownDirective, s.Header.Num, 1, "`%s` sections are new in HAProxy %s: HAProxy %s, the target, refuses them", s.Kind, since, l.target)
		return
	}
	for _, d := range s.Directives {
		if l.versioned(s, d) {
			continue
		}
		toks := l.toks(d.Line)
		if len(toks) == 0 {
			continue
		}
		switch {
		case s.Kind == "global":
			l.globalKeyword(d, toks)
		case s.Kind == "defaults" || s.IsProxy():
			if !l.proxyKeyword(s, d, toks) {
				continue
			}
		}
		if d.Keyword == "cookie" && s.Kind != "defaults" && s.Kind != "global" {
			// Read here: config-parser refuses time units on
			// maxidle/maxlife, which HAProxy takes, and ignores
			// unknown words.
			if i := cookieBad(d.Fields); i >= 0 {
				l.add(RuleUnknownOption, d.Line, d.Col(i), "`%s` is not a cookie option HAProxy knows, or lacks its value (in `cookie %s`, %s)", d.Fields[min(i, len(d.Fields)-1)], d.Fields[min(1, len(d.Fields)-1)], s.Label())
			}
		}
		if n, ok := oneArgument(s.Kind, d.Keyword); ok && !d.Unprocessed && len(d.Fields) > n+1 && len(toks) > n+1 {
			l.add(RuleArguments, d.Line, d.Col(n+1), "`%s` in %s: %s takes one argument; HAProxy refuses the rest (the parser ignores it)", d, s.Label(), d.Keyword)
		}
		if d.OverriddenBy != 0 && !l.maybe(d.Line) && !l.maybe(d.OverriddenBy) {
			l.add(RuleRepeated, d.Line, d.Col(0), "`%s` is set again at line %d in %s; only the last line counts", d, d.OverriddenBy, s.Label())
		}
		if s.Kind != "global" && (s.IsProxy() || s.Kind == "defaults") {
			switch toks[0].Text {
			case "bind":
				l.bindLine(s, d, toks)
			case "server", "default-server":
				l.options(s, d, toks)
			}
		}
		if i := indexContaining(d.Fields, PublicPassword); i >= 0 {
			l.add(RulePublicPassword, d.Line, d.Col(i), "`%s` uses the stats password printed in the public API documentation: anyone can read it; set your own (compile --stats-auth)", d.Fields[0]+" "+strings.Join(d.Fields[1:i], " "))
		}
	}
}

func indexContaining(words []string, s string) int {
	for i, w := range words {
		if strings.Contains(w, s) {
			return i
		}
	}
	return -1
}

// options checks the options of a bind (from word start), server or
// default-server line against the manual's tables.
func (l *linter) options(s *parse.Section, d *parse.Directive, toks []haproxycfg.Token) {
	k, start := kindServer, 3
	switch toks[0].Text {
	case "bind":
		k, start = kindBind, 2
	case "default-server":
		start = 1
	}
	kind := map[keyKind]string{kindBind: "bind", kindServer: "server"}[k]
	where := strings.Join(haproxycfg.Words(toks[:min(start, len(toks))]), " ")
	for i := start; i < len(toks); i++ {
		t := toks[i]
		if t.Env {
			return // an option list from the environment: unknown here
		}
		name := t.Text
		h := l.g.history(k, grouped(name))
		if !h.any && k == kindServer && strings.HasPrefix(name, "no-") {
			// `no-check`, `no-backup`...: a default-server setting undone.
			if h2 := l.g.history(k, strings.TrimPrefix(name, "no-")); h2.any {
				continue
			}
		}
		syntax, _ := optionSyntax(k, grouped(name))
		switch {
		case !h.any:
			hint := ""
			if sg := l.g.suggest(k, name); sg != "" {
				hint = fmt.Sprintf(" (did you mean `%s`?)", sg)
			}
			l.add(RuleUnknownOption, d.Line, t.Col, "`%s` is not a %s option in any HAProxy manual%s (in `%s ...`, %s)", name, kind, hint, where, s.Label())
			return // the rest cannot be read reliably
		case !h.inTarget && !h.after && h.before:
			l.add(RuleUnknownOption, d.Line, t.Col, "%s option `%s` was removed before HAProxy %s, the target (last documented in %s) (in `%s ...`, %s)", kind, name, l.target, h.last, where, s.Label())
		case !h.inTarget && !h.before && l.g.exact:
			l.add(RuleUnknownOption, d.Line, t.Col, "%s option `%s` is new in HAProxy %s: HAProxy %s, the target, refuses it (in `%s ...`, %s)", kind, name, h.first, l.target, where, s.Label())
		}
		if optionArgs(syntax) > 0 {
			if i+1 >= len(toks) {
				l.add(RuleUnknownOption, d.Line, t.Col, "%s option `%s` needs a value (`%s`) (in `%s ...`, %s)", kind, name, syntax, where, s.Label())
				return
			}
			i++
			if name == "source" {
				// source ADDR [usesrc ADDR] [interface NAME]
				for i+2 < len(toks) && (toks[i+1].Text == "usesrc" || toks[i+1].Text == "interface") {
					i += 2
				}
			}
		}
	}
}

// cookieBad checks a cookie line the way HAProxy reads it
// (haproxycfg.CookieOptions): a name, then known options; maxidle and
// maxlife take a time with an optional unit. It returns the index of the
// first bad word, or -1.
func cookieBad(w []string) int {
	if len(w) < 2 {
		return len(w)
	}
	for _, o := range haproxycfg.CookieOptions(w) {
		switch {
		case !o.Known, haproxycfg.CookieTakesArg(o.Word) && !o.HasArg:
			return o.At
		case (o.Word == "maxidle" || o.Word == "maxlife") && !isTime(o.Arg):
			return o.At
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

// groupedOptions are server options the manual documents under another
// one's heading ("inter <delay>", "fastinter", "downinter" together), so the
// extracted tables list only that one: they share its history.
var groupedOptions = map[string]string{"inter": "downinter", "fastinter": "downinter"}

func grouped(option string) string {
	if o, ok := groupedOptions[option]; ok {
		return o
	}
	return option
}
