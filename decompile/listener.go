package decompile

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/haproxytech/config-parser/v5/types"

	"github.com/lbconf/lbconf/haproxycfg"
	"github.com/lbconf/lbconf/haproxycfg/parse"
	"github.com/lbconf/lbconf/model"
)

// httpListener builds an HTTP listener from a frontend and its backend.
func (d *decompiler) httpListener(ptr string, fe, be *parse.Section) model.HttpListener {
	l := model.HttpListener{
		ListenerName:   fe.Name,
		ListenerMode:   model.ModeHTTP,
		StickySession:  model.Off,
		AclWhiteList:   []string{},
		CertificateIds: []model.Certificate{},
		BackendServer:  []model.BackendServer{},
	}
	f := d.proxy(fe)
	b := d.proxy(be)

	// frontend
	f.single("default_backend", false) // checked by the pairing
	f.fixedLine("compression algo", true, "compression", "algo", "gzip")
	f.fixedLine("mode", true, "mode", "http")
	f.fixedLine("option accept-invalid-http-request", true, "option", "accept-invalid-http-request")
	var certs bool
	l.ListenerPort, l.CertificateIds, certs = f.bind(true)
	l.AclWhiteList = f.whitelist()
	if kw := strings.Fields(spelling(model.KindHTTP, model.PtrStickySession, model.On)); f.fixedLine(kw[0], false, kw...) {
		l.StickySession = model.On
	}
	proto := "http"
	if certs {
		proto = "https"
	}
	f.fixedLine("http-request", false, "http-request", "set-header", "http_x_forwarded_proto", proto)
	f.fixedLine("http-request", false, "http-request", "set-header", "X-Forwarded-Proto", proto)
	for _, dir := range f.all("http-request") {
		w := dir.Fields
		if len(w) == 4 && w[1] == "set-header" && (w[2] == "http_x_forwarded_proto" || w[2] == "X-Forwarded-Proto") && w[3] != proto {
			what := "without"
			if certs {
				what = "with"
			}
			f.lose(dir, fmt.Sprintf("would become `http-request set-header %s %s`, as compile writes it for a listener %s certificates", w[2], proto, what))
		}
	}
	f.fixedLine("http-request", false, "http-request", "set-header", "X-Forwarded-Port", "%[dst_port]")
	f.fixedLine("http-request", false, "http-request", "set-header", "X-Forwarded-Client-srcport", "%[src_port]")
	l.ClientTimeout, l.ClientTimeoutUnit = f.timeout("timeout client")
	l.MaxConn = f.maxconn()
	f.sweep()

	// backend
	b.fixedLine("fullconn", true, "fullconn", "2000")
	b.fixedLine("mode", true, "mode", "http")
	l.Scheduler = b.balance()
	l.SessionPersistence = b.cookie()
	if chk := b.httpchk(); chk != nil {
		l.Option = &model.Option{Httpchk: chk}
	}
	l.ConnectTimeout, l.ConnectTimeoutUnit = b.timeout("timeout connect")
	l.ServerTimeout, l.ServerTimeoutUnit = b.timeout("timeout server")
	cookieKey := ""
	if l.SessionPersistence != nil {
		cookieKey = l.SessionPersistence.Key
	}
	l.BackendServer, _ = b.servers(cookieKey != "", false)
	b.sweep()

	l.Scheduler = d.defaultScheduler(b, l.Scheduler)
	l.MaxConn = d.defaultMaxConn(f, l.MaxConn)
	d.noTimeout(f, "timeout client")
	d.noTimeout(b, "timeout connect")
	d.noTimeout(b, "timeout server")
	d.record(ptr, fe.Header.Num, map[string]int{
		"ListenerName": fe.Header.Num, "ListenerPort": f.lines["bind"], "MaxConn": f.lines["maxconn"],
		"ClientTimeout": f.lines["timeout client"], "ClientTimeoutUnit": f.lines["timeout client"],
		"ConnectTimeout": or(b.lines["timeout connect"], be.Header.Num), "ConnectTimeoutUnit": or(b.lines["timeout connect"], be.Header.Num),
		"ServerTimeout": or(b.lines["timeout server"], be.Header.Num), "ServerTimeoutUnit": or(b.lines["timeout server"], be.Header.Num),
		"Scheduler": or(b.lines["balance"], be.Header.Num), "SessionPersistence": b.lines["cookie"], "Option": b.lines["option httpchk"],
		"BackendServer":  be.Header.Num,
		"CertificateIds": f.lines["bind"],
	}, b.serverLines)
	return l
}

