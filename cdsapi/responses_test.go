package cdsapi_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	"github.com/lbconf/lbconf/model"
)

// The documented DescribeLoadBalancers answer (section 4), with the commas
// the documentation forgot.
const documentedInstances = `{
    "Code": "Success",
    "Data": [{
        "CloneServices": null,
        "Cpu": 1,
        "CreatedTime": "2020-05-05 00:13:53",
        "DisplayName": "亚太地区-香港-可用区A",
        "IP": "66.66.0.52",
        "InstanceName": "*******",
        "InstanceUuid": "*************",
        "IsCustomConf":0,
        "LinkType": "",
        "LinkTypeStr": "",
        "MasterInfo": "",
        "Port": 0,
        "ProjectName": "默认项目",
        "Ram": 2048,
        "RegionId": "CN_Hongkong_A",
        "RelationService": null,
        "ResourceId": "71bf731e-7cc8-4307-8408-4952e4dcd470",
        "RoGroups": null,
        "Status": "RUNNING",
        "StatusStr": "运行中",
        "SubProductName": "haproxy 主从版",
        "VdcId": "********",
        "VdcName": "香港PaaS1",
        "Version": "1.8.3",
        "Vips": [{
           "IP": "10.0.0.1",
           "Type": "private"
        },{
           "IP": "66.66.0.52",
           "Type": "public"
        }]
    }],
    "Message": "Success."
}`

