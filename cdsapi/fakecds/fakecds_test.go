package fakecds_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	"github.com/lbconf/lbconf/model"
)

const instUuid = "0311fb08-73f7-11ee-8a3c-0ad4b19c4d62"

func newServer(t *testing.T, opts fakecds.Options) *fakecds.Server {
	t.Helper()
	srv := fakecds.NewServer(opts)
	t.Cleanup(srv.Close)
	srv.AddInstance(fakecds.Instance{InstanceUuid: instUuid, InstanceName: "web", Version: "2.4",
		Vips: []cdsapi.Vip{{IP: "10.0.0.8", Type: "private"}}},
		model.Listeners{HttpListeners: []model.HttpListener{{ListenerName: "web", ListenerPort: 80, ListenerMode: "http"}}},
		"global\n")
	return srv
}

// raw describes a hand-made request, so that the fake can be tested without
// the client.
type raw struct {
	method string
	action string
	params map[string]string // the action's query parameters
	body   string
	// contentType defaults to application/json for a body; "-" sends
	// none (as the Go SDK does).
	contentType string
	// repeat sends these action parameters a second time after signing,
	// as the documentation's own call example does.
	repeat map[string]string
	// path defaults to /lb/.
	path string
	// beforeSign and afterSign edit the query around signing.
	beforeSign func(q url.Values)
	afterSign  func(q url.Values)
	// secret signs; default the server's.
	secret string
}

type answer struct {
	status  int
	Code    string
	Message string
	Data    json.RawMessage
	TaskId  string
}

