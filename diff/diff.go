// Package diff compares two sets of listeners by meaning: any mix of
// listener documents (JSON or YAML, in the API's three shapes) and
// haproxy.cfg files (decompiled). It reports listeners added, removed and
// renamed, and every field changed with its old and new value: servers
// matched by IP:Port, whitelist entries and certificates as sets, cookie
// and health-check fields. Equal meaning is equal: "30" s and "30000" ms,
// 10.0.0.1 and 10.0.0.1/32, an empty Httpchk Method and GET, upper- and
// lower-case IPv6.
//
// What a haproxy.cfg holds beyond the listener model (decompile's losses)
// and its prelude (global, defaults, listen status) are compared as lines,
// so no difference hides outside the model.
package diff

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/lbconf/lbconf/decompile"
	"github.com/lbconf/lbconf/haproxycfg"
	"github.com/lbconf/lbconf/model"
)

// Ops of a Change.
const (
	OpAdd    = "add"
	OpRemove = "remove"
	OpChange = "change"
	OpRename = "rename"
)

// Kinds of a Change.
const (
	KindHTTP    = "http"    // an HTTP listener or one of its fields
	KindTCP     = "tcp"     // a TCP listener or one of its fields
	KindExtra   = "extra"   // a cfg line the listener model cannot hold
	KindPrelude = "prelude" // a directive of global, defaults or listen status
)

// Change is one difference between A and B.
type Change struct {
	// Op is add, remove, change or rename.
	Op string `json:"op"`
	// Kind is http, tcp, extra or prelude.
	Kind string `json:"kind"`
	// Listener names the listener (its name in B, or in A when removed);
	// for extra and prelude changes, the section ("frontend web").
	Listener string `json:"listener,omitempty"`
	// Field is the changed field, "" for a whole listener or line:
	// "ClientTimeout", "BackendServer 10.0.0.5:8080", "BackendServer
	// 10.0.0.5:8080 Weight", "AclWhiteList", "SessionPersistence Mode".
	Field string `json:"field,omitempty"`
	// Old and New are the values (as written in A and B); Old is empty for
	// add, New for remove.
	Old string `json:"old,omitempty"`
	New string `json:"new,omitempty"`
	// Line is the line in the cfg the value comes from, for extra and
	// prelude changes (in A for remove, in B for add).
	Line int `json:"line,omitempty"`
}

// Result is the outcome of a comparison.
type Result struct {
	// A and B name the two inputs.
	A string `json:"a"`
	B string `json:"b"`
	// Same reports that there is no change.
	Same bool `json:"same"`
	// Notes say, once, what was not compared and why (CertificateName
	// between a document and a config).
	Notes []string `json:"notes,omitempty"`
	// Changes in a stable order: listeners in A's order (HTTP, then TCP),
	// then listeners only in B, then extra lines, then the prelude.
	Changes []Change `json:"changes"`
	// ShowSecrets makes WriteText and WriteJSON show passwords (stats
	// auth, userlist) in the lines they quote; by default they are masked.
	ShowSecrets bool `json:"-"`
}

// MaskSecrets replaces, in place, the password of every quoted line that
// holds one (a `stats auth` or userlist line) with mask, for a result
// that is shown or stored without going through WriteText or WriteJSON (a
// plan).
func (r *Result) MaskSecrets(mask string) {
	for i := range r.Changes {
		c := &r.Changes[i]
		c.Old, c.New = haproxycfg.MaskSecretsAs(c.Old, mask), haproxycfg.MaskSecretsAs(c.New, mask)
	}
}

// Compare compares a and b by meaning.
func Compare(a, b *Document) *Result {
	r := &Result{A: a.Name, B: b.Name, Changes: []Change{}}
	na, nb := decompile.Normalize(a.Listeners), decompile.Normalize(b.Listeners)
	namesKnown := a.Format != FormatCfg && b.Format != FormatCfg
	if !namesKnown && (hasCertificateNames(a.Listeners) || hasCertificateNames(b.Listeners)) {
		r.Notes = append(r.Notes, "CertificateName is not compared: it is a label of the API that haproxy.cfg cannot carry (only CertificateId is in the bind line)")
	}
	r.listeners(viewsOf(na, a.Listeners), viewsOf(nb, b.Listeners), namesKnown)
	r.lines(KindExtra, a.extra, b.extra)
	if a.Format == FormatCfg && b.Format == FormatCfg {
		r.lines(KindPrelude, a.prelude, b.prelude)
	}
	r.Same = len(r.Changes) == 0
	return r
}

