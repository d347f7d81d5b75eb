package cdsapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	"github.com/lbconf/lbconf/model"
)

const (
	basicUuid  = "0311fb08-73f7-11ee-8a3c-0ad4b19c4d62" // IsCustomConf 0
	customUuid = "9c1d2e3f-73f7-11ee-8a3c-0ad4b19c4d62" // IsCustomConf 1
)

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fixture is a seeded fake and a client pointed at it whose backoff sleeps
// are recorded instead of slept.
type fixture struct {
	srv    *fakecds.Server
	client *cdsapi.Client
	debug  *syncBuffer

	mu     sync.Mutex
	sleeps []time.Duration
}

func (f *fixture) slept() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

// newFixture starts a fake with fo and a client with co (Endpoint, Debug
// and, unless set, Sleep filled in).
func newFixture(t *testing.T, fo fakecds.Options, co cdsapi.Options) *fixture {
	t.Helper()
	f := &fixture{srv: fakecds.NewServer(fo), debug: &syncBuffer{}}
	t.Cleanup(f.srv.Close)
	seed(f.srv)
	co.Endpoint = f.srv.URL
	co.Debug = f.debug
	if co.Sleep == nil {
		co.Sleep = func(ctx context.Context, d time.Duration) error {
			f.mu.Lock()
			f.sleeps = append(f.sleeps, d)
			f.mu.Unlock()
			return ctx.Err()
		}
	}
	c, err := cdsapi.NewClient(f.srv.Credentials(), co)
	if err != nil {
		t.Fatal(err)
	}
	f.client = c
	return f
}

func seed(srv *fakecds.Server) {
	srv.AddInstance(fakecds.Instance{
		InstanceUuid: basicUuid, InstanceName: "web-lb", Version: "2.4",
		Vips:     []cdsapi.Vip{{IP: "10.240.0.8", Type: "private"}, {IP: "66.66.0.52", Type: "public"}},
		RegionId: "CN_Hongkong_A", DisplayName: "亚太地区-香港-可用区A", CreatedTime: "2024-05-08 06:30:15",
	}, sampleListeners(), "")
	srv.AddInstance(fakecds.Instance{
		InstanceUuid: customUuid, InstanceName: "db-lb", Version: "1.8.3", IsCustomConf: 1,
		Vips: []cdsapi.Vip{{IP: "10.240.0.9", Type: "private"}}, CreatedTime: "2023-01-01 00:00:00",
	}, model.Listeners{}, "global\n    maxconn 150000\n")
}

// sampleListeners has non-nil lists everywhere, so that it survives a JSON
// round trip unchanged.
func sampleListeners() model.Listeners {
	return model.Listeners{
		HttpListeners: []model.HttpListener{{
			ListenerName: "web", ListenerPort: 80, ListenerMode: "http", MaxConn: 1000,
			ClientTimeout: "30", ClientTimeoutUnit: "s", ConnectTimeout: "5", ConnectTimeoutUnit: "s",
			ServerTimeout: "30000", ServerTimeoutUnit: "ms", Scheduler: "roundrobin", StickySession: "on",
			AclWhiteList: []string{"10.0.0.0/8"}, CertificateIds: []model.Certificate{},
			BackendServer:      []model.BackendServer{{IP: "10.0.0.5", Port: 8080, Weight: "10", MaxConn: 100}},
			SessionPersistence: &model.SessionPersistence{Key: "sid", Mode: 2, Timer: &model.Timer{MaxIdle: 600, MaxLife: 3600}},
			Option:             &model.Option{Httpchk: &model.Httpchk{Method: "GET", Uri: "/health"}},
		}},
		TcpListeners: []model.TcpListener{{
			ListenerName: "db", ListenerPort: 3306, ListenerMode: "tcp", MaxConn: 2000,
			ClientTimeout: "60", ClientTimeoutUnit: "s", ConnectTimeout: "5", ConnectTimeoutUnit: "s",
			ServerTimeout: "60", ServerTimeoutUnit: "s", Scheduler: "leastconn", AclWhiteList: []string{},
			BackendServer:  []model.BackendServer{{IP: "10.2.0.7", Port: 3306, Weight: "1", MaxConn: 1000}},
			EnableSourceIp: "on", EnableRepeaterMode: "off",
		}},
	}
}