// or returns line, or fallback when line is 0.
func or(line, fallback int) int {
	if line == 0 {
		return fallback
	}
	return line
}

// record notes the lines the listener at ptr came from; listeners are
// recorded in order.
func (d *decompiler) record(ptr string, header int, fields map[string]int, servers []int) {
	list := strings.Split(ptr, "/")[1]
	d.sources[list] = append(d.sources[list], listenerSource{header: header, fields: fields, servers: servers})
}

// defaultScheduler fills HAProxy's default balance algorithm, roundrobin,
// for a proxy without a balance line (here or in its defaults).
func (d *decompiler) defaultScheduler(p *proxy, sched string) string {
	if sched != "" || p.lines["balance"] != 0 {
		return sched
	}
	d.note(p.sec.Header.Num, p.sec.Label()+" has no balance (here or in defaults): HAProxy's default, roundrobin, is the Scheduler")
	return "roundrobin"
}

// defaultMaxConn fills what HAProxy (2.x) gives a proxy without maxconn
// (here or in its defaults): the global maxconn.
func (d *decompiler) defaultMaxConn(p *proxy, maxconn int) int {
	if maxconn != 0 || p.lines["maxconn"] != 0 {
		return maxconn
	}
	for _, s := range d.file.Sections {
		if s.Kind != "global" {
			continue
		}
		if dir := s.Effective("maxconn"); dir != nil && len(dir.Fields) == 2 {
			if n, err := strconv.Atoi(dir.Fields[1]); err == nil && n > 0 {
				p.lines["maxconn"] = dir.Line
				d.note(p.sec.Header.Num, fmt.Sprintf("%s has no maxconn (here or in defaults): HAProxy gives it the global maxconn %d (line %d), which is its MaxConn",
					p.sec.Label(), n, dir.Line))
				return n
			}
		}
	}
	d.note(p.sec.Header.Num, p.sec.Label()+" has no maxconn here, in defaults or in global: HAProxy derives its limit from the process's file-descriptor limit, which a listener cannot state; set MaxConn")
	return 0
}

// noTimeout notes a timeout that is neither in the proxy nor in its
// defaults: HAProxy then runs without one (and warns), which a listener
// cannot state.
func (d *decompiler) noTimeout(p *proxy, kw string) {
	if p.lines[kw] != 0 {
		return
	}
	d.note(p.sec.Header.Num, fmt.Sprintf("%s has no `%s` (here or in defaults): HAProxy runs without one, which a listener cannot state; set it", p.sec.Label(), kw))
}

// tcpListener builds a TCP listener from a `listen` section.
func (d *decompiler) tcpListener(ptr string, s *parse.Section) model.TcpListener {
	l := model.TcpListener{
		ListenerName:       s.Name,
		ListenerMode:       model.ModeTCP,
		AclWhiteList:       []string{},
		BackendServer:      []model.BackendServer{},
		EnableSourceIp:     model.Off,
		EnableRepeaterMode: model.Off,
	}
	p := d.proxy(s)
	p.fixedLine("mode", true, "mode", "tcp")
	var accept bool
	l.ListenerPort, accept = p.tcpBind()
	if accept {
		l.EnableRepeaterMode = model.On
	}
	l.Scheduler = p.balance()
	l.MaxConn = p.maxconn()
	l.ClientTimeout, l.ClientTimeoutUnit = p.timeout("timeout client")
	l.ConnectTimeout, l.ConnectTimeoutUnit = p.timeout("timeout connect")
	l.ServerTimeout, l.ServerTimeoutUnit = p.timeout("timeout server")
	l.AclWhiteList = p.whitelist()
	var sendProxy bool
	l.BackendServer, sendProxy = p.servers(false, true)
	if sendProxy || (len(l.BackendServer) == 0 && accept) {
		// Without servers the config cannot say; a valid model with
		// accept-proxy has EnableSourceIp on.
		l.EnableSourceIp = model.On
	}
	p.sweep()

	l.Scheduler = d.defaultScheduler(p, l.Scheduler)
	l.MaxConn = d.defaultMaxConn(p, l.MaxConn)
	for _, kw := range []string{"timeout client", "timeout connect", "timeout server"} {
		d.noTimeout(p, kw)
	}
	d.record(ptr, s.Header.Num, map[string]int{
		"ListenerName": s.Header.Num, "ListenerPort": p.lines["bind"], "MaxConn": p.lines["maxconn"],
		"ClientTimeout": p.lines["timeout client"], "ClientTimeoutUnit": p.lines["timeout client"],
		"ConnectTimeout": p.lines["timeout connect"], "ConnectTimeoutUnit": p.lines["timeout connect"],
		"ServerTimeout": p.lines["timeout server"], "ServerTimeoutUnit": p.lines["timeout server"],
		"Scheduler": p.lines["balance"], "EnableRepeaterMode": p.lines["bind"],
	}, p.serverLines)
	return l
}