func send(t *testing.T, srv *fakecds.Server, r raw) answer {
	t.Helper()
	if r.method == "" {
		r.method = http.MethodGet
	}
	q := url.Values{
		"Action":           {r.action},
		"AccessKeyId":      {fakecds.DefaultAccessKeyID},
		"SignatureMethod":  {cdsapi.SignatureMethod},
		"SignatureNonce":   {uuid.NewString()},
		"SignatureVersion": {cdsapi.SignatureVersion},
		"Timestamp":        {time.Now().UTC().Format(cdsapi.TimestampFormat)},
		"Version":          {cdsapi.APIVersion},
	}
	for k, v := range r.params {
		q.Set(k, v)
	}
	if r.beforeSign != nil {
		r.beforeSign(q)
	}
	secret := r.secret
	if secret == "" {
		secret = fakecds.DefaultSecretKey
	}
	q.Set("Signature", cdsapi.Sign(r.method, q, secret))
	if r.afterSign != nil {
		r.afterSign(q)
	}
	for k, v := range r.repeat {
		q.Add(k, v)
	}
	path := r.path
	if path == "" {
		path = "/lb/"
	}
	req, err := http.NewRequestWithContext(t.Context(), r.method, srv.URL+path+"?"+q.Encode(), strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if r.body != "" {
		ct := r.contentType
		if ct == "" {
			ct = "application/json"
		}
		if ct != "-" {
			req.Header.Set("Content-Type", ct)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{status: resp.StatusCode}
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("answer %s is not JSON: %v", b, err)
	}
	return a
}

func (a answer) is(t *testing.T, status int, code string) {
	t.Helper()
	if a.status != status || a.Code != code {
		t.Errorf("got HTTP %d %s (%s), want HTTP %d %s", a.status, a.Code, a.Message, status, code)
	}
}

func TestListensOnLoopbackOnly(t *testing.T) {
	srv := newServer(t, fakecds.Options{})
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if u.Hostname() != "127.0.0.1" {
		t.Errorf("listening on %s", u.Host)
	}
}

func TestAuthentication(t *testing.T) {
	del := func(name string) func(url.Values) { return func(q url.Values) { q.Del(name) } }
	set := func(name, value string) func(url.Values) { return func(q url.Values) { q.Set(name, value) } }
	get := cdsapi.ActionDescribeHaproxyCustomConfig
	params := map[string]string{"InstanceUuid": instUuid}
	tests := []struct {
		name   string
		r      raw
		status int
		code   string
	}{
		{"valid", raw{action: get, params: params}, 200, cdsapi.CodeSuccess},
		{"no Signature", raw{action: get, params: params, afterSign: del("Signature")}, 400, cdsapi.CodeArgMissing},
		{"no Timestamp", raw{action: get, params: params, beforeSign: del("Timestamp")}, 400, cdsapi.CodeArgMissing},
		{"no SignatureNonce", raw{action: get, params: params, beforeSign: del("SignatureNonce")}, 400, cdsapi.CodeArgMissing},
		{"no AccessKeyId", raw{action: get, params: params, beforeSign: del("AccessKeyId")}, 400, cdsapi.CodeArgMissing},
		{"no Action", raw{params: params}, 400, cdsapi.CodeArgMissing},
		{"Action twice", raw{action: get, params: params, beforeSign: func(q url.Values) { q.Add("Action", get) }}, 400, cdsapi.CodeInvalidParameter},
		{"HMAC-SHA256", raw{action: get, params: params, beforeSign: set("SignatureMethod", "HMAC-SHA256")}, 400, cdsapi.CodeInvalidParameter},
		{"SignatureVersion 2.0", raw{action: get, params: params, beforeSign: set("SignatureVersion", "2.0")}, 400, cdsapi.CodeInvalidParameter},
		{"Version 2020-01-01", raw{action: get, params: params, beforeSign: set("Version", "2020-01-01")}, 400, cdsapi.CodeInvalidParameter},
		{"local Timestamp", raw{action: get, params: params, beforeSign: set("Timestamp", time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.RFC3339))}, 400, cdsapi.CodeInvalidParameter},
		{"unknown AccessKeyId", raw{action: get, params: params, beforeSign: set("AccessKeyId", "AKIDOTHER")}, 403, fakecds.CodeInvalidAccessKeyId},
		{"wrong secret", raw{action: get, params: params, secret: "not-the-secret"}, 403, fakecds.CodeSignatureDoesNotMatch},
		{"secret plus &", raw{action: get, params: params, secret: fakecds.DefaultSecretKey + "&"}, 403, fakecds.CodeSignatureDoesNotMatch},
		{"parameter changed after signing", raw{action: get, params: params, afterSign: set("InstanceUuid", "other")}, 403, fakecds.CodeSignatureDoesNotMatch},
		{"signed as POST, sent as GET", raw{action: get, params: params, afterSign: func(q url.Values) {
			q.Set("Signature", cdsapi.Sign("POST", q, fakecds.DefaultSecretKey))
		}}, 403, fakecds.CodeSignatureDoesNotMatch},
		{"16 minutes old", raw{action: get, params: params, beforeSign: set("Timestamp", time.Now().Add(-16*time.Minute).UTC().Format(cdsapi.TimestampFormat))}, 403, fakecds.CodeRequestExpired},
		{"16 minutes ahead", raw{action: get, params: params, beforeSign: set("Timestamp", time.Now().Add(16*time.Minute).UTC().Format(cdsapi.TimestampFormat))}, 403, fakecds.CodeRequestExpired},
		{"14 minutes old", raw{action: get, params: params, beforeSign: set("Timestamp", time.Now().Add(-14*time.Minute).UTC().Format(cdsapi.TimestampFormat))}, 200, cdsapi.CodeSuccess},
	}
	srv := newServer(t, fakecds.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			send(t, srv, tt.r).is(t, tt.status, tt.code)
		})
	}
}

func TestNonceReuse(t *testing.T) {
	srv := newServer(t, fakecds.Options{})
	fixed := func(q url.Values) { q.Set("SignatureNonce", "n-1") }
	r := raw{action: cdsapi.ActionDescribeLoadBalancers, beforeSign: fixed}
	send(t, srv, r).is(t, 200, cdsapi.CodeSuccess)
	a := send(t, srv, r)
	a.is(t, 403, fakecds.CodeSignatureNonceUsed)
	if !strings.Contains(a.Message, "n-1") {
		t.Errorf("message %q", a.Message)
	}
	// A request refused before the signature check does not burn its nonce.
	other := func(q url.Values) { q.Set("SignatureNonce", "n-2") }
	send(t, srv, raw{action: cdsapi.ActionDescribeLoadBalancers, beforeSign: other, secret: "wrong"}).is(t, 403, fakecds.CodeSignatureDoesNotMatch)
	send(t, srv, raw{action: cdsapi.ActionDescribeLoadBalancers, beforeSign: other}).is(t, 200, cdsapi.CodeSuccess)
}