// hasCertificateNames reports whether any certificate of l has a name.
func hasCertificateNames(l *model.Listeners) bool {
	if l == nil {
		return false
	}
	for _, h := range l.HttpListeners {
		for _, c := range h.CertificateIds {
			if c.CertificateName != "" {
				return true
			}
		}
	}
	return false
}

// view is a listener of either kind, normalised, for comparison.
type view struct {
	kind    string
	name    string
	port    int
	scalars []scalar
	acl     []string
	certs   []model.Certificate // names as in the input
	servers []model.BackendServer
	cookie  *model.SessionPersistence
	httpchk *model.Httpchk
}

// scalar is one simple field: its name, its value as written, and the key
// equal meanings share.
type scalar struct {
	field, shown, key string
}

func timeoutScalar(field, v, unit string) scalar {
	shown := v + unit
	key := shown
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		switch unit {
		case "s":
			key = strconv.FormatInt(n*1000, 10) + "ms"
		case "ms":
			key = strconv.FormatInt(n, 10) + "ms"
		}
	}
	return scalar{field, shown, key}
}

func plain(field, v string) scalar { return scalar{field, v, v} }

// viewsOf makes views of normalised listeners; raw (the same listeners,
// not normalised) supplies certificate names.
func viewsOf(n, raw *model.Listeners) []view {
	var out []view
	for i, h := range n.HttpListeners {
		v := view{
			kind: KindHTTP, name: h.ListenerName, port: h.ListenerPort,
			scalars: []scalar{
				plain("ListenerMode", h.ListenerMode),
				plain("MaxConn", strconv.Itoa(h.MaxConn)),
				timeoutScalar("ClientTimeout", h.ClientTimeout, h.ClientTimeoutUnit),
				timeoutScalar("ConnectTimeout", h.ConnectTimeout, h.ConnectTimeoutUnit),
				timeoutScalar("ServerTimeout", h.ServerTimeout, h.ServerTimeoutUnit),
				plain("Scheduler", h.Scheduler),
				plain("StickySession", h.StickySession),
			},
			acl: h.AclWhiteList, servers: h.BackendServer, cookie: h.SessionPersistence,
			certs: raw.HttpListeners[i].CertificateIds,
		}
		if h.Option != nil {
			v.httpchk = h.Option.Httpchk
		}
		out = append(out, v)
	}
	for _, t := range n.TcpListeners {
		out = append(out, view{
			kind: KindTCP, name: t.ListenerName, port: t.ListenerPort,
			scalars: []scalar{
				plain("ListenerMode", t.ListenerMode),
				plain("MaxConn", strconv.Itoa(t.MaxConn)),
				timeoutScalar("ClientTimeout", t.ClientTimeout, t.ClientTimeoutUnit),
				timeoutScalar("ConnectTimeout", t.ConnectTimeout, t.ConnectTimeoutUnit),
				timeoutScalar("ServerTimeout", t.ServerTimeout, t.ServerTimeoutUnit),
				plain("Scheduler", t.Scheduler),
				plain("EnableSourceIp", t.EnableSourceIp),
				plain("EnableRepeaterMode", t.EnableRepeaterMode),
			},
			acl: t.AclWhiteList, servers: t.BackendServer,
		})
	}
	return out
}

// listeners matches listeners by kind and name, then unmatched ones by
// kind and port (a rename), and compares each pair.
func (r *Result) listeners(as, bs []view, namesKnown bool) {
	pairOf := make([]int, len(as)) // index in bs, or -1
	usedB := make([]bool, len(bs))
	byName := map[string]int{}
	for j, b := range bs {
		byName[b.kind+" "+b.name] = j
	}
	for i, a := range as {
		pairOf[i] = -1
		if j, ok := byName[a.kind+" "+a.name]; ok && !usedB[j] {
			pairOf[i], usedB[j] = j, true
		}
	}
	for i, a := range as {
		if pairOf[i] >= 0 {
			continue
		}
		for j, b := range bs {
			if !usedB[j] && b.kind == a.kind && b.port == a.port && a.port != 0 {
				pairOf[i], usedB[j] = j, true
				break
			}
		}
	}
	for i, a := range as {
		if pairOf[i] < 0 {
			r.add(Change{Op: OpRemove, Kind: a.kind, Listener: a.name, Old: describeListener(a)})
			continue
		}
		b := bs[pairOf[i]]
		if a.name != b.name {
			r.add(Change{Op: OpRename, Kind: a.kind, Listener: b.name, Field: "ListenerName", Old: a.name, New: b.name})
		}
		r.fields(a, b, namesKnown)
	}
	for j, b := range bs {
		if !usedB[j] {
			r.add(Change{Op: OpAdd, Kind: b.kind, Listener: b.name, New: describeListener(b)})
		}
	}
}

