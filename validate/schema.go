package validate

import (
	"reflect"

	"github.com/lbconf/lbconf/model"
)

// SchemaFact is what JSON Schema can say about the values one field rule
// accepts: the documented JSON type and the enums, ranges, lengths and
// patterns of the rule's predicate. TestSchemaFacts checks each against its
// predicate on sample values, so the two cannot drift apart.
type SchemaFact struct {
	Type      string // "string" or "integer"
	Enum      []any  // allowed values, when they are a short list
	Minimum   *int64 // inclusive
	Maximum   *int64 // inclusive
	MinLength int    // 0: no bound
	MaxLength int    // 0: no bound
	Pattern   string // ECMA 262 regular expression, anchored
	Format    string // a JSON Schema format (hostname, ipv4 ...), informative
	Not       []any  // values excluded (reserved ports)
	Default   any    // the API's default, when it has one
	Desc      string // what the rule allows, for editors' hover text
}

func bound(n int64) *int64 { return &n }

// schemaFacts maps the validator tags of typeRules to their facts. Warning
// rules (acl-host-bits, stats-port, server-hostname, maxconn-over-global)
// are not constraints: a document they fire on is still valid.
var schemaFacts = map[string]SchemaFact{
	"listener-name": {Type: "string", MinLength: 1, MaxLength: 50, Pattern: `^[a-z]([a-z0-9_]*[a-z0-9])?$`,
		Desc: "1-50 characters of lower-case letters, digits and _, starting with a letter and ending with a letter or digit"},
	"listener-port": {Type: "integer", Minimum: bound(1), Maximum: bound(65535), Desc: "1-65535"},
	"reserved-port": {Type: "integer", Not: []any{22, 1080, 9100, 9101}, Desc: "ports 22, 1080, 9100 and 9101 are reserved by the platform"},
	"listener-mode": {Type: "string", Desc: `"http" in HttpListeners, "tcp" in TcpListeners`},
	"maxconn":       {Type: "integer", Minimum: bound(1), Desc: "an integer of at least 1"},
	"timeout": {Type: "string", Pattern: `^[1-9][0-9]{0,11}$`,
		Desc: `a positive decimal integer string such as "30000" (no sign, spaces, unit or leading zeros)`},
	"timeout-unit": {Type: "string", Enum: []any{"ms", "s"}, Desc: `"ms" or "s"`},
	"scheduler": {Type: "string", Enum: []any{"roundrobin", "leastconn", "static-rr", "source"},
		Desc: "roundrobin, leastconn, static-rr or source"},
	"on-off":         {Type: "string", Enum: []any{model.On, model.Off}, Desc: `"on" or "off"`},
	"acl-entry":      {Type: "string", MinLength: 2, Desc: `an IPv4 or IPv6 address or a CIDR block such as "10.0.0.0/8"`},
	"server-address": {Type: "string", MinLength: 1, MaxLength: 253, Desc: "an IPv4 or IPv6 address or a host name (RFC 1123)"},
	"server-port":    {Type: "integer", Minimum: bound(1), Maximum: bound(65535), Desc: "1-65535"},
	"server-weight":  {Type: "string", Pattern: `^([1-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-6])$`, Desc: `an integer string from "1" to "256"`},
	"cookie-key": {Type: "string", MinLength: 2, MaxLength: 15, Pattern: `^[a-z][a-z0-9_]*[a-z0-9]$`,
		Desc: "2-15 characters of lower-case letters, digits and _, starting with a letter and ending with a letter or digit"},
	"cookie-mode": {Type: "integer", Enum: []any{0, 1, 2}, Default: model.DefaultCookieMode,
		Desc: "0 (insert), 1 (insert nocache, the default) or 2 (insert indirect nocache)"},
	"cookie-timer":   {Type: "integer", Minimum: bound(0), Maximum: bound(7200), Desc: "0-7200 seconds (0 means not set)"},
	"httpchk-method": {Type: "string", Enum: []any{"GET", "HEAD", "OPTIONS"}, Desc: "GET, HEAD or OPTIONS"},
	"httpchk-uri": {Type: "string", Pattern: `^/[!$-&(-\[\]-~]*$`,
		Desc: `starts with / and uses visible ASCII characters other than # " ' and \ (no spaces)`},
	"certificate-id": {Type: "string", Pattern: `^[A-Za-z0-9-]+$`, Desc: "letters, digits and - only (it names the certificate file)"},
}

// warningTags are the tags of warning rules: they do not make a document
// invalid.
var warningTags = map[string]bool{"stats-port": true, "maxconn-over-global": true, "acl-host-bits": true, "server-hostname": true}

// FieldSchema describes one field of a model type for JSON Schema.
type FieldSchema struct {
	// Facts are those of the field's error rules, in order; for a list
	// (dive) they apply to its items.
	Facts []SchemaFact
	// Tags are the rule tags the facts come from.
	Tags []string
	// Param is the parameter of a tag (listener-mode=http: "http").
	Param string
}

// SchemaFields returns the field rules of a model type (a value such as
// model.HttpListener{}) as schema facts, by Go field name. Types without
// rules return nil.
func SchemaFields(typ any) map[string]FieldSchema {
	for _, tr := range typeRules {
		if reflect.TypeOf(tr.typ) != reflect.TypeOf(typ) {
			continue
		}
		out := map[string]FieldSchema{}
		for field, tags := range tr.rules {
			var fs FieldSchema
			for _, tag := range splitTags(tags) {
				name, param, _ := cutParam(tag)
				if warningTags[name] {
					continue
				}
				f, ok := schemaFacts[name]
				if !ok {
					continue // dive, omitnil, omitempty
				}
				fs.Facts = append(fs.Facts, f)
				fs.Tags = append(fs.Tags, name)
				if param != "" {
					fs.Param = param
				}
			}
			out[field] = fs
		}
		return out
	}
	return nil
}

func splitTags(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

func cutParam(tag string) (name, param string, ok bool) {
	for i := 0; i < len(tag); i++ {
		if tag[i] == '=' {
			return tag[:i], tag[i+1:], true
		}
	}
	return tag, "", false
}

// schemaRequired are the fields the required rule asks for, by model type
// (checker.required reports them; TestRequiredFields checks that removing
// each from a valid document makes it report).
var schemaRequired = []struct {
	typ    any
	fields []string
}{
	{model.HttpListener{}, []string{"ListenerName", "ListenerPort", "ListenerMode", "MaxConn", "ClientTimeout", "ClientTimeoutUnit",
		"ConnectTimeout", "ConnectTimeoutUnit", "ServerTimeout", "ServerTimeoutUnit", "Scheduler", "BackendServer", "StickySession"}},
	{model.TcpListener{}, []string{"ListenerName", "ListenerPort", "ListenerMode", "MaxConn", "ClientTimeout", "ClientTimeoutUnit",
		"ConnectTimeout", "ConnectTimeoutUnit", "ServerTimeout", "ServerTimeoutUnit", "Scheduler", "BackendServer"}},
	{model.BackendServer{}, []string{"IP", "Port", "Weight", "MaxConn"}},
	{model.SessionPersistence{}, []string{"Key"}},
	{model.Timer{}, []string{"MaxIdle", "MaxLife"}},
	{model.Httpchk{}, []string{"Method", "Uri"}},
}

// RequiredFields returns the fields of a model type that the required rule
// asks for.
func RequiredFields(typ any) []string {
	for _, r := range schemaRequired {
		if reflect.TypeOf(r.typ) == reflect.TypeOf(typ) {
			return r.fields
		}
	}
	return nil
}
