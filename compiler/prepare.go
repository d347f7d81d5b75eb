package compiler

import (
	"fmt"
	"net/netip"
	"path"
	"strconv"
	"strings"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/render"
)

// aclChunk is how many whitelist entries go on one acl line. HAProxy reads
// at most 64 words per line (and 1.8 at most 2048 bytes), so long whitelists
// are split over several lines of the same ACL, which HAProxy ORs.
const aclChunk = 20

// preparer turns a model into render data. Every string that reaches the
// config passes a check of its expected shape here, independently of the
// validate package: values that fail are reported as unsafe-value errors and
// never rendered.
type preparer struct {
	s    settings
	errs []finding.Finding
	// list and i name the listener being prepared, elem the element of
	// one of its lists (a server, an ACL entry, a certificate): bad builds
	// a finding's pointer from them only when there is a finding.
	list string
	i    int
	elem int
	// scratch is reused to build server lines.
	scratch []byte
}

// prepare builds the proxies of the config (not its prelude).
func prepare(l *model.Listeners, s settings) (*render.Config, []finding.Finding) {
	p := &preparer{s: s}
	c := &render.Config{
		HTTP: make([]render.HTTPListener, 0, len(l.HttpListeners)),
		TCP:  make([]render.TCPListener, 0, len(l.TcpListeners)),
	}
	p.list = httpList
	for i := range l.HttpListeners {
		p.i = i
		c.HTTP = append(c.HTTP, p.http(&l.HttpListeners[i]))
	}
	p.list = tcpList
	for i := range l.TcpListeners {
		p.i = i
		c.TCP = append(c.TCP, p.tcp(&l.TcpListeners[i]))
	}
	p.uniqueProxies(c)
	return c, p.errs
}

const httpList, tcpList = model.KeyHttpListeners, model.KeyTcpListeners

// uniqueProxies re-checks the whole output for proxy names written twice:
// the kept status page and every frontend, backend and listen section.
// HAProxy refuses two proxies with one name.
func (p *preparer) uniqueProxies(c *render.Config) {
	type proxy struct {
		kind, name, list string
		i                int
	}
	what := func(x proxy) string {
		if x.list == "" {
			return "the status page (listen status)"
		}
		return fmt.Sprintf("%s %s of /%s/%d", x.kind, x.name, x.list, x.i)
	}
	seen := make(map[string]proxy, 2*len(c.HTTP)+len(c.TCP)+1)
	seen[model.StatusProxy] = proxy{}
	add := func(x proxy) {
		if first, ok := seen[x.name]; ok {
			p.list, p.i = x.list, x.i
			p.bad("ListenerName", "proxy name %q would be written twice in haproxy.cfg: %s, and %s", x.name, what(first), what(x))
			return
		}
		seen[x.name] = x
	}
	for i, h := range c.HTTP {
		add(proxy{"frontend", h.Name, httpList, i})
		add(proxy{"backend", h.Backend, httpList, i})
	}
	for i, t := range c.TCP {
		add(proxy{"listen", t.Name, tcpList, i})
	}
}

// bad reports an unsafe value at rel, a pointer below the current listener
// in which "*" stands for the current element.
func (p *preparer) bad(rel, format string, args ...any) {
	ptr := "/" + p.list + "/" + strconv.Itoa(p.i) + "/" + strings.Replace(rel, "*", strconv.Itoa(p.elem), 1)
	p.errs = append(p.errs, finding.Finding{
		Severity: finding.Error,
		Rule:     RuleUnsafeValue,
		Pointer:  ptr,
		Message:  fmt.Sprintf(format, args...),
	})
}

func (p *preparer) http(l *model.HttpListener) render.HTTPListener {
	name := p.name(l.ListenerName)
	out := render.HTTPListener{
		Name:           name,
		Backend:        name + "-abk",
		ACL:            p.acl(name, l.AclWhiteList),
		KeepAlive:      p.onOff("StickySession", stickySessionField, l.StickySession) != "",
		Proto:          "http",
		ClientTimeout:  p.timeout("Client", l.ClientTimeout, l.ClientTimeoutUnit),
		ConnectTimeout: p.timeout("Connect", l.ConnectTimeout, l.ConnectTimeoutUnit),
		ServerTimeout:  p.timeout("Server", l.ServerTimeout, l.ServerTimeoutUnit),
		MaxConn:        p.positive("MaxConn", l.MaxConn),
		Balance:        p.scheduler(l.Scheduler),
		Cookie:         p.cookie(l.SessionPersistence),
		Httpchk:        p.httpchk(l.Option),
	}
	bind := p.listenAddr(l.ListenerPort)
	for i, c := range l.CertificateIds {
		if i == 0 {
			bind += " ssl"
			out.Proto = "https"
		}
		p.elem = i
		bind += " crt " + p.certPath(c.CertificateId)
	}
	out.Bind = bind
	out.Servers = p.servers(l.BackendServer, out.Cookie != "", "")
	return out
}

