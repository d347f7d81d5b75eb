// Package validate checks listener models against the rules of the cloud API
// and of the configs lbconf compiles from them.
//
// Per-field rules (listener names, ports, cookie keys, addresses, integer
// strings, ...) are named checks applied field by field (fields.go); rules
// that relate several fields or listeners (uniqueness, timeouts
// with their units, cookie timers, PROXY protocol switches) are plain code in
// this package. Every string that compile places in haproxy.cfg is checked by
// one of these rules, so no newline, '#', space or control character can
// reach the config through an accepted document.
package validate

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/model"
)

// Listeners checks a model built in Go. A string or list field left at its
// zero value counts as missing. Findings carry JSON pointers relative to the
// listeners document but no file or position.
func Listeners(l *model.Listeners) []finding.Finding {
	c := &checker{}
	c.run(l)
	finding.Sort(c.out)
	return c.out
}

// Document checks a decoded document: its decoding findings plus every rule,
// each with the file, line and column of the value it is about. A document
// that could not be parsed gets only its syntax finding.
func Document(d *model.Document) []finding.Finding {
	return document(d, nil)
}

// DocumentBounded checks a decoded document as Document does, in memory
// bounded by max findings whatever the document holds: it returns what
// Document's findings become through finding.Sort and finding.Limit(max),
// the first max findings in order and one RuleTooMany finding counting the
// rest, without building a slice of all of them. Findings removed later
// (inline suppression comments) would leave fewer than max shown, so a
// caller that filters uses Document.
func DocumentBounded(d *model.Document, max int) []finding.Finding {
	return document(d, &finding.Bounded{Max: max})
}

func document(d *model.Document, b *finding.Bounded) []finding.Finding {
	c := &checker{doc: d, suppress: map[string]bool{}, bounded: b}
	for _, f := range d.Findings {
		c.collect(f)
		if f.Rule == model.RuleSyntax {
			return c.findings()
		}
	}
	for _, f := range d.Findings {
		if f.Severity == finding.Error {
			c.suppress[f.Pointer] = true // already reported: its zero value says nothing
		}
	}
	c.run(&d.Listeners)
	return c.findings()
}

// checker collects findings for one model.
type checker struct {
	doc      *model.Document // nil for models built in Go
	suppress map[string]bool // pointers whose findings are already reported
	out      []finding.Finding
	bounded  *finding.Bounded // when not nil, collects instead of out
}

// add reports rule at the listeners-relative pointer ptr.
func (c *checker) add(ptr, rule, msg string) {
	f := finding.Finding{Severity: catalogue.Severity(rule), Rule: rule, Message: msg, Pointer: ptr}
	if c.doc != nil {
		f.Pointer = c.doc.Base + ptr
		pos := c.doc.Position(f.Pointer)
		f.File, f.Line, f.Col = c.doc.File, pos.Line, pos.Col
	}
	c.collect(f)
}

// collect keeps f, in out or the bounded collector.
func (c *checker) collect(f finding.Finding) {
	if c.bounded != nil {
		c.bounded.Add(f)
		return
	}
	c.out = append(c.out, f)
}

// findings returns what was collected, sorted.
func (c *checker) findings() []finding.Finding {
	if c.bounded != nil {
		return c.bounded.Findings()
	}
	finding.Sort(c.out)
	return c.out
}

// where names a listener for messages: its pointer, and its line when the
// model came from a file.
func (c *checker) where(ptr string) string {
	if c.doc == nil {
		return ptr
	}
	p := c.doc.Base + ptr
	return fmt.Sprintf("%s (line %d)", p, c.doc.Position(p).Line)
}

