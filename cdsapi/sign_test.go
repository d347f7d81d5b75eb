package cdsapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/lbconf/lbconf/cdsapi"
)

// The vectors of shared/reference/signing-test-vectors.txt.
const (
	vecAK        = "AKIDEXAMPLE0123456789"
	vecSK        = "SKEXAMPLEsecretKEY0123456789"
	vecNonce     = "4a4e1f0c-0d6b-11ef-8e3a-0242ac110002"
	vecTimestamp = "2024-05-08T06:30:15Z"
	vecUuid      = "0311fb08-73f7-11ee-8a3c-0ad4b19c4d62"
	vecName      = "ha proxy*~/测试"
)

// vecParams returns the common parameters of the vectors plus extra ones.
func vecParams(action string, extra ...string) url.Values {
	v := url.Values{
		"Action":           {action},
		"AccessKeyId":      {vecAK},
		"SignatureMethod":  {"HMAC-SHA1"},
		"SignatureNonce":   {vecNonce},
		"SignatureVersion": {"1.0"},
		"Timestamp":        {vecTimestamp},
		"Version":          {"2019-08-08"},
	}
	for i := 0; i < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

type vector struct {
	name         string
	method       string
	params       url.Values
	canonical    string // "" when the file gives only the StringToSign
	stringToSign string // "" when the file gives only the canonical query
	signature    string
}

func vectors() []vector {
	return []vector{
		{
			name:         "V1",
			method:       "GET",
			params:       vecParams("DescribeLoadBalancerStrategys", "InstanceUuid", vecUuid),
			stringToSign: "GET&%2F&AccessKeyId%3DAKIDEXAMPLE0123456789%26Action%3DDescribeLoadBalancerStrategys%26InstanceUuid%3D0311fb08-73f7-11ee-8a3c-0ad4b19c4d62%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D4a4e1f0c-0d6b-11ef-8e3a-0242ac110002%26SignatureVersion%3D1.0%26Timestamp%3D2024-05-08T06%253A30%253A15Z%26Version%3D2019-08-08",
			signature:    "UARyEAC9IHq0ASHKnj8cGGyGX/Y=",
		},
		{
			name:         "V2",
			method:       "POST",
			params:       vecParams("ModifyHaproxyCustomConfig"),
			stringToSign: "POST&%2F&AccessKeyId%3DAKIDEXAMPLE0123456789%26Action%3DModifyHaproxyCustomConfig%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D4a4e1f0c-0d6b-11ef-8e3a-0242ac110002%26SignatureVersion%3D1.0%26Timestamp%3D2024-05-08T06%253A30%253A15Z%26Version%3D2019-08-08",
			signature:    "nNNFZpDMiqgC8eDGhfikX60gYGo=",
		},
		{
			name:      "V3",
			method:    "GET",
			params:    vecParams("DescribeLoadBalancers", "IP", "10.0.0.1", "InstanceName", vecName),
			canonical: "AccessKeyId=AKIDEXAMPLE0123456789&Action=DescribeLoadBalancers&IP=10.0.0.1&InstanceName=ha%20proxy%2A~%2F%E6%B5%8B%E8%AF%95&SignatureMethod=HMAC-SHA1&SignatureNonce=4a4e1f0c-0d6b-11ef-8e3a-0242ac110002&SignatureVersion=1.0&Timestamp=2024-05-08T06%3A30%3A15Z&Version=2019-08-08",
			signature: "MMPnnVWJ56WfffmtN0BREypSDA0=",
		},
	}
}

func TestSigningVectors(t *testing.T) {
	for _, v := range vectors() {
		t.Run(v.name, func(t *testing.T) {
			if v.canonical != "" {
				if got := cdsapi.CanonicalQuery(v.params); got != v.canonical {
					t.Errorf("CanonicalQuery:\n got %s\nwant %s", got, v.canonical)
				}
				want := v.method + "&%2F&" + cdsapi.PercentEncode(v.canonical)
				if got := cdsapi.StringToSign(v.method, v.params); got != want {
					t.Errorf("StringToSign:\n got %s\nwant %s", got, want)
				}
			}
			if v.stringToSign != "" {
				if got := cdsapi.StringToSign(v.method, v.params); got != v.stringToSign {
					t.Errorf("StringToSign:\n got %s\nwant %s", got, v.stringToSign)
				}
			}
			if got := cdsapi.Sign(v.method, v.params, vecSK); got != v.signature {
				t.Errorf("Sign = %s, want %s", got, v.signature)
			}
			// A Signature parameter in the input is ignored.
			withSig := cloneValues(v.params)
			withSig.Set("Signature", "whatever")
			if got := cdsapi.Sign(v.method, withSig, vecSK); got != v.signature {
				t.Errorf("Sign with a Signature parameter = %s, want %s", got, v.signature)
			}
		})
	}
}

// The key is the bare secret: the file notes what SK+"&" and a buggy
// encoder would give, and Sign must give neither.
func TestSigningRejectsKnownMistakes(t *testing.T) {
	v := vectors()
	if got := cdsapi.Sign("GET", v[0].params, vecSK+"&"); got != "208nGOqEBIfwE8sG75fRQmd8KMY=" {
		t.Errorf("the file's SK+\"&\" signature does not reproduce: %s", got)
	}
	if got := cdsapi.Sign("GET", v[2].params, vecSK); got == "+VNjsj8zX7Jw2V3f12/wvKQ6GsQ=" {
		t.Error("Sign reproduces the buggy encoder's signature")
	}
}

func TestPercentEncode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"AZaz09-_.~", "AZaz09-_.~"},
		{"a b", "a%20b"},
		{"a+b", "a%2Bb"},
		{"*", "%2A"},
		{"/:?&=#%", "%2F%3A%3F%26%3D%23%25"},
		{"测", "%E6%B5%8B"},
		{"\n\x00\xff", "%0A%00%FF"},
	}
	for _, tt := range tests {
		if got := cdsapi.PercentEncode(tt.in); got != tt.want {
			t.Errorf("PercentEncode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCanonicalQueryRepeatedValues(t *testing.T) {
	got := cdsapi.CanonicalQuery(url.Values{"b": {"2", "1"}, "a": {"x y"}, "Signature": {"s"}})
	if want := "a=x%20y&b=2&b=1"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// captured is one request seen by a capture server.
type captured struct {
	method, rawQuery, contentType string
	body                          []byte
}

// captureServer answers every request with a success envelope and sends
// what it saw on the returned channel.
func captureServer(t *testing.T, data string) (*httptest.Server, <-chan captured) {
	t.Helper()
	ch := make(chan captured, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path != "/lb/" {
			t.Errorf("path %q, want /lb/", r.URL.Path)
		}
		ch <- captured{r.Method, r.URL.RawQuery, r.Header.Get("Content-Type"), body}
		_, _ = io.WriteString(w, `{"Code":"Success","Message":"success","Data":`+data+`,"TaskId":"t-1"}`)
	}))
	t.Cleanup(srv.Close)
	return srv, ch
}

// vectorClient is a client with the vectors' credentials, clock and nonce.
func vectorClient(t *testing.T, endpoint string) *cdsapi.Client {
	t.Helper()
	ts, err := time.Parse(cdsapi.TimestampFormat, vecTimestamp)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cdsapi.NewClient(cdsapi.NewCredentials(vecAK, vecSK), cdsapi.Options{
		Endpoint: endpoint,
		Now:      func() time.Time { return ts.In(time.FixedZone("CST", 8*3600)) }, // converted to UTC
		NewNonce: func() string { return vecNonce },
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The client puts exactly the vectors' parameters and signatures on the
// wire, and the query is the canonical one plus the Signature.
func TestClientSignsLikeTheVectors(t *testing.T) {
	ctx := t.Context()
	v := vectors()
	tests := []struct {
		vector vector
		data   string
		call   func(c *cdsapi.Client) error
	}{
		{v[0], `{"HttpListeners":[],"TcpListeners":[]}`, func(c *cdsapi.Client) error {
			_, err := c.DescribeLoadBalancerStrategys(ctx, vecUuid)
			return err
		}},
		{v[1], `{}`, func(c *cdsapi.Client) error {
			_, err := c.ModifyHaproxyCustomConfig(ctx, vecUuid, "global\n")
			return err
		}},
		{v[2], `[]`, func(c *cdsapi.Client) error {
			_, err := c.DescribeLoadBalancers(ctx, cdsapi.DescribeLoadBalancersRequest{IP: "10.0.0.1", InstanceName: vecName})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.vector.name, func(t *testing.T) {
			srv, ch := captureServer(t, tt.data)
			if err := tt.call(vectorClient(t, srv.URL)); err != nil {
				t.Fatal(err)
			}
			got := <-ch
			if got.method != tt.vector.method {
				t.Errorf("method %s, want %s", got.method, tt.vector.method)
			}
			want := cdsapi.CanonicalQuery(tt.vector.params) + "&Signature=" + cdsapi.PercentEncode(tt.vector.signature)
			if got.rawQuery != want {
				t.Errorf("query:\n got %s\nwant %s", got.rawQuery, want)
			}
			if tt.vector.method == "POST" {
				if got.contentType != "application/json" {
					t.Errorf("Content-Type %q", got.contentType)
				}
				var body cdsapi.CustomConfigRequest
				if err := json.Unmarshal(got.body, &body); err != nil || body.InstanceUuid != vecUuid || body.Configs != "global\n" {
					t.Errorf("body %s (%v)", got.body, err)
				}
			} else if len(got.body) != 0 {
				t.Errorf("GET with a body: %s", got.body)
			}
		})
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
