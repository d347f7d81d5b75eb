package model

import (
	"fmt"
	"strconv"
	"strings"
)

// The listener field table: every fact lbconf keeps about a listener field,
// in one place. Decoders take defaults from it (ApplyDefaults and the
// presets in defaults.go), validate builds its field rules' messages and
// catalogue summaries from it, compile and decompile map values to and from
// haproxy.cfg through its Values, diff shows values with their Meaning, and
// the test model generator draws enumerated values from it. Generators of
// documentation and schemas read it through Fields.

// Kind is the kind of listener a field belongs to: a bit set.
type Kind uint8

// Listener kinds.
const (
	KindHTTP Kind = 1 << iota // HttpListeners
	KindTCP                   // TcpListeners
	KindBoth = KindHTTP | KindTCP
)

// Has reports whether k includes o.
func (k Kind) Has(o Kind) bool { return k&o != 0 }

// MarshalText writes k as String does.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// String names the listener list(s) of k.
func (k Kind) String() string {
	switch k {
	case KindHTTP:
		return "HttpListeners"
	case KindTCP:
		return "TcpListeners"
	}
	return "HttpListeners and TcpListeners"
}

// JSON types of the field table.
const (
	TypeString  = "string"
	TypeInteger = "integer"
	TypeObject  = "object"
	TypeArray   = "array"
)

// Value is one allowed value of an enumerated field: how a document writes
// it, what it means, and how haproxy.cfg spells it.
type Value struct {
	// Doc is the value as the document writes it ("1", "roundrobin", "on").
	Doc string `json:"value"`
	// Meaning is the short explanation messages and diff print beside the
	// value ("insert nocache"); "" when the value speaks for itself.
	Meaning string `json:"meaning,omitempty"`
	// HAProxy is the value's spelling in haproxy.cfg, in the directive named
	// by Field.HAProxy: words after the directive (`insert nocache` after
	// `cookie KEY`), or the whole option or line whose presence means the
	// value. "" means the value writes nothing (an "off" switch).
	HAProxy string `json:"haproxy"`
}

// Field is the facts of one listener field.
type Field struct {
	// Pointer is the JSON pointer of the field relative to its listener,
	// with "*" for a list index: "/SessionPersistence/Mode",
	// "/BackendServer/*/Weight".
	Pointer string `json:"pointer"`
	// Name is the JSON name (the last token of Pointer).
	Name string `json:"name"`
	// Label names the field in messages ("SessionPersistence Mode").
	Label string `json:"label"`
	// In is the listener kind(s) that have the field.
	In Kind `json:"in"`
	// Type is the JSON type the API documents; Accepts the other type the
	// platform and official clients also use (reported as documented-type),
	// "" when only Type is accepted.
	Type    string `json:"type"`
	Accepts string `json:"accepts,omitempty"`
	// Required is true for fields the API requires (ModifyLoadBalancerStrategys
	// tables) when their parent is present.
	Required bool `json:"required,omitempty"`
	// Values lists the allowed values of an enumerated field, in the order
	// messages list them; Quote says messages quote them (`"on" or "off"`,
	// where a bare on would not read as a value).
	Values []Value `json:"values,omitempty"`
	Quote  bool    `json:"-"`
	// Min and Max bound an integer field, or the integer a string field
	// holds (HasRange says they apply); a timeout's Max is in milliseconds,
	// whatever its unit.
	Min      int64 `json:"min,omitempty"`
	Max      int64 `json:"max,omitempty"`
	HasRange bool  `json:"hasRange,omitempty"`
	// Reserved lists values within the range that the platform keeps.
	Reserved []int `json:"reserved,omitempty"`
	// Pattern is the documented regular expression of a string field, and
	// MaxLen its longest length (0: no limit beyond Pattern).
	Pattern string `json:"pattern,omitempty"`
	MaxLen  int    `json:"maxLength,omitempty"`
	// Syntax is the regular expression lint enforces (an error) when it is
	// wider than the documented Pattern, which is then only a warning: the
	// platform accepts and creates values outside it. "" when Pattern
	// itself is enforced.
	Syntax string `json:"syntax,omitempty"`
	// Default is the value the API assumes when the field is absent (or,
	// with EmptyIsDefault, empty), as the document writes it; "" for none.
	Default        string `json:"default,omitempty"`
	EmptyIsDefault bool   `json:"-"`
	// Rules are the rules that guard the field, as the rule catalogue
	// names them; their severities are the catalogue's.
	Rules []string `json:"rules,omitempty"`
	// Explain is the short explanation of the field used in messages.
	Explain string `json:"explain"`
	// Hint says briefly what is allowed, for messages such as the required
	// rule's ("Scheduler (roundrobin, ...) is required"); "" for none. In
	// the table it may say {values}, {range}, {min} and {max}, which are
	// filled in from the entry.
	Hint string `json:"hint,omitempty"`
	// HAProxy is the directive of haproxy.cfg the field reaches ("" when it
	// reaches none).
	HAProxy string `json:"haproxy,omitempty"`
}