func (r *Result) add(c Change) { r.Changes = append(r.Changes, c) }

func describeListener(v view) string {
	return fmt.Sprintf("port %d, %s", v.port, plural(len(v.servers), "server", "servers"))
}

// fields compares two matched listeners.
func (r *Result) fields(a, b view, namesKnown bool) {
	ch := func(field, old, new string) {
		r.add(Change{Op: OpChange, Kind: b.kind, Listener: b.name, Field: field, Old: old, New: new})
	}
	if a.port != b.port {
		ch("ListenerPort", strconv.Itoa(a.port), strconv.Itoa(b.port))
	}
	for k, sa := range a.scalars {
		if sb := b.scalars[k]; sa.key != sb.key {
			ch(sa.field, sa.shown, sb.shown)
		}
	}
	r.acl(a, b)
	r.certs(a, b, namesKnown)
	r.servers(a, b)
	r.cookie(a, b)
	r.httpchk(a, b)
}

// aclKey is the canonical form of a whitelist entry: a masked prefix.
func aclKey(s string) string {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked().String()
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()).String()
	}
	return s
}

func (r *Result) acl(a, b view) {
	removed, added := setDiff(a.acl, b.acl, aclKey)
	for _, e := range removed {
		r.add(Change{Op: OpRemove, Kind: b.kind, Listener: b.name, Field: "AclWhiteList", Old: e})
	}
	for _, e := range added {
		r.add(Change{Op: OpAdd, Kind: b.kind, Listener: b.name, Field: "AclWhiteList", New: e})
	}
}

// setDiff returns the entries of a missing from b and of b missing from a
// (as written, in their order), comparing by key, counting repeats.
func setDiff[T any](a, b []T, key func(T) string) (removed, added []T) {
	count := map[string]int{}
	for _, x := range b {
		count[key(x)]++
	}
	for _, x := range a {
		if k := key(x); count[k] > 0 {
			count[k]--
		} else {
			removed = append(removed, x)
		}
	}
	count = map[string]int{}
	for _, x := range a {
		count[key(x)]++
	}
	for _, x := range b {
		if k := key(x); count[k] > 0 {
			count[k]--
		} else {
			added = append(added, x)
		}
	}
	return removed, added
}

func (r *Result) certs(a, b view, namesKnown bool) {
	ids := func(cs []model.Certificate) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.CertificateId
		}
		return out
	}
	ia, ib := ids(a.certs), ids(b.certs)
	same := func(s string) string { return s }
	removed, added := setDiff(ia, ib, same)
	for _, e := range removed {
		r.add(Change{Op: OpRemove, Kind: b.kind, Listener: b.name, Field: "CertificateIds", Old: e})
	}
	for _, e := range added {
		r.add(Change{Op: OpAdd, Kind: b.kind, Listener: b.name, Field: "CertificateIds", New: e})
	}
	if len(removed) == 0 && len(added) == 0 && strings.Join(ia, " ") != strings.Join(ib, " ") {
		// The first certificate is the one HAProxy serves without SNI.
		r.add(Change{Op: OpChange, Kind: b.kind, Listener: b.name, Field: "CertificateIds order",
			Old: strings.Join(ia, ", "), New: strings.Join(ib, ", ")})
	}
	if !namesKnown {
		return // a cfg does not carry certificate names
	}
	names := map[string]string{}
	for _, c := range a.certs {
		names[c.CertificateId] = c.CertificateName
	}
	for _, c := range b.certs {
		if old, ok := names[c.CertificateId]; ok && old != c.CertificateName {
			r.add(Change{Op: OpChange, Kind: b.kind, Listener: b.name,
				Field: "CertificateIds " + c.CertificateId + " CertificateName", Old: old, New: c.CertificateName})
		}
	}
}

// serverKey identifies a server: its canonical address and port.
func serverKey(s model.BackendServer) string {
	host := strings.ToLower(s.IP)
	if a, err := netip.ParseAddr(s.IP); err == nil {
		host = a.String()
	}
	return host + "|" + strconv.Itoa(s.Port)
}

// serverName shows a server as IP:Port ([IPv6]:Port).
func serverName(s model.BackendServer) string {
	if strings.Contains(s.IP, ":") {
		return "[" + s.IP + "]:" + strconv.Itoa(s.Port)
	}
	return s.IP + ":" + strconv.Itoa(s.Port)
}

func describeServer(s model.BackendServer) string {
	return fmt.Sprintf("weight %s, maxconn %d", s.Weight, s.MaxConn)
}

