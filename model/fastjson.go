package model

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// The fast path of Decode. Most listener documents in a repository are
// plain: JSON in the shape lbconf, the API and the official clients write,
// every value of its documented type. decodeFast reads such a document
// straight into the model in one pass, without a position tree, and
// declines anything else (an unknown or repeated key, a null, a number
// where a string is documented, an escape in a string, a missing required
// field, a Describe response, ...), which Decode then reads on its exact
// path. Where it accepts, it gives what the exact path gives, findings and
// positions included (TestFastPathAgrees and FuzzFastPath check it); the
// findings it can have (listeners-absent, acl-entry-space) are reported by
// Decode, and positions are computed from the text only when a finding
// needs one (fastPositions).

// fastScanner reads one JSON document on the fast path.
type fastScanner struct {
	s string
	i int
	// nodes counts values as the exact path does (MaxNodes).
	nodes int
	// starts, when set, receives the offset of each element of the next
	// list read (the listeners of a top-level list).
	starts *[]int
	// path leads to the value being read, for findings.
	path []step
	// typed are the values read in a type other than the documented one
	// (rule documented-type), by pointer; Decode reports them.
	typed []typedValue
}

// step is one token of a pointer: an object key, or a list index (key "").
type step struct {
	key   string
	index int
}

// typedValue is a value written in another type than documented, as the
// exact path's binder reports it.
type typedValue struct {
	pointer, message string
}

// pointer is the JSON pointer of the value being read.
func (p *fastScanner) pointer() string {
	var b strings.Builder
	for _, st := range p.path {
		b.WriteByte('/')
		if st.key == "" {
			b.WriteString(strconv.Itoa(st.index))
		} else {
			b.WriteString(EscapePointer(st.key))
		}
	}
	return b.String()
}

// label names the value being read in messages, as the binder does: its
// key, or for an element of a list "List[i]".
func (p *fastScanner) label() string {
	n := len(p.path)
	if n == 0 {
		return ""
	}
	if last := p.path[n-1]; last.key != "" || n == 1 {
		return last.key
	}
	return p.path[n-2].key + "[" + strconv.Itoa(p.path[n-1].index) + "]"
}

// fastResult is a document read on the fast path: the listeners, the shape
// and the InstanceUuid of a request body, and the byte offset of each
// listener in the text.
type fastResult struct {
	listeners             Listeners
	shape                 Shape
	uuid                  string
	httpStarts, tcpStarts []int
	// changes are what ApplyDefaults cleaned up, listsAbsent says a
	// request body has no HttpListeners, and typed are values written in
	// another type than documented: Decode reports them, at the positions
	// the exact path gives them.
	changes     []Change
	listsAbsent bool
	typed       []typedValue
}

// decodeFast decodes data on the fast path; ok is false when the document
// needs the exact path.
func decodeFast(s string) (r fastResult, ok bool) {
	p := &fastScanner{s: s}
	p.space()
	var seen uint8
	l := &r.listeners
	ok = p.object(func(key string) bool {
		var bit uint8
		switch key {
		case KeyHttpListeners:
			bit = 1
		case KeyTcpListeners:
			bit = 2
		case "InstanceUuid":
			bit = 4
		case "service":
			bit = 8
		case "version":
			bit = 16
		case "action":
			bit = 32
		default:
			return false // Data, Code, unknown keys
		}
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		p.path = append(p.path[:0], step{key: key})
		switch bit {
		case 1:
			n := p.elements()
			l.HttpListeners = make([]HttpListener, 0, n)
			r.httpStarts = make([]int, 0, n)
			p.starts = &r.httpStarts
			return list(p, &l.HttpListeners, (*fastScanner).http)
		case 2:
			n := p.elements()
			l.TcpListeners = make([]TcpListener, 0, n)
			r.tcpStarts = make([]int, 0, n)
			p.starts = &r.tcpStarts
			return list(p, &l.TcpListeners, (*fastScanner).tcp)
		}
		if bit == 4 {
			return p.str(&r.uuid)
		}
		// The Python SDK's envelope (envelopeKeys): known and ignored,
		// when they are strings as it sends them.
		if !p.count() {
			return false
		}
		_, ok := p.rawString()
		return ok
	})
	p.space()
	if !ok || p.i != len(p.s) {
		return fastResult{}, false
	}
	if seen&4 != 0 {
		r.shape = ShapeRequest
		r.listsAbsent = seen&1 == 0
	}
	r.changes = ApplyDefaults(l)
	r.typed = p.typed
	return r, true
}

func (p *fastScanner) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		default:
			return
		}
	}
}

// count counts one value; false beyond MaxNodes (the exact path reports it).
func (p *fastScanner) count() bool {
	p.nodes++
	return p.nodes <= MaxNodes
}

