// Package schema generates the JSON Schema of listener documents,
// schema/listeners.schema.json, from the model: the structure from the
// model's types and shape keys, and every field's facts (JSON types,
// allowed values, ranges, reserved values, patterns, lengths, defaults,
// required fields, explanations, haproxy.cfg directives and guarding rules)
// from the field table, model.Fields(). It covers the three shapes lint
// accepts: the bare {"HttpListeners": [...], "TcpListeners": [...]}, a
// ModifyLoadBalancerStrategys/AddLoadBalancerStrategys body (with
// InstanceUuid) and a DescribeLoadBalancerStrategys response (with Data).
//
// The schema follows lint's severities: what lint reports as an error the
// schema rejects where JSON Schema can say it, and what lint only warns
// about is valid (the other JSON type a field is accepted in, fields the
// documentation does not list, the SDK envelope keys, a listener name
// outside the documented pattern, BackendServer MaxConn 0, null for an
// optional value); descriptions name the documented rule. lint checks more
// (uniqueness across listeners, cross-field rules, IP addresses).
//
// Regenerate with `go test ./schema -update`; a test fails on drift.
package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/validate"
)

// ID is the schema's $id.
const ID = "https://raw.githubusercontent.com/lbconf/lbconf/main/schema/listeners.schema.json"

// rulesDoc is where descriptions send readers for the rules.
const rulesDoc = "docs/rules.md"

// obj is a JSON object whose keys keep the order they were set in.
type obj struct {
	keys []string
	vals map[string]any
}

func newObj() *obj { return &obj{vals: map[string]any{}} }

func (o *obj) set(k string, v any) *obj {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
	return o
}