// inherited returns the directive in effect for kw in the proxy's defaults
// section, or nil: a proxy without its own timeout, maxconn or balance line
// runs with the defaults' one, which the model then states explicitly.
// Problems with that line are the defaults section's, reported by nobody
// here (the prelude is not a loss).
func (p *proxy) inherited(kw string) *parse.Directive {
	if p.sec.Defaults == nil {
		return nil
	}
	dir := p.sec.Defaults.Effective(kw)
	if dir == nil || dir.Data == nil {
		return nil
	}
	p.lines[kw] = dir.Line
	p.d.note(dir.Line, fmt.Sprintf("%s %s: `%s` comes from the defaults section (line %d)", p.sec.Label(), kw, dir.String(), dir.Line))
	return dir
}

// timeout reads `timeout client|connect|server`.
func (p *proxy) timeout(kw string) (value, unit string) {
	dir := p.single(kw, false)
	if dir == nil {
		if dir = p.inherited(kw); dir == nil {
			return "", ""
		}
	}
	t, ok := dir.Data.(*types.SimpleTimeout)
	if !ok {
		p.lose(dir, reasonUnknown)
		return "", ""
	}
	v, u, ok := TimeoutToModel(t.Value)
	if !ok || len(dir.Fields) != 3 {
		p.lose(dir, "has a value the model cannot express (a whole number of ms, s, m, h or d)")
		return "", ""
	}
	return v, u
}

// maxconn reads the proxy's `maxconn`.
func (p *proxy) maxconn() int {
	dir := p.single("maxconn", false)
	if dir == nil {
		if dir = p.inherited("maxconn"); dir == nil {
			return 0
		}
	}
	v, ok := dir.Data.(*types.Int64C)
	if !ok || v.Value < 0 || v.Value > 1<<31-1 {
		p.lose(dir, "has a value the model cannot express")
		return 0
	}
	return int(v.Value)
}

// balance reads `balance ALGORITHM`; arguments are a loss.
func (p *proxy) balance() string {
	dir := p.single("balance", false)
	if dir == nil {
		if dir = p.inherited("balance"); dir == nil {
			return ""
		}
	}
	if len(dir.Fields) != 2 {
		if !p.owns(dir) {
			return "" // the defaults' balance has arguments the model cannot hold
		}
		if len(dir.Fields) > 2 {
			p.loseWords(dir, 2, len(dir.Fields), "(the balance arguments)", reasonNoEquivalent)
		}
		if len(dir.Fields) < 2 {
			p.lose(dir, reasonUnknown)
			return ""
		}
	}
	// The field table maps the algorithm back; a word it does not know is
	// kept as written, for the listener rules to report at this line.
	if v, ok := field(model.KindBoth, model.PtrScheduler).FromHAProxy(dir.Fields[1]); ok {
		return v
	}
	return dir.Fields[1]
}

// spelling returns the haproxy.cfg spelling of value v of the field at ptr
// (the field table's).
func spelling(k model.Kind, ptr, v string) string {
	w, _ := field(k, ptr).ToHAProxy(v)
	return w
}