// object reads an object, calling member for each key with the scanner at
// the start of its value; member reads the value.
func (p *fastScanner) object(member func(key string) bool) bool {
	if p.i >= len(p.s) || p.s[p.i] != '{' || !p.count() {
		return false
	}
	p.i++
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return true
	}
	for {
		p.space()
		key, ok := p.rawString()
		if !ok {
			return false
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return false
		}
		p.i++
		p.space()
		if !member(key) {
			return false
		}
		if done, ok := p.separator('}'); !ok || done {
			return ok
		}
	}
}

// separator reads a ',' (more follow) or the closing delimiter (done).
func (p *fastScanner) separator(end byte) (done, ok bool) {
	p.space()
	if p.i >= len(p.s) {
		return false, false
	}
	switch p.s[p.i] {
	case ',':
		p.i++
		return false, true
	case end:
		p.i++
		return true, true
	}
	return false, false
}

// list reads an array of objects into *out, each with elem. An empty
// array is an empty, non-nil slice, as on the exact path.
func list[T any](p *fastScanner, out *[]T, elem func(*fastScanner, *T) bool) bool {
	if p.i >= len(p.s) || p.s[p.i] != '[' || !p.count() {
		return false
	}
	p.i++
	p.space()
	starts := p.starts
	p.starts = nil  // not for the lists inside the elements
	s := (*out)[:0] // the caller's capacity, if it gave one
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		*out = make([]T, 0)
		return true
	}
	if cap(s) == 0 {
		s = make([]T, 0, 4) // most lists are short: servers, whitelists
	}
	for {
		p.space()
		if starts != nil {
			*starts = append(*starts, p.i)
		}
		var zero T
		s = append(s, zero)
		p.path = append(p.path, step{index: len(s) - 1})
		if !elem(p, &s[len(s)-1]) { // in place: no copy, no element on the heap
			return false
		}
		p.path = p.path[:len(p.path)-1]
		done, ok := p.separator(']')
		if !ok {
			return false
		}
		if done {
			*out = s[:len(s):len(s)]
			return true
		}
	}
}

// elements counts the elements of the array at the scanner without
// reading them, so that the listener lists are allocated once at their
// size: growing them by appending allocated five times their size. It is a
// capacity hint only; it stops at 1<<20.
func (p *fastScanner) elements() int {
	n, depth := 0, 0
	for j := p.i; j < len(p.s) && n < 1<<20; j++ {
		switch p.s[j] {
		case '"':
			// Skip the string (an escaped quote ends it early: the count
			// is a hint).
			k := strings.IndexByte(p.s[j+1:], '"')
			if k < 0 {
				return n
			}
			j += k + 1
		case '[', '{':
			depth++
			if depth == 2 && n == 0 {
				n = 1
			}
		case ']', '}':
			depth--
			if depth == 0 {
				return n
			}
		case ',':
			if depth == 1 {
				n++
			}
		}
	}
	return n
}

// rawString reads a string without escapes or control characters (which
// the exact path reads).
func (p *fastScanner) rawString() (string, bool) {
	if p.i >= len(p.s) || p.s[p.i] != '"' {
		return "", false
	}
	start := p.i + 1
	for j := start; j < len(p.s); j++ {
		switch c := p.s[j]; {
		case c == '"':
			p.i = j + 1
			return p.s[start:j], true
		case c == '\\' || c < 0x20:
			return "", false
		}
	}
	return "", false
}

// str reads a string value into *v. A whole number is taken as written,
// with a documented-type finding, as the exact path takes it.
func (p *fastScanner) str(v *string) bool {
	if !p.count() {
		return false
	}
	if p.i < len(p.s) && p.s[p.i] != '"' {
		text, ok := p.number()
		if !ok {
			return false
		}
		*v = text
		p.typed = append(p.typed, typedValue{p.pointer(),
			fmt.Sprintf("%s is documented as a string; the number %s is accepted as \"%s\", but write it as a string", p.label(), text, text)})
		return true
	}
	s, ok := p.rawString()
	*v = s
	return ok
}

// integer reads a number written as cleanInt accepts it into *v. A string
// holding such a number is taken, with a documented-type finding, as the
// exact path takes it.
func (p *fastScanner) integer(v *int) bool {
	if !p.count() {
		return false
	}
	if p.i < len(p.s) && p.s[p.i] == '"' {
		s, ok := p.rawString()
		if !ok {
			return false
		}
		n, ok := cleanInt(s)
		if !ok {
			return false // the exact path reports it
		}
		*v = n
		p.typed = append(p.typed, typedValue{p.pointer(),
			fmt.Sprintf("%s is documented as a number; the string %q is accepted as %d, but write it as a number", p.label(), s, n)})
		return true
	}
	text, ok := p.number()
	if !ok {
		return false
	}
	n, ok := fastInt(text)
	*v = n
	return ok
}

