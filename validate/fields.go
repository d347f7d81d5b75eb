package validate

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"

	"github.com/lbconf/lbconf/model"
)

// Per-field rules run through go-playground/validator. Each tag is named
// after the rule it reports (fieldTags maps the few that are not), and the
// rules are attached to the model's types here, so the model itself carries
// no validation tags.

// fieldRule is a custom validator tag: its predicate and the message it
// reports. label is the field's name, value its value, param the tag's
// parameter.
type fieldRule struct {
	rule    string // the rule reported; the tag name when empty
	ok      func(fl validator.FieldLevel) bool
	message func(label string, value any, param string) string
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
		ok: func(fl validator.FieldLevel) bool { return isListenerName(fl.Field().String()) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("ListenerName %q is not allowed: use 1-50 characters of letters, digits, _ . : and - (it becomes the proxy name in haproxy.cfg)", v)
		},
	},
	"listener-name-doc": {
		ok: func(fl validator.FieldLevel) bool { return isDocumentedListenerName(fl.Field().String()) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("ListenerName %q breaks the documented pattern ^[a-z]([a-z0-9_]*[a-z0-9])?$ (lower-case letters, digits and _, starting with a letter, ending with a letter or digit); the platform accepts it and creates such names itself, so this is only a warning", v)
		},
	},
	"listener-port": {
		ok: func(fl validator.FieldLevel) bool { return inRange(listenerPortField, fl.Field().Int()) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("ListenerPort %v is out of range: use %s", v, listenerPortField.RangeText())
		},
	},
	"reserved-port": {
		ok: func(fl validator.FieldLevel) bool { return !model.IsReservedPort(int(fl.Field().Int())) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("ListenerPort %v is reserved; ports %s cannot be used", v, model.ReservedPortsText())
		},
	},
	"stats-port": {
		ok: func(fl validator.FieldLevel) bool { return fl.Field().Int() != model.StatusPort },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("ListenerPort %v is the instance's status page (listen status binds 127.0.0.1:1081); choose another port unless you mean to shadow it", v)
		},
	},
	"listener-mode": {
		ok: func(fl validator.FieldLevel) bool { return listenerModes[fl.Param()].Allows(fl.Field().String()) },
		message: func(_ string, v any, p string) string {
			f := listenerModes[p]
			return fmt.Sprintf("ListenerMode %q is not allowed in %s: use %s", v, f.In, f.Choices(false))
		},
	},
	"scheduler": {
		ok: func(fl validator.FieldLevel) bool { return schedulerField.Allows(fl.Field().String()) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("Scheduler %q is not allowed: use %s", v, schedulerField.Choices(false))
		},
	},
	"on-off": {
		ok: func(fl validator.FieldLevel) bool {
			return onOffField(fl.StructFieldName()).Allows(fl.Field().String())
		},
		message: func(label string, v any, _ string) string {
			return fmt.Sprintf("%s %q is not allowed: use %s", label, v, onOffField(label).Choices(false))
		},
	},
	"timeout": {
		ok: func(fl validator.FieldLevel) bool {
			_, ok := timeoutMS(fl.Field().String(), "ms")
			return ok
		},
		message: func(label string, v any, _ string) string {
			return fmt.Sprintf("%s %q is not allowed: use a positive decimal integer string such as \"30000\" (no sign, spaces, unit or leading zeros)", label, v)
		},
	},
	"timeout-unit": {
		rule: "timeout",
		ok:   func(fl validator.FieldLevel) bool { return unitField.Allows(fl.Field().String()) },
		message: func(label string, v any, _ string) string {
			return fmt.Sprintf("%s %q is not allowed: use %s", label, v, unitField.Choices(false))
		},
	},
	"maxconn": {
		ok: func(fl validator.FieldLevel) bool { return fl.Field().Int() >= 1 },
		message: func(label string, v any, _ string) string {
			return fmt.Sprintf("%s %v is not allowed: use an integer of at least 1", label, v)
		},
	},
	"server-maxconn": {
		rule: "maxconn",
		ok:   func(fl validator.FieldLevel) bool { return fl.Field().Int() >= 0 },
		message: func(label string, v any, _ string) string {
			return fmt.Sprintf("BackendServer %s %v is not allowed: use an integer of at least 0 (0 means no limit)", label, v)
		},
	},
	"server-maxconn-zero": {
		ok: func(fl validator.FieldLevel) bool { return fl.Field().Int() != 0 },
		message: func(label string, v any, _ string) string {
			return "BackendServer MaxConn 0 means no limit for this server (HAProxy's reading of 0; compile writes no maxconn for it); the documentation asks for a limit, so set one unless unlimited is meant"
		},
	},
	"maxconn-over-global": {
		ok: func(fl validator.FieldLevel) bool { return fl.Field().Int() <= globalMaxConn },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("MaxConn %v is above the instance's global maxconn %d, so it can never be reached", v, globalMaxConn)
		},
	},
	"acl-entry": {
		ok: func(fl validator.FieldLevel) bool { _, ok := parseACL(fl.Field().String()); return ok },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("AclWhiteList entry %q is not allowed: use an IPv4 or IPv6 address or a CIDR block such as \"10.0.0.0/8\"", v)
		},
	},
	"acl-host-bits": {
		ok: func(fl validator.FieldLevel) bool {
			p, ok := parseACL(fl.Field().String())
			return !ok || p.Masked() == p
		},
		message: func(_ string, v any, _ string) string {
			p, _ := parseACL(fmt.Sprint(v))
			return fmt.Sprintf("AclWhiteList entry %q has host bits set: it allows the whole network %s; write %q if that is meant", v, p.Masked(), p.Masked())
		},
	},
	"server-address": {
		ok: func(fl validator.FieldLevel) bool {
			s := fl.Field().String()
			_, ip := parseIP(s)
			return ip || isHostname(s)
		},
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("BackendServer IP %q is not allowed: use an IPv4 or IPv6 address or a host name (RFC 1123)", v)
		},
	},
	"server-hostname": {
		ok: func(fl validator.FieldLevel) bool { _, ip := parseIP(fl.Field().String()); return ip },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("BackendServer %q is a host name: HAProxy resolves it when it starts, and a name that does not resolve then stops the instance", v)
		},
	},
	"server-port": {
		ok: func(fl validator.FieldLevel) bool { return inRange(serverPortField, fl.Field().Int()) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("BackendServer Port %v is out of range: use %s", v, serverPortField.RangeText())
		},
	},
	"server-weight": {
		ok: func(fl validator.FieldLevel) bool { _, ok := weight(fl.Field().String()); return ok },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("BackendServer Weight %q is not allowed: use an integer string from \"%d\" to \"%d\"", v, weightField.Min, weightField.Max)
		},
	},
	"cookie-key": {
		ok: func(fl validator.FieldLevel) bool { return isCookieKey(fl.Field().String()) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("SessionPersistence Key %q is not allowed: use 2-15 characters of lower-case letters, digits and _, starting with a letter and ending with a letter or digit", v)
		},
	},
	"cookie-mode": {
		ok: func(fl validator.FieldLevel) bool {
			return cookieModeField.Allows(strconv.FormatInt(fl.Field().Int(), 10))
		},
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("SessionPersistence Mode %v is not allowed: use %s", v, cookieModeField.Choices(true))
		},
	},
	"cookie-timer": {
		ok: func(fl validator.FieldLevel) bool { return inRange(timerField, fl.Field().Int()) },
		message: func(label string, v any, _ string) string {
			return fmt.Sprintf("Timer %s %v is out of range: use %s seconds (0 means not set)", label, v, timerField.RangeText())
		},
	},
	"httpchk-method": {
		ok: func(fl validator.FieldLevel) bool { return httpchkField.Allows(fl.Field().String()) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("Httpchk Method %q is not allowed: use %s", v, httpchkField.Choices(false))
		},
	},
	"httpchk-uri": {
		ok: func(fl validator.FieldLevel) bool { return isHealthURI(fl.Field().String()) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("Httpchk Uri %q is not allowed: start with / and use visible ASCII characters other than # \" ' and \\ (no spaces)", v)
		},
	},
	"certificate-id": {
		ok: func(fl validator.FieldLevel) bool { return isCertificateID(fl.Field().String()) },
		message: func(_ string, v any, _ string) string {
			return fmt.Sprintf("CertificateId %q is not allowed: use letters, digits and - only (it names the certificate file)", v)
		},
	},
}

