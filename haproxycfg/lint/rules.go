package lint

import (
	"net/netip"
	"strings"

	"github.com/lbconf/lbconf/haproxycfg"
	"github.com/lbconf/lbconf/haproxycfg/parse"
	"github.com/lbconf/lbconf/haproxycfg/version"
	"github.com/lbconf/lbconf/model"
)

// change is a directive that HAProxy deprecated in one version and refuses
// from another (see ../../shared/reference/haproxy-versions.md).
type change struct {
	// match reports whether a line's words are the directive.
	match func(w []string) bool
	// section limits the rule to one section kind ("" for any).
	section string
	// deprecated is the first version that warns; removed the first that
	// refuses it.
	deprecated, removed version.Version
	// hint says what to do instead.
	hint string
}

func word(name string) func([]string) bool {
	return func(w []string) bool { return w[0] == name }
}

func option(name string) func([]string) bool {
	return func(w []string) bool {
		return len(w) >= 2 && (w[0] == "option" && w[1] == name || len(w) >= 3 && w[0] == "no" && w[1] == "option" && w[2] == name)
	}
}

// legacyRewrites are the req*/rsp* keywords HAProxy 2.1 removed.
var legacyRewrites = map[string]bool{
	"reqadd": true, "reqallow": true, "reqdel": true, "reqdeny": true, "reqiallow": true, "reqidel": true,
	"reqideny": true, "reqipass": true, "reqirep": true, "reqitarpit": true, "reqpass": true, "reqrep": true,
	"reqtarpit": true, "rspadd": true, "rspdel": true, "rspdeny": true, "rspidel": true, "rspideny": true,
	"rspirep": true, "rsprep": true,
}

var changes = []change{
	{match: word("nbproc"), section: "global", deprecated: v(2, 3), removed: v(2, 5),
		hint: "remove it (nbthread sets the threads of the one process)"},
	// HAProxy 2.6 says forceclose is "not supported any more since
	// HAProxy 2.0" and http-tunnel "since 2.1", but 2.2.9 accepts both
	// with a deprecation warning (measured, testdata/cfgcorpus); 2.4 is
	// not measured, so it gets the warning rather than a false error.
	{match: option("forceclose"), deprecated: v(1, 9), removed: v(2, 5),
		hint: "use `option httpclose`"},
	{match: option("http-tunnel"), deprecated: v(2, 0), removed: v(2, 5),
		hint: "remove it: HAProxy 2.x processes every request of a connection"},
	{match: func(w []string) bool { return legacyRewrites[w[0]] }, deprecated: v(2, 0), removed: v(2, 1),
		hint: "use the http-request / http-response rules"},
	{match: word("block"), deprecated: v(1, 6), removed: v(2, 1),
		hint: "use `http-request deny`, which takes the same condition"},
	{match: word("clitimeout"), deprecated: v(1, 5), removed: v(2, 1), hint: "use `" + replacements["clitimeout"] + "`"},
	{match: word("contimeout"), deprecated: v(1, 5), removed: v(2, 1), hint: "use `" + replacements["contimeout"] + "`"},
	{match: word("srvtimeout"), deprecated: v(1, 5), removed: v(2, 1), hint: "use `" + replacements["srvtimeout"] + "`"},
}

// versioned reports the line when it is a directive the target refuses or
// deprecates, and says whether one of the version rules took it (then no
// other line rule applies: its keyword may be unknown to the parser).
func (l *linter) versioned(s *parse.Section, d *parse.Directive) bool {
	for _, c := range changes {
		if c.section != "" && c.section != s.Kind || !c.match(d.Fields) {
			continue
		}
		switch {
		case l.target.AtLeast(c.removed):
			l.add(RuleTarget, d.Line, d.Col(0), "`%s` is refused by HAProxy %s, the target (refused since %s): %s", d, l.target, c.removed, c.hint)
		case l.target.AtLeast(c.deprecated):
			l.add(RuleDeprecated, d.Line, d.Col(0), "`%s` is deprecated in HAProxy %s, the target, and refused from %s on: %s", d, l.target, c.removed, c.hint)
		}
		return true
	}
	return false
}