func tcpListener(name string, port int) model.TcpListener {
	return model.TcpListener{
		ListenerName: name, ListenerPort: port, ListenerMode: "tcp", MaxConn: 100,
		ClientTimeout: "1", ClientTimeoutUnit: "s", ConnectTimeout: "1", ConnectTimeoutUnit: "s",
		ServerTimeout: "1", ServerTimeoutUnit: "s", Scheduler: "roundrobin", AclWhiteList: []string{},
		BackendServer:  []model.BackendServer{{IP: "10.0.0.1", Port: 9000, Weight: "1", MaxConn: 10}},
		EnableSourceIp: "off", EnableRepeaterMode: "off",
	}
}

func TestDescribeLoadBalancers(t *testing.T) {
	f := newFixture(t, fakecds.Options{}, cdsapi.Options{})
	ctx := t.Context()

	all, err := f.client.DescribeLoadBalancers(ctx, cdsapi.DescribeLoadBalancersRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("got %d instances, want 2", len(all))
	}
	web := all[0]
	want := cdsapi.LoadBalancer{
		InstanceUuid: basicUuid, InstanceName: "web-lb", Status: "RUNNING", StatusStr: "运行中", Version: "2.4",
		IP: "66.66.0.52", Vips: []cdsapi.Vip{{IP: "10.240.0.8", Type: "private"}, {IP: "66.66.0.52", Type: "public"}},
		RegionId: "CN_Hongkong_A", DisplayName: "亚太地区-香港-可用区A", CreatedTime: "2024-05-08 06:30:15",
		Cpu: 1, Ram: 2048, ResourceId: basicUuid, SubProductKey: "haproxy",
		Tags: []cdsapi.Tag{}, CloneServices: json.RawMessage(`"None"`), RelationService: json.RawMessage(`"None"`), RoGroups: json.RawMessage(`"None"`),
		MasterInfo: json.RawMessage(`""`),
	}
	if !reflect.DeepEqual(web, want) {
		t.Errorf("got  %+v\nwant %+v", web, want)
	}
	if all[1].IsCustomConf != 1 || !all[1].CustomConf() || all[1].IP != "10.240.0.9" {
		t.Errorf("custom instance: %+v", all[1])
	}

	tests := []struct {
		name string
		req  cdsapi.DescribeLoadBalancersRequest
		want []string
	}{
		{"IP prefix", cdsapi.DescribeLoadBalancersRequest{IP: "66.66"}, []string{basicUuid}},
		{"private VIP", cdsapi.DescribeLoadBalancersRequest{IP: "10.240.0.9"}, []string{customUuid}},
		{"name", cdsapi.DescribeLoadBalancersRequest{InstanceName: "db"}, []string{customUuid}},
		{"created after", cdsapi.DescribeLoadBalancersRequest{StartTime: "2024-01-01 00:00:00"}, []string{basicUuid}},
		{"nothing", cdsapi.DescribeLoadBalancersRequest{InstanceName: "nope"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := f.client.DescribeLoadBalancers(ctx, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, lb := range list {
				got = append(got, lb.InstanceUuid)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// The API filters loosely; DescribeLoadBalancer must pick the exact UUID.
func TestDescribeLoadBalancerExactMatch(t *testing.T) {
	f := newFixture(t, fakecds.Options{}, cdsapi.Options{})
	f.srv.AddInstance(fakecds.Instance{InstanceUuid: "lb-10", InstanceName: "ten"}, model.Listeners{}, "")
	f.srv.AddInstance(fakecds.Instance{InstanceUuid: "lb-1", InstanceName: "one"}, model.Listeners{}, "")
	lb, err := f.client.DescribeLoadBalancer(t.Context(), "lb-1")
	if err != nil {
		t.Fatal(err)
	}
	if lb.InstanceName != "one" {
		t.Errorf("got %+v", lb)
	}
	_, err = f.client.DescribeLoadBalancer(t.Context(), "lb-")
	if !errors.Is(err, cdsapi.ErrInstanceNotFound) || !strings.Contains(err.Error(), "lb-") {
		t.Errorf("err = %v, want ErrInstanceNotFound naming the UUID", err)
	}
}

func TestStrategies(t *testing.T) {
	f := newFixture(t, fakecds.Options{}, cdsapi.Options{})
	ctx := t.Context()

	got, err := f.client.DescribeLoadBalancerStrategys(ctx, basicUuid)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, sampleListeners()) {
		t.Errorf("Describe:\n got %+v\nwant %+v", got, sampleListeners())
	}
	raw, err := f.client.DescribeLoadBalancerStrategysRaw(ctx, basicUuid)
	if err != nil || !bytes.Contains(raw, []byte(`"ListenerName":"web"`)) {
		t.Errorf("Raw = %s, %v", raw, err)
	}

	// Modify replaces everything.
	next := model.Listeners{HttpListeners: []model.HttpListener{}, TcpListeners: []model.TcpListener{tcpListener("redis", 6379)}}
	res, err := f.client.ModifyLoadBalancerStrategys(ctx, basicUuid, next)
	if err != nil {
		t.Fatal(err)
	}
	if res.TaskId == "" || res.Message == "" {
		t.Errorf("result %+v", res)
	}
	if got, _ := f.client.DescribeLoadBalancerStrategys(ctx, basicUuid); !reflect.DeepEqual(got, next) {
		t.Errorf("after Modify:\n got %+v\nwant %+v", got, next)
	}

	// Add appends.
	if _, err := f.client.AddLoadBalancerStrategys(ctx, basicUuid, model.Listeners{TcpListeners: []model.TcpListener{tcpListener("mq", 5672)}}); err != nil {
		t.Fatal(err)
	}
	got, _ = f.client.DescribeLoadBalancerStrategys(ctx, basicUuid)
	if len(got.TcpListeners) != 2 || got.TcpListeners[1].ListenerName != "mq" {
		t.Errorf("after Add: %+v", got)
	}

	// Add refuses a name or a port that exists.
	for _, l := range []model.TcpListener{tcpListener("mq", 5673), tcpListener("other", 6379)} {
		_, err = f.client.AddLoadBalancerStrategys(ctx, basicUuid, model.Listeners{TcpListeners: []model.TcpListener{l}})
		var apiErr *cdsapi.APIError
		if !errors.As(err, &apiErr) || apiErr.HTTPStatus != 400 || apiErr.Code != cdsapi.CodeInvalidParameter {
			t.Errorf("Add %s:%d: err = %v, want 400 InvalidParameter", l.ListenerName, l.ListenerPort, err)
		}
	}
}

// Setting strategies switches a custom instance to basic, and setting the
// custom config switches it back, as the real service does.
func TestModesSwitch(t *testing.T) {
	f := newFixture(t, fakecds.Options{}, cdsapi.Options{})
	ctx := t.Context()
	isCustom := func() int {
		t.Helper()
		lb, err := f.client.DescribeLoadBalancer(ctx, customUuid)
		if err != nil {
			t.Fatal(err)
		}
		return lb.IsCustomConf
	}

	cfg, err := f.client.DescribeHaproxyCustomConfig(ctx, customUuid)
	if err != nil || cfg != "global\n    maxconn 150000\n" {
		t.Fatalf("DescribeHaproxyCustomConfig = %q, %v", cfg, err)
	}
	res, err := f.client.ModifyLoadBalancerStrategys(ctx, customUuid, sampleListeners())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Message, "Base configuration will be enabled") {
		t.Errorf("message %q", res.Message)
	}
	if got := isCustom(); got != 0 {
		t.Errorf("after ModifyLoadBalancerStrategys IsCustomConf = %d, want 0", got)
	}

	const newCfg = "global\n    maxconn 1000\n\nlisten status\n    bind 127.0.0.1:1081\n"
	if res, err = f.client.ModifyHaproxyCustomConfig(ctx, customUuid, newCfg); err != nil || res.TaskId == "" {
		t.Fatalf("ModifyHaproxyCustomConfig = %+v, %v", res, err)
	}
	if got := isCustom(); got != 1 {
		t.Errorf("after ModifyHaproxyCustomConfig IsCustomConf = %d, want 1", got)
	}
	if cfg, _ = f.client.DescribeHaproxyCustomConfig(ctx, customUuid); cfg != newCfg {
		t.Errorf("config %q, want %q", cfg, newCfg)
	}

	if _, err = f.client.AddLoadBalancerStrategys(ctx, customUuid, model.Listeners{TcpListeners: []model.TcpListener{tcpListener("x", 7000)}}); err != nil {
		t.Fatal(err)
	}
	if got := isCustom(); got != 0 {
		t.Errorf("after AddLoadBalancerStrategys IsCustomConf = %d, want 0", got)
	}
}

func TestDescribeLBInstanceListeners(t *testing.T) {
	f := newFixture(t, fakecds.Options{}, cdsapi.Options{})
	list, err := f.client.DescribeLBInstanceListeners(t.Context(), basicUuid)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("got %d listeners", len(list))
	}
	// The newest documentation's shape: no port, BackendNames for HTTP
	// listeners and null for TCP ones.
	if l := list[0]; l.ListenerName != "web" || l.ListenerMode != "http" || l.Fields["ListenerName"] != "web" ||
		!reflect.DeepEqual(l.BackendNames, []cdsapi.BackendName{{BackendName: "web-abk", DisplayName: "默认服务器组"}}) {
		t.Errorf("first: %+v", l)
	}
	if l := list[1]; l.ListenerName != "db" || l.ListenerMode != "tcp" || l.BackendNames != nil {
		t.Errorf("second: %+v", l)
	}
	reqs := f.srv.Requests()
	last := reqs[len(reqs)-1]
	if last.Method != http.MethodPost || string(last.Body) != `{"InstanceUuid":"`+basicUuid+`"}` || last.Params.Has("InstanceUuid") {
		t.Errorf("sent %s %q with query %v; want a POST with the JSON body {\"InstanceUuid\"}", last.Method, last.Body, last.Params)
	}
}

// The real API wants HttpListeners (and the other lists) as [] when empty.
func TestEmptyListsAreSentAsArrays(t *testing.T) {
	f := newFixture(t, fakecds.Options{}, cdsapi.Options{})
	in := model.Listeners{TcpListeners: []model.TcpListener{{ListenerName: "t", ListenerPort: 81, ListenerMode: "tcp"}}}
	if _, err := f.client.ModifyLoadBalancerStrategys(t.Context(), basicUuid, in); err != nil {
		t.Fatal(err)
	}
	if in.TcpListeners[0].AclWhiteList != nil {
		t.Error("the caller's listeners were modified")
	}
	reqs := f.srv.RequestsFor(cdsapi.ActionModifyLoadBalancerStrategys)
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	body := string(reqs[0].Body)
	for _, want := range []string{`"InstanceUuid":"` + basicUuid + `"`, `"HttpListeners":[]`, `"AclWhiteList":[]`, `"BackendServer":[]`} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %s: %s", want, body)
		}
	}
	if strings.Contains(body, "null") {
		t.Errorf("body has a null: %s", body)
	}
	if _, err := f.client.ModifyLoadBalancerStrategys(t.Context(), basicUuid, model.Listeners{}); err != nil {
		t.Fatal(err)
	}
	body = string(f.srv.RequestsFor(cdsapi.ActionModifyLoadBalancerStrategys)[1].Body)
	if want := `{"InstanceUuid":"` + basicUuid + `","HttpListeners":[],"TcpListeners":[]}`; body != want {
		t.Errorf("body %s, want %s", body, want)
	}
}

func TestUnknownInstance(t *testing.T) {
	f := newFixture(t, fakecds.Options{}, cdsapi.Options{})
	ctx := t.Context()
	const missing = "00000000-0000-0000-0000-000000000000"
	calls := map[string]func() error{
		cdsapi.ActionDescribeLoadBalancerStrategys: func() error {
			_, err := f.client.DescribeLoadBalancerStrategys(ctx, missing)
			return err
		},
		cdsapi.ActionDescribeHaproxyCustomConfig: func() error {
			_, err := f.client.DescribeHaproxyCustomConfig(ctx, missing)
			return err
		},
		cdsapi.ActionDescribeLBInstanceListeners: func() error {
			_, err := f.client.DescribeLBInstanceListeners(ctx, missing)
			return err
		},
		cdsapi.ActionModifyLoadBalancerStrategys: func() error {
			_, err := f.client.ModifyLoadBalancerStrategys(ctx, missing, model.Listeners{})
			return err
		},
		cdsapi.ActionAddLoadBalancerStrategys: func() error {
			_, err := f.client.AddLoadBalancerStrategys(ctx, missing, model.Listeners{})
			return err
		},
		cdsapi.ActionModifyHaproxyCustomConfig: func() error {
			_, err := f.client.ModifyHaproxyCustomConfig(ctx, missing, "global\n")
			return err
		},
	}
	for action, call := range calls {
		t.Run(action, func(t *testing.T) {
			err := call()
			var apiErr *cdsapi.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want an *APIError", err)
			}
			if apiErr.Action != action || apiErr.HTTPStatus != 404 || apiErr.Code != cdsapi.CodeResourceNotFound ||
				apiErr.RequestID == "" || !strings.Contains(apiErr.Message, missing) {
				t.Errorf("got %+v", apiErr)
			}
			for _, want := range []string{action, "ResourceNotFound", missing, "HTTP 404"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%q lacks %q", err, want)
				}
			}
			if cdsapi.ErrorCode(err) != cdsapi.CodeResourceNotFound {
				t.Errorf("ErrorCode = %q", cdsapi.ErrorCode(err))
			}
			if n := len(f.srv.RequestsFor(action)); n != 1 {
				t.Errorf("%d requests, want 1 (4xx is not retried)", n)
			}
		})
	}
}

