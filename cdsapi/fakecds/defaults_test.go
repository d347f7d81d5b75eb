package fakecds_test

import (
	"reflect"
	"strconv"
	"testing"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	"github.com/lbconf/lbconf/model"
)

// defaultsDoc leaves every field with a default in the field table absent or
// empty.
const defaultsDoc = `{"HttpListeners":[{"ListenerName":"web","ListenerPort":80,"ListenerMode":"http","MaxConn":100,
"ClientTimeout":"5","ClientTimeoutUnit":"s","ConnectTimeout":"5","ConnectTimeoutUnit":"s","ServerTimeout":"5","ServerTimeoutUnit":"s",
"Scheduler":"roundrobin","StickySession":"off","AclWhiteList":[],"CertificateIds":[],
"BackendServer":[{"IP":"10.0.0.1","Port":8080,"Weight":"1","MaxConn":10}],
"SessionPersistence":{"Key":"sid"},"Option":{"Httpchk":{"Uri":"/","Method":""}}}],
"TcpListeners":[{"ListenerName":"db","ListenerPort":3306,"ListenerMode":"tcp","MaxConn":100,
"ClientTimeout":"5","ClientTimeoutUnit":"s","ConnectTimeout":"5","ConnectTimeoutUnit":"s","ServerTimeout":"5","ServerTimeoutUnit":"s",
"Scheduler":"leastconn","AclWhiteList":[],"BackendServer":[{"IP":"10.0.0.2","Port":3306,"Weight":"1","MaxConn":10}],"EnableSourceIp":""}]}`

// defaulted returns, for every field of the table with a default, the value
// l holds there (as a document writes it), keyed by kind and pointer.
func defaulted(t *testing.T, l *model.Listeners) map[string]string {
	t.Helper()
	out := map[string]string{}
	h, tc := l.HttpListeners[0], l.TcpListeners[0]
	for _, f := range model.Fields() {
		if f.Default == "" {
			continue
		}
		var v string
		switch {
		case f.In == model.KindHTTP && f.Pointer == model.PtrCookieMode:
			v = strconv.Itoa(h.SessionPersistence.Mode)
		case f.In == model.KindHTTP && f.Pointer == model.PtrHttpchkMethod:
			v = h.Option.Httpchk.Method
		case f.In == model.KindTCP && f.Pointer == model.PtrEnableSourceIp:
			v = tc.EnableSourceIp
		case f.In == model.KindTCP && f.Pointer == model.PtrEnableRepeaterMode:
			v = tc.EnableRepeaterMode
		default:
			t.Fatalf("field %s %s has a default this test does not read: add it to defaultsDoc and here", f.In, f.Pointer)
		}
		out[f.In.String()+f.Pointer] = v
		if v != f.Default {
			t.Errorf("%s %s = %q, want the table's default %q", f.In, f.Pointer, v, f.Default)
		}
	}
	return out
}

// TestDefaultsAgreeAcrossDecoders: model.Decode (JSON and YAML), the fake
// server's request decoding, the API client's answer decoding and models
// built in Go (model.ApplyDefaults) fill in the same defaults: the field
// table's.
func TestDefaultsAgreeAcrossDecoders(t *testing.T) {
	paths := map[string]*model.Listeners{}

	d, err := model.Decode("doc.json", []byte(defaultsDoc))
	if err != nil || len(d.Findings) != 0 {
		t.Fatalf("Decode: %v %v", err, d.Findings)
	}
	paths["model.Decode JSON"] = &d.Listeners
	y, err := model.Decode("doc.yaml", []byte(defaultsDoc)) // JSON is YAML
	if err != nil || len(y.Findings) != 0 {
		t.Fatalf("Decode YAML: %v %v", err, y.Findings)
	}
	paths["model.Decode YAML"] = &y.Listeners

	srv := newServer(t, fakecds.Options{})
	body := `{"InstanceUuid":"` + instUuid + `",` + defaultsDoc[1:]
	send(t, srv, raw{method: "POST", action: cdsapi.ActionModifyLoadBalancerStrategys, body: body}).is(t, 200, cdsapi.CodeSuccess)
	fake, _ := srv.Strategies(instUuid)
	paths["fakecds request"] = &fake

	client, err := cdsapi.NewClient(srv.Credentials(), cdsapi.Options{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	got, err := client.DescribeLoadBalancerStrategys(t.Context(), instUuid)
	if err != nil {
		t.Fatal(err)
	}
	paths["cdsapi answer"] = &got

	goBuilt := d.Listeners.Clone()
	goBuilt.HttpListeners[0].SessionPersistence.Mode = model.DefaultCookieMode() // a Go caller's explicit choice
	goBuilt.HttpListeners[0].Option.Httpchk.Method = ""
	goBuilt.TcpListeners[0].EnableSourceIp, goBuilt.TcpListeners[0].EnableRepeaterMode = "", ""
	model.ApplyDefaults(&goBuilt)
	paths["Go + ApplyDefaults"] = &goBuilt

	want := defaulted(t, &d.Listeners)
	for name, l := range paths {
		if g := defaulted(t, l); !reflect.DeepEqual(g, want) {
			t.Errorf("%s: defaults %v, want %v", name, g, want)
		}
		a, b := l.Clone(), d.Listeners.Clone()
		a.Normalize()
		b.Normalize()
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s decodes to\n%s\nwant\n%s", name, model.MarshalIndent(&a), model.MarshalIndent(&b))
		}
	}
}
