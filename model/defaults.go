package model

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

// The API's defaults live in the field table (fields.go: Field.Default),
// and nowhere else. Every decoder applies them: Decode (through the
// binder's presets and ApplyDefaults), encoding/json (through the
// UnmarshalJSON methods below, used by the API client and the fake server)
// and models built in Go (ApplyDefaults, which the compiler calls on its
// copy).

// DefaultOf returns the default of the field at pointer in listeners of
// kind k, as a document writes it; "" when it has none.
func DefaultOf(k Kind, pointer string) string {
	for i := range table {
		if f := &table[i]; f.Pointer == pointer && f.In.Has(k) {
			return f.Default
		}
	}
	return ""
}

// DefaultCookieMode is the SessionPersistence Mode the API assumes when Mode
// is absent (the table's default of /SessionPersistence/Mode).
func DefaultCookieMode() int {
	m, _ := strconv.Atoi(DefaultOf(KindHTTP, PtrCookieMode)) // the table test checks it is an integer
	return m
}

// presetter is implemented by model types whose absent fields have
// defaults: preset sets them before a decoder fills in what the document
// says.
type presetter interface{ preset() }

func (sp *SessionPersistence) preset() { sp.Mode = DefaultCookieMode() }
func (h *Httpchk) preset()             { h.Method = DefaultOf(KindHTTP, PtrHttpchkMethod) }

// UnmarshalJSON decodes a SessionPersistence; an absent or null Mode is
// the table's default.
func (sp *SessionPersistence) UnmarshalJSON(b []byte) error {
	type plain SessionPersistence
	p := (*plain)(sp)
	*p = plain{}
	sp.preset()
	return json.Unmarshal(b, p)
}

// UnmarshalJSON decodes an Httpchk; an absent, null or empty Method is the
// table's default.
func (h *Httpchk) UnmarshalJSON(b []byte) error {
	type plain Httpchk
	p := (*plain)(h)
	*p = plain{}
	h.preset()
	if err := json.Unmarshal(b, p); err != nil {
		return err
	}
	if h.Method == "" {
		h.preset()
	}
	return nil
}

// A Change is one value ApplyDefaults cleaned up that the author should
// hear about; Pointer is relative to the listeners document.
type Change struct {
	Pointer string
	Rule    string
	Message string
}

// ApplyDefaults fills in the API's defaults where l leaves them empty: every
// field of the table with EmptyIsDefault ("off" for empty
// EnableSourceIp/EnableRepeaterMode, GET for an empty Httpchk Method). It also trims AclWhiteList entries of surrounding spaces
// and drops empty ones (the Terraform provider splits "a, b" on commas),
// and returns those changes (rule acl-entry-space) so that decoders can
// report them.
// A SessionPersistence Mode cannot be told apart from an explicit 0 in a
// Go value; decoders preset it (DefaultCookieMode) before decoding, and Go
// callers set it.
func ApplyDefaults(l *Listeners) []Change {
	out, _ := applyDefaults(l, false)
	return out
}

// DefaultsApplied reports whether ApplyDefaults would leave l as it is (as
// it does for any model Decode returns), without changing l: callers that
// would otherwise copy l before applying defaults can skip the copy.
func DefaultsApplied(l *Listeners) bool {
	_, changed := applyDefaults(l, true)
	return !changed
}