// answerServer answers every request with status and body and counts the
// requests.
func answerServer(t *testing.T, status int, body string, header ...string) (*cdsapi.Client, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		for i := 0; i < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	c, err := cdsapi.NewClient(cdsapi.NewCredentials("AKIDTEST0000", "secret-test-0000"), cdsapi.Options{
		Endpoint: srv.URL,
		Sleep:    func(ctx context.Context, d time.Duration) error { return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, &n
}

func TestDocumentedInstanceDecodes(t *testing.T) {
	c, _ := answerServer(t, 200, documentedInstances)
	list, err := c.DescribeLoadBalancers(t.Context(), cdsapi.DescribeLoadBalancersRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf("%d instances", len(list))
	}
	lb := list[0]
	if lb.Status != "RUNNING" || lb.Version != "1.8.3" || lb.IsCustomConf != 0 || lb.Ram != 2048 || lb.Cpu != 1 ||
		lb.ProjectName != "默认项目" || len(lb.Vips) != 2 || lb.Vips[1] != (cdsapi.Vip{IP: "66.66.0.52", Type: "public"}) {
		t.Errorf("decoded %+v", lb)
	}
}

// The API is loose with types; integer fields may come as strings.
func TestLenientInstanceFields(t *testing.T) {
	c, _ := answerServer(t, 200, `{"Code":"Success","Data":[{"InstanceUuid":"u","IsCustomConf":"1","Port":null,"Cpu":"","Ram":"4096","vips":[{"ip":"1.2.3.4","type":"public"}]}],"TaskId":null}`)
	list, err := c.DescribeLoadBalancers(t.Context(), cdsapi.DescribeLoadBalancersRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if lb := list[0]; lb.IsCustomConf != 1 || lb.Ram != 4096 || lb.Port != 0 || len(lb.Vips) != 1 || lb.Vips[0].IP != "1.2.3.4" {
		t.Errorf("decoded %+v", lb)
	}
	c, _ = answerServer(t, 200, `{"Code":"Success","Data":[{"IsCustomConf":"yes"}]}`)
	if _, err := c.DescribeLoadBalancers(t.Context(), cdsapi.DescribeLoadBalancersRequest{}); !errors.Is(err, cdsapi.ErrMalformedResponse) {
		t.Errorf("err = %v, want ErrMalformedResponse", err)
	}
}

func TestUnexpectedAnswers(t *testing.T) {
	huge := strings.Repeat("<p>not json</p>", 100000)
	tests := []struct {
		name     string
		status   int
		body     string
		header   []string
		attempts int32
		is       error
		code     string // of the *APIError, "-" when none is expected
		contains []string
		maxLen   int
	}{
		{name: "gateway page is retried", status: 502, body: "<html>Bad Gateway</html>", header: []string{"X-Request-Id", "rq-1"},
			attempts: 3, code: "", contains: []string{"HTTP 502", "Bad Gateway", "rq-1", "gave up after 3 attempts"}},
		{name: "empty 503", status: 503, attempts: 3, code: "", contains: []string{"HTTP 503: Service Unavailable"}},
		{name: "huge non-JSON is truncated", status: 200, body: huge, attempts: 1, is: cdsapi.ErrMalformedResponse, code: "-",
			contains: []string{cdsapi.ActionDescribeHaproxyCustomConfig, "HTTP 200", "1500000 bytes"}, maxLen: 600},
		{name: "JSON without Code", status: 200, body: `{"Data":{}}`, attempts: 1, is: cdsapi.ErrMalformedResponse, code: "-",
			contains: []string{`no "Code" field`}},
		{name: "Code other than Success at 200", status: 200, body: `{"Code":"BadArgs","Message":"bad","RequestId":"r-9"}`,
			attempts: 1, code: cdsapi.CodeBadArgs, contains: []string{"BadArgs: bad (HTTP 200, request ID r-9)"}},
		{name: "Data of the wrong shape", status: 200, body: `{"Code":"Success","Data":["x"]}`, attempts: 1,
			is: cdsapi.ErrMalformedResponse, code: "-", contains: []string{"unexpected Data"}},
		{name: "redirects are not followed", status: 302, header: []string{"Location", "http://127.0.0.1:1/elsewhere"},
			attempts: 1, code: "", contains: []string{"HTTP 302"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, n := answerServer(t, tt.status, tt.body, tt.header...)
			_, err := c.DescribeHaproxyCustomConfig(t.Context(), "u")
			if err == nil {
				t.Fatal("no error")
			}
			if got := n.Load(); got != tt.attempts {
				t.Errorf("%d attempts, want %d", got, tt.attempts)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want %v", err, tt.is)
			}
			var apiErr *cdsapi.APIError
			if isAPI := errors.As(err, &apiErr); isAPI != (tt.code != "-") || isAPI && apiErr.Code != tt.code {
				t.Errorf("err = %#v, want APIError code %q", err, tt.code)
			}
			for _, want := range tt.contains {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%q lacks %q", err, want)
				}
			}
			if tt.maxLen > 0 && len(err.Error()) > tt.maxLen {
				t.Errorf("error is %d bytes long", len(err.Error()))
			}
		})
	}
}

// A POST answered by a gateway page may have reached the API.
func TestGatewayAnswerToPost(t *testing.T) {
	c, n := answerServer(t, 504, "Gateway Timeout")
	_, err := c.ModifyHaproxyCustomConfig(t.Context(), "u", "x")
	var apiErr *cdsapi.APIError
	if !errors.Is(err, cdsapi.ErrOutcomeUnknown) || !errors.As(err, &apiErr) || apiErr.HTTPStatus != 504 {
		t.Errorf("err = %v", err)
	}
	if n.Load() != 1 {
		t.Errorf("%d attempts", n.Load())
	}
}

// Nothing listens: the POST cannot have been applied, and is not resent.
func TestRefusedConnection(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + ln.Addr().String()
	ln.Close()
	var sleeps int
	c, err := cdsapi.NewClient(cdsapi.NewCredentials("AKIDTEST0000", "secret-test-0000"), cdsapi.Options{
		Endpoint: endpoint,
		Sleep:    func(ctx context.Context, d time.Duration) error { sleeps++; return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ModifyHaproxyCustomConfig(t.Context(), "u", "x")
	if err == nil || errors.Is(err, cdsapi.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("POST err = %v, want a refused connection with a known outcome", err)
	}
	if sleeps != 0 {
		t.Errorf("the POST was retried")
	}
	_, err = c.DescribeHaproxyCustomConfig(t.Context(), "u")
	if err == nil || !strings.Contains(err.Error(), "gave up after 3 attempts") || sleeps != 2 {
		t.Errorf("GET err = %v after %d backoffs", err, sleeps)
	}
}

// newestDocInstance is the first instance of the DescribeLoadBalancers
// answer in the newest documentation (capitalonline/openapi,
// 负载均衡概览.md): Tags, Disks, InpaasId, SubProductKey, Version "2.6",
// and "None" strings for fields documented as dicts and lists.
const newestDocInstance = `{"Code":"Success","Data":[{"CloneServices":"None","Cpu":2,"CreatedTime":"2023-10-26 20:04:15","Disks":0,
"DisplayName":"亚太地区-中国香港-可用区A","IP":"xxxxxxxx","InpaasId":"1956","InstanceName":"xxxxxxxx","InstanceUuid":"xxxxxxxx",
"IsCustomConf":0,"LinkType":"default_link","LinkTypeStr":"默认链路","MasterInfo":"","Port":0,"ProjectName":"默认项目组","Ram":4096,
"RegionId":"CN_Hongkong_A","RelationService":"None","ResourceId":"3c4d4e90-73f7-11ee-8a3c-0ad4b19c4d62","RoGroups":"None",
"Status":"RUNNING","StatusStr":"运行中","SubProductKey":"haproxy","SubProductName":"Haproxy 主从版",
"Tags":[{"TagID":24644,"TagName":"test_tag"}],"VdcId":"2e1fac33-8571-41c0-bca3-9f7e0fbadf67","VdcName":"香港-PaaS",
"Version":"2.6","Vips":[{"IP":"66.66.0.42","Type":"private"}]}],"Message":"success"}`

func TestNewestDocInstanceDecodes(t *testing.T) {
	c, _ := answerServer(t, 200, newestDocInstance)
	list, err := c.DescribeLoadBalancers(t.Context(), cdsapi.DescribeLoadBalancersRequest{TagName: "test_tag"})
	if err != nil {
		t.Fatal(err)
	}
	lb := list[0]
	if lb.Version != "2.6" || lb.Disks != 0 || lb.InpaasId != "1956" || lb.SubProductKey != "haproxy" ||
		len(lb.Tags) != 1 || lb.Tags[0] != (cdsapi.Tag{TagID: "24644", TagName: "test_tag"}) ||
		string(lb.CloneServices) != `"None"` || string(lb.RoGroups) != `"None"` || string(lb.RelationService) != `"None"` {
		t.Errorf("decoded %+v", lb)
	}
	// Tags as "None", InpaasId as a number: still decodes.
	c, _ = answerServer(t, 200, `{"Code":"Success","Data":[{"InstanceUuid":"u","Tags":"None","InpaasId":1956,"Disks":"None"}]}`)
	list, err = c.DescribeLoadBalancers(t.Context(), cdsapi.DescribeLoadBalancersRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if lb := list[0]; lb.Tags != nil || lb.InpaasId != "1956" || lb.Disks != 0 {
		t.Errorf("decoded %+v", lb)
	}
}

// TestTagNameFilter: the TagName parameter is sent and the fake filters by it.
func TestTagNameFilter(t *testing.T) {
	f := newFixture(t, fakecds.Options{}, cdsapi.Options{})
	f.srv.AddInstance(fakecds.Instance{InstanceUuid: "5d8a2c1e-73f7-11ee-8a3c-0ad4b19c4d62", InstanceName: "tagged", Version: "2.6",
		Tags: []cdsapi.Tag{{TagID: "24644", TagName: "test_tag"}}}, model.Listeners{}, "")
	list, err := f.client.DescribeLoadBalancers(t.Context(), cdsapi.DescribeLoadBalancersRequest{TagName: "test_tag"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].InstanceName != "tagged" || list[0].Tags[0].TagName != "test_tag" {
		t.Errorf("TagName test_tag: %+v", list)
	}
	reqs := f.srv.Requests()
	if got := reqs[len(reqs)-1].Params.Get("TagName"); got != "test_tag" {
		t.Errorf("TagName sent as %q", got)
	}
}

// TestStrategiesDefaults: the API client applies the model's defaults to
// what DescribeLoadBalancerStrategys answers, as model.Decode does.
func TestStrategiesDefaults(t *testing.T) {
	c, _ := answerServer(t, 200, `{"Code":"Success","Data":{"HttpListeners":[{"ListenerName":"w","SessionPersistence":{"Key":"k"},"Option":{"Httpchk":{"Uri":"/"}}}],"TcpListeners":[{"ListenerName":"t","EnableSourceIp":"","AclWhiteList":[" 10.0.0.1"]}]}}`)
	l, err := c.DescribeLoadBalancerStrategys(t.Context(), "0311fb08-73f7-11ee-8a3c-0ad4b19c4d62")
	if err != nil {
		t.Fatal(err)
	}
	h, tl := l.HttpListeners[0], l.TcpListeners[0]
	if h.SessionPersistence.Mode != model.DefaultCookieMode() || h.Option.Httpchk.Method != model.DefaultOf(model.KindHTTP, model.PtrHttpchkMethod) ||
		tl.EnableSourceIp != model.Off || tl.EnableRepeaterMode != model.Off || tl.AclWhiteList[0] != "10.0.0.1" {
		t.Errorf("defaults not applied: %+v %+v %+v", *h.SessionPersistence, *h.Option.Httpchk, tl)
	}
}
