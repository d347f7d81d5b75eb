package lint

import (
	"fmt"
	"strings"

	"github.com/lbconf/lbconf/haproxycfg"
	"github.com/lbconf/lbconf/haproxycfg/keywords"
	"github.com/lbconf/lbconf/haproxycfg/parse"
	"github.com/lbconf/lbconf/haproxycfg/version"
)

// sectionSince are the first versions that read section kinds newer than
// the oldest target (measured: 2.2.9 refuses none of these before their
// version is documented).
var sectionSince = map[string]version.Version{
	"program":     {Major: 1, Minor: 9},
	"fcgi-app":    {Major: 2, Minor: 1},
	"http-errors": {Major: 2, Minor: 2},
	"ring":        {Major: 2, Minor: 2},
	"log-forward": {Major: 2, Minor: 3},
	"crt-store":   {Major: 3, Minor: 0},
	"traces":      {Major: 3, Minor: 1},
}

// namedDefaultsSince is the first version that reads `from NAME` on a
// proxy line (2.2.9 refuses it).
var namedDefaultsSince = version.Version{Major: 2, Minor: 4}

// replacements say what to write instead of a keyword HAProxy removed.
var replacements = map[string]string{
	"redispatch": "option redispatch",
	"redisp":     "option redispatch",
	"clitimeout": "timeout client",
	"contimeout": "timeout connect",
	"srvtimeout": "timeout server",
	"debug":      "the -d command-line option",
}

// capabilityErrors are the keywords HAProxy refuses (rather than ignores
// with a warning) on the side that lacks them: server lines in a frontend,
// connection and session rules in a backend (measured with 2.2, 2.6 and 3.0
// on every keyword the matrix excludes from a frontend or a backend).
var capabilityErrors = map[string]string{
	"server": "frontend", "default-server": "frontend", "server-template": "frontend",
	"tcp-request connection": "backend", "tcp-request session": "backend",
}

// defaultsTolerated are keywords the matrix excludes from defaults that
// HAProxy nevertheless accepts there, with the first version measured to
// refuse them (zero: none does). Measured: 2.2 and 2.6 accept
// http-send-name-header in defaults (3.0's matrix allows it); 2.2 accepts
// use-fcgi-app there, 2.6 refuses it.
var defaultsTolerated = map[string]version.Version{
	"http-send-name-header": {},
	"use-fcgi-app":          {Major: 2, Minor: 6},
}

// header checks a section's header line: an address after a frontend or
// listen name was how 1.x bound it; 2.0 and later refuse it.
func (l *linter) header(s *parse.Section) {
	toks := l.toks(s.Header.Num)
	if len(toks) < 3 || (s.Kind != "frontend" && s.Kind != "listen" && s.Kind != "backend") {
		return
	}
	if toks[2].Text == "from" {
		if l.target.Less(namedDefaultsSince) {
			l.add(RuleUnknownDirective, s.Header.Num, toks[2].Col, "`%s ... from %s`: taking the settings of a named defaults section needs HAProxy %s; HAProxy %s, the target, refuses it (it uses the last defaults section before the proxy)",
				s.Kind, strings.Join(haproxycfg.Words(toks[3:]), " "), namedDefaultsSince, l.target)
		}
		return
	}
	if l.target.Less(version.Version{Major: 2}) {
		return
	}
	l.add(RuleProxyAddress, s.Header.Num, toks[2].Col, "`%s` puts an address on the %s line: HAProxy %s, the target, refuses it; write `%s %s` and, on the next line, `bind %s`",
		strings.Join(haproxycfg.Words(toks), " "), s.Kind, l.target, s.Kind, toks[1].Text, toks[2].Text)
}

// globalKeyword checks a global line's keyword against the manual.
func (l *linter) globalKeyword(d *parse.Directive, toks []haproxycfg.Token) {
	kw := toks[0].Text
	if toks[0].Env {
		return
	}
	h := l.g.history(kindGlobal, kw)
	l.judge(d.Line, toks[0].Col, "global", kw, h, kindGlobal)
}