// httpchk reads `option httpchk [[METHOD] URI]`. Without arguments HAProxy
// checks with OPTIONS /; with only a URI, with OPTIONS.
func (p *proxy) httpchk() *model.Httpchk {
	dir := p.single("option httpchk", false)
	if dir == nil {
		return nil
	}
	v, ok := dir.Data.(*types.OptionHttpchk)
	switch {
	case !ok:
		p.lose(dir, reasonUnknown)
		return nil
	case v.NoOption:
		p.lose(dir, reasonNoEquivalent)
		return nil
	}
	c := &model.Httpchk{Method: v.Method, Uri: v.URI}
	if c.Method == "" {
		c.Method = "OPTIONS"
	}
	if c.Uri == "" {
		c.Uri = "/"
	}
	if len(dir.Fields) > 4 {
		p.loseWords(dir, 4, len(dir.Fields), "(the check's HTTP version)", reasonNoEquivalent)
	}
	return c
}

// cookie reads `cookie KEY insert [indirect] [nocache] [maxidle T] [maxlife T]`
// itself: config-parser refuses time units on maxidle/maxlife (`600s`), which
// is what compile writes.
func (p *proxy) cookie() *model.SessionPersistence {
	dir := p.single("cookie", true)
	if dir == nil {
		return nil
	}
	w := dir.Fields
	if len(w) < 2 {
		p.lose(dir, reasonUnknown)
		return nil
	}
	sp := &model.SessionPersistence{Key: w[1]}
	// The Mode words (insert, indirect, nocache) are the field table's
	// spellings of the cookie modes.
	mode := field(model.KindHTTP, model.PtrCookieMode)
	modeWord := map[string]bool{}
	for _, v := range mode.Values {
		for _, mw := range strings.Fields(v.HAProxy) {
			modeWord[mw] = true
		}
	}
	var timer model.Timer
	type extra struct{ i, j int }
	var extras []extra
	words := map[string][]int{} // Mode words present, with their indexes
	for _, o := range haproxycfg.CookieOptions(w) {
		switch {
		case modeWord[o.Word]:
			words[o.Word] = append(words[o.Word], o.At)
		case (o.Word == "maxidle" || o.Word == "maxlife") && o.HasArg:
			n, ok := cookieSeconds(o.Arg)
			if !ok {
				extras = append(extras, extra{o.At, o.End()})
			} else if o.Word == "maxidle" {
				timer.MaxIdle = n
			} else {
				timer.MaxLife = n
			}
		default: // domain, attr, other options, a missing time
			extras = append(extras, extra{o.At, o.End()})
		}
	}
	// The Mode is the value whose spelling uses the most of the words
	// present; the words it does not use are losses.
	best, bestN := "", -1
	for _, v := range mode.Values {
		ws := strings.Fields(v.HAProxy)
		all := true
		for _, mw := range ws {
			all = all && len(words[mw]) > 0
		}
		if all && len(ws) > bestN {
			best, bestN = v.Doc, len(ws)
		}
	}
	if bestN < 0 {
		p.lose(dir, "does not insert the cookie (`insert`): "+reasonNoEquivalent)
		return nil
	}
	sp.Mode, _ = strconv.Atoi(best)
	used, _ := mode.ToHAProxy(best)
	for mw, at := range words {
		if !strings.Contains(" "+used+" ", " "+mw+" ") {
			for _, i := range at {
				extras = append(extras, extra{i, i + 1})
			}
		}
	}
	sort.Slice(extras, func(a, b int) bool { return extras[a].i < extras[b].i })
	for _, e := range extras {
		p.loseWords(dir, e.i, e.j, "(a cookie option)", reasonNoEquivalent)
	}
	if timer.MaxIdle != 0 || timer.MaxLife != 0 {
		sp.Timer = &timer
	}
	return sp
}