// Pointers of the fields other packages look up (relative to a listener).
const (
	PtrListenerName       = "/ListenerName"
	PtrListenerPort       = "/ListenerPort"
	PtrListenerMode       = "/ListenerMode"
	PtrScheduler          = "/Scheduler"
	PtrTimeoutUnit        = "/ClientTimeoutUnit" // all three units share their facts
	PtrStickySession      = "/StickySession"
	PtrEnableSourceIp     = "/EnableSourceIp"
	PtrEnableRepeaterMode = "/EnableRepeaterMode"
	PtrCookieMode         = "/SessionPersistence/Mode"
	PtrHttpchkMethod      = "/Option/Httpchk/Method"
)

// Shared value lists.
var (
	onOffValues = func(on string) []Value { return []Value{{Doc: On, HAProxy: on}, {Doc: Off}} }
	valuesHint  = "{values}"
	unitValues  = []Value{{Doc: "ms", Meaning: "milliseconds", HAProxy: "ms"}, {Doc: "s", Meaning: "seconds", HAProxy: "s"}}
)

// timeoutFields are a timeout and its unit.
func timeoutFields(which, explain, haproxy string) []Field {
	return []Field{
		{Pointer: "/" + which + "Timeout", In: KindBoth, Type: TypeString, Accepts: TypeInteger, Required: true,
			Min: 1, Max: 2147483647, HasRange: true, Pattern: `^[1-9][0-9]*$`, Hint: `a positive integer string such as "5000"`,
			Rules: []string{"required", "timeout", "documented-type"}, Explain: explain, HAProxy: haproxy},
		{Pointer: "/" + which + "TimeoutUnit", In: KindBoth, Type: TypeString, Required: true, Values: unitValues, Quote: true, Hint: valuesHint,
			Rules: []string{"required", "timeout"}, Explain: "the unit of " + which + "Timeout", HAProxy: haproxy},
	}
}

