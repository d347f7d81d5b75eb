package validate

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lbconf/lbconf/model"
)

// Per-field rules. Each check is named after the rule it reports (a few,
// such as timeout-unit, report another rule: fieldRule.rule), and the
// walker below (fieldWalker) lists, for every field of the model, the
// checks it gets in order: a field reports its first failing check only.
// This is plain code rather than go-playground/validator's reflection,
// which cost a third of lint's time on large documents (issue 10).

// fieldRule is one check: its predicate and the message it reports. label
// is the field's name, value its value, param the check's parameter.
type fieldRule struct {
	rule    string // the rule reported; the check's name when empty
	ok      func(v fieldValue) bool
	message func(label string, value any, param string) string
}

// fieldValue is a value being checked: a string field (str) or an integer
// one (num), its field name, and the check's parameter.
type fieldValue struct {
	str   string
	num   int64
	label string
	param string
}

// Facts of enumerated and ranged fields, from model's field table: the
// predicates and messages below read them, so a change of a field's allowed
// values is an edit of the table only.
var (
	listenerPortField = model.MustField(model.KindBoth, model.PtrListenerPort)
	schedulerField    = model.MustField(model.KindBoth, model.PtrScheduler)
	unitField         = model.MustField(model.KindBoth, model.PtrTimeoutUnit)
	cookieModeField   = model.MustField(model.KindHTTP, model.PtrCookieMode)
	httpchkField      = model.MustField(model.KindHTTP, model.PtrHttpchkMethod)
	serverPortField   = model.MustField(model.KindBoth, "/BackendServer/*/Port")
	weightField       = model.MustField(model.KindBoth, "/BackendServer/*/Weight")
	timerField        = model.MustField(model.KindHTTP, "/SessionPersistence/Timer/MaxIdle")
	listenerModes     = map[string]model.Field{
		model.ModeHTTP: model.MustField(model.KindHTTP, model.PtrListenerMode),
		model.ModeTCP:  model.MustField(model.KindTCP, model.PtrListenerMode),
	}
)

// onOffFields are the on/off switches, by name.
var onOffFields = map[string]model.Field{
	"StickySession":      model.MustField(model.KindHTTP, model.PtrStickySession),
	"EnableSourceIp":     model.MustField(model.KindTCP, model.PtrEnableSourceIp),
	"EnableRepeaterMode": model.MustField(model.KindTCP, model.PtrEnableRepeaterMode),
}

// onOffField returns the facts of the on/off switch named label.
func onOffField(label string) model.Field { return onOffFields[label] }

// inRange reports whether n is within f's range.
func inRange(f model.Field, n int64) bool { return n >= f.Min && n <= f.Max }