// bind reads the listener's bind line: its port and, for HTTP listeners,
// its certificates. certs reports `ssl` with at least one certificate.
func (p *proxy) bind(http bool) (port int, certs []model.Certificate, ssl bool) {
	certs = []model.Certificate{}
	dir, hp := p.bindLine()
	if dir == nil {
		return 0, certs, false
	}
	w := dir.Fields
	var crts []int
	sslAt := -1
	for i := 2; i < len(w); {
		switch {
		case w[i] == "ssl" && http:
			sslAt = i
			i++
		case w[i] == "crt" && http && i+1 < len(w):
			crts = append(crts, i)
			i += 2
		default:
			n, _ := parse.OptionWidth("bind", w[i:])
			p.loseWords(dir, i, i+n, "on the bind", reasonNoEquivalent)
			i += n
		}
	}
	switch {
	case sslAt >= 0 && len(crts) == 0:
		p.loseWords(dir, sslAt, sslAt+1, "on the bind", "has no `crt` (the model enables TLS with certificates)")
	case sslAt < 0:
		for _, i := range crts {
			p.loseWords(dir, i, i+2, "on the bind", "comes without `ssl` (the model enables TLS with certificates)")
		}
		crts = nil
	}
	for _, i := range crts {
		file := w[i+1]
		dirName, base := path.Split(file)
		id, isPem := strings.CutSuffix(base, ".pem")
		if !isPem || id == "" {
			p.loseWords(dir, i, i+2, "on the bind", "is not a file named ID.pem (the model keeps certificate ids)")
			continue
		}
		if path.Clean(dirName) != p.d.opts.CertDir {
			p.loseWords(dir, i+1, i+2, "on the bind",
				fmt.Sprintf("would become %s (compile writes certificates in its --cert-dir)", path.Join(p.d.opts.CertDir, id+".pem")))
		}
		// The config does not know the certificate's name in the API.
		certs = append(certs, model.Certificate{CertificateId: id, CertificateName: ""})
	}
	return hp.port, certs, len(certs) > 0
}

// tcpBind reads a TCP listener's bind line: its port and `accept-proxy`.
func (p *proxy) tcpBind() (port int, acceptProxy bool) {
	dir, hp := p.bindLine()
	if dir == nil {
		return 0, false
	}
	w := dir.Fields
	for i := 2; i < len(w); {
		if w[i] == spelling(model.KindTCP, model.PtrEnableRepeaterMode, model.On) {
			acceptProxy = true
			i++
			continue
		}
		n, _ := parse.OptionWidth("bind", w[i:])
		p.loseWords(dir, i, i+n, "on the bind", reasonNoEquivalent)
		i += n
	}
	return hp.port, acceptProxy
}

// bindLine takes the first usable bind line of the proxy and reports the
// others and a bind address other than the one compile writes.
func (p *proxy) bindLine() (*parse.Directive, hostPort) {
	var taken *parse.Directive
	var hp hostPort
	for _, dir := range p.all("bind") {
		if dir.Unprocessed || len(dir.Fields) < 2 {
			continue
		}
		if taken != nil {
			p.lose(dir, fmt.Sprintf("is a second bind (the model has one port, from line %d)", taken.Line))
			continue
		}
		p.lines["bind"] = dir.Line
		h := splitHostPort(dir.Fields[1])
		if h.err != "" || h.port == 0 {
			why := h.err
			if why == "" {
				why = "has no port (the model needs one)"
			}
			p.lose(dir, why)
			continue
		}
		taken, hp = dir, h
		p.done[dir] = true
		if !sameBindAddress(h.host, p.d.opts.BindAddress) {
			p.d.losses = append(p.d.losses, Loss{
				Line: dir.Line, Col: dir.Col(1), Section: p.sec.Label(), Text: h.host, Context: "(the bind address)",
				Reason: fmt.Sprintf("would become %s (the model keeps only the port; compile --bind-address sets one address for all listeners)", p.d.opts.BindAddress),
			})
		}
	}
	return taken, hp
}