// proxies runs the rules across proxy sections: names, backends, timeouts.
func (l *linter) proxies() {
	type named struct {
		kind string
		line int
	}
	fronts := map[string]named{}
	backs := map[string]named{}
	for _, s := range l.f.Sections {
		if !s.IsProxy() || s.Name == "" {
			continue
		}
		var maps []map[string]named
		switch s.Kind {
		case "frontend":
			maps = []map[string]named{fronts}
		case "backend":
			maps = []map[string]named{backs}
		default:
			maps = []map[string]named{fronts, backs}
		}
		dup := false
		for _, m := range maps {
			if first, ok := m[s.Name]; ok && !dup {
				l.add(RuleDuplicateProxy, s.Header.Num, 1, "%s %q has the name of the %s at line %d: HAProxy refuses two proxies with one name on the same side", s.Kind, s.Name, first.kind, first.line)
				dup = true
			}
		}
		if dup {
			l.dupSections[s] = true
			continue
		}
		for _, m := range maps {
			m[s.Name] = named{s.Kind, s.Header.Num}
		}
	}

	for _, s := range l.f.Sections {
		if !s.IsProxy() && s.Kind != "defaults" {
			continue
		}
		for _, d := range s.Directives {
			if d.Unprocessed || len(d.Fields) < 2 || d.Keyword != "default_backend" && d.Keyword != "use_backend" {
				continue
			}
			name := d.Fields[1]
			if strings.Contains(name, "%[") {
				continue // a dynamic name, resolved per request
			}
			if _, ok := backs[name]; !ok {
				l.add(RuleMissingBackend, d.Line, d.Col(1), "`%s` in %s names backend %q, which is not defined in this file", d, s.Label(), name)
			}
		}
		if s.IsProxy() {
			l.timeouts(s)
		}
	}
}

// timeouts warns about a proxy missing the timeouts of its sides, in
// itself and in its defaults.
func (l *linter) timeouts(s *parse.Section) {
	var need []string
	switch s.Kind {
	case "frontend":
		need = []string{"client"}
	case "backend":
		need = []string{"connect", "server"}
	default:
		need = []string{"client", "connect", "server"}
	}
	if s.Kind != "frontend" && !hasServers(s) {
		// HAProxy only asks backends with servers for connect and server
		// timeouts.
		need = need[:len(need)-2]
	}
	var missing []string
	for _, n := range need {
		kw := "timeout " + n
		if s.Effective(kw) == nil && (s.Defaults == nil || s.Defaults.Effective(kw) == nil) {
			missing = append(missing, "`"+kw+"`")
		}
	}
	if len(missing) > 0 {
		l.add(RuleTimeouts, s.Header.Num, 1, "%s has no %s, here or in its defaults: HAProxy then waits forever and warns at start",
			s.Label(), strings.Join(missing, " nor "))
	}
}

// hasServers reports whether a proxy has server lines.
func hasServers(s *parse.Section) bool {
	for _, d := range s.Directives {
		if len(d.Fields) > 0 && (d.Fields[0] == "server" || d.Fields[0] == "server-template") {
			return true
		}
	}
	return false
}

// maxExpandedPorts bounds how many ports of bind ranges are compared one by
// one in a file.
const maxExpandedPorts = 1 << 16

// bindAddr is one address:port a proxy binds.
type bindAddr struct {
	sec  *parse.Section
	dir  *parse.Directive
	addr netip.Addr // invalid for "every address"
	v6   bool       // for every address: the IPv6 wildcard
	// lo and hi are the port range (lo == hi for one port).
	lo, hi int
	text   string
}