// Rules attached to each model type, by field. Warnings come after errors:
// validator stops at a field's first failing tag.
var typeRules = []struct {
	typ   any
	rules map[string]string
}{
	{model.Listeners{}, map[string]string{"HttpListeners": "dive", "TcpListeners": "dive"}},
	{model.HttpListener{}, map[string]string{
		"ListenerName": "listener-name,listener-name-doc", "ListenerPort": "listener-port,reserved-port,stats-port",
		"ListenerMode": "listener-mode=http", "MaxConn": "maxconn,maxconn-over-global",
		"ClientTimeout": "timeout", "ConnectTimeout": "timeout", "ServerTimeout": "timeout",
		"ClientTimeoutUnit": "timeout-unit", "ConnectTimeoutUnit": "timeout-unit", "ServerTimeoutUnit": "timeout-unit",
		"Scheduler": "scheduler", "StickySession": "on-off",
		"AclWhiteList": "dive,acl-entry,acl-host-bits", "CertificateIds": "dive", "BackendServer": "dive",
		"SessionPersistence": "omitnil", "Option": "omitnil",
	}},
	{model.TcpListener{}, map[string]string{
		"ListenerName": "listener-name,listener-name-doc", "ListenerPort": "listener-port,reserved-port,stats-port",
		"ListenerMode": "listener-mode=tcp", "MaxConn": "maxconn,maxconn-over-global",
		"ClientTimeout": "timeout", "ConnectTimeout": "timeout", "ServerTimeout": "timeout",
		"ClientTimeoutUnit": "timeout-unit", "ConnectTimeoutUnit": "timeout-unit", "ServerTimeoutUnit": "timeout-unit",
		"Scheduler": "scheduler", "AclWhiteList": "dive,acl-entry,acl-host-bits", "BackendServer": "dive",
		"EnableSourceIp": "omitempty,on-off", "EnableRepeaterMode": "omitempty,on-off",
	}},
	{model.Certificate{}, map[string]string{"CertificateId": "certificate-id"}},
	{model.BackendServer{}, map[string]string{
		"IP": "server-address,server-hostname", "Port": "server-port", "Weight": "server-weight", "MaxConn": "server-maxconn,server-maxconn-zero",
	}},
	{model.SessionPersistence{}, map[string]string{"Key": "cookie-key", "Mode": "cookie-mode", "Timer": "omitnil"}},
	{model.Timer{}, map[string]string{"MaxIdle": "cookie-timer", "MaxLife": "cookie-timer"}},
	{model.Option{}, map[string]string{"Httpchk": "omitnil"}},
	{model.Httpchk{}, map[string]string{"Method": "omitempty,httpchk-method", "Uri": "httpchk-uri"}}, // "" is the default GET
}