// judge reports a keyword that is not in the target's table. It returns
// whether the keyword is known to the target.
func (l *linter) judge(line, col int, where, kw string, h history, k keyKind) bool {
	hint := ""
	if r, ok := replacements[kw]; ok {
		hint = "; use " + r
	}
	switch {
	case h.inTarget:
		return true
	case !h.any:
		if sg := l.g.suggest(k, kw); sg != "" && hint == "" {
			hint = fmt.Sprintf(" (did you mean `%s`?)", sg)
		}
		l.add(RuleUnknownDirective, line, col, "`%s` is not a %s keyword in any HAProxy manual%s", kw, where, hint)
	case h.before && h.after:
		// Missing from the target's manual only: a documentation gap.
		return true
	case h.before:
		l.add(RuleUnknownDirective, line, col, "`%s` was removed before HAProxy %s, the target: it is last documented in %s%s", kw, l.target, h.last, hint)
	case !l.g.exact && h.first.AtLeast(l.target) && h.first == l.nextTable():
		// The target lies between two tables (2.7): it may have it.
		return true
	default:
		l.add(RuleUnknownDirective, line, col, "`%s` is new in HAProxy %s: HAProxy %s, the target, refuses it", kw, h.first, l.target)
	}
	return false
}

// nextTable returns the version of the first table newer than the target's.
func (l *linter) nextTable() version.Version {
	for _, t := range keywords.All() {
		if l.g.table.Version.Less(t.Version) {
			return t.Version
		}
	}
	return version.Version{}
}

// proxyKeyword checks a defaults/frontend/listen/backend line's keyword
// against the manual's matrix. It returns false when the line is not read
// by the target (then other rules about it are moot).
func (l *linter) proxyKeyword(s *parse.Section, d *parse.Directive, toks []haproxycfg.Token) bool {
	if toks[0].Env {
		return true
	}
	words := haproxycfg.Words(toks)
	if (words[0] == "no" || words[0] == "default") && len(words) > 1 {
		words = words[1:]
	}
	kw, _ := proxyKeyword(words)
	if kw == "" {
		// "option foo": suggest among the options.
		kw = words[0]
		if len(words) > 1 && (words[0] == "option" || words[0] == "timeout" || words[0] == "stats" || words[0] == "capture") {
			kw = words[0] + " " + words[1]
		}
		l.judge(d.Line, toks[0].Col, "proxy", kw, history{}, kindProxy)
		return false
	}
	if !l.judge(d.Line, toks[0].Col, "proxy", kw, l.g.history(kindProxy, kw), kindProxy) {
		return false
	}
	p, ok := l.g.table.Proxy[kw]
	if !ok {
		return true // documentation gap or between tables: nothing to say
	}
	if !p.In(s.Kind) {
		switch {
		case s.Kind == "defaults" && tolerated(kw, l.target):
			if until := defaultsTolerated[kw]; until != (version.Version{}) {
				l.add(RuleIgnored, d.Line, toks[0].Col, "`%s` is not allowed in a defaults section by the manual: HAProxy %s accepts it there, %s and later refuse it; move it to %s", kw, l.target, until, places(p.Frontend, p.Listen, p.Backend))
			}
			return true
		case s.Kind == "defaults":
			l.add(RuleWrongSection, d.Line, toks[0].Col, "`%s` is not allowed in a defaults section: HAProxy refuses it (it may appear in %s)", kw, places(p.Frontend, p.Listen, p.Backend))
			return false
		case capabilityErrors[kw] == s.Kind:
			l.add(RuleWrongSection, d.Line, toks[0].Col, "`%s` is not allowed in %s: HAProxy refuses it there; it may appear in %s", kw, s.Label(), places(p.Defaults, p.Frontend, p.Listen, p.Backend))
			return false
		default:
			side := "backend"
			if s.Kind == "backend" {
				side = "frontend"
			}
			l.add(RuleIgnored, d.Line, toks[0].Col, "`%s` is ignored in %s: a %s has no %s side (HAProxy warns; it may appear in %s)", kw, s.Label(), s.Kind, side, places(p.Defaults, p.Frontend, p.Listen, p.Backend))
			return false
		}
	}
	if p.Deprecated {
		hint := ""
		if r, ok := replacements[kw]; ok {
			hint = ": use " + r
		}
		l.add(RuleDeprecated, d.Line, toks[0].Col, "`%s` is deprecated in HAProxy %s, the target%s", kw, l.target, hint)
	}
	return true
}