func (p *preparer) tcp(l *model.TcpListener) render.TCPListener {
	name := p.name(l.ListenerName)
	bind := p.listenAddr(l.ListenerPort)
	if w := p.onOff("EnableRepeaterMode", repeaterModeField, l.EnableRepeaterMode); w != "" {
		bind += " " + w
	}
	return render.TCPListener{
		Name:           name,
		Bind:           bind,
		Balance:        p.scheduler(l.Scheduler),
		MaxConn:        p.positive("MaxConn", l.MaxConn),
		ClientTimeout:  p.timeout("Client", l.ClientTimeout, l.ClientTimeoutUnit),
		ConnectTimeout: p.timeout("Connect", l.ConnectTimeout, l.ConnectTimeoutUnit),
		ServerTimeout:  p.timeout("Server", l.ServerTimeout, l.ServerTimeoutUnit),
		ACL:            p.acl(name, l.AclWhiteList),
		Servers:        p.servers(l.BackendServer, false, p.onOff("EnableSourceIp", sourceIPField, l.EnableSourceIp)),
	}
}

// name checks a proxy name: HAProxy's identifier characters only.
func (p *preparer) name(v string) string {
	if v == "" || !allBytes(v, identByte) {
		p.bad("ListenerName", "listener name %q cannot be written to haproxy.cfg: allowed are letters, digits, '_', '.', ':' and '-'", v)
	}
	return v
}

// identByte is HAProxy's set for proxy, server and ACL names.
func identByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == ':' || c == '-'
}