// fieldValidator builds the validator once; it is safe for concurrent use.
var fieldValidator = sync.OnceValue(func() *validator.Validate {
	v := validator.New()
	for tag, fr := range fieldRules {
		if err := v.RegisterValidation(tag, fr.ok); err != nil {
			panic(fmt.Sprintf("validate: registering %s: %v", tag, err)) // a programming error
		}
	}
	for _, tr := range typeRules {
		v.RegisterStructValidationMapRules(tr.rules, tr.typ)
	}
	return v
})

// fieldProblem is one failed field rule, before positions are known.
type fieldProblem struct {
	pointer string // relative to the listeners, e.g. /HttpListeners/0/MaxConn
	rule    string
	message string
}

// checkFields runs the per-field rules over l.
func checkFields(l *model.Listeners) []fieldProblem {
	err := fieldValidator().Struct(l)
	var verrs validator.ValidationErrors
	if err == nil || !errors.As(err, &verrs) {
		return nil
	}
	out := make([]fieldProblem, 0, len(verrs))
	for _, fe := range verrs {
		fr := fieldRules[fe.Tag()]
		rule := fr.rule
		if rule == "" {
			rule = fe.Tag()
		}
		label := fe.Field()
		if i := strings.IndexByte(label, '['); i >= 0 {
			label = label[:i]
		}
		out = append(out, fieldProblem{
			pointer: namespaceToPointer(fe.Namespace()),
			rule:    rule,
			message: fr.message(label, fe.Value(), fe.Param()),
		})
	}
	return out
}

// namespaceToPointer turns validator's "Listeners.HttpListeners[0].Weight"
// into "/HttpListeners/0/Weight". The model's field names hold no '.', '['
// or ']'.
func namespaceToPointer(ns string) string {
	_, rest, _ := strings.Cut(ns, ".")
	var b strings.Builder
	b.Grow(len(rest) + 8)
	b.WriteByte('/')
	for i := 0; i < len(rest); i++ {
		switch c := rest[i]; c {
		case '.', '[':
			b.WriteByte('/')
		case ']':
			if i+1 < len(rest) && rest[i+1] == '.' {
				i++
				b.WriteByte('/')
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