func TestEmptyUuidIsRefusedLocally(t *testing.T) {
	f := newFixture(t, fakecds.Options{}, cdsapi.Options{})
	if _, err := f.client.DescribeHaproxyCustomConfig(t.Context(), " "); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("err = %v", err)
	}
	if _, err := f.client.ModifyHaproxyCustomConfig(t.Context(), "", "x"); err == nil {
		t.Error("no error")
	}
	if n := len(f.srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// faultCase is one injected fault and what the client must make of it.
type faultCase struct {
	name     string
	action   string
	fault    fakecds.Fault
	requests int    // requests the fake must see
	ok       bool   // the call succeeds in the end
	status   int    // HTTPStatus of the *APIError, 0 if none
	code     string // its Code
	is       []error
	contains []string
}

func TestFaults(t *testing.T) {
	const get = cdsapi.ActionDescribeHaproxyCustomConfig
	const post = cdsapi.ActionModifyHaproxyCustomConfig
	tests := []faultCase{
		{name: "GET 500 always", action: get, fault: fakecds.Fault{Kind: fakecds.FaultInternalError},
			requests: 3, status: 500, code: cdsapi.CodeInternalError, contains: []string{"gave up after 3 attempts", get}},
		{name: "GET 500 once", action: get, fault: fakecds.Fault{Kind: fakecds.FaultInternalError, Times: 1},
			requests: 2, ok: true},
		{name: "GET cut twice", action: get, fault: fakecds.Fault{Kind: fakecds.FaultCutConnection, Times: 2},
			requests: 3, ok: true},
		{name: "GET cut always", action: get, fault: fakecds.Fault{Kind: fakecds.FaultCutConnection},
			requests: 3, contains: []string{"GET " + get, "gave up after 3 attempts"}},
		{name: "GET 409 not retried", action: get, fault: fakecds.Fault{Kind: fakecds.FaultResourceInUse},
			requests: 1, status: 409, code: cdsapi.CodeResourceInUse},
		{name: "GET malformed not retried", action: get, fault: fakecds.Fault{Kind: fakecds.FaultMalformedJSON},
			requests: 1, is: []error{cdsapi.ErrMalformedResponse}, contains: []string{get, "HTTP 200", "not an API envelope"}},
		{name: "POST 500 not resent", action: post, fault: fakecds.Fault{Kind: fakecds.FaultInternalError},
			requests: 1, status: 500, code: cdsapi.CodeInternalError},
		{name: "POST 409", action: post, fault: fakecds.Fault{Kind: fakecds.FaultResourceInUse},
			requests: 1, status: 409, code: cdsapi.CodeResourceInUse},
		{name: "POST cut not resent", action: post, fault: fakecds.Fault{Kind: fakecds.FaultCutConnection},
			requests: 1, is: []error{cdsapi.ErrOutcomeUnknown}, contains: []string{"POST " + post, "may have been applied"}},
		{name: "POST cut after apply not resent", action: post, fault: fakecds.Fault{Kind: fakecds.FaultCutAfterApply},
			requests: 1, is: []error{cdsapi.ErrOutcomeUnknown}, contains: []string{"may have been applied"}},
		{name: "POST malformed", action: post, fault: fakecds.Fault{Kind: fakecds.FaultMalformedJSON},
			requests: 1, is: []error{cdsapi.ErrOutcomeUnknown, cdsapi.ErrMalformedResponse}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, fakecds.Options{}, cdsapi.Options{})
			f.srv.InjectFault(tt.action, tt.fault)
			var err error
			if tt.action == get {
				_, err = f.client.DescribeHaproxyCustomConfig(t.Context(), customUuid)
			} else {
				_, err = f.client.ModifyHaproxyCustomConfig(t.Context(), customUuid, "changed\n")
			}
			checkFaultError(t, tt, err)
			if n := len(f.srv.RequestsFor(tt.action)); n != tt.requests {
				t.Errorf("the fake saw %d requests, want %d", n, tt.requests)
			}
			if want := tt.requests - 1; len(f.slept()) != want {
				t.Errorf("slept %v, want %d backoffs", f.slept(), want)
			}
			if tt.action == post {
				cfg, _ := f.srv.CustomConfig(customUuid)
				applied := cfg == "changed\n"
				if want := tt.fault.Kind == fakecds.FaultCutAfterApply; applied != want {
					t.Errorf("applied = %v, want %v", applied, want)
				}
			}
		})
	}
}