func (r *Result) servers(a, b view) {
	inA := map[string]model.BackendServer{}
	for _, s := range a.servers {
		inA[serverKey(s)] = s
	}
	inB := map[string]bool{}
	for _, s := range b.servers {
		inB[serverKey(s)] = true
	}
	for _, s := range a.servers {
		if !inB[serverKey(s)] {
			r.add(Change{Op: OpRemove, Kind: b.kind, Listener: b.name, Field: "BackendServer " + serverName(s), Old: describeServer(s)})
		}
	}
	for _, s := range b.servers {
		old, ok := inA[serverKey(s)]
		if !ok {
			r.add(Change{Op: OpAdd, Kind: b.kind, Listener: b.name, Field: "BackendServer " + serverName(s), New: describeServer(s)})
			continue
		}
		f := "BackendServer " + serverName(s)
		if numKey(old.Weight) != numKey(s.Weight) {
			r.add(Change{Op: OpChange, Kind: b.kind, Listener: b.name, Field: f + " Weight", Old: old.Weight, New: s.Weight})
		}
		if old.MaxConn != s.MaxConn {
			r.add(Change{Op: OpChange, Kind: b.kind, Listener: b.name, Field: f + " MaxConn", Old: strconv.Itoa(old.MaxConn), New: strconv.Itoa(s.MaxConn)})
		}
	}
}

// numKey compares decimal strings by value.
func numKey(s string) string {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return strconv.FormatInt(n, 10)
	}
	return s
}

func (r *Result) cookie(a, b view) {
	const f = "SessionPersistence"
	ca, cb := a.cookie, b.cookie
	switch {
	case ca == nil && cb == nil:
		return
	case ca == nil:
		r.add(Change{Op: OpAdd, Kind: b.kind, Listener: b.name, Field: f, New: describeCookie(cb)})
		return
	case cb == nil:
		r.add(Change{Op: OpRemove, Kind: b.kind, Listener: b.name, Field: f, Old: describeCookie(ca)})
		return
	}
	ch := func(field, old, new string) {
		if old != new {
			r.add(Change{Op: OpChange, Kind: b.kind, Listener: b.name, Field: f + " " + field, Old: old, New: new})
		}
	}
	ch("Key", ca.Key, cb.Key)
	ch("Mode", strconv.Itoa(ca.Mode), strconv.Itoa(cb.Mode))
	ta, tb := timer(ca), timer(cb)
	ch("Timer MaxIdle", strconv.Itoa(ta.MaxIdle), strconv.Itoa(tb.MaxIdle))
	ch("Timer MaxLife", strconv.Itoa(ta.MaxLife), strconv.Itoa(tb.MaxLife))
}

func timer(sp *model.SessionPersistence) model.Timer {
	if sp.Timer == nil {
		return model.Timer{}
	}
	return *sp.Timer
}

func describeCookie(sp *model.SessionPersistence) string {
	t := timer(sp)
	mode := model.MustField(model.KindHTTP, model.PtrCookieMode).Meaning(strconv.Itoa(sp.Mode))
	return fmt.Sprintf("key %s, mode %s, maxidle %d, maxlife %d", sp.Key, mode, t.MaxIdle, t.MaxLife)
}

func (r *Result) httpchk(a, b view) {
	const f = "Option Httpchk"
	ha, hb := a.httpchk, b.httpchk
	switch {
	case ha == nil && hb == nil:
	case ha == nil:
		r.add(Change{Op: OpAdd, Kind: b.kind, Listener: b.name, Field: f, New: hb.Method + " " + hb.Uri})
	case hb == nil:
		r.add(Change{Op: OpRemove, Kind: b.kind, Listener: b.name, Field: f, Old: ha.Method + " " + ha.Uri})
	default:
		if ha.Method != hb.Method {
			r.add(Change{Op: OpChange, Kind: b.kind, Listener: b.name, Field: f + " Method", Old: ha.Method, New: hb.Method})
		}
		if ha.Uri != hb.Uri {
			r.add(Change{Op: OpChange, Kind: b.kind, Listener: b.name, Field: f + " Uri", Old: ha.Uri, New: hb.Uri})
		}
	}
}

// lines compares two lists of lines as multisets per section.
func (r *Result) lines(kind string, a, b []preludeLine) {
	removed, added := setDiff(a, b, func(p preludeLine) string { return p.section + "\x00" + p.text })
	for _, p := range removed {
		r.add(Change{Op: OpRemove, Kind: kind, Listener: p.section, Old: p.text, Line: p.line})
	}
	for _, p := range added {
		r.add(Change{Op: OpAdd, Kind: kind, Listener: p.section, New: p.text, Line: p.line})
	}
}

// plural writes "1 server" or "2 servers".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