func (c *checker) run(l *model.Listeners) {
	if c.doc == nil || !c.doc.RequiredSet() {
		c.required(l)
	}
	for _, p := range checkFields(l) {
		if !c.suppress[p.pointer] {
			c.add(p.pointer, p.rule, p.message)
		}
	}
	c.crossListener(l)
	for i := range l.HttpListeners {
		h := &l.HttpListeners[i]
		ref := ref{httpList, i}
		c.listener(ref, h.ListenerName, timeouts(h.ClientTimeout, h.ClientTimeoutUnit, h.ConnectTimeout, h.ConnectTimeoutUnit, h.ServerTimeout, h.ServerTimeoutUnit), h.BackendServer)
		if sp := h.SessionPersistence; sp != nil {
			if t := sp.Timer; t != nil && t.MaxIdle > 0 && t.MaxLife > 0 && t.MaxLife <= t.MaxIdle &&
				t.MaxIdle <= 7200 && t.MaxLife <= 7200 {
				c.add(ref.ptr()+"/SessionPersistence/Timer/MaxLife", RuleCookieTimer,
					fmt.Sprintf("Timer MaxLife %d must be greater than MaxIdle %d when both are set (0 means not set)", t.MaxLife, t.MaxIdle))
			}
			if h.Scheduler == "source" {
				c.add(ref.ptr()+"/SessionPersistence", RuleCookieWithSource,
					"Scheduler source already keeps each client on one server; SessionPersistence on top changes nothing for clients that keep their address and overrides the hash for those that carry the cookie: use one of the two")
			}
		}
	}
	for i := range l.TcpListeners {
		t := &l.TcpListeners[i]
		ref := ref{tcpList, i}
		c.listener(ref, t.ListenerName, timeouts(t.ClientTimeout, t.ClientTimeoutUnit, t.ConnectTimeout, t.ConnectTimeoutUnit, t.ServerTimeout, t.ServerTimeoutUnit), t.BackendServer)
		if t.EnableRepeaterMode == model.On && t.EnableSourceIp != model.On {
			c.add(ref.ptr()+"/EnableRepeaterMode", RuleRepeaterNeedsSourceIP,
				`EnableRepeaterMode "on" requires EnableSourceIp "on": a relay must pass the client address on to the servers`)
		}
		if t.EnableRepeaterMode == model.On && len(t.AclWhiteList) > 0 {
			c.add(ref.ptr()+"/AclWhiteList", RuleRepeaterWhitelist,
				"with EnableRepeaterMode on, HAProxy checks AclWhiteList against the relay that connects and sends the PROXY header, not against the client addresses it carries: list the relays' addresses")
		}
	}
}

// ref names a listener: its list and index. Its pointer is built only for
// a finding.
type ref struct {
	list string // httpList or tcpList
	i    int
}

func (r ref) ptr() string { return "/" + r.list + "/" + strconv.Itoa(r.i) }

// timeout is one timeout field with its unit.
type timeout struct{ field, value, unit string }

func timeouts(client, clientUnit, connect, connectUnit, server, serverUnit string) [3]timeout {
	return [3]timeout{{"ClientTimeout", client, clientUnit}, {"ConnectTimeout", connect, connectUnit}, {"ServerTimeout", server, serverUnit}}
}

// listener checks what HTTP and TCP listeners share beyond single fields.
func (c *checker) listener(r ref, name string, tos [3]timeout, servers []model.BackendServer) {
	for _, t := range tos {
		if ms, ok := timeoutMS(t.value, t.unit); ok && ms > maxTimeoutMS {
			c.add(r.ptr()+"/"+t.field, RuleTimeout,
				fmt.Sprintf("%s %s%s is %d ms, above HAProxy's limit of %d ms (about 24.8 days)", t.field, t.value, t.unit, ms, maxTimeoutMS))
		}
	}
	if len(servers) == 0 && !c.suppress[r.ptr()+"/BackendServer"] {
		c.add(r.ptr()+"/BackendServer", RuleNoBackendServers,
			fmt.Sprintf("listener %q has no BackendServer: every request to it will fail until servers are added", name))
	}
	// Two servers are the same when IP and Port are (hostPort writes
	// each pair one way). Few servers are compared directly; many
	// (hostile input) through a map, so the cost stays linear.
	type server struct {
		ip   string
		port int
	}
	var seen map[server]int
	if len(servers) > 16 {
		seen = make(map[server]int, len(servers))
	}
	for i, s := range servers {
		if s.IP == "" || s.Port == 0 {
			continue
		}
		j := -1
		if seen != nil {
			if k, ok := seen[server{s.IP, s.Port}]; ok {
				j = k
			} else {
				seen[server{s.IP, s.Port}] = i
			}
		} else {
			for k, o := range servers[:i] {
				if o.IP == s.IP && o.Port == s.Port {
					j = k
					break
				}
			}
		}
		if j >= 0 {
			key := hostPort(s.IP, s.Port)
			c.add(r.ptr()+"/BackendServer/"+strconv.Itoa(i), RuleServerUnique,
				fmt.Sprintf("BackendServer %s is listed twice in this listener (also BackendServer %d); list each IP:Port once", key, j))
		}
	}
}