// binds checks reserved ports, the status port and collisions.
func (l *linter) binds() {
	reserved := model.ReservedPorts()
	var all []bindAddr
	for _, s := range l.f.Sections {
		if s.Kind != "frontend" && s.Kind != "listen" || l.dupSections[s] {
			continue // a duplicate proxy is reported as such
		}
		for _, d := range s.Directives {
			toks := l.toks(d.Line)
			if d.Keyword != "bind" || len(toks) < 2 || toks[1].Env {
				continue
			}
			for _, b := range parseBind(toks[1].Text) {
				b.sec, b.dir = s, d
				for _, p := range reserved {
					if b.lo <= p && p <= b.hi {
						l.add(RuleReservedPort, d.Line, d.Col(1), "`%s` in %s binds port %d, which the platform reserves (22, 1080, 9100, 9101)", d, s.Label(), p)
					}
				}
				if b.lo <= model.StatusPort && model.StatusPort <= b.hi && !(s.Kind == "listen" && s.Name == "status") {
					l.add(RuleStatsPort, d.Line, d.Col(1), "`%s` in %s binds port 1081, the instance's status page (listen status)", d, s.Label())
				}
				all = append(all, b)
			}
		}
	}
	// Identical binds in two proxies share the connections at random
	// (SO_REUSEPORT). A wildcard and a specific address on one port do not:
	// the kernel gives the specific one its connections. One map lookup per
	// bound address keeps this linear.
	type key struct {
		addr   netip.Addr
		v6     bool
		lo, hi int
	}
	first := map[key]bindAddr{}
	reported := map[*parse.Directive]bool{}
	budget := maxExpandedPorts
	for _, b := range all {
		// Port ranges are compared port by port while the budget lasts,
		// then as whole ranges, so hostile input stays linear.
		keys := []key{{b.addr, b.v6, b.lo, b.hi}}
		if b.hi > b.lo && b.hi-b.lo < budget {
			budget -= b.hi - b.lo + 1
			keys = keys[:0]
			for p := b.lo; p <= b.hi; p++ {
				keys = append(keys, key{b.addr, b.v6, p, p})
			}
		}
		for _, k := range keys {
			a, ok := first[k]
			if !ok {
				first[k] = b
				continue
			}
			if a.sec == b.sec || reported[b.dir] {
				continue
			}
			reported[b.dir] = true
			l.add(RuleDuplicateBind, b.dir.Line, b.dir.Col(1), "%s binds %s, which is also bound by `bind %s` of %s at line %d: HAProxy starts, but the two proxies would share the connections to port %d at random; bind it in one proxy only",
				b.sec.Label(), b.text, a.text, a.sec.Label(), a.dir.Line, k.lo)
		}
	}
}

// parseBind reads a bind address list (haproxycfg.SplitAddresses) for the
// port rules: IP addresses with ports or port ranges, `*` or an empty
// host for every address, ipv4@/ipv6@ prefixes. Sockets and unreadable
// entries are skipped.
func parseBind(s string) []bindAddr {
	var out []bindAddr
	for _, a := range haproxycfg.SplitAddresses(s) {
		if a.Socket || !a.HasPort || a.Err != "" || (a.Family != "" && a.Family != "ipv4@" && a.Family != "ipv6@") {
			continue
		}
		lo, hi, ok := a.Ports()
		if !ok {
			continue
		}
		b := bindAddr{text: a.Text, lo: lo, hi: hi}
		switch a.Host {
		case "", "*":
			b.v6 = a.Family == "ipv6@"
		default:
			ip, err := netip.ParseAddr(a.Host)
			if err != nil {
				continue
			}
			ip = ip.Unmap()
			if ip.IsUnspecified() {
				b.v6 = ip.Is6()
			} else {
				b.addr = ip
			}
		}
		out = append(out, b)
	}
	return out
}

// v abbreviates a version in the table above.
func v(major, minor int) version.Version { return version.Version{Major: major, Minor: minor} }