// MarshalJSON writes the keys in order.
func (o *obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(o.vals[k])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Generate returns the schema, indented, ending in a newline.
func Generate() ([]byte, error) {
	g := &generator{defs: newObj(), severity: map[string]finding.Severity{}}
	for _, r := range validate.Rules() {
		g.severity[r.Name] = r.Severity
	}
	lists, err := g.ref(reflect.TypeOf(model.Listeners{}), 0, "")
	if err != nil {
		return nil, err
	}
	bare := g.envelope(model.ShapeBare, newObj().
		set("HttpListeners", newObj().set("$ref", lists+"/properties/HttpListeners")).
		set("TcpListeners", newObj().set("$ref", lists+"/properties/TcpListeners")))
	request := g.envelope(model.ShapeRequest, newObj().
		set("InstanceUuid", newObj().set("type", []string{"string", "number"}).
			set("description", "the load balancer instance the body changes (ModifyLoadBalancerStrategys/AddLoadBalancerStrategys)")).
		set("HttpListeners", newObj().set("$ref", lists+"/properties/HttpListeners")).
		set("TcpListeners", newObj().set("$ref", lists+"/properties/TcpListeners")))
	request.set("required", []string{"InstanceUuid"})
	describe := g.envelope(model.ShapeDescribe, newObj().
		set("Code", newObj().set("description", "the API's result code (not checked)")).
		set("Message", newObj().set("description", "the API's message (not checked)")).
		set("TaskId", newObj().set("description", "the API's task (not checked)")).
		set("RequestId", newObj().set("description", "the API's request (not checked)")).
		set("Data", newObj().set("$ref", lists).set("description", "the instance's listeners")))
	describe.set("required", []string{"Data"})
	g.defs.set("BareDocument", bare)
	g.defs.set("RequestBody", request)
	g.defs.set("DescribeResponse", describe)

	// The decoder tells the shapes apart by their keys: Data or Code make
	// a Describe response, else InstanceUuid a request body.
	root := newObj().
		set("$schema", "https://json-schema.org/draft/2020-12/schema").
		set("$id", ID).
		set("title", "lbconf listener document").
		set("description", "Listeners of a Capital Online load balancer instance: the bare document, a "+
			"ModifyLoadBalancerStrategys/AddLoadBalancerStrategys request body (with InstanceUuid), or a "+
			"DescribeLoadBalancerStrategys response (with Data). What lint reports as an error this schema "+
			"rejects where it can; what lint only warns about is valid here. lint checks more "+
			"(uniqueness, cross-field rules, addresses); see "+rulesDoc+".").
		set("type", "object").
		set("if", newObj().set("anyOf", []any{
			newObj().set("required", []string{"Data"}),
			newObj().set("required", []string{"Code"}),
		})).
		set("then", newObj().set("$ref", "#/$defs/DescribeResponse")).
		set("else", newObj().
			set("if", newObj().set("required", []string{"InstanceUuid"})).
			set("then", newObj().set("$ref", "#/$defs/RequestBody")).
			set("else", newObj().set("$ref", "#/$defs/BareDocument"))).
		set("$defs", g.defs)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type generator struct {
	defs     *obj
	severity map[string]finding.Severity // the catalogue's, by rule
}

// envelope is the top level of a document of shape s: props, the SDK
// envelope keys, and other keys valid (undocumented-field) unless they are
// a near miss of a key of the shape (unknown-field).
func (g *generator) envelope(s model.Shape, props *obj) *obj {
	for _, k := range model.EnvelopeKeys() {
		props.set(k, newObj().set("description", "a key of the Python SDK's request envelope; known, and ignored"))
	}
	return newObj().
		set("type", "object").
		set("description", "a "+s.String()).
		set("properties", props).
		set("propertyNames", propertyNames(append(model.ShapeKeys(s), model.EnvelopeKeys()...), model.ShapeKeys(s), nil))
}

// propertyNames allows the keys known exactly, and any other key that is
// not a near miss the decoder reports as unknown-field: a key of allowed in
// another case, or a field of one listener kind only (forbidden) where it
// does not belong. Keys further from a known one are undocumented-field
// warnings, valid here.
func propertyNames(known, allowed, forbidden []string) *obj {
	var alts []string
	for _, k := range append(append([]string(nil), allowed...), forbidden...) {
		alts = append(alts, caseless(k))
	}
	return newObj().set("anyOf", []any{
		newObj().set("enum", known),
		newObj().set("not", newObj().set("pattern", "^(?:"+strings.Join(alts, "|")+")$")),
	})
}

// caseless writes a regular expression matching s in any case.
func caseless(s string) string {
	var b strings.Builder
	for _, c := range s {
		lo, up := strings.ToLower(string(c)), strings.ToUpper(string(c))
		if lo == up {
			b.WriteString(regexp.QuoteMeta(string(c)))
			continue
		}
		b.WriteString("[" + up + lo + "]")
	}
	return b.String()
}

// kindOnly returns the listener fields of one kind only (from the field
// table): keys the decoder reports as unknown-field outside their kind.
func kindOnly() map[string]model.Kind {
	in := map[string]model.Kind{}
	for _, f := range model.Fields() {
		if strings.Count(f.Pointer, "/") == 1 {
			in[f.Name] |= f.In
		}
	}
	for k, v := range in {
		if v == model.KindBoth {
			delete(in, k)
		}
	}
	return in
}

// ref returns the $ref of the struct type t at pointer (relative to a
// listener of kind k; k is 0 above the listeners), defining it on first
// use.
func (g *generator) ref(t reflect.Type, k model.Kind, pointer string) (string, error) {
	name := t.Name()
	if _, ok := g.defs.vals[name]; !ok {
		g.defs.set(name, nil) // reserve: recursion and order
		s, err := g.structSchema(t, k, pointer)
		if err != nil {
			return "", err
		}
		g.defs.set(name, s)
	}
	return "#/$defs/" + name, nil
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

func (g *generator) structSchema(t reflect.Type, k model.Kind, pointer string) (*obj, error) {
	props := newObj()
	var names, required []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := jsonName(f)
		if name == "" || name == "-" {
			continue
		}
		names = append(names, name)
		if t == reflect.TypeOf(model.Listeners{}) {
			kind, elem := model.KindHTTP, reflect.TypeOf(model.HttpListener{})
			if name == "TcpListeners" {
				kind, elem = model.KindTCP, reflect.TypeOf(model.TcpListener{})
			}
			r, err := g.ref(elem, kind, "")
			if err != nil {
				return nil, err
			}
			props.set(name, newObj().
				set("description", "the "+kind.String()+" of the instance; absent or null reads as none (a warning in request bodies and Describe responses: write [])").
				set("type", []string{"array", "null"}).
				set("items", newObj().set("$ref", r)))
			continue
		}
		ptr := pointer + "/" + name
		fact, ok := model.FieldOf(k, ptr)
		if !ok {
			return nil, fmt.Errorf("schema: the field table has no %s in %s", ptr, k)
		}
		s, err := g.fieldSchema(f.Type, k, fact)
		if err != nil {
			return nil, err
		}
		props.set(name, s)
		if fact.Required {
			required = append(required, name)
		}
	}
	s := newObj().set("type", "object")
	if pointer == "" && t != reflect.TypeOf(model.Listeners{}) {
		s.set("description", "a listener of "+k.String())
	}
	s.set("properties", props)
	if len(required) > 0 {
		s.set("required", required)
	}
	var forbidden []string
	if t != reflect.TypeOf(model.Listeners{}) {
		only := kindOnly()
		for name, in := range only {
			if pointer != "" || !in.Has(k) {
				forbidden = append(forbidden, name)
			}
		}
		sort.Strings(forbidden)
		var keep []string
		for _, f := range forbidden {
			if !contains(names, f) {
				keep = append(keep, f)
			}
		}
		forbidden = keep
	}
	s.set("propertyNames", propertyNames(names, names, forbidden))
	return s, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// fieldSchema writes the facts of one field. Keywords of JSON Schema apply
// to one JSON type each (minimum to numbers, pattern to strings), so one
// object holds the constraints of the documented type and of the type
// also accepted.
func (g *generator) fieldSchema(t reflect.Type, k model.Kind, f model.Field) (*obj, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	s := newObj().set("description", g.describe(f))
	switch t.Kind() {
	case reflect.Struct:
		r, err := g.ref(t, k, f.Pointer)
		if err != nil {
			return nil, err
		}
		if f.Required {
			return s.set("$ref", r), nil
		}
		return s.set("anyOf", []any{newObj().set("$ref", r), newObj().set("type", "null")}), nil
	case reflect.Slice:
		items, err := g.itemSchema(t.Elem(), k, f.Pointer+"/*")
		if err != nil {
			return nil, err
		}
		return s.set("type", []string{"array", "null"}).set("items", items), nil
	}
	types := []string{f.Type}
	switch {
	case f.Accepts != "":
		types = append(types, f.Accepts)
	case f.Type == model.TypeString && len(f.Values) == 0 && (enforced(f) == "" || regexp.MustCompile(enforced(f)).MatchString("1")):
		// The decoder takes a number for any string field, as written,
		// with a documented-type warning; where a number can pass the
		// field's rules it is valid.
		types = append(types, "number")
	}
	if !f.Required && zeroAllowed(f) {
		types = append(types, "null") // null is "not set"
	}
	if len(types) == 1 {
		s.set("type", types[0])
	} else {
		s.set("type", types)
	}
	if f.Default != "" {
		d, err := jsonValue(f.Type, f.Default)
		if err != nil {
			return nil, fmt.Errorf("schema: default of %s: %w", f.Pointer, err)
		}
		s.set("default", d)
	}
	if len(f.Values) > 0 {
		var enum []any
		for _, ty := range types {
			for _, v := range f.Values {
				if ty == "null" {
					enum = append(enum, nil)
					break
				}
				if jv, err := jsonValue(ty, v.Doc); err == nil {
					enum = append(enum, jv)
				}
			}
		}
		s.set("enum", enum)
	}
	number := f.Type == model.TypeInteger || f.Accepts == model.TypeInteger
	text := f.Type == model.TypeString || f.Accepts == model.TypeString
	var patterns []string
	if number && len(f.Values) == 0 {
		lo, hi := int64(-1<<31), int64(1<<31) // the decoder's whole numbers
		if f.HasRange {
			lo, hi = f.Min, f.Max
		}
		s.set("minimum", lo).set("maximum", hi)
	}
	if len(f.Reserved) > 0 {
		var not []any
		for _, ty := range types {
			for _, r := range f.Reserved {
				if jv, err := jsonValue(ty, strconv.Itoa(r)); err == nil && ty != "null" {
					not = append(not, jv)
				}
			}
		}
		s.set("not", newObj().set("enum", not))
	}
	if text {
		if p := enforced(f); p != "" {
			patterns = append(patterns, p)
		}
		if f.HasRange {
			p, err := rangePattern(f.Min, f.Max)
			if err != nil {
				return nil, fmt.Errorf("schema: %s: %w", f.Pointer, err)
			}
			patterns = append(patterns, p)
		}
		if f.MaxLen > 0 {
			s.set("maxLength", f.MaxLen)
		}
	}
	if len(patterns) > 0 {
		s.set("pattern", patterns[0])
		var more []any
		for _, p := range patterns[1:] {
			more = append(more, newObj().set("pattern", p))
		}
		if len(more) > 0 {
			s.set("allOf", more)
		}
	}
	return s, nil
}

// zeroAllowed reports whether an optional field may be left unset (null):
// it then takes its default, or its zero value when that passes the
// field's rules.
func zeroAllowed(f model.Field) bool {
	if f.Default != "" {
		return true
	}
	zero := ""
	if f.Type == model.TypeInteger {
		zero = "0"
		if f.HasRange && (f.Min > 0 || f.Max < 0) {
			return false
		}
	} else if p := enforced(f); p != "" && !regexp.MustCompile(p).MatchString("") {
		return false
	}
	return len(f.Values) == 0 || f.Allows(zero)
}

// enforced is the pattern lint enforces on a string field: the table's
// Syntax when the documented Pattern is only a warning, else Pattern.
func enforced(f model.Field) string {
	if f.Syntax != "" {
		return f.Syntax
	}
	return f.Pattern
}

// itemSchema is the schema of a list's items at pointer ("/BackendServer/*").
func (g *generator) itemSchema(t reflect.Type, k model.Kind, pointer string) (*obj, error) {
	if t.Kind() == reflect.Struct {
		r, err := g.ref(t, k, pointer)
		if err != nil {
			return nil, err
		}
		return newObj().set("$ref", r), nil
	}
	f, ok := model.FieldOf(k, pointer)
	if !ok {
		return nil, fmt.Errorf("schema: the field table has no %s in %s", pointer, k)
	}
	f.Required = true // list items are never null
	return g.fieldSchema(t, k, f)
}

// jsonValue converts a value as the field table writes it to JSON type ty.
func jsonValue(ty, doc string) (any, error) {
	if ty == model.TypeInteger {
		n, err := strconv.ParseInt(doc, 10, 64)
		if err != nil {
			return nil, err
		}
		return n, nil
	}
	return doc, nil
}

// describe writes a field's hover text from the table: what it is, what
// is allowed, its default and HAProxy directive, the type also accepted,
// the documented rules lint only warns about, and the rules that guard it.
func (g *generator) describe(f model.Field) string {
	parts := []string{f.Explain}
	switch {
	case len(f.Values) == 1:
		parts = append(parts, "always "+f.Choices(true))
	case len(f.Values) > 0:
		parts = append(parts, "one of "+f.Choices(true))
	case f.Hint != "":
		parts = append(parts, f.Hint)
	case f.HasRange:
		parts = append(parts, f.RangeText())
	}
	if len(f.Reserved) > 0 {
		parts = append(parts, f.ReservedText()+" are reserved")
	}
	if f.Syntax != "" {
		parts = append(parts, fmt.Sprintf("the documentation asks for %s (lint warns otherwise); lint requires %s", f.Pattern, f.Syntax))
	}
	if f.MaxLen > 0 {
		parts = append(parts, fmt.Sprintf("at most %d characters", f.MaxLen))
	}
	if f.Default != "" && len(f.Values) == 0 {
		parts = append(parts, "default "+f.Default)
	}
	if f.Accepts != "" {
		parts = append(parts, fmt.Sprintf("documented as %s %s; %s %s is accepted with a warning", article(f.Type), f.Type, article(f.Accepts), f.Accepts))
	}
	if f.HAProxy != "" {
		parts = append(parts, "haproxy.cfg: "+f.HAProxy)
	}
	var errs, warns []string
	for _, r := range f.Rules {
		if g.severity[r] == finding.Warning {
			warns = append(warns, r)
		} else {
			errs = append(errs, r)
		}
	}
	rules := ""
	if len(errs) > 0 {
		rules = "rules " + strings.Join(errs, ", ")
	}
	if len(warns) > 0 {
		if rules != "" {
			rules += "; "
		}
		rules += "warnings " + strings.Join(warns, ", ")
	}
	if rules != "" {
		parts = append(parts, rules+" ("+rulesDoc+")")
	}
	return strings.Join(parts, ". ")
}

func article(ty string) string {
	if ty == model.TypeInteger || ty == model.TypeObject || ty == model.TypeArray {
		return "an"
	}
	return "a"
}