func TestInjectableClock(t *testing.T) {
	past := time.Date(2024, 5, 8, 6, 30, 15, 0, time.UTC)
	srv := newServer(t, fakecds.Options{Now: func() time.Time { return past }})
	send(t, srv, raw{action: cdsapi.ActionDescribeLoadBalancers}).is(t, 403, fakecds.CodeRequestExpired)
	send(t, srv, raw{action: cdsapi.ActionDescribeLoadBalancers, beforeSign: func(q url.Values) {
		q.Set("Timestamp", past.Add(10*time.Minute).Format(cdsapi.TimestampFormat))
	}}).is(t, 200, cdsapi.CodeSuccess)
}

func TestRequestChecks(t *testing.T) {
	modify := cdsapi.ActionModifyLoadBalancerStrategys
	add := cdsapi.ActionAddLoadBalancerStrategys
	custom := cdsapi.ActionModifyHaproxyCustomConfig
	strategies := func(extra string) string {
		return `{"InstanceUuid":"` + instUuid + `","HttpListeners":[]` + extra + `}`
	}
	tcp := func(name string, port int) string {
		b, _ := json.Marshal(model.TcpListener{ListenerName: name, ListenerPort: port, ListenerMode: "tcp"})
		return string(b)
	}
	tests := []struct {
		name   string
		r      raw
		status int
		code   string
	}{
		{"unknown action", raw{action: "DeleteLoadBalancer"}, 400, cdsapi.CodeUnsupportedOperation},
		{"Describe as POST", raw{method: "POST", action: cdsapi.ActionDescribeLoadBalancers, body: "{}"}, 400, cdsapi.CodeUnsupportedOperation},
		{"Modify as GET", raw{action: modify}, 400, cdsapi.CodeUnsupportedOperation},
		{"wrong path", raw{action: cdsapi.ActionDescribeLoadBalancers, path: "/paas/monitor"}, 404, cdsapi.CodeResourceNotFound},
		{"GET without InstanceUuid", raw{action: cdsapi.ActionDescribeLoadBalancerStrategys}, 400, cdsapi.CodeArgMissing},
		{"GET of an unknown instance", raw{action: cdsapi.ActionDescribeLoadBalancerStrategys, params: map[string]string{"InstanceUuid": "nope"}}, 404, cdsapi.CodeResourceNotFound},
		{"DescribeLBInstanceListeners as GET", raw{action: cdsapi.ActionDescribeLBInstanceListeners, params: map[string]string{"InstanceUuid": instUuid}}, 400, cdsapi.CodeUnsupportedOperation},
		{"DescribeLBInstanceListeners of an unknown instance", raw{method: "POST", action: cdsapi.ActionDescribeLBInstanceListeners, body: `{"InstanceUuid":"nope"}`}, 404, cdsapi.CodeResourceNotFound},
		// What the official clients send.
		{"no Content-Type (Go SDK)", raw{method: "POST", action: modify, body: strategies(""), contentType: "-"}, 200, cdsapi.CodeSuccess},
		{"Python SDK envelope keys", raw{method: "POST", action: modify, body: `{"service":"lb","version":"2019-08-08","action":"ModifyLoadBalancerStrategys","InstanceUuid":"` + instUuid + `","HttpListeners":[]}`}, 200, cdsapi.CodeSuccess},
		{"envelope keys are not listener fields", raw{method: "POST", action: modify, body: strategies(`,"TcpListeners":[{"service":"x"}]`)}, 400, cdsapi.CodeInvalidParameter},
		{"parameter given twice with one value (the doc's example)", raw{action: cdsapi.ActionDescribeLoadBalancerStrategys, params: map[string]string{"InstanceUuid": instUuid}, repeat: map[string]string{"InstanceUuid": instUuid}}, 200, cdsapi.CodeSuccess},
		{"parameter given twice with two values", raw{action: cdsapi.ActionDescribeLoadBalancerStrategys, params: map[string]string{"InstanceUuid": instUuid}, repeat: map[string]string{"InstanceUuid": "other"}}, 400, cdsapi.CodeInvalidParameter},
		{"common parameter given twice", raw{action: cdsapi.ActionDescribeLoadBalancers, repeat: map[string]string{"Version": cdsapi.APIVersion}}, 400, cdsapi.CodeInvalidParameter},
		{"bad JSON", raw{method: "POST", action: modify, body: `{"InstanceUuid":`}, 400, cdsapi.CodeInvalidParameter},
		{"not an object", raw{method: "POST", action: modify, body: `[]`}, 400, cdsapi.CodeInvalidParameter},
		{"form content type", raw{method: "POST", action: modify, body: strategies(""), contentType: "application/x-www-form-urlencoded"}, 400, cdsapi.CodeInvalidParameter},
		{"charset is fine", raw{method: "POST", action: modify, body: strategies(""), contentType: "application/json; charset=utf-8"}, 200, cdsapi.CodeSuccess},
		{"POST without InstanceUuid", raw{method: "POST", action: modify, body: `{"HttpListeners":[]}`}, 400, cdsapi.CodeArgMissing},
		{"POST of an unknown instance", raw{method: "POST", action: custom, body: `{"InstanceUuid":"nope","Configs":"x"}`}, 404, cdsapi.CodeResourceNotFound},
		// The Go SDK (omitempty) and the Python SDK drop empty lists.
		{"no HttpListeners", raw{method: "POST", action: modify, body: `{"InstanceUuid":"` + instUuid + `"}`}, 200, cdsapi.CodeSuccess},
		{"null HttpListeners", raw{method: "POST", action: add, body: `{"InstanceUuid":"` + instUuid + `","HttpListeners":null}`}, 200, cdsapi.CodeSuccess},
		{"unknown field", raw{method: "POST", action: modify, body: strategies(`,"Listeners":[]`)}, 400, cdsapi.CodeInvalidParameter},
		{"duplicate name", raw{method: "POST", action: modify, body: strategies(`,"TcpListeners":[` + tcp("a", 81) + `,` + tcp("a", 82) + `]`)}, 400, cdsapi.CodeInvalidParameter},
		{"duplicate port", raw{method: "POST", action: modify, body: strategies(`,"TcpListeners":[` + tcp("a", 81) + `,` + tcp("b", 81) + `]`)}, 400, cdsapi.CodeInvalidParameter},
		{"port 0", raw{method: "POST", action: modify, body: strategies(`,"TcpListeners":[` + tcp("a", 0) + `]`)}, 400, cdsapi.CodeInvalidParameter},
		{"Add an existing name", raw{method: "POST", action: add, body: strategies(`,"TcpListeners":[` + tcp("web", 81) + `]`)}, 400, cdsapi.CodeInvalidParameter},
		{"Add an existing port", raw{method: "POST", action: add, body: strategies(`,"TcpListeners":[` + tcp("new", 80) + `]`)}, 400, cdsapi.CodeInvalidParameter},
		{"no Configs", raw{method: "POST", action: custom, body: `{"InstanceUuid":"` + instUuid + `"}`}, 400, cdsapi.CodeArgMissing},
		{"empty Configs", raw{method: "POST", action: custom, body: `{"InstanceUuid":"` + instUuid + `","Configs":""}`}, 400, cdsapi.CodeArgMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, fakecds.Options{})
			send(t, srv, tt.r).is(t, tt.status, tt.code)
		})
	}
}

