package model

import (
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// goField returns the Go type of the field at pointer in listener type t.
func goField(t reflect.Type, pointer string) (reflect.Type, bool) {
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if tok == "*" {
			continue
		}
		if t.Kind() != reflect.Struct {
			return nil, false
		}
		found := false
		for i := 0; i < t.NumField(); i++ {
			if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name == tok {
				t, found = t.Field(i).Type, true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	return t, true
}

// TestFieldTable: every entry names a field of the model with the JSON type
// it documents, every default and reserved value is allowed, patterns
// compile, and every field of the model has an entry.
func TestFieldTable(t *testing.T) {
	types := map[Kind]reflect.Type{KindHTTP: reflect.TypeOf(HttpListener{}), KindTCP: reflect.TypeOf(TcpListener{})}
	jsonType := map[reflect.Kind]string{reflect.String: TypeString, reflect.Int: TypeInteger,
		reflect.Pointer: TypeObject, reflect.Struct: TypeObject, reflect.Slice: TypeArray}
	seen := map[string]bool{}
	for _, f := range Fields() {
		for _, k := range []Kind{KindHTTP, KindTCP} {
			if !f.In.Has(k) {
				continue
			}
			key := k.String() + f.Pointer
			if seen[key] {
				t.Errorf("%s: two entries", key)
			}
			seen[key] = true
			gt, ok := goField(types[k], f.Pointer)
			if !ok {
				t.Errorf("%s: no such field in the model", key)
				continue
			}
			if jt := jsonType[gt.Kind()]; jt != f.Type {
				t.Errorf("%s: table says %s, model holds %s", key, f.Type, gt)
			}
		}
		if f.Name == "" || f.Label == "" || f.Explain == "" || !strings.HasSuffix(f.Pointer, "/"+f.Name) {
			t.Errorf("%s: name %q, label %q, explain %q", f.Pointer, f.Name, f.Label, f.Explain)
		}
		if f.Pattern != "" {
			if _, err := regexp.Compile(f.Pattern); err != nil {
				t.Errorf("%s: pattern: %v", f.Pointer, err)
			}
		}
		if f.Default != "" && len(f.Values) > 0 && !f.Allows(f.Default) {
			t.Errorf("%s: default %q is not an allowed value", f.Pointer, f.Default)
		}
		if f.Default != "" && f.Type == TypeInteger {
			if _, err := strconv.Atoi(f.Default); err != nil {
				t.Errorf("%s: default %q is not an integer", f.Pointer, f.Default)
			}
		}
		for _, r := range f.Reserved {
			if !f.HasRange || int64(r) < f.Min || int64(r) > f.Max {
				t.Errorf("%s: reserved %d outside the range", f.Pointer, r)
			}
		}
	}
	// Every leaf of the model is in the table.
	var walk func(k Kind, t0 reflect.Type, ptr string)
	walk = func(k Kind, t0 reflect.Type, ptr string) {
		for t0.Kind() == reflect.Pointer {
			t0 = t0.Elem()
		}
		if t0.Kind() == reflect.Slice {
			walk(k, t0.Elem(), ptr+"/*")
			return
		}
		if t0.Kind() != reflect.Struct {
			return
		}
		for i := 0; i < t0.NumField(); i++ {
			name, _, _ := strings.Cut(t0.Field(i).Tag.Get("json"), ",")
			p := ptr + "/" + name
			if !seen[k.String()+p] {
				t.Errorf("%s %s: not in the field table", k, p)
			}
			walk(k, t0.Field(i).Type, p)
		}
	}
	walk(KindHTTP, types[KindHTTP], "")
	walk(KindTCP, types[KindTCP], "")
	for _, p := range []string{PtrListenerName, PtrListenerPort, PtrListenerMode, PtrScheduler, PtrTimeoutUnit,
		PtrStickySession, PtrCookieMode, PtrHttpchkMethod} {
		MustField(KindHTTP, p)
	}
	for _, p := range []string{PtrEnableSourceIp, PtrEnableRepeaterMode, PtrListenerMode} {
		MustField(KindTCP, p)
	}
}

// TestMappingIsItsOwnInverse: for every enumerated field, each value's
// haproxy.cfg spelling maps back to that value, and no two values share a
// spelling (so compile and decompile, which both read the table, round-trip
// by construction).
func TestMappingIsItsOwnInverse(t *testing.T) {
	n := 0
	for _, f := range Fields() {
		spellings := map[string]string{}
		for _, v := range f.Values {
			cfg, ok := f.ToHAProxy(v.Doc)
			if !ok {
				t.Errorf("%s %s: ToHAProxy(%q) not ok", f.In, f.Pointer, v.Doc)
			}
			if other, dup := spellings[cfg]; dup {
				t.Errorf("%s %s: %q and %q are both spelt %q", f.In, f.Pointer, other, v.Doc, cfg)
			}
			spellings[cfg] = v.Doc
			back, ok := f.FromHAProxy(cfg)
			if !ok || back != v.Doc {
				t.Errorf("%s %s: %q -> %q -> %q, %v", f.In, f.Pointer, v.Doc, cfg, back, ok)
			}
			// Extra spaces in a config do not change the reading.
			if back, _ := f.FromHAProxy("  " + strings.ReplaceAll(cfg, " ", "   ") + " "); back != v.Doc {
				t.Errorf("%s %s: spaced %q read as %q", f.In, f.Pointer, cfg, back)
			}
			n++
		}
		if _, ok := f.ToHAProxy("no-such-value"); ok && len(f.Values) > 0 {
			t.Errorf("%s: ToHAProxy of an unknown value is ok", f.Pointer)
		}
	}
	if n < 15 {
		t.Errorf("only %d mapping entries checked", n)
	}
}

func TestChoicesAndMeaning(t *testing.T) {
	mode := MustField(KindHTTP, PtrCookieMode)
	if got, want := mode.Choices(true), "0 (insert), 1 (insert nocache, the default) or 2 (insert indirect nocache)"; got != want {
		t.Errorf("Choices = %q, want %q", got, want)
	}
	if got := mode.Meaning("2"); got != "2 (insert indirect nocache)" {
		t.Errorf("Meaning = %q", got)
	}
	if got := MustField(KindTCP, PtrEnableSourceIp).Choices(false); got != `"on" or "off"` {
		t.Errorf("on/off Choices = %q", got)
	}
	if got := ReservedPortsText(); got != "22, 1080, 9100 and 9101" {
		t.Errorf("ReservedPortsText = %q", got)
	}
	if !IsReservedPort(9100) || IsReservedPort(80) {
		t.Error("IsReservedPort")
	}
	if _, ok := FieldOf(KindTCP, PtrCookieMode); ok {
		t.Error("TCP listeners have no SessionPersistence")
	}
}

func TestListenerFieldOwner(t *testing.T) {
	for key, want := range map[string]string{
		"EnableSourceIp": "TcpListeners", "EnableRepeaterMode": "TcpListeners", "StickySession": "HttpListeners",
		"CertificateIds": "HttpListeners", "SessionPersistence": "HttpListeners", "Option": "HttpListeners",
		"ListenerMode": "", "Scheduler": "", "Nope": "",
	} {
		if got, _ := listenerFieldOwner(key); got != want {
			t.Errorf("listenerFieldOwner(%q) = %q, want %q", key, got, want)
		}
	}
}