// table is the field table. It is read only: Fields and FieldOf hand out
// copies.
var table = func() []Field {
	fs := []Field{
		{Pointer: PtrListenerName, In: KindBoth, Type: TypeString, Required: true,
			Pattern: `^[a-z]([a-z0-9_]*[a-z0-9])?$`, Syntax: `^[A-Za-z0-9_.:-]+$`, MaxLen: 50,
			Rules:   []string{"required", "listener-name", "listener-name-doc", "listener-name-reserved", "listener-name-unique"},
			Explain: "the proxy name in haproxy.cfg", HAProxy: "frontend/listen NAME"},
		{Pointer: PtrListenerPort, In: KindBoth, Type: TypeInteger, Accepts: TypeString, Required: true,
			Min: 1, Max: 65535, HasRange: true, Reserved: []int{22, 1080, 9100, 9101}, Hint: "{range}",
			Rules:   []string{"required", "listener-port", "reserved-port", "stats-port", "port-unique", "documented-type"},
			Explain: "the port the listener binds", HAProxy: "bind"},
		{Pointer: PtrListenerMode, In: KindHTTP, Type: TypeString, Required: true,
			Values: []Value{{Doc: ModeHTTP, HAProxy: "http"}}, Quote: true, Rules: []string{"required", "listener-mode"},
			Explain: "the listener's protocol", HAProxy: "mode"},
		{Pointer: PtrListenerMode, In: KindTCP, Type: TypeString, Required: true,
			Values: []Value{{Doc: ModeTCP, HAProxy: "tcp"}}, Quote: true, Rules: []string{"required", "listener-mode"},
			Explain: "the listener's protocol", HAProxy: "mode"},
		{Pointer: "/MaxConn", In: KindBoth, Type: TypeInteger, Accepts: TypeString, Required: true,
			Min: 1, Max: 1 << 31, HasRange: true, Hint: "an integer >= {min}",
			Rules:   []string{"required", "maxconn", "maxconn-over-global", "documented-type"},
			Explain: "the most concurrent connections the listener accepts", HAProxy: "maxconn"},
	}
	fs = append(fs, timeoutFields("Client", "how long a client may stay silent", "timeout client")...)
	fs = append(fs, timeoutFields("Connect", "how long connecting to a server may take", "timeout connect")...)
	fs = append(fs, timeoutFields("Server", "how long a server may stay silent", "timeout server")...)
	fs = append(fs, []Field{
		{Pointer: PtrScheduler, In: KindBoth, Type: TypeString, Required: true,
			Values: []Value{
				{Doc: "roundrobin", Meaning: "each server in turn, by weight", HAProxy: "roundrobin"},
				{Doc: "leastconn", Meaning: "the server with the fewest connections", HAProxy: "leastconn"},
				{Doc: "static-rr", Meaning: "each server in turn, weights fixed", HAProxy: "static-rr"},
				{Doc: "source", Meaning: "a hash of the client address", HAProxy: "source"},
			},
			Hint: valuesHint, Rules: []string{"required", "scheduler", "cookie-with-source"}, Explain: "how requests are spread over the servers", HAProxy: "balance"},
		{Pointer: PtrStickySession, In: KindHTTP, Type: TypeString, Required: true,
			Values: onOffValues("http-response add-header Connection keep-alive"), Quote: true, Hint: valuesHint,
			Rules: []string{"required", "on-off"}, Explain: "keep client connections alive", HAProxy: "http-response"},
		{Pointer: "/AclWhiteList", In: KindBoth, Type: TypeArray, Rules: []string{"repeater-whitelist"},
			Explain: "the client addresses allowed to connect (none: everyone)", HAProxy: "acl NAME_whitelist src"},
		{Pointer: "/AclWhiteList/*", In: KindBoth, Type: TypeString,
			Rules:   []string{"acl-entry", "acl-host-bits", "acl-entry-space"},
			Explain: "an IPv4/IPv6 address or CIDR block", HAProxy: "acl NAME_whitelist src"},
		{Pointer: "/CertificateIds", In: KindHTTP, Type: TypeArray, Explain: "the certificates of an HTTPS listener", HAProxy: "bind ... ssl crt"},
		{Pointer: "/CertificateIds/*/CertificateId", In: KindHTTP, Type: TypeString, Pattern: `^[A-Za-z0-9-]+$`,
			Rules: []string{"certificate-id"}, Explain: "names the certificate file", HAProxy: "bind ... crt DIR/ID.pem"},
		{Pointer: "/CertificateIds/*/CertificateName", In: KindHTTP, Type: TypeString, Explain: "the certificate's display name (not in haproxy.cfg)"},
		{Pointer: "/BackendServer", In: KindBoth, Type: TypeArray, Rules: []string{"no-backend-servers", "server-unique"},
			Explain: "the servers of the listener", HAProxy: "server"},
		{Pointer: "/BackendServer/*/IP", In: KindBoth, Type: TypeString, Required: true,
			Rules: []string{"required", "server-address", "server-hostname"}, Explain: "the server's IPv4/IPv6 address or host name", HAProxy: "server"},
		{Pointer: "/BackendServer/*/Port", In: KindBoth, Type: TypeInteger, Accepts: TypeString, Required: true,
			Min: 1, Max: 65535, HasRange: true, Rules: []string{"required", "server-port", "documented-type"}, Explain: "the server's port", HAProxy: "server"},
		{Pointer: "/BackendServer/*/Weight", In: KindBoth, Type: TypeString, Accepts: TypeInteger, Required: true,
			Min: 1, Max: 256, HasRange: true, Pattern: `^[1-9][0-9]*$`, Hint: `"{min}" to "{max}"`,
			Rules: []string{"required", "server-weight", "documented-type"}, Explain: "the server's share of the load", HAProxy: "server ... weight"},
		{Pointer: "/BackendServer/*/MaxConn", In: KindBoth, Type: TypeInteger, Accepts: TypeString, Required: true,
			Min: 0, Max: 1 << 31, HasRange: true, Rules: []string{"required", "maxconn", "server-maxconn-zero", "documented-type"},
			Explain: "the server's connection limit (0: none)", HAProxy: "server ... maxconn"},
		{Pointer: "/SessionPersistence", In: KindHTTP, Type: TypeObject, Explain: "cookie-based persistence", HAProxy: "cookie"},
		{Pointer: "/SessionPersistence/Key", In: KindHTTP, Type: TypeString, Required: true,
			Pattern: `^[a-z][a-z0-9_]*[a-z0-9]$`, MaxLen: 15,
			Rules: []string{"required", "cookie-key", "cookie-key-unique"}, Explain: "the cookie name", HAProxy: "cookie KEY"},
		{Pointer: PtrCookieMode, In: KindHTTP, Type: TypeInteger, Accepts: TypeString,
			Values: []Value{
				{Doc: "0", Meaning: "insert", HAProxy: "insert"},
				{Doc: "1", Meaning: "insert nocache", HAProxy: "insert nocache"},
				{Doc: "2", Meaning: "insert indirect nocache", HAProxy: "insert indirect nocache"},
			},
			Default: "1", Rules: []string{"cookie-mode", "documented-type"},
			Explain: "how the cookie is inserted (indirect: the backend never sees it)", HAProxy: "cookie KEY"},
		{Pointer: "/SessionPersistence/Timer", In: KindHTTP, Type: TypeObject, Explain: "bounds on cookie persistence"},
		{Pointer: "/SessionPersistence/Timer/MaxIdle", In: KindHTTP, Type: TypeInteger, Accepts: TypeString, Required: true,
			Min: 0, Max: 7200, HasRange: true, Hint: "{range}, 0 = not set", Rules: []string{"required", "cookie-timer", "documented-type"},
			Explain: "seconds a cookie may stay unused (0: not set)", HAProxy: "cookie ... maxidle"},
		{Pointer: "/SessionPersistence/Timer/MaxLife", In: KindHTTP, Type: TypeInteger, Accepts: TypeString, Required: true,
			Min: 0, Max: 7200, HasRange: true, Hint: "{range}, 0 = not set", Rules: []string{"required", "cookie-timer", "documented-type"},
			Explain: "seconds a cookie lives at most (0: not set)", HAProxy: "cookie ... maxlife"},
		{Pointer: "/Option", In: KindHTTP, Type: TypeObject, Explain: "advanced options"},
		{Pointer: "/Option/Httpchk", In: KindHTTP, Type: TypeObject, Explain: "the HTTP health check", HAProxy: "option httpchk"},
		{Pointer: PtrHttpchkMethod, In: KindHTTP, Type: TypeString,
			Values:  []Value{{Doc: "GET", HAProxy: "GET"}, {Doc: "HEAD", HAProxy: "HEAD"}, {Doc: "OPTIONS", HAProxy: "OPTIONS"}},
			Default: "GET", EmptyIsDefault: true, Rules: []string{"httpchk-method"},
			Explain: "the health check's HTTP method", HAProxy: "option httpchk"},
		// Uri: a path of visible ASCII that HAProxy reads as one word (no
		// '#', quotes or backslashes).
		{Pointer: "/Option/Httpchk/Uri", In: KindHTTP, Type: TypeString, Required: true, Pattern: `^/[!$-&(-\[\]-~]*$`,
			Rules: []string{"required", "httpchk-uri"}, Explain: "the health check's path", HAProxy: "option httpchk"},
		{Pointer: PtrEnableSourceIp, In: KindTCP, Type: TypeString, Values: onOffValues("send-proxy"), Quote: true,
			Default: Off, EmptyIsDefault: true, Rules: []string{"on-off", "repeater-needs-source-ip"},
			Explain: "send the PROXY protocol header to the servers", HAProxy: "server"},
		{Pointer: PtrEnableRepeaterMode, In: KindTCP, Type: TypeString, Values: onOffValues("accept-proxy"), Quote: true,
			Default: Off, EmptyIsDefault: true, Rules: []string{"on-off", "repeater-needs-source-ip", "repeater-whitelist"},
			Explain: "accept a PROXY protocol header from clients (relays)", HAProxy: "bind"},
	}...)
	for i := range fs {
		f := &fs[i]
		f.Name = f.Pointer[strings.LastIndexByte(f.Pointer, '/')+1:]
		f.Label = label(f.Pointer)
		f.Hint = strings.NewReplacer("{values}", f.Choices(false), "{range}", f.RangeText(),
			"{min}", strconv.FormatInt(f.Min, 10), "{max}", strconv.FormatInt(f.Max, 10)).Replace(f.Hint)
	}
	return fs
}()