// The answer to DescribeLoadBalancers has the documented keys.
func TestDescribeLoadBalancersShape(t *testing.T) {
	srv := newServer(t, fakecds.Options{})
	a := send(t, srv, raw{action: cdsapi.ActionDescribeLoadBalancers})
	a.is(t, 200, cdsapi.CodeSuccess)
	var list []map[string]any
	if err := json.Unmarshal(a.Data, &list); err != nil || len(list) != 1 {
		t.Fatalf("Data %s: %v", a.Data, err)
	}
	for _, key := range []string{"CloneServices", "Cpu", "CreatedTime", "DisplayName", "IP", "InstanceName", "InstanceUuid",
		"IsCustomConf", "LinkType", "LinkTypeStr", "MasterInfo", "Port", "ProjectName", "Ram", "RegionId", "RelationService",
		"ResourceId", "RoGroups", "Status", "StatusStr", "SubProductName", "VdcId", "VdcName", "Version", "Vips"} {
		if _, ok := list[0][key]; !ok {
			t.Errorf("no %s in %s", key, a.Data)
		}
	}
	if list[0]["IP"] != "10.0.0.8" || list[0]["IsCustomConf"] != float64(0) {
		t.Errorf("Data %s", a.Data)
	}
}

func TestStateAndRecording(t *testing.T) {
	srv := newServer(t, fakecds.Options{})
	body := `{"InstanceUuid":"` + instUuid + `","Configs":"global\n    maxconn 1\n"}`
	a := send(t, srv, raw{method: "POST", action: cdsapi.ActionModifyHaproxyCustomConfig, body: body})
	a.is(t, 200, cdsapi.CodeSuccess)
	if a.TaskId == "" {
		t.Error("no TaskId")
	}
	if cfg, _ := srv.CustomConfig(instUuid); cfg != "global\n    maxconn 1\n" {
		t.Errorf("config %q", cfg)
	}
	if inst, _ := srv.Instance(instUuid); inst.IsCustomConf != 1 || inst.Status != "RUNNING" {
		t.Errorf("instance %+v", inst)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Method != "POST" || r.Path != "/lb/" || r.Action != cdsapi.ActionModifyHaproxyCustomConfig || string(r.Body) != body ||
		r.Params.Get("Signature") == "" || r.HTTPStatus != 200 || r.Code != cdsapi.CodeSuccess || r.Fault != nil || r.Time.IsZero() {
		t.Errorf("recorded %+v", r)
	}
	// Copies: changing them changes nothing in the fake.
	reqs[0].Params.Set("Action", "x")
	l, _ := srv.Strategies(instUuid)
	l.HttpListeners[0].ListenerName = "changed"
	if srv.Requests()[0].Action != cdsapi.ActionModifyHaproxyCustomConfig {
		t.Error("Requests returns shared params")
	}
	if l2, _ := srv.Strategies(instUuid); l2.HttpListeners[0].ListenerName != "web" {
		t.Error("Strategies returns shared listeners")
	}
	if _, ok := srv.Instance("nope"); ok {
		t.Error("Instance of an unknown UUID")
	}
	srv.ResetRequests()
	if len(srv.Requests()) != 0 {
		t.Error("ResetRequests kept requests")
	}
}

func TestFaultMatching(t *testing.T) {
	srv := newServer(t, fakecds.Options{})
	describe := raw{action: cdsapi.ActionDescribeLoadBalancers}
	srv.InjectFault(cdsapi.ActionDescribeLoadBalancers, fakecds.Fault{Kind: fakecds.FaultResourceInUse, Times: 2})
	send(t, srv, raw{action: cdsapi.ActionDescribeHaproxyCustomConfig, params: map[string]string{"InstanceUuid": instUuid}}).is(t, 200, cdsapi.CodeSuccess)
	send(t, srv, describe).is(t, 409, cdsapi.CodeResourceInUse)
	send(t, srv, describe).is(t, 409, cdsapi.CodeResourceInUse)
	send(t, srv, describe).is(t, 200, cdsapi.CodeSuccess)

	srv.InjectFault("", fakecds.Fault{Kind: fakecds.FaultInternalError})
	send(t, srv, describe).is(t, 500, cdsapi.CodeInternalError)
	send(t, srv, describe).is(t, 500, cdsapi.CodeInternalError)
	srv.ClearFaults()
	send(t, srv, describe).is(t, 200, cdsapi.CodeSuccess)

	var faults []string
	for _, r := range srv.Requests() {
		if r.Fault != nil {
			faults = append(faults, r.Fault.Kind.String())
		} else {
			faults = append(faults, "-")
		}
	}
	if got := strings.Join(faults, " "); got != "- ResourceInUse ResourceInUse - InternalError InternalError -" {
		t.Errorf("recorded faults: %s", got)
	}
}

// Faults only hit authenticated requests.
func TestFaultsComeAfterAuthentication(t *testing.T) {
	srv := newServer(t, fakecds.Options{})
	srv.InjectFault("", fakecds.Fault{Kind: fakecds.FaultInternalError, Times: 1})
	send(t, srv, raw{action: cdsapi.ActionDescribeLoadBalancers, secret: "wrong"}).is(t, 403, fakecds.CodeSignatureDoesNotMatch)
	send(t, srv, raw{action: cdsapi.ActionDescribeLoadBalancers}).is(t, 500, cdsapi.CodeInternalError)
}

func TestCutConnection(t *testing.T) {
	for _, kind := range []fakecds.FaultKind{fakecds.FaultCutConnection, fakecds.FaultCutAfterApply} {
		t.Run(kind.String(), func(t *testing.T) {
			srv := newServer(t, fakecds.Options{})
			srv.InjectFault("", fakecds.Fault{Kind: kind})
			c, err := cdsapi.NewClient(srv.Credentials(), cdsapi.Options{Endpoint: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.ModifyHaproxyCustomConfig(t.Context(), instUuid, "new\n")
			if err == nil {
				t.Fatal("no error")
			}
			cfg, _ := srv.CustomConfig(instUuid)
			if applied := cfg == "new\n"; applied != (kind == fakecds.FaultCutAfterApply) {
				t.Errorf("applied = %v", applied)
			}
			if r := srv.Requests()[0]; r.HTTPStatus != 0 || r.Fault == nil || r.Fault.Kind != kind {
				t.Errorf("recorded %+v", r)
			}
		})
	}
}

// Close does not wait for injected delays.
func TestCloseAbandonsDelays(t *testing.T) {
	srv := newServer(t, fakecds.Options{})
	srv.InjectFault("", fakecds.Fault{Delay: time.Minute})
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, _ := cdsapi.NewClient(srv.Credentials(), cdsapi.Options{Endpoint: srv.URL, MaxAttempts: 1})
		_, _ = c.DescribeLoadBalancers(t.Context(), cdsapi.DescribeLoadBalancersRequest{})
	}()
	for deadline := time.Now().Add(5 * time.Second); len(srv.Requests()) == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the request never arrived")
		}
	}
	start := time.Now()
	srv.Close()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %s", d)
	}
	<-done
	srv.Close() // a second Close is harmless
}