// applyDefaults is ApplyDefaults; dry only reports whether it would change
// anything (changes is then nil).
func applyDefaults(l *Listeners, dry bool) (out []Change, changed bool) {
	// trim trims the entries of an AclWhiteList and drops the empty ones:
	// the Terraform provider sends strings.Split(" a, b", ","), and [""]
	// for a listener without a whitelist. Pointers name the entries as
	// written.
	trim := func(list string, i int, acl []string) []string {
		kept := acl[:0]
		for j, e := range acl {
			t := strings.TrimSpace(e)
			if t == e && t != "" {
				if !dry {
					kept = append(kept, t)
				}
				continue
			}
			changed = true
			if dry {
				continue
			}
			at := "/" + list + "/" + strconv.Itoa(i) + "/AclWhiteList/" + strconv.Itoa(j)
			switch {
			case t == "":
				out = append(out, Change{Pointer: at, Rule: RuleACLEntrySpace,
					Message: "AclWhiteList entry " + strconv.Quote(e) + " is empty and is dropped (the Terraform provider sends [\"\"] for no whitelist); remove it"})
				continue
			case t != e:
				out = append(out, Change{Pointer: at, Rule: RuleACLEntrySpace,
					Message: "AclWhiteList entry " + strconv.Quote(e) + " has surrounding spaces; it is read as " + strconv.Quote(t) + " (write it without spaces)"})
			}
			kept = append(kept, t)
		}
		return kept
	}
	for i := range l.HttpListeners {
		h := &l.HttpListeners[i]
		if h.AclWhiteList != nil {
			if kept := trim(KeyHttpListeners, i, h.AclWhiteList); !dry {
				h.AclWhiteList = kept
			}
		}
		changed = emptyDefaults(KindHTTP, reflect.ValueOf(h).Elem(), dry) || changed
	}
	for i := range l.TcpListeners {
		t := &l.TcpListeners[i]
		if t.AclWhiteList != nil {
			if kept := trim(KeyTcpListeners, i, t.AclWhiteList); !dry {
				t.AclWhiteList = kept
			}
		}
		changed = emptyDefaults(KindTCP, reflect.ValueOf(t).Elem(), dry) || changed
	}
	return out, changed
}

// emptyDefault is a field of the table with an EmptyIsDefault default and
// the struct field indexes that lead to it from its listener.
type emptyDefault struct {
	path  [][]int // one index per pointer token
	value string
}

// emptyDefaultsOf are the EmptyIsDefault fields of each listener kind,
// resolved against the model's types once. Fields under a list ("*") have
// none.
var emptyDefaultsOf = func() map[Kind][]emptyDefault {
	roots := map[Kind]reflect.Type{KindHTTP: reflect.TypeOf(HttpListener{}), KindTCP: reflect.TypeOf(TcpListener{})}
	out := map[Kind][]emptyDefault{}
	for _, f := range table {
		for k, t := range roots {
			if !f.EmptyIsDefault || !f.In.Has(k) {
				continue
			}
			d := emptyDefault{value: f.Default}
			for _, tok := range strings.Split(strings.TrimPrefix(f.Pointer, "/"), "/") {
				for t.Kind() == reflect.Pointer {
					t = t.Elem()
				}
				sf, ok := jsonField(t, tok)
				if !ok {
					panic("model: table pointer " + f.Pointer + " does not lead through " + t.String()) // caught by TestFieldTable
				}
				d.path = append(d.path, sf.Index)
				t = sf.Type
			}
			out[k] = append(out[k], d)
		}
	}
	return out
}()

// jsonField finds the field of struct type t whose JSON name is name.
func jsonField(t reflect.Type, name string) (reflect.StructField, bool) {
	if t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	for i := 0; i < t.NumField(); i++ {
		if n, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); n == name {
			return t.Field(i), true
		}
	}
	return reflect.StructField{}, false
}

// emptyDefaults sets the empty string fields of listener v (of kind k) that
// the table gives an EmptyIsDefault default, following the field's pointer
// through set objects only, and reports whether there was one; dry only
// reports.
func emptyDefaults(k Kind, v reflect.Value, dry bool) (changed bool) {
next:
	for _, d := range emptyDefaultsOf[k] {
		s := v
		for _, idx := range d.path {
			for s.Kind() == reflect.Pointer {
				if s.IsNil() {
					continue next
				}
				s = s.Elem()
			}
			s = s.FieldByIndex(idx)
		}
		if s.Kind() == reflect.String && s.String() == "" {
			changed = true
			if !dry {
				s.SetString(d.value)
			}
		}
	}
	return changed
}
