package validate_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/internal/golden"
	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/report"
	"github.com/lbconf/lbconf/validate"
)

func lintFile(t *testing.T, path string) []finding.Finding {
	t.Helper()
	doc, err := model.DecodeFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return validate.Document(doc)
}

// TestRuleCases runs testdata/lint/rules: for every rule, RULE.bad.json must
// produce that rule (exactly as in RULE.bad.golden) and RULE.ok.json, a
// near miss, must produce nothing at all.
func TestRuleCases(t *testing.T) {
	bad, _ := filepath.Glob("../testdata/lint/rules/*.bad.json")
	if len(bad) == 0 {
		t.Fatal("no rule cases found")
	}
	covered := map[string]bool{}
	for _, path := range bad {
		rule := strings.TrimSuffix(filepath.Base(path), ".bad.json")
		covered[rule] = true
		t.Run(rule, func(t *testing.T) {
			fs := lintFile(t, path)
			fired := false
			for _, f := range fs {
				if f.Rule == rule {
					fired = true
				}
			}
			if !fired {
				t.Errorf("%s: rule %s did not fire; got %v", path, rule, fs)
			}
			var buf bytes.Buffer
			_ = report.Text(&buf, fs, false)
			golden.Check(t, strings.TrimSuffix(path, ".json")+".golden", buf.Bytes())

			okPath := strings.Replace(path, ".bad.json", ".ok.json", 1)
			if fs := lintFile(t, okPath); len(fs) != 0 {
				t.Errorf("%s: want no findings, got %v", okPath, fs)
			}
		})
	}
	for _, r := range validate.Rules() {
		if !covered[r.Name] {
			t.Errorf("rule %s has no testdata/lint/rules/%s.bad.json", r.Name, r.Name)
		}
	}
}

