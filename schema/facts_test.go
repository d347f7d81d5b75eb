package schema

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/validate"
)

// setPointer sets the value at an RFC 6901 pointer of a decoded JSON
// document; remove deletes the key instead.
func setPointer(doc any, ptr string, v any, remove bool) {
	parts := strings.Split(ptr, "/")[1:]
	cur := doc
	for i, p := range parts {
		last := i == len(parts)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				if remove {
					delete(c, p)
				} else {
					c[p] = v
				}
				return
			}
			cur = c[p]
		case []any:
			n, _ := strconv.Atoi(p)
			if last {
				c[n] = v
				return
			}
			cur = c[n]
		}
	}
}

// lintAndSchema mutates valid-basic.json and reports whether lint finds an
// error at or below ptr (or anywhere, for removals) and whether the schema rejects it.
func lintAndSchema(t *testing.T, s *jsonschema.Schema, base []byte, ptr string, v any, remove bool) (lintErr bool, findings []finding.Finding, schemaErr error) {
	t.Helper()
	var doc any
	if err := json.Unmarshal(base, &doc); err != nil {
		t.Fatal(err)
	}
	setPointer(doc, ptr, v, remove)
	data, _ := json.Marshal(doc)
	d, err := model.Decode("x.json", data)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range validate.Document(d) {
		if f.Severity == finding.Error && (remove || f.Pointer == ptr || strings.HasPrefix(f.Pointer, ptr+"/")) {
			lintErr = true
			findings = append(findings, f)
		}
	}
	inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(string(data)))
	return lintErr, findings, s.Validate(inst)
}

// TestFactsAgree sets each field of a valid document to values on both
// sides of its rule and checks the schema and lint agree: whatever the
// schema rejects lint rejects, and for fields the schema describes exactly
// the reverse holds too.
func TestFactsAgree(t *testing.T) {
	s := compile(t)
	base := withCertificate(t)
	long := strings.Repeat("a", 51)
	tests := []struct {
		ptr    string
		exact  bool
		values []any
	}{
		{"/HttpListeners/0/ListenerName", true, []any{"a", "a_", "A", "ab-c", long, long[:50], "web_1", "1a", "", "a.b:c", "a b", "a/b", 5}},
		{"/HttpListeners/0/ListenerPort", true, []any{0, 1, 22, 1080, 9100, 9101, 65535, 65536, 8081}},
		{"/HttpListeners/0/ListenerMode", true, []any{"http", "tcp", "HTTP"}},
		{"/TcpListeners/0/ListenerMode", true, []any{"http", "tcp"}},
		{"/HttpListeners/0/MaxConn", true, []any{0, 1, -5, 150000}},
		{"/HttpListeners/0/ClientTimeout", false, []any{"0", "1", "01", "1s", " 1", "-1", "999999999999", "9999999999999", "2147483647"}},
		{"/HttpListeners/0/ClientTimeoutUnit", true, []any{"ms", "s", "m", ""}},
		{"/HttpListeners/0/Scheduler", true, []any{"roundrobin", "leastconn", "static-rr", "source", "random"}},
		{"/HttpListeners/0/StickySession", true, []any{"on", "off", "On", ""}},
		{"/TcpListeners/0/EnableSourceIp", true, []any{"on", "off", "yes"}},
		{"/HttpListeners/0/BackendServer/0/Port", true, []any{0, 1, 65535, 65536}},
		{"/HttpListeners/0/BackendServer/0/Weight", true, []any{"0", "1", "9", "10", "99", "100", "199", "200", "249", "250", "256", "257", "010", "300", ""}},
		{"/HttpListeners/0/BackendServer/0/MaxConn", true, []any{0, 1, -1, "0", "01", " 1", 1.5, nil}},
		{"/HttpListeners/0/ListenerPort", true, []any{"80", "080", "22", " 80", 80.5, true}},
		{"/HttpListeners/0/BackendServer/0/Weight", true, []any{10, 0, 257, 1.5}},
		{"/HttpListeners/0/SessionPersistence/Mode", true, []any{"1", "3", nil}},
		{"/HttpListeners/0/SessionPersistence", true, []any{nil, map[string]any{}, map[string]any{"Key": "ab"}, "x"}},
		{"/HttpListeners/0/AclWhiteList", true, []any{nil, []any{}, []any{" 10.0.0.0/8"}, []any{""}, "10.0.0.0/8"}},
		{"/HttpListeners/0/BackendServer/0/IP", false, []any{"10.0.0.5", "::1", "", "a b", "host.example", "1.2.3.4.5"}},
		{"/HttpListeners/0/AclWhiteList/0", false, []any{"10.0.0.0/8", "1.2.3.4", "x", "", "::/0", "10.0.0.0/33"}},
		{"/HttpListeners/0/SessionPersistence/Key", true, []any{"a", "ab", "a_", "ab_c", "Ab", strings.Repeat("a", 15), strings.Repeat("a", 16)}},
		{"/HttpListeners/0/SessionPersistence/Mode", true, []any{-1, 0, 1, 2, 3}},
		{"/HttpListeners/0/SessionPersistence/Timer/MaxIdle", false, []any{-1, 0, 7200, 7201}},
		{"/HttpListeners/0/Option/Httpchk/Method", true, []any{"GET", "HEAD", "OPTIONS", "get", "POST"}},
		{"/HttpListeners/0/CertificateIds/0/CertificateId", true, []any{"a", "a_b", "", 5, -5, "A-1", nil}},
		{"/HttpListeners/0/Option/Httpchk/Uri", true, []any{"/", "/health", "/a b", "/a#b", "a", "/q?x=1&y=2", `/a\b`, "/a'b", `/a"b`, "/é"}},
	}
	tests = append(tests, tableCases(t, base)...)
	for _, tt := range tests {
		for _, v := range tt.values {
			lintErr, fs, schemaErr := lintAndSchema(t, s, base, tt.ptr, v, false)
			name := fmt.Sprintf("%s=%#v", tt.ptr, v)
			if schemaErr != nil && !lintErr {
				t.Errorf("%s: the schema rejects it, lint accepts it: %v", name, schemaErr)
			}
			if tt.exact && lintErr && schemaErr == nil {
				t.Errorf("%s: lint rejects it (%v), the schema accepts it", name, fs)
			}
		}
	}
	// Every field the required rule asks for is required by the schema.
	for _, ptr := range []string{"/HttpListeners/0/ListenerName", "/HttpListeners/0/StickySession", "/TcpListeners/0/Scheduler",
		"/HttpListeners/0/BackendServer/0/Weight", "/HttpListeners/0/SessionPersistence/Key", "/HttpListeners/0/Option/Httpchk/Uri",
		"/HttpListeners/0/SessionPersistence/Timer/MaxLife"} {
		lintErr, _, schemaErr := lintAndSchema(t, s, base, ptr, nil, true)
		if !lintErr || schemaErr == nil {
			t.Errorf("removing %s: lint error %v, schema error %v", ptr, lintErr, schemaErr)
		}
	}
	// And nothing else: removing an optional field is fine for both.
	for _, ptr := range []string{"/HttpListeners/0/SessionPersistence", "/HttpListeners/0/Option", "/TcpListeners/0/EnableSourceIp"} {
		lintErr, fs, schemaErr := lintAndSchema(t, s, base, ptr, nil, true)
		if lintErr || schemaErr != nil {
			t.Errorf("removing %s: lint %v, schema %v", ptr, fs, schemaErr)
		}
	}
}

