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
}

// prepare builds the proxies of the config (not its prelude).
func prepare(l *model.Listeners, s settings) (*render.Config, []finding.Finding) {
	p := &preparer{s: s}
	c := &render.Config{}
	for i := range l.HttpListeners {
		c.HTTP = append(c.HTTP, p.http(fmt.Sprintf("/HttpListeners/%d", i), &l.HttpListeners[i]))
	}
	for i := range l.TcpListeners {
		c.TCP = append(c.TCP, p.tcp(fmt.Sprintf("/TcpListeners/%d", i), &l.TcpListeners[i]))
	}
	p.uniqueProxies(c)
	return c, p.errs
}

// uniqueProxies re-checks the whole output for proxy names written twice:
// the kept status page and every frontend, backend and listen section.
// HAProxy refuses two proxies with one name.
func (p *preparer) uniqueProxies(c *render.Config) {
	seen := map[string]string{model.StatusProxy: "the status page (listen status)"}
	add := func(ptr, name, what string) {
		if first, ok := seen[name]; ok {
			p.bad(ptr+"/ListenerName", "proxy name %q would be written twice in haproxy.cfg: %s, and %s", name, first, what)
			return
		}
		seen[name] = what
	}
	for i, h := range c.HTTP {
		ptr := fmt.Sprintf("/HttpListeners/%d", i)
		add(ptr, h.Name, "frontend "+h.Name+" of "+ptr)
		add(ptr, h.Backend, "backend "+h.Backend+" of "+ptr)
	}
	for i, t := range c.TCP {
		ptr := fmt.Sprintf("/TcpListeners/%d", i)
		add(ptr, t.Name, "listen "+t.Name+" of "+ptr)
	}
}

func (p *preparer) bad(ptr, format string, args ...any) {
	p.errs = append(p.errs, finding.Finding{
		Severity: finding.Error,
		Rule:     RuleUnsafeValue,
		Pointer:  ptr,
		Message:  fmt.Sprintf(format, args...),
	})
}

func (p *preparer) http(ptr string, l *model.HttpListener) render.HTTPListener {
	name := p.name(ptr+"/ListenerName", l.ListenerName)
	out := render.HTTPListener{
		Name:           name,
		Backend:        name + "-abk",
		ACL:            p.acl(ptr+"/AclWhiteList", name, l.AclWhiteList),
		KeepAlive:      p.onOff(ptr+"/StickySession", model.KindHTTP, model.PtrStickySession, l.StickySession) != "",
		Proto:          "http",
		ClientTimeout:  p.timeout(ptr, "Client", l.ClientTimeout, l.ClientTimeoutUnit),
		ConnectTimeout: p.timeout(ptr, "Connect", l.ConnectTimeout, l.ConnectTimeoutUnit),
		ServerTimeout:  p.timeout(ptr, "Server", l.ServerTimeout, l.ServerTimeoutUnit),
		MaxConn:        p.positive(ptr+"/MaxConn", l.MaxConn),
		Balance:        p.scheduler(ptr+"/Scheduler", l.Scheduler),
		Cookie:         p.cookie(ptr+"/SessionPersistence", l.SessionPersistence),
		Httpchk:        p.httpchk(ptr+"/Option/Httpchk", l.Option),
	}
	var bind strings.Builder
	bind.WriteString(p.listenAddr(ptr+"/ListenerPort", l.ListenerPort))
	for i, c := range l.CertificateIds {
		if i == 0 {
			bind.WriteString(" ssl")
			out.Proto = "https"
		}
		bind.WriteString(" crt " + p.certPath(fmt.Sprintf("%s/CertificateIds/%d/CertificateId", ptr, i), c.CertificateId))
	}
	out.Bind = bind.String()
	out.Servers = p.servers(ptr+"/BackendServer", l.BackendServer, out.Cookie != "", "")
	return out
}

func (p *preparer) tcp(ptr string, l *model.TcpListener) render.TCPListener {
	name := p.name(ptr+"/ListenerName", l.ListenerName)
	bind := p.listenAddr(ptr+"/ListenerPort", l.ListenerPort)
	if w := p.onOff(ptr+"/EnableRepeaterMode", model.KindTCP, model.PtrEnableRepeaterMode, l.EnableRepeaterMode); w != "" {
		bind += " " + w
	}
	return render.TCPListener{
		Name:           name,
		Bind:           bind,
		Balance:        p.scheduler(ptr+"/Scheduler", l.Scheduler),
		MaxConn:        p.positive(ptr+"/MaxConn", l.MaxConn),
		ClientTimeout:  p.timeout(ptr, "Client", l.ClientTimeout, l.ClientTimeoutUnit),
		ConnectTimeout: p.timeout(ptr, "Connect", l.ConnectTimeout, l.ConnectTimeoutUnit),
		ServerTimeout:  p.timeout(ptr, "Server", l.ServerTimeout, l.ServerTimeoutUnit),
		ACL:            p.acl(ptr+"/AclWhiteList", name, l.AclWhiteList),
		Servers: p.servers(ptr+"/BackendServer", l.BackendServer, false,
			p.onOff(ptr+"/EnableSourceIp", model.KindTCP, model.PtrEnableSourceIp, l.EnableSourceIp)),
	}
}

