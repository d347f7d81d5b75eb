// Package keywords holds, per HAProxy version, the keyword tables of
// HAProxy's own configuration manual: the proxy keyword matrix (which of
// defaults, frontend, listen and backend may hold each keyword), the global
// keywords, bind and server options and the keywords of other sections.
//
// The tables are generated (tables_gen.go) from
// ../shared/reference/haproxy-keywords by `go generate`; a test fails when
// they drift from that reference. They are read-only.
package keywords

//go:generate go run ./internal/gen -ref ../../../shared/reference/haproxy-keywords -o tables_gen.go

import (
	"sync"

	"github.com/lbconf/lbconf/haproxycfg/version"
)

// tables are built on first use: building them was a tenth of lbconf's
// start-up (issue 10).
var tables = sync.OnceValue(buildTables)

// Proxy says where a proxy keyword may appear.
type Proxy struct {
	Defaults, Frontend, Listen, Backend bool
	// Deprecated is set when the manual's matrix marks it deprecated.
	Deprecated bool
	// NoPrefix is set when `no KEYWORD` inverts it.
	NoPrefix bool
}

// In reports whether the keyword may appear in a section of kind
// ("defaults", "frontend", "listen", "backend").
func (p Proxy) In(kind string) bool {
	switch kind {
	case "defaults":
		return p.Defaults
	case "frontend":
		return p.Frontend
	case "listen":
		return p.Listen
	case "backend":
		return p.Backend
	}
	return false
}

// Table is the keywords of one HAProxy version's manual.
type Table struct {
	Version version.Version
	// Proxy maps a keyword (multi-word ones whole: "option httpchk",
	// "timeout client") to where it may appear.
	Proxy map[string]Proxy
	// Global holds the keywords of the global section.
	Global map[string]bool
	// Bind and Server map options to their syntax lines ("alpn
	// <protocols>").
	Bind, Server map[string]string
	// Sections maps a manual section title ("Peers", "Userlists") to its
	// keywords and their syntax lines. Approximate: a missing keyword is
	// unknown, not wrong.
	Sections map[string]map[string]string
}

// All returns every table, oldest version first. Callers must not modify
// them.
func All() []*Table { return tables() }

// For returns the table of the newest version that is not newer than v, and
// whether v is older than every table (then the oldest is returned).
func For(v version.Version) (t *Table, older bool) {
	all := tables()
	t = all[0]
	for _, x := range all {
		if v.AtLeast(x.Version) {
			t = x
		}
	}
	return t, v.Less(all[0].Version)
}