var fieldRules = map[string]fieldRule{
	"listener-name": {
		ok: func(v fieldValue) bool { return isListenerName(v.str) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("ListenerName %q is not allowed: use 1-50 characters of letters, digits, _ . : and - (it becomes the proxy name in haproxy.cfg)", v)
		},
	},
	"listener-name-doc": {
		ok: func(v fieldValue) bool { return isDocumentedListenerName(v.str) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("ListenerName %q breaks the documented pattern ^[a-z]([a-z0-9_]*[a-z0-9])?$ (lower-case letters, digits and _, starting with a letter, ending with a letter or digit); the platform accepts it and creates such names itself, so this is only a warning", v)
		},
	},
	"listener-port": {
		ok: func(v fieldValue) bool { return inRange(listenerPortField, v.num) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("ListenerPort %v is out of range: use %s", v, listenerPortField.RangeText())
		},
	},
	"reserved-port": {
		ok: func(v fieldValue) bool { return !model.IsReservedPort(int(v.num)) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("ListenerPort %v is reserved; ports %s cannot be used", v, model.ReservedPortsText())
		},
	},
	"stats-port": {
		ok: func(v fieldValue) bool { return v.num != model.StatusPort },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("ListenerPort %v is the instance's status page (listen status binds 127.0.0.1:1081); choose another port unless you mean to shadow it", v)
		},
	},
	"listener-mode": {
		ok: func(v fieldValue) bool { return listenerModes[v.param].Allows(v.str) },
		message: func(_ string, v any, p string) string {
			f := listenerModes[p]
			return fmt.Sprintf("ListenerMode %q is not allowed in %s: use %s", v, f.In, f.Choices(false))
		},
	},
	"scheduler": {
		ok: func(v fieldValue) bool { return schedulerField.Allows(v.str) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("Scheduler %q is not allowed: use %s", v, schedulerField.Choices(false))
		},
	},
	"on-off": {
		ok: func(v fieldValue) bool {
			return onOffField(v.label).Allows(v.str)
		},
		message: func(label string, v any, _ string) string {
			return fmt.Sprintf("%s %q is not allowed: use %s", label, v, onOffField(label).Choices(false))
		},
	},
	"timeout": {
		ok: func(v fieldValue) bool {
			_, ok := timeoutMS(v.str, "ms")
			return ok
		},
		message: func(label string, v any, _ string) string {
			return fmt.Sprintf("%s %q is not allowed: use a positive decimal integer string such as \"30000\" (no sign, spaces, unit or leading zeros)", label, v)
		},
	},
	"timeout-unit": {
		rule: "timeout",
		ok:   func(v fieldValue) bool { return unitField.Allows(v.str) },
		message: func(label string, v any, _ string) string {
			return fmt.Sprintf("%s %q is not allowed: use %s", label, v, unitField.Choices(false))
		},
	},
	"maxconn": {
		ok: func(v fieldValue) bool { return v.num >= 1 },
		message: func(label string, v any, _ string) string {
			return fmt.Sprintf("%s %v is not allowed: use an integer of at least 1", label, v)
		},
	},
	"server-maxconn": {
		rule: "maxconn",
		ok:   func(v fieldValue) bool { return v.num >= 0 },
		message: func(label string, v any, _ string) string {
			return fmt.Sprintf("BackendServer %s %v is not allowed: use an integer of at least 0 (0 means no limit)", label, v)
		},
	},
	"server-maxconn-zero": {
		ok: func(v fieldValue) bool { return v.num != 0 },
		message: func(label string, v any, _ string) string {
			return "BackendServer MaxConn 0 means no limit for this server (HAProxy's reading of 0; compile writes no maxconn for it); the documentation asks for a limit, so set one unless unlimited is meant"
		},
	},
	"maxconn-over-global": {
		ok: func(v fieldValue) bool { return v.num <= globalMaxConn },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("MaxConn %v is above the instance's global maxconn %d, so it can never be reached", v, globalMaxConn)
		},
	},
	"acl-entry": {
		ok: func(v fieldValue) bool { _, ok := parseACL(v.str); return ok },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("AclWhiteList entry %q is not allowed: use an IPv4 or IPv6 address or a CIDR block such as \"10.0.0.0/8\"", v)
		},
	},
	"acl-host-bits": {
		ok: func(v fieldValue) bool {
			p, ok := parseACL(v.str)
			return !ok || p.Masked() == p
		},
		message: func(_ string, v any, _ string) string {
			p, _ := parseACL(fmt.Sprint(v))
			return fmt.Sprintf("AclWhiteList entry %q has host bits set: it allows the whole network %s; write %q if that is meant", v, p.Masked(), p.Masked())
		},
	},
	"server-address": {
		ok: func(v fieldValue) bool {
			s := v.str
			_, ip := parseIP(s)
			return ip || isHostname(s)
		},
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("BackendServer IP %q is not allowed: use an IPv4 or IPv6 address or a host name (RFC 1123)", v)
		},
	},
	"server-hostname": {
		ok: func(v fieldValue) bool { _, ip := parseIP(v.str); return ip },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("BackendServer %q is a host name: HAProxy resolves it when it starts, and a name that does not resolve then stops the instance", v)
		},
	},
	"server-port": {
		ok: func(v fieldValue) bool { return inRange(serverPortField, v.num) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("BackendServer Port %v is out of range: use %s", v, serverPortField.RangeText())
		},
	},
	"server-weight": {
		ok: func(v fieldValue) bool { _, ok := weight(v.str); return ok },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("BackendServer Weight %q is not allowed: use an integer string from \"%d\" to \"%d\"", v, weightField.Min, weightField.Max)
		},
	},
	"cookie-key": {
		ok: func(v fieldValue) bool { return isCookieKey(v.str) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("SessionPersistence Key %q is not allowed: use 2-15 characters of lower-case letters, digits and _, starting with a letter and ending with a letter or digit", v)
		},
	},
	"cookie-mode": {
		ok: func(v fieldValue) bool {
			return cookieModeField.Allows(strconv.FormatInt(v.num, 10))
		},
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("SessionPersistence Mode %v is not allowed: use %s", v, cookieModeField.Choices(true))
		},
	},
	"cookie-timer": {
		ok: func(v fieldValue) bool { return inRange(timerField, v.num) },
		message: func(label string, v any, _ string) string {
			return fmt.Sprintf("Timer %s %v is out of range: use %s seconds (0 means not set)", label, v, timerField.RangeText())
		},
	},
	"httpchk-method": {
		ok: func(v fieldValue) bool { return httpchkField.Allows(v.str) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("Httpchk Method %q is not allowed: use %s", v, httpchkField.Choices(false))
		},
	},
	"httpchk-uri": {
		ok: func(v fieldValue) bool { return isHealthURI(v.str) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("Httpchk Uri %q is not allowed: start with / and use visible ASCII characters other than # \" ' and \\ (no spaces)", v)
		},
	},
	"certificate-id": {
		ok: func(v fieldValue) bool { return isCertificateID(v.str) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("CertificateId %q is not allowed: use letters, digits and - only (it names the certificate file)", v)
		},
	},
}