// places lists the section kinds a keyword may appear in.
func places(flags ...bool) string {
	names := []string{"defaults", "frontend", "listen", "backend"}
	if len(flags) == 3 {
		names = names[1:]
	}
	var out []string
	for i, f := range flags {
		if f {
			out = append(out, names[i])
		}
	}
	if len(out) == 0 {
		return "no proxy section"
	}
	return strings.Join(out, ", ")
}

// addressFamilies are the bind address prefixes and the first version that
// reads each (measured: 2.2.9 refuses tcp@ and uxst@, 2.6 and 3.0 refuse
// mptcp@).
var addressFamilies = map[string]version.Version{
	"ipv4@": {Major: 1, Minor: 5}, "ipv6@": {Major: 1, Minor: 5}, "unix@": {Major: 1, Minor: 5},
	"abns@": {Major: 1, Minor: 5}, "fd@": {Major: 1, Minor: 5}, "sockpair@": {Major: 1, Minor: 8},
	"udp@": {Major: 2, Minor: 3}, "udp4@": {Major: 2, Minor: 3}, "udp6@": {Major: 2, Minor: 3},
	"tcp@": {Major: 2, Minor: 3}, "tcp4@": {Major: 2, Minor: 3}, "tcp6@": {Major: 2, Minor: 3},
	"uxst@": {Major: 2, Minor: 3}, "uxdg@": {Major: 2, Minor: 3},
	"quic4@": {Major: 2, Minor: 6}, "quic6@": {Major: 2, Minor: 6},
	"rhttp@": {Major: 2, Minor: 9},
	"mptcp@": {Major: 3, Minor: 1}, "mptcp4@": {Major: 3, Minor: 1}, "mptcp6@": {Major: 3, Minor: 1},
	"abnsz@": {Major: 3, Minor: 1},
}

// bindLine checks a bind line's addresses, then its options.
func (l *linter) bindLine(s *parse.Section, d *parse.Directive, toks []haproxycfg.Token) {
	if len(toks) < 2 {
		l.add(RuleBindAddress, d.Line, toks[0].Col, "`bind` in %s needs an address: `bind ADDRESS:PORT`", s.Label())
		return
	}
	if a := toks[1]; !a.Env {
		for _, part := range strings.Split(a.Text, ",") {
			if msg := l.badBindAddress(part); msg != "" {
				l.add(RuleBindAddress, d.Line, a.Col, "`bind %s` in %s: %s", a.Text, s.Label(), msg)
				break
			}
		}
	}
	l.options(s, d, toks)
}

// badBindAddress says what is wrong with one bind address, or "".
func (l *linter) badBindAddress(text string) string {
	a := haproxycfg.ParseAddress(text)
	if a.Family != "" {
		since, ok := addressFamilies[a.Family]
		switch {
		case !ok:
			return fmt.Sprintf("`%s` is not an address family HAProxy knows (ipv4@, ipv6@, unix@, abns@, fd@, sockpair@, tcp@, udp@, quic4@, ...)", a.Family)
		case l.target.Less(since):
			return fmt.Sprintf("the `%s` address family is new in HAProxy %s: HAProxy %s, the target, refuses it", a.Family, since, l.target)
		}
	}
	switch {
	case a.Socket:
		return "" // a UNIX socket path, an inherited fd, ...
	case a.Err != "":
		return fmt.Sprintf("the address has %s: write ADDRESS:PORT (`*:80`, `:443`, `[::]:8080`)", a.Err)
	case !a.HasPort:
		return "the port is missing: write ADDRESS:PORT (`*:80`, `:443`, `[::]:8080`)"
	}
	if _, _, ok := a.Ports(); !ok {
		return fmt.Sprintf("`%s` is not a port: use 1-65535 or a range LOW-HIGH", a.Port)
	}
	return ""
}

// tolerated reports whether target accepts kw in defaults although the
// matrix says it may not appear there.
func tolerated(kw string, target version.Version) bool {
	until, ok := defaultsTolerated[kw]
	return ok && (until == version.Version{} || target.Less(until))
}
