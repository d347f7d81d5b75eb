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
		w.http("/HttpListeners/"+strconv.Itoa(i), &l.HttpListeners[i])
	}
	for i := range l.TcpListeners {
		w.tcp("/TcpListeners/"+strconv.Itoa(i), &l.TcpListeners[i])
	}
	return w.out
}

// fieldWalker applies the field rules to every field of a model. Pointers
// are built only for a failing check.
type fieldWalker struct{ out []fieldProblem }

// at names a value: the field name below the object at ptr, or, with
// elem >= 0, element elem of the list name below ptr.
type at struct {
	ptr  string
	name string
	elem int
}

func field(ptr, name string) at { return at{ptr, name, -1} }

func (a at) pointer() string {
	if a.elem < 0 {
		return a.ptr + "/" + a.name
	}
	return a.ptr + "/" + a.name + "/" + strconv.Itoa(a.elem)
}

// run applies checks (names of fieldRules, "name=param" for a parameter)
// in order to v, reporting the first that fails.
func (w *fieldWalker) run(a at, v fieldValue, value any, checks ...string) {
	v.label = a.name
	for _, c := range checks {
		name, param, _ := strings.Cut(c, "=")
		fr := fieldRules[name]
		v.param = param
		if fr.ok(v) {
			continue
		}
		rule := fr.rule
		if rule == "" {
			rule = name
		}
		w.out = append(w.out, fieldProblem{pointer: a.pointer(), rule: rule, message: fr.message(a.name, value, param)})
		return
	}
}

// str checks a string field; omitEmpty skips an empty one.
func (w *fieldWalker) str(a at, s string, omitEmpty bool, checks ...string) {
	if omitEmpty && s == "" {
		return
	}
	w.run(a, fieldValue{str: s}, s, checks...)
}

// num checks an integer field.
func (w *fieldWalker) num(a at, n int, checks ...string) {
	w.run(a, fieldValue{num: int64(n)}, n, checks...)
}

// The checks of the fields HTTP and TCP listeners share.
func (w *fieldWalker) common(ptr string, name string, port int, mode string, maxConn int,
	client, clientUnit, connect, connectUnit, server, serverUnit string) {
	w.str(field(ptr, "ListenerName"), name, false, "listener-name", "listener-name-doc")
	w.num(field(ptr, "ListenerPort"), port, "listener-port", "reserved-port", "stats-port")
	w.str(field(ptr, "ListenerMode"), mode, false, "listener-mode="+modeParam(ptr))
	w.num(field(ptr, "MaxConn"), maxConn, "maxconn", "maxconn-over-global")
	w.str(field(ptr, "ClientTimeout"), client, false, "timeout")
	w.str(field(ptr, "ClientTimeoutUnit"), clientUnit, false, "timeout-unit")
	w.str(field(ptr, "ConnectTimeout"), connect, false, "timeout")
	w.str(field(ptr, "ConnectTimeoutUnit"), connectUnit, false, "timeout-unit")
	w.str(field(ptr, "ServerTimeout"), server, false, "timeout")
	w.str(field(ptr, "ServerTimeoutUnit"), serverUnit, false, "timeout-unit")
}

// modeParam is the ListenerMode a listener at ptr must have.
func modeParam(ptr string) string {
	if strings.HasPrefix(ptr, "/TcpListeners/") {
		return model.ModeTCP
	}
	return model.ModeHTTP
}

func (w *fieldWalker) acl(ptr string, entries []string) {
	for i, e := range entries {
		w.str(at{ptr, "AclWhiteList", i}, e, false, "acl-entry", "acl-host-bits")
	}
}

func (w *fieldWalker) servers(ptr string, servers []model.BackendServer) {
	for i := range servers {
		s := &servers[i]
		sp := ptr + "/BackendServer/" + strconv.Itoa(i)
		w.str(field(sp, "IP"), s.IP, false, "server-address", "server-hostname")
		w.num(field(sp, "Port"), s.Port, "server-port")
		w.str(field(sp, "Weight"), s.Weight, false, "server-weight")
		w.num(field(sp, "MaxConn"), s.MaxConn, "server-maxconn", "server-maxconn-zero")
	}
}

func (w *fieldWalker) http(ptr string, h *model.HttpListener) {
	w.common(ptr, h.ListenerName, h.ListenerPort, h.ListenerMode, h.MaxConn,
		h.ClientTimeout, h.ClientTimeoutUnit, h.ConnectTimeout, h.ConnectTimeoutUnit, h.ServerTimeout, h.ServerTimeoutUnit)
	w.str(field(ptr, "Scheduler"), h.Scheduler, false, "scheduler")
	w.str(field(ptr, "StickySession"), h.StickySession, false, "on-off")
	w.acl(ptr, h.AclWhiteList)
	for i := range h.CertificateIds {
		w.str(field(ptr+"/CertificateIds/"+strconv.Itoa(i), "CertificateId"), h.CertificateIds[i].CertificateId, false, "certificate-id")
	}
	w.servers(ptr, h.BackendServer)
	if sp := h.SessionPersistence; sp != nil {
		p := ptr + "/SessionPersistence"
		w.str(field(p, "Key"), sp.Key, false, "cookie-key")
		w.num(field(p, "Mode"), sp.Mode, "cookie-mode")
		if t := sp.Timer; t != nil {
			w.num(field(p+"/Timer", "MaxIdle"), t.MaxIdle, "cookie-timer")
			w.num(field(p+"/Timer", "MaxLife"), t.MaxLife, "cookie-timer")
		}
	}
	if o := h.Option; o != nil && o.Httpchk != nil {
		p := ptr + "/Option/Httpchk"
		w.str(field(p, "Method"), o.Httpchk.Method, true, "httpchk-method") // "" is the default GET
		w.str(field(p, "Uri"), o.Httpchk.Uri, false, "httpchk-uri")
	}
}

func (w *fieldWalker) tcp(ptr string, t *model.TcpListener) {
	w.common(ptr, t.ListenerName, t.ListenerPort, t.ListenerMode, t.MaxConn,
		t.ClientTimeout, t.ClientTimeoutUnit, t.ConnectTimeout, t.ConnectTimeoutUnit, t.ServerTimeout, t.ServerTimeoutUnit)
	w.str(field(ptr, "Scheduler"), t.Scheduler, false, "scheduler")
	w.acl(ptr, t.AclWhiteList)
	w.servers(ptr, t.BackendServer)
	w.str(field(ptr, "EnableSourceIp"), t.EnableSourceIp, true, "on-off")
	w.str(field(ptr, "EnableRepeaterMode"), t.EnableRepeaterMode, true, "on-off")
}