// TestAPIExamples lints the API documentation's own examples. The Modify
// body's ListenerName "http-test" breaks the doc's own naming rule, and the
// doc masks certificate ids with '*'.
func TestAPIExamples(t *testing.T) {
	tests := []struct {
		file string
		want []string // rule@pointer
	}{
		{"api-describe-response.json", []string{"certificate-id@/Data/HttpListeners/0/CertificateIds/0/CertificateId"}},
		{"api-modify-body.json", []string{
			"certificate-id@/HttpListeners/0/CertificateIds/0/CertificateId",
			"listener-name-doc@/HttpListeners/0/ListenerName",
			"listener-name-doc@/TcpListeners/0/ListenerName",
		}},
		{"api-add-body.json", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var got []string
			for _, f := range lintFile(t, "../testdata/lint/"+tt.file) {
				got = append(got, f.Rule+"@"+f.Pointer)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestListenersGoAPI checks models built in Go: missing strings are
// reported once, as required, and injected text never passes.
func TestListenersGoAPI(t *testing.T) {
	l := &model.Listeners{HttpListeners: []model.HttpListener{{ListenerPort: 80}}}
	fs := validate.Listeners(l)
	rules := map[string]int{}
	for _, f := range fs {
		rules[f.Rule]++
		if f.File != "" || f.Line != 0 {
			t.Errorf("Go-built model finding has a position: %v", f)
		}
	}
	if rules["required"] == 0 || rules["listener-name"] != 0 || rules["timeout"] != 0 || rules["scheduler"] != 0 {
		t.Errorf("want only required for missing fields, got %v", fs)
	}
}

// TestInjection shows that values carrying newlines, '#', spaces or control
// characters are refused by some rule for every field that reaches the
// config.
func TestInjection(t *testing.T) {
	valid := func() model.Listeners {
		return model.Listeners{
			HttpListeners: []model.HttpListener{{
				ListenerName: "web", ListenerPort: 80, ListenerMode: "http", MaxConn: 100,
				ClientTimeout: "30", ClientTimeoutUnit: "s", ConnectTimeout: "5", ConnectTimeoutUnit: "s",
				ServerTimeout: "30", ServerTimeoutUnit: "s", Scheduler: "roundrobin", StickySession: "on",
				AclWhiteList:       []string{"10.0.0.0/8"},
				CertificateIds:     []model.Certificate{{CertificateId: "c1"}},
				BackendServer:      []model.BackendServer{{IP: "10.0.0.5", Port: 80, Weight: "1", MaxConn: 10}},
				SessionPersistence: &model.SessionPersistence{Key: "sid", Mode: 1},
				Option:             &model.Option{Httpchk: &model.Httpchk{Method: "GET", Uri: "/"}},
			}},
			TcpListeners: []model.TcpListener{{
				ListenerName: "db", ListenerPort: 3306, ListenerMode: "tcp", MaxConn: 100,
				ClientTimeout: "30", ClientTimeoutUnit: "s", ConnectTimeout: "5", ConnectTimeoutUnit: "s",
				ServerTimeout: "30", ServerTimeoutUnit: "s", Scheduler: "leastconn",
				BackendServer:  []model.BackendServer{{IP: "10.0.0.6", Port: 3306, Weight: "1", MaxConn: 10}},
				EnableSourceIp: "off", EnableRepeaterMode: "off",
			}},
		}
	}
	if fs := validate.Listeners(ptr(valid())); len(fs) != 0 {
		t.Fatalf("base model is not clean: %v", fs)
	}
	evil := []string{"x\n    bind :9999", "x #", "x y", "x\ty", "x\x00", "x\r", "\u00a0x", "x\u2028"}
	setters := map[string]func(l *model.Listeners, v string){
		"ListenerName":       func(l *model.Listeners, v string) { l.HttpListeners[0].ListenerName = v },
		"TcpListenerName":    func(l *model.Listeners, v string) { l.TcpListeners[0].ListenerName = v },
		"ClientTimeout":      func(l *model.Listeners, v string) { l.HttpListeners[0].ClientTimeout = "5" + v },
		"ServerTimeoutUnit":  func(l *model.Listeners, v string) { l.TcpListeners[0].ServerTimeoutUnit = "s" + v },
		"Scheduler":          func(l *model.Listeners, v string) { l.HttpListeners[0].Scheduler = "source" + v },
		"StickySession":      func(l *model.Listeners, v string) { l.HttpListeners[0].StickySession = "on" + v },
		"AclWhiteList":       func(l *model.Listeners, v string) { l.HttpListeners[0].AclWhiteList[0] = "10.0.0.0/8" + v },
		"CertificateId":      func(l *model.Listeners, v string) { l.HttpListeners[0].CertificateIds[0].CertificateId = "c1" + v },
		"IP":                 func(l *model.Listeners, v string) { l.HttpListeners[0].BackendServer[0].IP = "10.0.0.5" + v },
		"Weight":             func(l *model.Listeners, v string) { l.TcpListeners[0].BackendServer[0].Weight = "1" + v },
		"Key":                func(l *model.Listeners, v string) { l.HttpListeners[0].SessionPersistence.Key = "sid" + v },
		"Method":             func(l *model.Listeners, v string) { l.HttpListeners[0].Option.Httpchk.Method = "GET" + v },
		"Uri":                func(l *model.Listeners, v string) { l.HttpListeners[0].Option.Httpchk.Uri = "/" + v },
		"EnableSourceIp":     func(l *model.Listeners, v string) { l.TcpListeners[0].EnableSourceIp = "on" + v },
		"EnableRepeaterMode": func(l *model.Listeners, v string) { l.TcpListeners[0].EnableRepeaterMode = "off" + v },
		"ListenerMode":       func(l *model.Listeners, v string) { l.HttpListeners[0].ListenerMode = "http" + v },
	}
	for field, set := range setters {
		for _, e := range evil {
			l := valid()
			set(&l, e)
			if !finding.HasErrors(validate.Listeners(&l)) {
				t.Errorf("%s with %q: no error", field, e)
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }

// TestCatalogueSeverityPolicy checks that every rule records its basis
// under the severity policy (README.md, "Severity policy") and a reason, and that its
// severity is the one the basis gives.
func TestCatalogueSeverityPolicy(t *testing.T) {
	for _, err := range finding.Catalogue(validate.Rules()).Check() {
		t.Error(err)
	}
}

// TestDocumentBounded: the bounded check gives what limiting every finding
// gives, on a document whose findings come from decoding, field rules,
// required fields and cross-listener rules in an order other than the
// document's (a duplicate port is found after the field rules ran).
func TestDocumentBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"TcpListeners": [`)
	for i := range 300 {
		if i > 0 {
			b.WriteString(",")
		}
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, `{"ListenerName": "t%d", "ListenerPort": 80, "AclWhiteList": ["x", "10.0.0.1/8"]}`, i)
		case 1:
			fmt.Fprintf(&b, `{"ListenerName": "T%d", "ListenerPort": "81", "Scheduler": "nope"}`, i)
		case 2:
			fmt.Fprintf(&b, `{"ListenerPort": 80, "MaxConn": -1}`)
		default:
			fmt.Fprintf(&b, `{"ListenerName": "t0", "ListenerPort": %d, "BackendServer": [{"IP": "a b", "Port": 0}]}`, 1000+i)
		}
	}
	b.WriteString("]}")
	doc, err := model.Decode("x.json", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	all := validate.Document(doc)
	if len(all) < 1000 || !finding.HasErrors(all) {
		t.Fatalf("%d findings: want a document with over 1,000", len(all))
	}
	for _, max := range []int{1, 10, 500, len(all) - 1, len(all), len(all) + 1} {
		want := finding.Limit(append([]finding.Finding(nil), all...), max)
		got := validate.DocumentBounded(doc, max)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("max %d: %d findings, want %d; last %v, want %v", max, len(got), len(want), got[len(got)-1], want[len(want)-1])
		}
	}
}