// tableCases draws values from the field table: each allowed value and a
// stranger of an enumerated field, and each end of a range and one past
// it, in the documented JSON type and the one also accepted, at the
// field's place in valid-basic.json. A change of the table changes these
// cases, the schema and lint together.
func tableCases(t *testing.T, base []byte) []struct {
	ptr    string
	exact  bool
	values []any
} {
	t.Helper()
	var doc any
	if err := json.Unmarshal(base, &doc); err != nil {
		t.Fatal(err)
	}
	var out []struct {
		ptr    string
		exact  bool
		values []any
	}
	for _, f := range model.Fields() {
		if f.Type == model.TypeObject || f.Type == model.TypeArray {
			continue
		}
		list := "/TcpListeners/0"
		if f.In.Has(model.KindHTTP) {
			list = "/HttpListeners/0"
		}
		ptr := list + strings.ReplaceAll(f.Pointer, "*", "0")
		if !hasPointer(doc, ptr) {
			t.Errorf("valid-basic.json has no %s: the table's field %s is not checked", ptr, f.Pointer)
			continue
		}
		var docs []string
		for _, v := range f.Values {
			docs = append(docs, v.Doc)
		}
		if len(f.Values) > 0 {
			docs = append(docs, "zz", "-1", "99")
		}
		if f.HasRange {
			for _, n := range []int64{f.Min - 1, f.Min, f.Max, f.Max + 1} {
				docs = append(docs, strconv.FormatInt(n, 10))
			}
		}
		for _, n := range f.Reserved {
			docs = append(docs, strconv.Itoa(n))
		}
		var values []any
		for _, d := range docs {
			for _, ty := range []string{f.Type, f.Accepts} {
				switch ty {
				case model.TypeString:
					values = append(values, d)
				case model.TypeInteger:
					if n, err := strconv.ParseInt(d, 10, 64); err == nil {
						values = append(values, n)
					}
				}
			}
		}
		// A timeout's range is in milliseconds whatever its unit: lint
		// also rejects values below the Max in seconds. Rules across
		// fields are lint's alone.
		exact := !strings.HasSuffix(f.Name, "Timeout")
		for _, r := range f.Rules {
			if crossFieldErrors[r] {
				exact = false
			}
		}
		out = append(out, struct {
			ptr    string
			exact  bool
			values []any
		}{ptr, exact, values})
	}
	return out
}

// crossFieldErrors are the error rules that relate a field to others,
// which the schema does not express.
var crossFieldErrors = map[string]bool{
	validate.RuleRepeaterNeedsSourceIP: true, validate.RuleListenerNameUnique: true, validate.RulePortUnique: true,
	validate.RuleServerUnique: true, validate.RuleCookieKeyUnique: true,
}

// hasPointer reports whether a decoded JSON document has a value at ptr.
func hasPointer(doc any, ptr string) bool {
	cur := doc
	for _, p := range strings.Split(ptr, "/")[1:] {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[p]
			if !ok {
				return false
			}
			cur = v
		case []any:
			n, err := strconv.Atoi(p)
			if err != nil || n >= len(c) {
				return false
			}
			cur = c[n]
		default:
			return false
		}
	}
	return true
}

// withCertificate returns valid-basic.json with a certificate on its HTTP
// listener, so that the certificate fields are checked too.
func withCertificate(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../testdata/lint/valid-basic.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	setPointer(doc, "/HttpListeners/0/CertificateIds", []any{map[string]any{"CertificateId": "ssl-1a2b", "CertificateName": "web"}}, false)
	out, _ := json.Marshal(doc)
	return out
}