// fieldProblem is one failed field rule, before positions are known.
type fieldProblem struct {
	pointer string // relative to the listeners, e.g. /HttpListeners/0/MaxConn
	rule    string
	message string
}

// checkFields runs the per-field rules over l, in the model's field order.
func checkFields(l *model.Listeners) []fieldProblem {
	var w fieldWalker
	for i := range l.HttpListeners {
		w.http(i, &l.HttpListeners[i])
	}
	for i := range l.TcpListeners {
		w.tcp(i, &l.TcpListeners[i])
	}
	return w.out
}

// fieldWalker applies the field rules to every field of a model.
type fieldWalker struct{ out []fieldProblem }

// loc names a value below listener i of list: its field name, or, with
// elem >= 0, element elem of the list sub below the listener (and the
// element's field name, if any). The pointer is built only for a failing
// check.
type loc struct {
	list string // HttpListeners or TcpListeners
	i    int
	sub  string // "", SessionPersistence, BackendServer, AclWhiteList, ...
	elem int
	name string
}

func (l loc) pointer() string {
	var b strings.Builder
	b.WriteString("/" + l.list + "/" + strconv.Itoa(l.i))
	if l.sub != "" {
		b.WriteString("/" + l.sub)
	}
	if l.elem >= 0 {
		b.WriteString("/" + strconv.Itoa(l.elem))
	}
	if l.name != "" {
		b.WriteString("/" + l.name)
	}
	return b.String()
}

// label is the field's name in messages: an element of a list is named
// after the list.
func (l loc) label() string {
	if l.name != "" {
		return l.name
	}
	return l.sub[strings.LastIndexByte(l.sub, '/')+1:]
}

// check is a field rule resolved once, with its parameter.
type check struct {
	name  string
	rule  *fieldRule
	param string
}

// checks resolves names of fieldRules ("name=param" for a parameter); a
// field reports the first of them that fails.
func checks(names ...string) []check {
	out := make([]check, len(names))
	for i, n := range names {
		name, param, _ := strings.Cut(n, "=")
		fr, ok := fieldRules[name]
		if !ok {
			panic("validate: no field rule " + name) // a programming error, caught by every test
		}
		out[i] = check{name: name, rule: &fr, param: param}
	}
	return out
}

// The checks of each field, in order.
var (
	nameChecks          = checks("listener-name", "listener-name-doc")
	portChecks          = checks("listener-port", "reserved-port", "stats-port")
	httpModeChecks      = checks("listener-mode=" + model.ModeHTTP)
	tcpModeChecks       = checks("listener-mode=" + model.ModeTCP)
	maxConnChecks       = checks("maxconn", "maxconn-over-global")
	timeoutChecks       = checks("timeout")
	unitChecks          = checks("timeout-unit")
	schedulerChecks     = checks("scheduler")
	onOffChecks         = checks("on-off")
	aclChecks           = checks("acl-entry", "acl-host-bits")
	certificateChecks   = checks("certificate-id")
	serverIPChecks      = checks("server-address", "server-hostname")
	serverPortChecks    = checks("server-port")
	weightChecks        = checks("server-weight")
	serverMaxConnChecks = checks("server-maxconn", "server-maxconn-zero")
	cookieKeyChecks     = checks("cookie-key")
	cookieModeChecks    = checks("cookie-mode")
	timerChecks         = checks("cookie-timer")
	methodChecks        = checks("httpchk-method")
	uriChecks           = checks("httpchk-uri")
)

// run applies cs in order to v, reporting the first that fails; num says
// whether v is an integer field.
func (w *fieldWalker) run(l loc, v fieldValue, num bool, cs []check) {
	v.label = l.label()
	for _, c := range cs {
		v.param = c.param
		if c.rule.ok(v) {
			continue
		}
		rule := c.rule.rule
		if rule == "" {
			rule = c.name
		}
		var value any = v.str
		if num {
			value = int(v.num)
		}
		w.out = append(w.out, fieldProblem{pointer: l.pointer(), rule: rule, message: c.rule.message(v.label, value, c.param)})
		return
	}
}

// str checks a string field; omitEmpty skips an empty one.
func (w *fieldWalker) str(l loc, s string, omitEmpty bool, cs []check) {
	if omitEmpty && s == "" {
		return
	}
	w.run(l, fieldValue{str: s}, false, cs)
}

// num checks an integer field.
func (w *fieldWalker) num(l loc, n int, cs []check) {
	w.run(l, fieldValue{num: int64(n)}, true, cs)
}