// label names a field in messages: its parent object and its name
// ("SessionPersistence Mode", "Httpchk Method", "BackendServer Weight"),
// or its name for a listener's own field.
func label(ptr string) string {
	var toks []string
	for _, t := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if t != "*" {
			toks = append(toks, t)
		}
	}
	switch {
	case len(toks) >= 3 && toks[0] == "SessionPersistence":
		return strings.Join(toks[1:], " ") // Timer MaxIdle
	case len(toks) >= 2:
		return strings.Join(toks[len(toks)-2:], " ")
	}
	return toks[0]
}

// Fields returns the field table: every field of HTTP and TCP listeners,
// in document order. The slices are copies.
func Fields() []Field {
	out := make([]Field, len(table))
	for i, f := range table {
		out[i] = f.clone()
	}
	return out
}

// FieldOf returns the facts of the field at pointer (relative to a
// listener, "*" for list indexes) in listeners of kind k. ok is false for a
// pointer the table does not hold.
func FieldOf(k Kind, pointer string) (Field, bool) {
	for _, f := range table {
		if f.Pointer == pointer && f.In.Has(k) {
			return f.clone(), true
		}
	}
	return Field{}, false
}

// MustField is FieldOf for the Ptr constants of this package; it panics on a
// pointer the table does not hold (a programming error, caught by tests).
func MustField(k Kind, pointer string) Field {
	f, ok := FieldOf(k, pointer)
	if !ok {
		panic("model: no field " + pointer + " in " + k.String())
	}
	return f
}