// number reads a whole number: an optional '-' and digits, without a
// fraction or an exponent (which the exact path reads).
func (p *fastScanner) number() (string, bool) {
	start := p.i
	if p.i < len(p.s) && p.s[p.i] == '-' {
		p.i++
	}
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	if p.i < len(p.s) {
		switch p.s[p.i] {
		case '.', 'e', 'E', '+', '-':
			return "", false
		}
	}
	text := p.s[start:p.i]
	if text == "" || text == "-" || (len(text) > 1 && text[0] == '0') || strings.HasPrefix(text, "-0") && len(text) > 2 {
		return "", false // not JSON: the exact path reports it
	}
	return text, true
}

// fastInt is cleanInt for text that holds only an optional '-' and
// digits, without its checks of characters and strconv.
func fastInt(s string) (int, bool) {
	neg := len(s) > 0 && s[0] == '-'
	digits := s
	if neg {
		digits = s[1:]
	}
	if digits == "" || len(digits) > 10 || (len(digits) > 1 && digits[0] == '0') {
		return 0, false
	}
	var n int64
	for i := 0; i < len(digits); i++ {
		n = n*10 + int64(digits[i]-'0')
	}
	if n > 1<<31 {
		return 0, false
	}
	if neg {
		n = -n
	}
	return int(n), true
}

// strings reads an array of strings.
func (p *fastScanner) strings(out *[]string) bool {
	return list(p, out, (*fastScanner).str)
}

// fields is the JSON field set of one model type with the fields the
// table requires of it, for the fast path's duplicate and required checks.
type fields struct {
	names    []string // in the model's order
	required uint64   // a bit per name
}

// index returns the index of key in names, trying hint first (documents
// usually list fields in the model's order); -1 when it is not a name.
func (f *fields) index(key string, hint int) int {
	if hint < len(f.names) && f.names[hint] == key {
		return hint
	}
	for i, n := range f.names {
		if n == key {
			return i
		}
	}
	return -1
}

// fieldsOf lists t's JSON fields; the fields the table marks Required at
// parent (a pointer with "*" for list elements, "" for the listener) in
// listeners of kind k are required.
func fieldsOf(t reflect.Type, k Kind, parent string) fields {
	var f fields
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		f.names = append(f.names, name)
		for j := range table {
			if table[j].Required && table[j].In.Has(k) && table[j].Pointer == parent+"/"+name {
				f.required |= 1 << uint(i)
			}
		}
	}
	return f
}

// fastFields are built on first use, not when lbconf starts.
var fastFields = sync.OnceValue(func() *fastFieldSets {
	return &fastFieldSets{
		http:       fieldsOf(reflect.TypeOf(HttpListener{}), KindHTTP, ""),
		tcp:        fieldsOf(reflect.TypeOf(TcpListener{}), KindTCP, ""),
		cert:       fieldsOf(reflect.TypeOf(Certificate{}), KindHTTP, "/CertificateIds/*"),
		httpServer: fieldsOf(reflect.TypeOf(BackendServer{}), KindHTTP, "/BackendServer/*"),
		tcpServer:  fieldsOf(reflect.TypeOf(BackendServer{}), KindTCP, "/BackendServer/*"),
		cookie:     fieldsOf(reflect.TypeOf(SessionPersistence{}), KindHTTP, "/SessionPersistence"),
		timer:      fieldsOf(reflect.TypeOf(Timer{}), KindHTTP, "/SessionPersistence/Timer"),
		option:     fieldsOf(reflect.TypeOf(Option{}), KindHTTP, "/Option"),
		httpchk:    fieldsOf(reflect.TypeOf(Httpchk{}), KindHTTP, "/Option/Httpchk"),
	}
})

// fastFieldSets are the field sets of the model's types, by kind where the
// table's required fields differ.
type fastFieldSets struct {
	http, tcp, cert                fields
	httpServer, tcpServer          fields
	cookie, timer, option, httpchk fields
}

// members reads an object of the type described by f: read reads the value
// of one known key. It declines unknown and repeated keys and a missing
// required field.
func (p *fastScanner) members(f *fields, read func(key string) bool) bool {
	var seen uint64
	next := 0
	ok := p.object(func(key string) bool {
		i := f.index(key, next)
		if i < 0 || seen&(1<<i) != 0 {
			return false
		}
		seen |= 1 << i
		next = i + 1
		p.path = append(p.path, step{key: key})
		ok := read(key)
		p.path = p.path[:len(p.path)-1]
		return ok
	})
	return ok && seen&f.required == f.required
}