func allBytes(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// digits parses a non-empty decimal integer of at most 10 digits.
func digits(s string) (int64, bool) {
	if s == "" || len(s) > 10 || !allBytes(s, func(c byte) bool { return c >= '0' && c <= '9' }) {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// timeout returns value+unit, e.g. "30s" or "12333ms"; the unit's
// spelling is the field table's.
func (p *preparer) timeout(which, v, unit string) string {
	n, ok := digits(v)
	if !ok {
		p.bad(which+"Timeout", "%sTimeout %q cannot be written to haproxy.cfg: want a decimal integer", which, v)
	}
	f := timeoutUnitField
	u, ok := f.ToHAProxy(unit)
	if !ok {
		p.bad(which+"TimeoutUnit", "%sTimeoutUnit %q cannot be written to haproxy.cfg: want %s", which, unit, f.Choices(false))
	}
	return strconv.FormatInt(n, 10) + u
}

// Fields of the table that prepare reads for every listener or server,
// looked up once: FieldOf scans the table and copies the field, which was
// 11% of compile's CPU when done per use. Read only.
var (
	timeoutUnitField   = model.MustField(model.KindBoth, model.PtrTimeoutUnit)
	schedulerField     = model.MustField(model.KindBoth, model.PtrScheduler)
	listenerPortField  = model.MustField(model.KindBoth, model.PtrListenerPort)
	cookieModeField    = model.MustField(model.KindHTTP, model.PtrCookieMode)
	httpchkMethodField = model.MustField(model.KindHTTP, model.PtrHttpchkMethod)
	weightField        = model.MustField(model.KindBoth, "/BackendServer/*/Weight")
	stickySessionField = model.MustField(model.KindHTTP, model.PtrStickySession)
	repeaterModeField  = model.MustField(model.KindTCP, model.PtrEnableRepeaterMode)
	sourceIPField      = model.MustField(model.KindTCP, model.PtrEnableSourceIp)
)

// scheduler returns the balance algorithm of a Scheduler (field table).
func (p *preparer) scheduler(v string) string {
	f := schedulerField
	if b, ok := f.ToHAProxy(v); ok {
		return b
	}
	p.bad("Scheduler", "Scheduler %q cannot be written to haproxy.cfg: want %s", v, f.Choices(false))
	return ""
}

// onOff returns the haproxy.cfg spelling of the on/off switch rel (field
// table entry f): the option or line "on" writes, "" for off. An empty
// value is the table's default.
func (p *preparer) onOff(rel string, f model.Field, v string) string {
	if v == "" {
		v = f.Default
	}
	if w, ok := f.ToHAProxy(v); ok {
		return w
	}
	p.bad(rel, "%q cannot be written to haproxy.cfg: want %s", v, f.Choices(false))
	return ""
}

func (p *preparer) positive(rel string, n int) int {
	if n < 1 {
		p.bad(rel, "%d cannot be written to haproxy.cfg: want an integer of 1 or more", n)
	}
	return n
}

// port checks a listener or server port against the field table's range.
func (p *preparer) port(rel string, n int) string {
	f := listenerPortField
	if int64(n) < f.Min || int64(n) > f.Max {
		p.bad(rel, "port %d cannot be written to haproxy.cfg: want %d to %d", n, f.Min, f.Max)
	}
	return strconv.Itoa(n)
}

// listenAddr is the bind address and the listener's port.
func (p *preparer) listenAddr(port int) string {
	return p.s.bindHost + ":" + p.port("ListenerPort", port)
}

// hostOf writes addr as bind lines do, with IPv6 addresses in brackets
// (accepted by HAProxy since 1.7).
func hostOf(a netip.Addr) string {
	if a.Is4() {
		return a.String()
	}
	return "[" + a.String() + "]"
}

func (p *preparer) certPath(id string) string {
	if id == "" || id[0] == '.' || !allBytes(id, func(c byte) bool { return identByte(c) && c != ':' }) {
		p.bad("CertificateIds/*/CertificateId", "CertificateId %q cannot be written to haproxy.cfg: allowed are letters, digits, '_', '-' and '.' (not first)", id)
	}
	return path.Join(p.s.certDir, id+".pem")
}

// acl splits the whitelist over acl lines; nil when there is none.
func (p *preparer) acl(name string, entries []string) *render.ACL {
	if len(entries) == 0 {
		return nil
	}
	a := &render.ACL{Name: name + "_whitelist"}
	for i := 0; i < len(entries); i += aclChunk {
		end := min(i+aclChunk, len(entries))
		for j := i; j < end; j++ {
			p.elem = j
			p.aclEntry(entries[j])
		}
		a.Sources = append(a.Sources, strings.Join(entries[i:end], " "))
	}
	return a
}

func (p *preparer) aclEntry(v string) {
	if strings.Contains(v, "/") {
		if pf, err := netip.ParsePrefix(v); err == nil && pf.Addr().Zone() == "" {
			return
		}
	} else if a, err := netip.ParseAddr(v); err == nil && a.Zone() == "" {
		return
	}
	p.bad("AclWhiteList/*", "AclWhiteList entry %q cannot be written to haproxy.cfg: want an IPv4 or IPv6 address or CIDR network", v)
}

// cookie returns everything after "cookie ", or "" without persistence.
func (p *preparer) cookie(sp *model.SessionPersistence) string {
	if sp == nil {
		return ""
	}
	if sp.Key == "" || !allBytes(sp.Key, func(c byte) bool { return identByte(c) && c != ':' && c != '.' }) {
		p.bad("SessionPersistence/Key", "cookie Key %q cannot be written to haproxy.cfg: allowed are letters, digits, '_' and '-'", sp.Key)
	}
	out := sp.Key
	mode := cookieModeField
	if w, ok := mode.ToHAProxy(strconv.Itoa(sp.Mode)); ok {
		out += " " + w
	} else {
		p.bad("SessionPersistence/Mode", "cookie Mode %d cannot be written to haproxy.cfg: want %s", sp.Mode, mode.Choices(true))
	}
	if t := sp.Timer; t != nil {
		if t.MaxIdle < 0 {
			p.bad("SessionPersistence/Timer/MaxIdle", "MaxIdle %d cannot be written to haproxy.cfg: want seconds, 0 for none", t.MaxIdle)
		} else if t.MaxIdle > 0 {
			out += " maxidle " + strconv.Itoa(t.MaxIdle) + "s"
		}
		if t.MaxLife < 0 {
			p.bad("SessionPersistence/Timer/MaxLife", "MaxLife %d cannot be written to haproxy.cfg: want seconds, 0 for none", t.MaxLife)
		} else if t.MaxLife > 0 {
			out += " maxlife " + strconv.Itoa(t.MaxLife) + "s"
		}
	}
	return out
}

// httpchk returns "METHOD URI", or "" without a health check. An empty
// Method is the field table's default (GET, the API's).
func (p *preparer) httpchk(o *model.Option) string {
	if o == nil || o.Httpchk == nil {
		return ""
	}
	f := httpchkMethodField
	method := o.Httpchk.Method
	if method == "" {
		method = f.Default
	}
	if w, ok := f.ToHAProxy(method); ok {
		method = w
	} else {
		p.bad("Option/Httpchk/Method", "Httpchk Method %q cannot be written to haproxy.cfg: want %s", method, f.Choices(false))
	}
	uri := o.Httpchk.Uri
	if !strings.HasPrefix(uri, "/") || !allBytes(uri, wordByte) {
		p.bad("Option/Httpchk/Uri", "Httpchk Uri %q cannot be written to haproxy.cfg: want a path starting with '/' of printable ASCII without spaces, '#', quotes or '\\'", uri)
	}
	return method + " " + uri
}

// servers returns one "name address options" string per server; proxyOpt
// is the EnableSourceIp option of every server ("send-proxy" or "").
func (p *preparer) servers(list []model.BackendServer, cookie bool, proxyOpt string) []string {
	out := make([]string, 0, len(list))
	b := p.scratch[:0]
	for i, s := range list {
		p.elem = i
		host, addr := p.serverHost(s.IP)
		port := p.port("BackendServer/*/Port", s.Port)
		// "sHOST:PORT ADDR:PORT [maxconn N] weight W check [cookie NAME] [OPT]"
		name := func(b []byte) []byte { return append(append(append(append(b, 's'), host...), ':'), port...) }
		b = name(b[:0])
		b = append(append(append(append(b, ' '), addr...), ':'), port...)
		if s.MaxConn != 0 { // 0 is no limit, as HAProxy reads a missing maxconn
			b = strconv.AppendInt(append(b, " maxconn "...), int64(p.positive("BackendServer/*/MaxConn", s.MaxConn)), 10)
		}
		b = append(append(append(b, " weight "...), p.weight(s.Weight)...), " check"...)
		if cookie {
			b = name(append(b, " cookie "...))
		}
		if proxyOpt != "" {
			b = append(append(b, ' '), proxyOpt...)
		}
		out = append(out, string(b))
	}
	p.scratch = b
	return out
}

// serverHost returns the host as used in the server name (as written) and
// as used in the address (IPv6 in brackets).
func (p *preparer) serverHost(ip string) (name, addr string) {
	if a, err := netip.ParseAddr(ip); err == nil {
		if a.Zone() != "" {
			p.bad("BackendServer/*/IP", "server address %q cannot be written to haproxy.cfg: an IPv6 zone is not allowed", ip)
			return ip, ip
		}
		if a.Is4() {
			return ip, ip
		}
		return ip, "[" + ip + "]"
	}
	if !isHostname(ip) {
		p.bad("BackendServer/*/IP", "server address %q cannot be written to haproxy.cfg: want an IPv4 or IPv6 address or an RFC 1123 host name", ip)
	}
	return ip, ip
}

// isHostname reports whether s is an RFC 1123 host name whose last label is
// not all digits (so that "010.1.1.1" is not read as an address by the
// resolver).
func isHostname(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		if !allBytes(l, func(c byte) bool {
			return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
		}) {
			return false
		}
	}
	return !allBytes(labels[len(labels)-1], func(c byte) bool { return c >= '0' && c <= '9' })
}

// weight returns the weight as a canonical integer (HAProxy: 0 to 256; the
// field table's range).
func (p *preparer) weight(v string) string {
	f := weightField
	n, ok := digits(v)
	if !ok || n > f.Max {
		p.bad("BackendServer/*/Weight", "Weight %q cannot be written to haproxy.cfg: want an integer from %d to %d", v, f.Min, f.Max)
	}
	if ok && (v == "0" || v[0] != '0') {
		return v // already canonical: digits only, no leading zero
	}
	return strconv.FormatInt(n, 10)
}
