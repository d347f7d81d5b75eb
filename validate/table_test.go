package validate

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/model"
)

// TestTableRulesInCatalogue: every rule the field table names as guarding
// a field is in the catalogue, and every enumerated field's catalogue
// summary lists exactly the table's values.
func TestTableRulesInCatalogue(t *testing.T) {
	for _, f := range model.Fields() {
		for _, r := range f.Rules {
			found := false
			for _, c := range catalogue {
				found = found || c.Name == r
			}
			if !found {
				t.Errorf("%s %s: rule %q is not in the catalogue", f.In, f.Pointer, r)
			}
		}
	}
	summary := func(name string) string {
		for _, c := range catalogue {
			if c.Name == name {
				return c.Summary
			}
		}
		return ""
	}
	for rule, f := range map[string]model.Field{"scheduler": schedulerField, "cookie-mode": cookieModeField, "httpchk-method": httpchkField} {
		for _, v := range f.Values {
			if !strings.Contains(summary(rule), v.Doc) {
				t.Errorf("%s summary %q does not list %q", rule, summary(rule), v.Doc)
			}
		}
	}
}

// fullDoc sets every field of one HTTP and one TCP listener.
const fullDoc = `{"HttpListeners":[{"ListenerName":"web","ListenerPort":80,"ListenerMode":"http","MaxConn":100,
"ClientTimeout":"5","ClientTimeoutUnit":"s","ConnectTimeout":"5","ConnectTimeoutUnit":"s","ServerTimeout":"5","ServerTimeoutUnit":"s",
"Scheduler":"roundrobin","StickySession":"off","AclWhiteList":["10.0.0.0/8"],"CertificateIds":[{"CertificateId":"c-1","CertificateName":"c"}],
"BackendServer":[{"IP":"10.0.0.1","Port":8080,"Weight":"1","MaxConn":10}],
"SessionPersistence":{"Key":"sid","Mode":1,"Timer":{"MaxIdle":10,"MaxLife":20}},"Option":{"Httpchk":{"Uri":"/","Method":"GET"}}}],
"TcpListeners":[{"ListenerName":"db","ListenerPort":3306,"ListenerMode":"tcp","MaxConn":100,
"ClientTimeout":"5","ClientTimeoutUnit":"s","ConnectTimeout":"5","ConnectTimeoutUnit":"s","ServerTimeout":"5","ServerTimeoutUnit":"s",
"Scheduler":"leastconn","AclWhiteList":[],"BackendServer":[{"IP":"10.0.0.2","Port":3306,"Weight":"1","MaxConn":10}],
"EnableSourceIp":"off","EnableRepeaterMode":"off"}]}`

// TestRequiredFromTable: removing any field the table marks Required from a
// complete document is reported by rule required at that field, with the
// table's label and hint; the complete document has no finding.
func TestRequiredFromTable(t *testing.T) {
	d, err := model.Decode("full.json", []byte(fullDoc))
	if err != nil {
		t.Fatal(err)
	}
	if fs := Document(d); len(fs) != 0 {
		t.Fatalf("complete document: %v", fs)
	}
	n := 0
	for _, f := range model.Fields() {
		if !f.Required {
			continue
		}
		for _, list := range []string{"HttpListeners", "TcpListeners"} {
			k := model.KindHTTP
			if list == "TcpListeners" {
				k = model.KindTCP
			}
			if !f.In.Has(k) {
				continue
			}
			var doc map[string]any
			if err := json.Unmarshal([]byte(fullDoc), &doc); err != nil {
				t.Fatal(err)
			}
			obj := doc[list].([]any)[0]
			toks := strings.Split(strings.TrimPrefix(f.Pointer, "/"), "/")
			for _, tok := range toks[:len(toks)-1] {
				if tok == "*" {
					obj = obj.([]any)[0]
				} else {
					obj = obj.(map[string]any)[tok]
				}
			}
			delete(obj.(map[string]any), toks[len(toks)-1])
			b, _ := json.Marshal(doc)
			d, err := model.Decode("missing.json", b)
			if err != nil {
				t.Fatal(err)
			}
			ptr := "/" + list + "/0" + strings.ReplaceAll(f.Pointer, "*", "0")
			found := false
			for _, fd := range Document(d) {
				if fd.Rule == RuleRequired && fd.Pointer == ptr {
					found = strings.HasPrefix(fd.Message, f.Label) && strings.Contains(fd.Message, f.Hint)
				}
			}
			if !found {
				t.Errorf("%s without %s: no required finding naming %q (%s)", list, f.Pointer, f.Label, f.Hint)
			}
			n++
		}
	}
	if n < 30 {
		t.Errorf("only %d required fields checked", n)
	}
}