// Hammer the fake from many goroutines (run with -race).
func TestConcurrentRequests(t *testing.T) {
	srv := newServer(t, fakecds.Options{TaskDescribes: 1})
	srv.InjectFault(cdsapi.ActionDescribeLoadBalancers, fakecds.Fault{Kind: fakecds.FaultInternalError, Times: 5})
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Go(func() {
			switch i % 3 {
			case 0:
				send(t, srv, raw{action: cdsapi.ActionDescribeLoadBalancers})
			case 1:
				send(t, srv, raw{method: "POST", action: cdsapi.ActionModifyHaproxyCustomConfig,
					body: `{"InstanceUuid":"` + instUuid + `","Configs":"x"}`})
			default:
				_ = srv.Requests()
				_, _ = srv.Instance(instUuid)
			}
		})
	}
	wg.Wait()
	if n := len(srv.Requests()); n != 20 {
		t.Errorf("%d requests recorded, want 20", n)
	}
}

// The fake counts requests in flight, adds latency, and injects faults on
// one instance only.
func TestInFlightLatencyAndInstanceFaults(t *testing.T) {
	srv := newServer(t, fakecds.Options{Latency: 100 * time.Millisecond})
	srv.AddInstance(fakecds.Instance{InstanceUuid: "other", InstanceName: "other"}, model.Listeners{}, "global\n")
	srv.InjectInstanceFault("other", cdsapi.ActionDescribeHaproxyCustomConfig, fakecds.Fault{Kind: fakecds.FaultResourceInUse})
	var wg sync.WaitGroup
	answers := make([]answer, 4)
	start := time.Now()
	for i := range answers {
		id := instUuid
		if i == 3 {
			id = "other"
		}
		wg.Go(func() {
			answers[i] = send(t, srv, raw{method: http.MethodGet, action: cdsapi.ActionDescribeHaproxyCustomConfig, params: map[string]string{"InstanceUuid": id}})
		})
	}
	wg.Wait()
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("answered in %v, latency 100 ms", d)
	}
	if got := srv.MaxInFlight(); got != 4 {
		t.Errorf("max in flight %d, want 4", got)
	}
	for i, a := range answers {
		want := cdsapi.CodeSuccess
		if i == 3 {
			want = cdsapi.CodeResourceInUse
		}
		if a.Code != want {
			t.Errorf("answer %d: %s, want %s", i, a.Code, want)
		}
	}
	srv.ResetRequests()
	if got := srv.MaxInFlight(); got != 0 {
		t.Errorf("after reset: %d", got)
	}
}