func checkFaultError(t *testing.T, tt faultCase, err error) {
	t.Helper()
	if tt.ok {
		if err != nil {
			t.Fatalf("err = %v, want success after retries", err)
		}
		return
	}
	if err == nil {
		t.Fatal("no error")
	}
	var apiErr *cdsapi.APIError
	if tt.status != 0 {
		if !errors.As(err, &apiErr) || apiErr.HTTPStatus != tt.status || apiErr.Code != tt.code {
			t.Errorf("err = %v, want an *APIError %d %s", err, tt.status, tt.code)
		}
	} else if errors.As(err, &apiErr) {
		t.Errorf("err = %v: unexpected *APIError", err)
	}
	for _, target := range tt.is {
		if !errors.Is(err, target) {
			t.Errorf("err = %v, want errors.Is %v", err, target)
		}
	}
	for _, want := range tt.contains {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err %q lacks %q", err, want)
		}
	}
	if tt.action == cdsapi.ActionDescribeHaproxyCustomConfig && errors.Is(err, cdsapi.ErrOutcomeUnknown) {
		t.Errorf("a GET reports an unknown outcome: %v", err)
	}
}

// Each attempt is signed anew, and the waits double.
func TestRetriesUseFreshNoncesAndBackoff(t *testing.T) {
	f := newFixture(t, fakecds.Options{}, cdsapi.Options{MaxAttempts: 4, Backoff: 100 * time.Millisecond, MaxBackoff: 300 * time.Millisecond})
	f.srv.InjectFault("", fakecds.Fault{Kind: fakecds.FaultInternalError, Times: 3})
	if _, err := f.client.DescribeLoadBalancers(t.Context(), cdsapi.DescribeLoadBalancersRequest{}); err != nil {
		t.Fatal(err)
	}
	reqs := f.srv.Requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4", len(reqs))
	}
	nonces, sigs := map[string]bool{}, map[string]bool{}
	for _, r := range reqs {
		nonces[r.Params.Get("SignatureNonce")] = true
		sigs[r.Params.Get("Signature")] = true
	}
	if len(nonces) != 4 || len(sigs) != 4 {
		t.Errorf("%d nonces and %d signatures for 4 attempts", len(nonces), len(sigs))
	}
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond}
	if !reflect.DeepEqual(f.slept(), want) {
		t.Errorf("backoffs %v, want %v", f.slept(), want)
	}
	if log := f.debug.String(); strings.Count(log, "retrying in") != 3 {
		t.Errorf("debug log does not show the retries:\n%s", log)
	}
}

