package diff

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/decompile"
	"github.com/lbconf/lbconf/decompile/modelgen"
	"github.com/lbconf/lbconf/internal/golden"
	"github.com/lbconf/lbconf/model"
)

func load(t *testing.T, name, text string) *Document {
	t.Helper()
	d, err := Load(name, []byte(text), decompile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestGolden(t *testing.T) {
	read := func(name string) *Document {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "diff", name))
		if err != nil {
			t.Fatal(err)
		}
		d, err := Load(name, b, decompile.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	r := Compare(read("before.json"), read("after.cfg"))
	var text, js bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("..", "testdata", "diff", "before-after.txt"), text.Bytes())
	golden.Check(t, filepath.Join("..", "testdata", "diff", "before-after.json"), js.Bytes())
}

// one is a minimal valid HTTP listener document; edit patches it.
const one = `{"HttpListeners":[{"ListenerName":"web","ListenerPort":80,"ListenerMode":"http","MaxConn":100,
"ClientTimeout":"30","ClientTimeoutUnit":"s","ConnectTimeout":"5","ConnectTimeoutUnit":"s",
"ServerTimeout":"30","ServerTimeoutUnit":"s","Scheduler":"roundrobin","StickySession":"off",
"AclWhiteList":["10.0.0.1"],"CertificateIds":[],
"BackendServer":[{"IP":"2001:db8::1","Port":80,"Weight":"1","MaxConn":10}]}],"TcpListeners":[]}`

func TestCompare(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want []string // op kind listener field old new
	}{
		{"same", one, one, nil},
		{"timeouts by meaning", one, strings.Replace(one, `"ClientTimeout":"30","ClientTimeoutUnit":"s"`, `"ClientTimeout":"30000","ClientTimeoutUnit":"ms"`, 1), nil},
		{"acl by meaning, upper-case IPv6", one, strings.NewReplacer(`"10.0.0.1"`, `"10.0.0.1/32"`, `2001:db8::1`, `2001:DB8::1`).Replace(one), nil},
		{"timeout changed", one, strings.Replace(one, `"ServerTimeout":"30"`, `"ServerTimeout":"31"`, 1),
			[]string{"change http web ServerTimeout 30s 31s"}},
		{"port changed", one, strings.Replace(one, `"ListenerPort":80`, `"ListenerPort":81`, 1),
			[]string{"change http web ListenerPort 80 81"}},
		{"renamed", one, strings.Replace(one, `"web"`, `"site"`, 1),
			[]string{"rename http site ListenerName web site"}},
		{"replaced", one, strings.NewReplacer(`"web"`, `"site"`, `"ListenerPort":80`, `"ListenerPort":81`).Replace(one),
			[]string{"remove http web  port 80, 1 server ", "add http site   port 81, 1 server"}},
		{"server weight", one, strings.Replace(one, `"Weight":"1"`, `"Weight":"7"`, 1),
			[]string{"change http web BackendServer [2001:db8::1]:80 Weight 1 7"}},
		{"server replaced", one, strings.Replace(one, `"Port":80`, `"Port":81`, 1),
			[]string{"remove http web BackendServer [2001:db8::1]:80 weight 1, maxconn 10 ", "add http web BackendServer [2001:db8::1]:81  weight 1, maxconn 10"}},
		{"acl entry", one, strings.Replace(one, `["10.0.0.1"]`, `["10.0.0.2"]`, 1),
			[]string{"remove http web AclWhiteList 10.0.0.1 ", "add http web AclWhiteList  10.0.0.2"}},
		{"cookie added", one, strings.Replace(one, `"StickySession":"off"`, `"StickySession":"off","SessionPersistence":{"Key":"sid","Mode":1}`, 1),
			[]string{"add http web SessionPersistence  key sid, mode 1 (insert nocache), maxidle 0, maxlife 0"}},
		{"cookie default mode", strings.Replace(one, `"StickySession":"off"`, `"StickySession":"off","SessionPersistence":{"Key":"sid"}`, 1),
			strings.Replace(one, `"StickySession":"off"`, `"StickySession":"off","SessionPersistence":{"Key":"sid","Mode":1,"Timer":{"MaxIdle":0,"MaxLife":0}}`, 1), nil},
		{"certificate name", strings.Replace(one, `"CertificateIds":[]`, `"CertificateIds":[{"CertificateId":"c","CertificateName":"x"}]`, 1),
			strings.Replace(one, `"CertificateIds":[]`, `"CertificateIds":[{"CertificateId":"c","CertificateName":"y"}]`, 1),
			[]string{"change http web CertificateIds c CertificateName x y"}},
		{"httpchk default method", strings.Replace(one, `"StickySession":"off"`, `"StickySession":"off","Option":{"Httpchk":{"Uri":"/"}}`, 1),
			strings.Replace(one, `"StickySession":"off"`, `"StickySession":"off","Option":{"Httpchk":{"Method":"GET","Uri":"/"}}`, 1), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Compare(load(t, "a.json", tt.a), load(t, "b.json", tt.b))
			var got []string
			for _, c := range r.Changes {
				got = append(got, strings.Join([]string{c.Op, c.Kind, c.Listener, c.Field, c.Old, c.New}, " "))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if r.Same != (len(tt.want) == 0) {
				t.Errorf("Same = %v", r.Same)
			}
		})
	}
}