// name checks a proxy name: HAProxy's identifier characters only.
func (p *preparer) name(ptr, v string) string {
	if v == "" || !allBytes(v, identByte) {
		p.bad(ptr, "listener name %q cannot be written to haproxy.cfg: allowed are letters, digits, '_', '.', ':' and '-'", v)
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
func (p *preparer) timeout(ptr, which, v, unit string) string {
	n, ok := digits(v)
	if !ok {
		p.bad(ptr+"/"+which+"Timeout", "%sTimeout %q cannot be written to haproxy.cfg: want a decimal integer", which, v)
	}
	f := timeoutUnitField
	u, ok := f.ToHAProxy(unit)
	if !ok {
		p.bad(ptr+"/"+which+"TimeoutUnit", "%sTimeoutUnit %q cannot be written to haproxy.cfg: want %s", which, unit, f.Choices(false))
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
)

// scheduler returns the balance algorithm of a Scheduler (field table).
func (p *preparer) scheduler(ptr, v string) string {
	f := schedulerField
	if b, ok := f.ToHAProxy(v); ok {
		return b
	}
	p.bad(ptr, "Scheduler %q cannot be written to haproxy.cfg: want %s", v, f.Choices(false))
	return ""
}

// onOff returns the haproxy.cfg spelling of the on/off switch at field
// (field table): the option or line "on" writes, "" for off. An empty
// value is the table's default.
func (p *preparer) onOff(ptr string, k model.Kind, field, v string) string {
	f := model.MustField(k, field)
	if v == "" {
		v = f.Default
	}
	if w, ok := f.ToHAProxy(v); ok {
		return w
	}
	p.bad(ptr, "%q cannot be written to haproxy.cfg: want %s", v, f.Choices(false))
	return ""
}

func (p *preparer) positive(ptr string, n int) int {
	if n < 1 {
		p.bad(ptr, "%d cannot be written to haproxy.cfg: want an integer of 1 or more", n)
	}
	return n
}

// port checks a listener or server port against the field table's range.
func (p *preparer) port(ptr string, n int) string {
	f := listenerPortField
	if int64(n) < f.Min || int64(n) > f.Max {
		p.bad(ptr, "port %d cannot be written to haproxy.cfg: want %d to %d", n, f.Min, f.Max)
	}
	return strconv.Itoa(n)
}

// listenAddr is the bind address and the listener's port.
func (p *preparer) listenAddr(ptr string, port int) string {
	return hostPort(p.s.bindAddr, p.port(ptr, port))
}

// hostPort writes addr:port, with IPv6 addresses in brackets (accepted by
// HAProxy since 1.7).
func hostPort(a netip.Addr, port string) string {
	if a.Is4() {
		return a.String() + ":" + port
	}
	return "[" + a.String() + "]:" + port
}

func (p *preparer) certPath(ptr, id string) string {
	if id == "" || id[0] == '.' || !allBytes(id, func(c byte) bool { return identByte(c) && c != ':' }) {
		p.bad(ptr, "CertificateId %q cannot be written to haproxy.cfg: allowed are letters, digits, '_', '-' and '.' (not first)", id)
	}
	return path.Join(p.s.certDir, id+".pem")
}

// acl splits the whitelist over acl lines; nil when there is none.
func (p *preparer) acl(ptr, name string, entries []string) *render.ACL {
	if len(entries) == 0 {
		return nil
	}
	a := &render.ACL{Name: name + "_whitelist"}
	for i := 0; i < len(entries); i += aclChunk {
		end := min(i+aclChunk, len(entries))
		for j := i; j < end; j++ {
			p.aclEntry(fmt.Sprintf("%s/%d", ptr, j), entries[j])
		}
		a.Sources = append(a.Sources, strings.Join(entries[i:end], " "))
	}
	return a
}

func (p *preparer) aclEntry(ptr, v string) {
	if strings.Contains(v, "/") {
		if pf, err := netip.ParsePrefix(v); err == nil && pf.Addr().Zone() == "" {
			return
		}
	} else if a, err := netip.ParseAddr(v); err == nil && a.Zone() == "" {
		return
	}
	p.bad(ptr, "AclWhiteList entry %q cannot be written to haproxy.cfg: want an IPv4 or IPv6 address or CIDR network", v)
}

// cookie returns everything after "cookie ", or "" without persistence.
func (p *preparer) cookie(ptr string, sp *model.SessionPersistence) string {
	if sp == nil {
		return ""
	}
	if sp.Key == "" || !allBytes(sp.Key, func(c byte) bool { return identByte(c) && c != ':' && c != '.' }) {
		p.bad(ptr+"/Key", "cookie Key %q cannot be written to haproxy.cfg: allowed are letters, digits, '_' and '-'", sp.Key)
	}
	var b strings.Builder
	b.WriteString(sp.Key)
	mode := cookieModeField
	if w, ok := mode.ToHAProxy(strconv.Itoa(sp.Mode)); ok {
		b.WriteString(" " + w)
	} else {
		p.bad(ptr+"/Mode", "cookie Mode %d cannot be written to haproxy.cfg: want %s", sp.Mode, mode.Choices(true))
	}
	if t := sp.Timer; t != nil {
		if t.MaxIdle < 0 {
			p.bad(ptr+"/Timer/MaxIdle", "MaxIdle %d cannot be written to haproxy.cfg: want seconds, 0 for none", t.MaxIdle)
		} else if t.MaxIdle > 0 {
			fmt.Fprintf(&b, " maxidle %ds", t.MaxIdle)
		}
		if t.MaxLife < 0 {
			p.bad(ptr+"/Timer/MaxLife", "MaxLife %d cannot be written to haproxy.cfg: want seconds, 0 for none", t.MaxLife)
		} else if t.MaxLife > 0 {
			fmt.Fprintf(&b, " maxlife %ds", t.MaxLife)
		}
	}
	return b.String()
}

// httpchk returns "METHOD URI", or "" without a health check. An empty
// Method is the field table's default (GET, the API's).
func (p *preparer) httpchk(ptr string, o *model.Option) string {
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
		p.bad(ptr+"/Method", "Httpchk Method %q cannot be written to haproxy.cfg: want %s", method, f.Choices(false))
	}
	uri := o.Httpchk.Uri
	if !strings.HasPrefix(uri, "/") || !allBytes(uri, wordByte) {
		p.bad(ptr+"/Uri", "Httpchk Uri %q cannot be written to haproxy.cfg: want a path starting with '/' of printable ASCII without spaces, '#', quotes or '\\'", uri)
	}
	return method + " " + uri
}

// servers returns one "name address options" string per server; proxyOpt
// is the EnableSourceIp option of every server ("send-proxy" or "").
func (p *preparer) servers(ptr string, list []model.BackendServer, cookie bool, proxyOpt string) []string {
	var out []string
	for i, s := range list {
		sp := fmt.Sprintf("%s/%d", ptr, i)
		host, addr := p.serverHost(sp+"/IP", s.IP)
		port := p.port(sp+"/Port", s.Port)
		name := "s" + host + ":" + port
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s:%s", name, addr, port)
		if s.MaxConn != 0 { // 0 is no limit, as HAProxy reads a missing maxconn
			fmt.Fprintf(&b, " maxconn %d", p.positive(sp+"/MaxConn", s.MaxConn))
		}
		fmt.Fprintf(&b, " weight %s check", p.weight(sp+"/Weight", s.Weight))
		if cookie {
			b.WriteString(" cookie " + name)
		}
		if proxyOpt != "" {
			b.WriteString(" " + proxyOpt)
		}
		out = append(out, b.String())
	}
	return out
}

// serverHost returns the host as used in the server name (as written) and
// as used in the address (IPv6 in brackets).
func (p *preparer) serverHost(ptr, ip string) (name, addr string) {
	if a, err := netip.ParseAddr(ip); err == nil {
		if a.Zone() != "" {
			p.bad(ptr, "server address %q cannot be written to haproxy.cfg: an IPv6 zone is not allowed", ip)
			return ip, ip
		}
		if a.Is4() {
			return ip, ip
		}
		return ip, "[" + ip + "]"
	}
	if !isHostname(ip) {
		p.bad(ptr, "server address %q cannot be written to haproxy.cfg: want an IPv4 or IPv6 address or an RFC 1123 host name", ip)
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
func (p *preparer) weight(ptr, v string) string {
	f := weightField
	n, ok := digits(v)
	if !ok || n > f.Max {
		p.bad(ptr, "Weight %q cannot be written to haproxy.cfg: want an integer from %d to %d", v, f.Min, f.Max)
	}
	return strconv.FormatInt(n, 10)
}
