// Package schema generates the JSON Schema of listener documents,
// schema/listeners.schema.json, from the model's types (field names and
// JSON types) and the validator's field facts (enums, ranges, lengths,
// patterns, defaults, descriptions). It covers the three shapes lint
// accepts: the bare {"HttpListeners": [...], "TcpListeners": [...]}, a
// ModifyLoadBalancerStrategys/AddLoadBalancerStrategys body (with
// InstanceUuid) and a DescribeLoadBalancerStrategys response (with Data).
//
// The schema is what editors can check while typing; lint checks more
// (uniqueness across listeners, cross-field rules, warnings).
//
// Regenerate with `go test ./schema -update`; a test fails on drift.
package schema

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/validate"
)

// ID is the schema's $id.
const ID = "https://raw.githubusercontent.com/lbconf/lbconf/main/schema/listeners.schema.json"

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
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Generate returns the schema, indented, ending in a newline.
func Generate() ([]byte, error) {
	defs := newObj()
	g := &generator{defs: defs}
	listeners := g.ref(reflect.TypeOf(model.Listeners{}))

	bare := newObj().set("$ref", listeners)
	request := newObj().set("allOf", []any{
		newObj().set("$ref", listeners),
		newObj().set("required", []string{"InstanceUuid"}),
	})
	describe := newObj().
		set("type", "object").
		set("required", []string{"Data"}).
		set("properties", newObj().
			set("Code", newObj().set("type", "string")).
			set("Message", newObj().set("type", "string")).
			set("TaskId", newObj().set("type", "string")).
			set("RequestId", newObj().set("type", "string")).
			set("Data", newObj().set("$ref", listeners))).
		set("additionalProperties", false)

	root := newObj().
		set("$schema", "https://json-schema.org/draft/2020-12/schema").
		set("$id", ID).
		set("title", "lbconf listener document").
		set("description", "Listeners of a Capital Online load balancer instance: the bare document, a "+
			"ModifyLoadBalancerStrategys/AddLoadBalancerStrategys request body (with InstanceUuid), or a "+
			"DescribeLoadBalancerStrategys response (with Data). lbconf lint checks more than this schema "+
			"(uniqueness, cross-field rules, warnings); see docs/rules.md.").
		set("anyOf", []any{bare, request, describe}).
		set("$defs", defs)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type generator struct{ defs *obj }

// ref returns the $ref of a struct type, defining it on first use.
func (g *generator) ref(t reflect.Type) string {
	name := t.Name()
	if _, ok := g.defs.vals[name]; !ok {
		g.defs.set(name, nil) // reserve: recursion and order
		g.defs.set(name, g.structSchema(t))
	}
	return "#/$defs/" + name
}

func (g *generator) structSchema(t reflect.Type) *obj {
	zero := reflect.Zero(t).Interface()
	rules := validate.SchemaFields(zero)
	props := newObj()
	if t == reflect.TypeOf(model.Listeners{}) {
		// Request bodies add InstanceUuid; the bare shape allows it too.
		props.set("InstanceUuid", newObj().set("type", "string").set("description", "the instance (request bodies only)"))
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		props.set(name, g.fieldSchema(f.Type, rules[f.Name]))
	}
	s := newObj().set("type", "object").set("properties", props).set("additionalProperties", false)
	if req := validate.RequiredFields(zero); len(req) > 0 {
		var names []string
		for _, goName := range req {
			f, _ := t.FieldByName(goName)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			names = append(names, name)
		}
		s.set("required", names)
	}
	return s
}

func (g *generator) fieldSchema(t reflect.Type, fs validate.FieldSchema) *obj {
	switch t.Kind() {
	case reflect.Pointer:
		return g.fieldSchema(t.Elem(), fs)
	case reflect.Struct:
		return newObj().set("$ref", g.ref(t))
	case reflect.Slice:
		return newObj().set("type", "array").set("items", g.fieldSchema(t.Elem(), fs))
	}
	s := newObj()
	switch t.Kind() {
	case reflect.String:
		s.set("type", "string")
	case reflect.Int, reflect.Int64:
		s.set("type", "integer")
	}
	var desc []string
	for i, f := range fs.Facts {
		if fs.Tags[i] == "listener-mode" && fs.Param != "" {
			s.set("const", fs.Param)
		}
		if f.Enum != nil {
			s.set("enum", f.Enum)
		}
		if f.Minimum != nil {
			s.set("minimum", *f.Minimum)
		}
		if f.Maximum != nil {
			s.set("maximum", *f.Maximum)
		}
		if f.MinLength > 0 {
			s.set("minLength", f.MinLength)
		}
		if f.MaxLength > 0 {
			s.set("maxLength", f.MaxLength)
		}
		if f.Pattern != "" {
			s.set("pattern", f.Pattern)
		}
		if f.Not != nil {
			s.set("not", newObj().set("enum", f.Not))
		}
		if f.Default != nil {
			s.set("default", f.Default)
		}
		if f.Desc != "" {
			desc = append(desc, f.Desc)
		}
	}
	if len(desc) > 0 {
		s.set("description", strings.Join(desc, "; "))
	}
	return s
}