func TestCfgExtrasAndPrelude(t *testing.T) {
	base := "global\n    daemon\nlisten t\n    mode tcp\n    bind :5\n"
	a := load(t, "a.cfg", base)
	b := load(t, "b.cfg", strings.Replace(base, "daemon", "daemon\n    nbthread 4", 1)+"    option tcplog\nuserlist u\n    user x insecure-password y\n")
	r := Compare(a, b)
	var got []string
	for _, c := range r.Changes {
		got = append(got, strings.Join([]string{c.Op, c.Kind, c.Listener, c.New}, " "))
	}
	want := []string{
		"add extra listen t option tcplog",
		"add extra userlist u (section header) userlist u",
		"add extra userlist u user x insecure-password y",
		"add prelude global nbthread 4",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// A document against a cfg: the cfg's extras differ, its prelude is
	// not compared.
	doc := load(t, "a.json", `{"HttpListeners":[],"TcpListeners":[{"ListenerName":"t","ListenerPort":5,"ListenerMode":"tcp"}]}`)
	r = Compare(doc, b)
	got = nil
	for _, c := range r.Changes {
		if c.Kind == KindPrelude {
			t.Errorf("prelude compared against a document: %+v", c)
		}
		if c.Kind == KindExtra {
			got = append(got, strings.Join([]string{c.Op, c.Kind, c.Listener, c.New}, " "))
		}
	}
	if want := want[:3]; !reflect.DeepEqual(got, want) {
		t.Errorf("document against cfg, extras:\ngot  %q\nwant %q", got, want)
	}
}

func TestLoadFormats(t *testing.T) {
	tests := []struct {
		name, text, format string
	}{
		{"x.cfg", "", FormatCfg},
		{"-", "  global\n", FormatCfg},
		{"-", `{"HttpListeners":[],"TcpListeners":[]}`, FormatDocument},
		{"-", "HttpListeners: []\nTcpListeners: []\n", FormatDocument},
		{"x.json", `{"Code":"Success","Data":{"HttpListeners":[],"TcpListeners":[]}}`, FormatDocument},
		{"x.json", `{"InstanceUuid":"u","HttpListeners":[],"TcpListeners":[]}`, FormatDocument},
	}
	for _, tt := range tests {
		d, err := Load(tt.name, []byte(tt.text), decompile.Options{})
		if err != nil {
			t.Errorf("%s %q: %v", tt.name, tt.text, err)
			continue
		}
		if d.Format != tt.format {
			t.Errorf("%s %q: format %s, want %s", tt.name, tt.text, d.Format, tt.format)
		}
	}
	if _, err := Load("x.json", []byte(`{"HttpListeners":[{"listenerNme":1}]}`), decompile.Options{}); err == nil {
		t.Error("want an error for a document that does not decode")
	}
}

// TestCompiledIsSame: a model and the config compiled from it mean the same
// listeners.
func TestCompiledIsSame(t *testing.T) {
	g := modelgen.New(42)
	for i := range 100 {
		m := g.Listeners()
		cfg, err := compiler.Compile(m, compiler.Options{})
		if err != nil {
			t.Fatal(err)
		}
		a := &Document{Name: "m.json", Format: FormatDocument, Listeners: m}
		b, err := Load("m.cfg", cfg, decompile.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r := Compare(a, b); !r.Same {
			t.Fatalf("model %d: %+v\n%s", i, r.Changes, model.MarshalIndent(m))
		}
		// And two compiled configs of one model, the second with the
		// first as base.
		cfg2, err := compiler.Compile(m, compiler.Options{Base: cfg})
		if err != nil {
			t.Fatal(err)
		}
		c, err := Load("m2.cfg", cfg2, decompile.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r := Compare(b, c); !r.Same {
			t.Fatalf("model %d, cfg vs cfg: %+v", i, r.Changes)
		}
	}
}

// TestCertificateNameNotInConfigs: a document with certificate names and
// the config compiled from it mean the same (names are not in configs, said
// once in Notes); two documents compare names.
func TestCertificateNameNotInConfigs(t *testing.T) {
	const doc = `{"HttpListeners":[{"ListenerName":"web","ListenerPort":443,"ListenerMode":"http","MaxConn":10,` +
		`"ClientTimeout":"1","ClientTimeoutUnit":"s","ConnectTimeout":"1","ConnectTimeoutUnit":"s","ServerTimeout":"1","ServerTimeoutUnit":"s",` +
		`"Scheduler":"roundrobin","StickySession":"off","CertificateIds":[{"CertificateId":"c1","CertificateName":"shop cert"},{"CertificateId":"c2","CertificateName":"api"}],` +
		`"BackendServer":[{"IP":"10.0.0.1","Port":80,"Weight":"1","MaxConn":10}]}],"TcpListeners":[]}`
	a := load(t, "a.json", doc)
	cfg, err := compiler.Compile(a.Listeners, compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load("a.cfg", cfg, decompile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*Result{Compare(a, b), Compare(b, a)} {
		if !r.Same || len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "CertificateName is not compared") {
			t.Errorf("doc vs cfg: same %v, notes %q, changes %+v", r.Same, r.Notes, r.Changes)
		}
		var text bytes.Buffer
		_ = r.WriteText(&text)
		if strings.Count(text.String(), "CertificateName") != 1 {
			t.Errorf("the note is not said once:\n%s", text.String())
		}
	}
	renamed := load(t, "b.json", strings.Replace(doc, `"shop cert"`, `"shop"`, 1))
	if r := Compare(a, renamed); r.Same || len(r.Notes) != 0 {
		t.Errorf("doc vs doc: names not compared: %+v", r)
	}
}