// common checks the fields HTTP and TCP listeners share.
func (w *fieldWalker) common(list string, i int, modeChecks []check, name string, port int, mode string, maxConn int,
	client, clientUnit, connect, connectUnit, server, serverUnit string) {
	at := func(name string) loc { return loc{list: list, i: i, elem: -1, name: name} }
	w.str(at("ListenerName"), name, false, nameChecks)
	w.num(at("ListenerPort"), port, portChecks)
	w.str(at("ListenerMode"), mode, false, modeChecks)
	w.num(at("MaxConn"), maxConn, maxConnChecks)
	w.str(at("ClientTimeout"), client, false, timeoutChecks)
	w.str(at("ClientTimeoutUnit"), clientUnit, false, unitChecks)
	w.str(at("ConnectTimeout"), connect, false, timeoutChecks)
	w.str(at("ConnectTimeoutUnit"), connectUnit, false, unitChecks)
	w.str(at("ServerTimeout"), server, false, timeoutChecks)
	w.str(at("ServerTimeoutUnit"), serverUnit, false, unitChecks)
}

func (w *fieldWalker) acl(list string, i int, entries []string) {
	for j, e := range entries {
		w.str(loc{list: list, i: i, sub: "AclWhiteList", elem: j}, e, false, aclChecks)
	}
}

func (w *fieldWalker) servers(list string, i int, servers []model.BackendServer) {
	for j := range servers {
		s := &servers[j]
		at := func(name string) loc { return loc{list: list, i: i, sub: "BackendServer", elem: j, name: name} }
		w.str(at("IP"), s.IP, false, serverIPChecks)
		w.num(at("Port"), s.Port, serverPortChecks)
		w.str(at("Weight"), s.Weight, false, weightChecks)
		w.num(at("MaxConn"), s.MaxConn, serverMaxConnChecks)
	}
}

const httpList, tcpList = model.KeyHttpListeners, model.KeyTcpListeners

func (w *fieldWalker) http(i int, h *model.HttpListener) {
	w.common(httpList, i, httpModeChecks, h.ListenerName, h.ListenerPort, h.ListenerMode, h.MaxConn,
		h.ClientTimeout, h.ClientTimeoutUnit, h.ConnectTimeout, h.ConnectTimeoutUnit, h.ServerTimeout, h.ServerTimeoutUnit)
	at := func(sub, name string) loc { return loc{list: httpList, i: i, sub: sub, elem: -1, name: name} }
	w.str(at("", "Scheduler"), h.Scheduler, false, schedulerChecks)
	w.str(at("", "StickySession"), h.StickySession, false, onOffChecks)
	w.acl(httpList, i, h.AclWhiteList)
	for j := range h.CertificateIds {
		w.str(loc{list: httpList, i: i, sub: "CertificateIds", elem: j, name: "CertificateId"}, h.CertificateIds[j].CertificateId, false, certificateChecks)
	}
	w.servers(httpList, i, h.BackendServer)
	if sp := h.SessionPersistence; sp != nil {
		w.str(at("SessionPersistence", "Key"), sp.Key, false, cookieKeyChecks)
		w.num(at("SessionPersistence", "Mode"), sp.Mode, cookieModeChecks)
		if t := sp.Timer; t != nil {
			w.num(at("SessionPersistence/Timer", "MaxIdle"), t.MaxIdle, timerChecks)
			w.num(at("SessionPersistence/Timer", "MaxLife"), t.MaxLife, timerChecks)
		}
	}
	if o := h.Option; o != nil && o.Httpchk != nil {
		w.str(at("Option/Httpchk", "Method"), o.Httpchk.Method, true, methodChecks) // "" is the default GET
		w.str(at("Option/Httpchk", "Uri"), o.Httpchk.Uri, false, uriChecks)
	}
}

func (w *fieldWalker) tcp(i int, t *model.TcpListener) {
	w.common(tcpList, i, tcpModeChecks, t.ListenerName, t.ListenerPort, t.ListenerMode, t.MaxConn,
		t.ClientTimeout, t.ClientTimeoutUnit, t.ConnectTimeout, t.ConnectTimeoutUnit, t.ServerTimeout, t.ServerTimeoutUnit)
	at := func(name string) loc { return loc{list: tcpList, i: i, elem: -1, name: name} }
	w.str(at("Scheduler"), t.Scheduler, false, schedulerChecks)
	w.acl(tcpList, i, t.AclWhiteList)
	w.servers(tcpList, i, t.BackendServer)
	w.str(at("EnableSourceIp"), t.EnableSourceIp, true, onOffChecks)
	w.str(at("EnableRepeaterMode"), t.EnableRepeaterMode, true, onOffChecks)
}