func (p *fastScanner) http(h *HttpListener) bool {
	return p.members(&fastFields().http, func(key string) bool {
		switch key {
		case "ListenerName":
			return p.str(&h.ListenerName)
		case "ListenerPort":
			return p.integer(&h.ListenerPort)
		case "ListenerMode":
			return p.str(&h.ListenerMode)
		case "MaxConn":
			return p.integer(&h.MaxConn)
		case "ClientTimeout":
			return p.str(&h.ClientTimeout)
		case "ClientTimeoutUnit":
			return p.str(&h.ClientTimeoutUnit)
		case "ConnectTimeout":
			return p.str(&h.ConnectTimeout)
		case "ConnectTimeoutUnit":
			return p.str(&h.ConnectTimeoutUnit)
		case "ServerTimeout":
			return p.str(&h.ServerTimeout)
		case "ServerTimeoutUnit":
			return p.str(&h.ServerTimeoutUnit)
		case "Scheduler":
			return p.str(&h.Scheduler)
		case "StickySession":
			return p.str(&h.StickySession)
		case "AclWhiteList":
			return p.strings(&h.AclWhiteList)
		case "CertificateIds":
			return list(p, &h.CertificateIds, (*fastScanner).certificate)
		case "BackendServer":
			return list(p, &h.BackendServer, func(p *fastScanner, s *BackendServer) bool {
				return p.server(&fastFields().httpServer, s)
			})
		case "SessionPersistence":
			h.SessionPersistence = &SessionPersistence{}
			return p.cookie(h.SessionPersistence)
		case "Option":
			h.Option = &Option{}
			return p.option(h.Option)
		}
		return false
	})
}

func (p *fastScanner) tcp(t *TcpListener) bool {
	return p.members(&fastFields().tcp, func(key string) bool {
		switch key {
		case "ListenerName":
			return p.str(&t.ListenerName)
		case "ListenerPort":
			return p.integer(&t.ListenerPort)
		case "ListenerMode":
			return p.str(&t.ListenerMode)
		case "MaxConn":
			return p.integer(&t.MaxConn)
		case "ClientTimeout":
			return p.str(&t.ClientTimeout)
		case "ClientTimeoutUnit":
			return p.str(&t.ClientTimeoutUnit)
		case "ConnectTimeout":
			return p.str(&t.ConnectTimeout)
		case "ConnectTimeoutUnit":
			return p.str(&t.ConnectTimeoutUnit)
		case "ServerTimeout":
			return p.str(&t.ServerTimeout)
		case "ServerTimeoutUnit":
			return p.str(&t.ServerTimeoutUnit)
		case "Scheduler":
			return p.str(&t.Scheduler)
		case "AclWhiteList":
			return p.strings(&t.AclWhiteList)
		case "BackendServer":
			return list(p, &t.BackendServer, func(p *fastScanner, s *BackendServer) bool {
				return p.server(&fastFields().tcpServer, s)
			})
		case "EnableSourceIp":
			return p.str(&t.EnableSourceIp)
		case "EnableRepeaterMode":
			return p.str(&t.EnableRepeaterMode)
		}
		return false
	})
}

func (p *fastScanner) certificate(c *Certificate) bool {
	return p.members(&fastFields().cert, func(key string) bool {
		switch key {
		case "CertificateId":
			return p.str(&c.CertificateId)
		case "CertificateName":
			return p.str(&c.CertificateName)
		}
		return false
	})
}

func (p *fastScanner) server(f *fields, s *BackendServer) bool {
	return p.members(f, func(key string) bool {
		switch key {
		case "IP":
			return p.str(&s.IP)
		case "Port":
			return p.integer(&s.Port)
		case "Weight":
			return p.str(&s.Weight)
		case "MaxConn":
			return p.integer(&s.MaxConn)
		}
		return false
	})
}

func (p *fastScanner) cookie(sp *SessionPersistence) bool {
	sp.preset()
	return p.members(&fastFields().cookie, func(key string) bool {
		switch key {
		case "Key":
			return p.str(&sp.Key)
		case "Mode":
			return p.integer(&sp.Mode)
		case "Timer":
			sp.Timer = &Timer{}
			return p.members(&fastFields().timer, func(key string) bool {
				switch key {
				case "MaxIdle":
					return p.integer(&sp.Timer.MaxIdle)
				case "MaxLife":
					return p.integer(&sp.Timer.MaxLife)
				}
				return false
			})
		}
		return false
	})
}

func (p *fastScanner) option(o *Option) bool {
	return p.members(&fastFields().option, func(key string) bool {
		if key != "Httpchk" {
			return false
		}
		o.Httpchk = &Httpchk{}
		o.Httpchk.preset()
		return p.members(&fastFields().httpchk, func(key string) bool {
			switch key {
			case "Method":
				return p.str(&o.Httpchk.Method)
			case "Uri":
				return p.str(&o.Httpchk.Uri)
			}
			return false
		})
	})
}