// whitelist reads `acl X src ADDR...` lines and the
// `tcp-request connection reject if !X` line that enforces them.
func (p *proxy) whitelist() []string {
	entries := []string{}
	var reject *parse.Directive
	for _, dir := range p.all("tcp-request") {
		w := dir.Fields
		var n string
		switch {
		case len(w) == 5 && w[1] == "connection" && w[2] == "reject" && w[3] == "if" && strings.HasPrefix(w[4], "!") && len(w[4]) > 1:
			n = w[4][1:]
		case len(w) == 5 && w[1] == "connection" && w[2] == "reject" && w[3] == "unless":
			n = w[4]
		default:
			continue
		}
		if reject != nil {
			continue // left to sweep: the model has one whitelist
		}
		var acls []*parse.Directive
		for _, a := range p.all("acl") {
			if len(a.Fields) >= 3 && a.Fields[1] == n {
				acls = append(acls, a)
			}
		}
		if len(acls) == 0 {
			continue
		}
		reject = dir
		p.done[dir] = true
		for _, a := range acls {
			p.done[a] = true
			vals := a.Fields[3:]
			if a.Fields[2] != "src" || len(vals) == 0 || strings.HasPrefix(vals[0], "-") {
				p.lose(a, "is not a plain `src` address list (the model's whitelist is one)")
				continue
			}
			entries = append(entries, vals...)
		}
	}
	return entries
}

// servers reads the server lines. withCookie says the listener inserts a
// cookie (servers then carry `cookie NAME`); tcp says it is a TCP listener
// (servers may carry `send-proxy`). sendProxy reports any server with
// `send-proxy`; servers without it are then reported, as compile would add
// it to every server.
func (p *proxy) servers(withCookie, tcp bool) (servers []model.BackendServer, sendProxy bool) {
	servers = []model.BackendServer{}
	type seen struct {
		dir       *parse.Directive
		sendProxy bool
	}
	var all []seen
	for _, dir := range p.all("server") {
		w := dir.Fields
		if dir.Unprocessed || len(w) < 3 {
			continue
		}
		hp := splitHostPort(w[2])
		if hp.err != "" || hp.port == 0 {
			why := hp.err
			if why == "" {
				why = "has no port (the model needs one)"
			}
			p.lose(dir, why)
			continue
		}
		p.done[dir] = true
		// compile names a server s<IP>:<port>, the IP as written (IPv6
		// without brackets).
		name := "s" + hp.host + ":" + strconv.Itoa(hp.port)
		srv := model.BackendServer{IP: hp.host, Port: hp.port, Weight: "1"}
		if w[1] != name {
			p.loseWords(dir, 1, 2, "(the server name)", "would become `"+name+"`, the name compile writes")
		}
		var check, sp, cookie bool
		for i := 3; i < len(w); {
			opt := w[i]
			has := i+1 < len(w)
			switch {
			case opt == "check":
				check = true
				i++
				continue
			case opt == spelling(model.KindTCP, model.PtrEnableSourceIp, model.On) && tcp:
				sp = true
				i++
				continue
			case opt == "maxconn" && has:
				if n, err := strconv.Atoi(w[i+1]); err == nil && n >= 0 {
					srv.MaxConn = n
					i += 2
					continue
				}
			case opt == "weight" && has:
				srv.Weight = w[i+1]
				i += 2
				continue
			case opt == "cookie" && has && withCookie:
				cookie = true
				if w[i+1] != name {
					p.loseWords(dir, i, i+2, "on server "+w[1], "would become `cookie "+name+"`, the value compile writes")
				}
				i += 2
				continue
			}
			n, _ := parse.OptionWidth("server", w[i:])
			p.loseWords(dir, i, i+n, "on server "+w[1], reasonNoEquivalent)
			i += n
		}
		if !check {
			p.loseWords(dir, 0, len(w), "", "has no `check`; compile would add it (health checks on every server are part of the fixed shape)")
		}
		if withCookie && !cookie {
			p.loseWords(dir, 0, len(w), "", "has no `cookie`; compile would add `cookie "+name+"` (with a persistence cookie every server gets its value)")
		}
		servers = append(servers, srv)
		p.serverLines = append(p.serverLines, dir.Line)
		all = append(all, seen{dir, sp})
		sendProxy = sendProxy || sp
	}
	if sendProxy {
		for _, s := range all {
			if !s.sendProxy {
				p.loseWords(s.dir, 0, len(s.dir.Fields), "", "has no `send-proxy` while other servers have it; compile would add it (EnableSourceIp is one switch for all servers)")
			}
		}
	}
	return servers, sendProxy
}