// hostPort writes an address and port, bracketing IPv6 addresses.
func hostPort(ip string, port int) string {
	if a, ok := parseIP(ip); ok && a.Is6() {
		return "[" + ip + "]:" + strconv.Itoa(port)
	}
	return ip + ":" + strconv.Itoa(port)
}

// crossListener checks uniqueness across all listeners.
func (c *checker) crossListener(l *model.Listeners) {
	// Each map holds the first listener with the value; where names it
	// only for a finding.
	n := len(l.HttpListeners) + len(l.TcpListeners)
	names := make(map[string]ref, n)
	ports := make(map[int]ref, n)
	keys := make(map[string]ref, len(l.HttpListeners))
	backends := make(map[string]ref, len(l.HttpListeners)) // NAME-abk of each HTTP listener: the backend it compiles to
	for i, h := range l.HttpListeners {
		if h.ListenerName != "" {
			backends[h.ListenerName+model.BackendSuffix] = ref{httpList, i}
		}
	}
	visit := func(r ref, name string, port int) {
		if model.IsReservedProxyName(name) {
			c.add(r.ptr()+"/ListenerName", RuleListenerNameReserved,
				fmt.Sprintf("ListenerName %q is the instance's own %q proxy (the status page), which the config keeps; choose another name", name, name))
		} else if strings.HasSuffix(name, model.BackendSuffix) {
			if owner, ok := backends[name]; ok {
				c.add(r.ptr()+"/ListenerName", RuleListenerNameReserved,
					fmt.Sprintf("ListenerName %q is the name of the backend that %s compiles to; haproxy refuses two proxies with one name, so choose another name", name, c.where(owner.ptr())))
			}
		}
		if name != "" {
			if first, ok := names[name]; ok {
				c.add(r.ptr()+"/ListenerName", RuleListenerNameUnique,
					fmt.Sprintf("ListenerName %q is already used by %s; names must be unique across HTTP and TCP listeners", name, c.where(first.ptr())))
			} else {
				names[name] = r
			}
		}
		if port != 0 {
			if first, ok := ports[port]; ok {
				c.add(r.ptr()+"/ListenerPort", RulePortUnique,
					fmt.Sprintf("ListenerPort %d is already used by %s; each listener needs its own port", port, c.where(first.ptr())))
			} else {
				ports[port] = r
			}
		}
	}
	for i, h := range l.HttpListeners {
		r := ref{httpList, i}
		visit(r, h.ListenerName, h.ListenerPort)
		if sp := h.SessionPersistence; sp != nil && sp.Key != "" {
			if first, ok := keys[sp.Key]; ok {
				c.add(r.ptr()+"/SessionPersistence/Key", RuleCookieKeyUnique,
					fmt.Sprintf("SessionPersistence Key %q is already used by %s; cookie keys must be unique", sp.Key, c.where(first.ptr())))
			} else {
				keys[sp.Key] = r
			}
		}
	}
	for i, t := range l.TcpListeners {
		visit(ref{tcpList, i}, t.ListenerName, t.ListenerPort)
	}
}