func TestTimeouts(t *testing.T) {
	slow := fakecds.Fault{Kind: fakecds.FaultSlow, Delay: 5 * time.Second}

	t.Run("GET attempts time out and are retried", func(t *testing.T) {
		f := newFixture(t, fakecds.Options{}, cdsapi.Options{Timeout: 100 * time.Millisecond, MaxAttempts: 2})
		f.srv.InjectFault(cdsapi.ActionDescribeLoadBalancers, slow)
		start := time.Now()
		_, err := f.client.DescribeLoadBalancers(t.Context(), cdsapi.DescribeLoadBalancersRequest{})
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no answer within 100ms") {
			t.Errorf("err = %v", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("took %s", d)
		}
		if n := len(f.srv.Requests()); n != 2 {
			t.Errorf("%d requests, want 2", n)
		}
	})

	t.Run("POST times out once and may have been applied", func(t *testing.T) {
		f := newFixture(t, fakecds.Options{}, cdsapi.Options{Timeout: 100 * time.Millisecond})
		f.srv.InjectFault(cdsapi.ActionModifyHaproxyCustomConfig, fakecds.Fault{Delay: 200 * time.Millisecond})
		_, err := f.client.ModifyHaproxyCustomConfig(t.Context(), customUuid, "late\n")
		if !errors.Is(err, cdsapi.ErrOutcomeUnknown) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v", err)
		}
		if n := len(f.srv.Requests()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
		// The fake goes on and applies it, as a real server may.
		deadline := time.Now().Add(3 * time.Second)
		for cfg, _ := f.srv.CustomConfig(customUuid); cfg != "late\n"; cfg, _ = f.srv.CustomConfig(customUuid) {
			if time.Now().After(deadline) {
				t.Fatal("the change was never applied")
			}
			time.Sleep(10 * time.Millisecond)
		}
	})

	t.Run("cancel during a request", func(t *testing.T) {
		f := newFixture(t, fakecds.Options{}, cdsapi.Options{})
		f.srv.InjectFault(cdsapi.ActionDescribeLoadBalancers, slow)
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err := f.client.DescribeLoadBalancers(ctx, cdsapi.DescribeLoadBalancersRequest{})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("took %s", d)
		}
		if n := len(f.srv.Requests()); n != 1 {
			t.Errorf("%d requests, want 1 (no retry after cancel)", n)
		}
	})

	t.Run("cancel during the backoff", func(t *testing.T) {
		f := newFixture(t, fakecds.Options{}, cdsapi.Options{})
		// A client with the real sleep, not the fixture's recording one.
		c, err := cdsapi.NewClient(f.srv.Credentials(), cdsapi.Options{Endpoint: f.srv.URL, Backoff: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		f.srv.InjectFault("", fakecds.Fault{Kind: fakecds.FaultInternalError})
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		_, err = c.DescribeHaproxyCustomConfig(ctx, customUuid)
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "InternalError") {
			t.Errorf("err = %v, want Canceled with the last error", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("took %s", d)
		}
	})

	t.Run("cancelled before sending", func(t *testing.T) {
		f := newFixture(t, fakecds.Options{}, cdsapi.Options{})
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := f.client.ModifyHaproxyCustomConfig(ctx, customUuid, "x\n")
		if !errors.Is(err, context.Canceled) || errors.Is(err, cdsapi.ErrOutcomeUnknown) {
			t.Errorf("err = %v, want Canceled and a known outcome", err)
		}
		if n := len(f.srv.Requests()); n != 0 {
			t.Errorf("%d requests", n)
		}
	})
}

// A change starts a task: DescribeLoadBalancers shows it busy, and another
// change is refused with 409 until it is RUNNING again.
func TestTaskPeriod(t *testing.T) {
	t.Run("counted in describes", func(t *testing.T) {
		f := newFixture(t, fakecds.Options{TaskDescribes: 2, TaskStatus: "UPDATING"}, cdsapi.Options{})
		ctx := t.Context()
		if _, err := f.client.ModifyHaproxyCustomConfig(ctx, customUuid, "a\n"); err != nil {
			t.Fatal(err)
		}
		_, err := f.client.ModifyHaproxyCustomConfig(ctx, customUuid, "b\n")
		if cdsapi.ErrorCode(err) != cdsapi.CodeResourceInUse {
			t.Errorf("second change: err = %v, want ResourceInUse", err)
		}
		var statuses []string
		for range 3 {
			lb, err := f.client.DescribeLoadBalancer(ctx, customUuid)
			if err != nil {
				t.Fatal(err)
			}
			statuses = append(statuses, lb.Status)
		}
		if want := []string{"UPDATING", "UPDATING", "RUNNING"}; !reflect.DeepEqual(statuses, want) {
			t.Errorf("statuses %v, want %v", statuses, want)
		}
		if _, err := f.client.ModifyHaproxyCustomConfig(ctx, customUuid, "b\n"); err != nil {
			t.Errorf("after the task: %v", err)
		}
	})

	t.Run("timed", func(t *testing.T) {
		var mu sync.Mutex
		now := time.Now()
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
		f := newFixture(t, fakecds.Options{Now: clock, TaskDuration: time.Minute}, cdsapi.Options{Now: clock})
		ctx := t.Context()
		if _, err := f.client.ModifyLoadBalancerStrategys(ctx, basicUuid, sampleListeners()); err != nil {
			t.Fatal(err)
		}
		if lb, _ := f.client.DescribeLoadBalancer(ctx, basicUuid); lb.Status != fakecds.DefaultTaskStatus {
			t.Errorf("status %q during the task", lb.Status)
		}
		if inst, _ := f.srv.Instance(basicUuid); inst.Status != fakecds.DefaultTaskStatus {
			t.Errorf("Server.Instance status %q during the task", inst.Status)
		}
		advance(61 * time.Second)
		if lb, _ := f.client.DescribeLoadBalancer(ctx, basicUuid); lb.Status != "RUNNING" {
			t.Errorf("status %q after the task", lb.Status)
		}
	})
}

func TestAuthenticationFailures(t *testing.T) {
	tests := []struct {
		name  string
		creds func(srv *fakecds.Server) cdsapi.Credentials
		opts  cdsapi.Options
		code  string
	}{
		{"wrong secret", func(srv *fakecds.Server) cdsapi.Credentials {
			return cdsapi.NewCredentials(srv.Credentials().AccessKeyID, "wrong-secret-123")
		}, cdsapi.Options{}, fakecds.CodeSignatureDoesNotMatch},
		{"wrong key id", func(*fakecds.Server) cdsapi.Credentials {
			return cdsapi.NewCredentials("AKIDUNKNOWN000", fakecds.DefaultSecretKey)
		}, cdsapi.Options{}, fakecds.CodeInvalidAccessKeyId},
		{"clock 16 minutes slow", (*fakecds.Server).Credentials,
			cdsapi.Options{Now: func() time.Time { return time.Now().Add(-16 * time.Minute) }}, fakecds.CodeRequestExpired},
		{"clock 16 minutes fast", (*fakecds.Server).Credentials,
			cdsapi.Options{Now: func() time.Time { return time.Now().Add(16 * time.Minute) }}, fakecds.CodeRequestExpired},
		{"clock 14 minutes slow", (*fakecds.Server).Credentials,
			cdsapi.Options{Now: func() time.Time { return time.Now().Add(-14 * time.Minute) }}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakecds.NewServer(fakecds.Options{})
			t.Cleanup(srv.Close)
			seed(srv)
			tt.opts.Endpoint = srv.URL
			c, err := cdsapi.NewClient(tt.creds(srv), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.DescribeHaproxyCustomConfig(t.Context(), customUuid)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var apiErr *cdsapi.APIError
			if !errors.As(err, &apiErr) || apiErr.Code != tt.code || apiErr.HTTPStatus != 403 {
				t.Errorf("err = %v, want 403 %s", err, tt.code)
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}

	t.Run("reused nonce", func(t *testing.T) {
		f := newFixture(t, fakecds.Options{}, cdsapi.Options{NewNonce: func() string { return "same-nonce" }})
		if _, err := f.client.DescribeHaproxyCustomConfig(t.Context(), customUuid); err != nil {
			t.Fatal(err)
		}
		_, err := f.client.DescribeHaproxyCustomConfig(t.Context(), customUuid)
		if cdsapi.ErrorCode(err) != fakecds.CodeSignatureNonceUsed {
			t.Errorf("err = %v, want SignatureNonceUsed", err)
		}
	})
}

// Many goroutines share one client and one fake (run with -race).
func TestConcurrentUse(t *testing.T) {
	f := newFixture(t, fakecds.Options{}, cdsapi.Options{})
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := f.client.DescribeLoadBalancers(ctx, cdsapi.DescribeLoadBalancersRequest{})
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := f.client.ModifyHaproxyCustomConfig(ctx, customUuid, strings.Repeat("x", i)+"\n")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := len(f.srv.Requests()); n != 40 {
		t.Errorf("%d requests, want 40", n)
	}
}