func (f Field) clone() Field {
	f.Values = append([]Value(nil), f.Values...)
	f.Rules = append([]string(nil), f.Rules...)
	f.Reserved = append([]int(nil), f.Reserved...)
	return f
}

// Allows reports whether doc is one of an enumerated field's values (any
// value for a field without Values).
func (f Field) Allows(doc string) bool {
	_, ok := f.value(doc)
	return ok || len(f.Values) == 0
}

func (f Field) value(doc string) (Value, bool) {
	for _, v := range f.Values {
		if v.Doc == doc {
			return v, true
		}
	}
	return Value{}, false
}

// ToHAProxy returns the haproxy.cfg spelling of the document value doc;
// ok is false for a value the field does not allow.
func (f Field) ToHAProxy(doc string) (string, bool) {
	v, ok := f.value(doc)
	return v.HAProxy, ok
}

// FromHAProxy returns the document value whose haproxy.cfg spelling is
// cfg, compared word by word; ok is false for a spelling no value has.
func (f Field) FromHAProxy(cfg string) (string, bool) {
	want := strings.Join(strings.Fields(cfg), " ")
	for _, v := range f.Values {
		if v.HAProxy == want {
			return v.Doc, true
		}
	}
	return "", false
}

// Meaning returns doc with its meaning for messages: `1 (insert nocache)`,
// or doc alone when the table gives none.
func (f Field) Meaning(doc string) string {
	if v, ok := f.value(doc); ok && v.Meaning != "" {
		return doc + " (" + v.Meaning + ")"
	}
	return doc
}

// RangeText writes the field's range for messages: "1-65535".
func (f Field) RangeText() string { return fmt.Sprintf("%d-%d", f.Min, f.Max) }

// Choices lists an enumerated field's values for messages, the last after
// "or": `roundrobin, leastconn, static-rr or source`, quoted when the table
// says so (`"on" or "off"`). meanings adds each value's meaning and marks
// the default: `0 (insert), 1 (insert nocache, the default) or 2 (...)`.
func (f Field) Choices(meanings bool) string {
	words := make([]string, len(f.Values))
	for i, v := range f.Values {
		w := v.Doc
		if f.Quote {
			w = strconv.Quote(w)
		}
		if meanings {
			var notes []string
			if v.Meaning != "" {
				notes = append(notes, v.Meaning)
			}
			if f.Default != "" && v.Doc == f.Default {
				notes = append(notes, "the default")
			}
			if len(notes) > 0 {
				w += " (" + strings.Join(notes, ", ") + ")"
			}
		}
		words[i] = w
	}
	return OrList(words)
}

// OrList joins words as "a, b or c".
func OrList(words []string) string { return joinLast(words, " or ") }

// AndList joins words as "a, b and c".
func AndList(words []string) string { return joinLast(words, " and ") }

func joinLast(words []string, last string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + last + words[len(words)-1]
}

// ReservedPorts returns the ports the platform keeps for itself (no
// ListenerPort, nor a bind of a custom config, may use them).
func ReservedPorts() []int { return MustField(KindHTTP, PtrListenerPort).Reserved }

// ReservedPortsText lists the reserved ports for messages: "22, 1080, 9100
// and 9101".
func ReservedPortsText() string { return MustField(KindHTTP, PtrListenerPort).ReservedText() }

// ReservedText lists the field's reserved values for messages ("22, 1080,
// 9100 and 9101"); "" when it has none.
func (f Field) ReservedText() string {
	words := make([]string, len(f.Reserved))
	for i, p := range f.Reserved {
		words[i] = strconv.Itoa(p)
	}
	return AndList(words)
}