// required reports the fields the field table marks Required that are
// missing (in a present parent object or list element), and marks them so
// that their zero values are not reported again. The message names the
// field and the table's hint: "Scheduler (roundrobin, ...) is required".
func (c *checker) required(l *model.Listeners) {
	if c.suppress == nil {
		c.suppress = map[string]bool{}
	}
	for i := range l.HttpListeners {
		c.requiredIn(model.KindHTTP, "/HttpListeners/"+strconv.Itoa(i), reflect.ValueOf(&l.HttpListeners[i]).Elem())
	}
	for i := range l.TcpListeners {
		c.requiredIn(model.KindTCP, "/TcpListeners/"+strconv.Itoa(i), reflect.ValueOf(&l.TcpListeners[i]).Elem())
	}
}

// requiredField is a required field of the table with the way to it from
// its listener: one step per pointer token.
type requiredField struct {
	what  string // "Scheduler (roundrobin, ...)"
	steps []step
}

// step is one pointer token: a struct field (its index and JSON name) or
// every element of a list ("*").
type step struct {
	every bool
	index int
	name  string
}

// requiredFields are the table's required fields of each listener kind,
// resolved against the model's types once.
var requiredFields = func() map[model.Kind][]requiredField {
	roots := map[model.Kind]reflect.Type{model.KindHTTP: reflect.TypeOf(model.HttpListener{}), model.KindTCP: reflect.TypeOf(model.TcpListener{})}
	out := map[model.Kind][]requiredField{}
	for _, f := range model.Fields() {
		for k, t := range roots {
			if !f.Required || !f.In.Has(k) {
				continue
			}
			rf := requiredField{what: f.Label}
			if f.Hint != "" {
				rf.what += " (" + f.Hint + ")"
			}
			for _, tok := range strings.Split(strings.TrimPrefix(f.Pointer, "/"), "/") {
				for t.Kind() == reflect.Pointer {
					t = t.Elem()
				}
				if tok == "*" {
					rf.steps = append(rf.steps, step{every: true})
					t = t.Elem()
					continue
				}
				for i := 0; i < t.NumField(); i++ {
					if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name == tok {
						rf.steps = append(rf.steps, step{index: i, name: tok})
						t = t.Field(i).Type
						break
					}
				}
			}
			out[k] = append(out[k], rf)
		}
	}
	return out
}()

func (c *checker) requiredIn(k model.Kind, ptr string, v reflect.Value) {
	var cur model.Cursor
	if c.doc != nil {
		cur = c.doc.At(c.doc.Base + ptr)
	}
	for i := range requiredFields[k] {
		c.need(ptr, &requiredFields[k][i], 0, cur, v, nil)
	}
}

// need follows f's steps from step i, at v and the document's cur, and
// reports the field they end at when it is missing. A nil object on the
// way means the parent is absent: nothing is required of it. Without a
// document a string is missing when empty; other values always count as
// set. idx holds the list indexes taken so far; the pointer is built only
// for a finding (most fields are present).
func (c *checker) need(ptr string, f *requiredField, i int, cur model.Cursor, v reflect.Value, idx []int) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if i == len(f.steps) {
		present := !(v.Kind() == reflect.String && v.String() == "")
		if c.doc != nil {
			present = cur.Set()
		}
		if !present {
			p := f.pointer(ptr, idx)
			c.suppress[p] = true
			c.add(p, RuleRequired, f.what+" is required")
		}
		return
	}
	s := f.steps[i]
	if s.every {
		for j := 0; j < v.Len(); j++ {
			c.need(ptr, f, i+1, cur.Elem(j), v.Index(j), append(idx, j))
		}
		return
	}
	c.need(ptr, f, i+1, cur.Field(s.name), v.Field(s.index), idx)
}

// pointer is the JSON pointer of f below the listener at ptr, with idx the
// indexes of its list steps.
func (f *requiredField) pointer(ptr string, idx []int) string {
	var b strings.Builder
	b.WriteString(ptr)
	for _, s := range f.steps {
		b.WriteByte('/')
		if s.every {
			b.WriteString(strconv.Itoa(idx[0]))
			idx = idx[1:]
			continue
		}
		b.WriteString(s.name)
	}
	return b.String()
}
