package lint

import (
	"sort"
	"strings"

	"github.com/lbconf/lbconf/haproxycfg/keywords"
	"github.com/lbconf/lbconf/haproxycfg/version"
)

// grammar answers keyword questions for one target from the manual's
// tables (package keywords).
type grammar struct {
	target version.Version
	table  *keywords.Table
	// exact is set when the target has a table of its own (2.7 reads the
	// 2.6 table, so a keyword first listed in 2.8 may be in 2.7).
	exact bool
}

func newGrammar(target version.Version) grammar {
	t, _ := keywords.For(target)
	return grammar{target: target, table: t, exact: t.Version == target}
}

// keyKind selects one kind of table.
type keyKind int

const (
	kindProxy keyKind = iota
	kindGlobal
	kindBind
	kindServer
)

func has(t *keywords.Table, k keyKind, kw string) bool {
	switch k {
	case kindProxy:
		_, ok := t.Proxy[kw]
		return ok
	case kindGlobal:
		return t.Global[kw]
	case kindBind:
		_, ok := t.Bind[kw]
		return ok
	case kindServer:
		_, ok := t.Server[kw]
		return ok
	}
	return false
}

// history says in which tables a keyword is listed.
type history struct {
	inTarget      bool
	first, last   version.Version // oldest and newest table listing it
	any           bool
	before, after bool // listed in a table older / newer than the target's
}

// undocumented are keywords real binaries accept although the manual's
// tables of that version do not list them (documented elsewhere, or
// backported to the patch release Debian ships), with the oldest binary
// measured to accept them: probing 2.2.9, 2.6.12 and 3.0.11 with every
// keyword of every table. From that version on they count as known.
var undocumented = map[keyKind]map[string]version.Version{
	kindProxy: {
		"hash-balance-factor":   {Major: 2, Minor: 2},
		"max-session-srv-conns": {Major: 2, Minor: 2},
	},
	kindGlobal: {
		"tune.h2.max-frame-size":                        {Major: 2, Minor: 2},
		"tune.fail-alloc":                               {Major: 2, Minor: 6},
		"tune.peers.max-updates-at-once":                {Major: 2, Minor: 6},
		"h1-do-not-close-on-insecure-transfer-encoding": {Major: 3, Minor: 0},
		"tune.epoll.mask-events":                        {Major: 3, Minor: 0},
		"tune.lua.burst-timeout":                        {Major: 3, Minor: 0},
		"warn-blocked-traffic-after":                    {Major: 3, Minor: 0},
	},
	kindServer: {
		"hash-key": {Major: 3, Minor: 0},
	},
}

func (g grammar) history(k keyKind, kw string) history {
	var h history
	if since, ok := undocumented[k][kw]; ok && g.target.AtLeast(since) {
		h.inTarget = true
	}
	for _, t := range keywords.All() {
		if !has(t, k, kw) {
			continue
		}
		if !h.any {
			h.first = t.Version
		}
		h.any, h.last = true, t.Version
		switch {
		case t == g.table:
			h.inTarget = true
		case t.Version.Less(g.table.Version):
			h.before = true
		default:
			h.after = true
		}
	}
	return h
}

// proxyKeyword finds the longest keyword of any version's proxy matrix that
// starts words (up to three words: "tcp-request connection", "option
// httpchk", "http-check send"...). It returns the keyword and how many words
// it spans, or "" and 0.
func proxyKeyword(words []string) (string, int) {
	for n := min(3, len(words)); n > 0; n-- {
		kw := strings.Join(words[:n], " ")
		for _, t := range keywords.All() {
			if _, ok := t.Proxy[kw]; ok {
				return kw, n
			}
		}
	}
	return "", 0
}

// suggest returns the keyword of the target's table of kind k closest to
// word (for a did-you-mean), or "".
func (g grammar) suggest(k keyKind, word string) string {
	var cands []string
	switch k {
	case kindProxy:
		for kw := range g.table.Proxy {
			cands = append(cands, kw)
		}
	case kindGlobal:
		for kw := range g.table.Global {
			cands = append(cands, kw)
		}
	case kindBind:
		for kw := range g.table.Bind {
			cands = append(cands, kw)
		}
	case kindServer:
		for kw := range g.table.Server {
			cands = append(cands, kw)
		}
	}
	sort.Strings(cands)
	best, bestD := "", len(word)/5+1
	for _, c := range cands {
		// Compare with as many words as word has.
		cw := c
		if n := strings.Count(word, " "); strings.Count(c, " ") > n {
			cw = strings.Join(strings.SplitN(c, " ", n+2)[:n+1], " ")
		}
		if d := distance(word, cw); d < bestD {
			best, bestD = cw, d
		}
	}
	return best
}

// distance is the Levenshtein distance of two short strings.
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 30
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// optionArgs returns how many arguments an option takes, read from its
// syntax line in the manual: every option takes one word or none ("alpn
// <protocols>", "verify [none|required]", "ssl").
func optionArgs(syntax string) int {
	if strings.ContainsAny(strings.TrimSpace(syntax), " \t") {
		return 1
	}
	return 0
}

// optionSyntax returns the syntax line of a bind or server option in the
// newest table that lists it.
func optionSyntax(k keyKind, kw string) (string, bool) {
	all := keywords.All()
	for i := len(all) - 1; i >= 0; i-- {
		m := all[i].Bind
		if k == kindServer {
			m = all[i].Server
		}
		if s, ok := m[kw]; ok {
			return s, true
		}
	}
	return "", false
}
