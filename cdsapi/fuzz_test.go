package cdsapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/model"
)

// answerTransport answers every request with a fixed status and body,
// without a network.
type answerTransport struct {
	status int
	body   []byte
}

func (a answerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: a.status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(a.body)), Request: r,
	}, nil
}

const fuzzSecret = "fuzz-secret-key-0123456789"

// FuzzResponseDecoding feeds arbitrary answers to every action: never a
// panic, and no secret or raw control character in what reaches a caller.
func FuzzResponseDecoding(f *testing.F) {
	for _, s := range []string{
		documentedInstances,
		`{"Code":"Success","Data":{"Configs":"global\n"},"Message":"ok"}`,
		`{"Code":"Success","TaskId":"t-1","Message":"queued"}`,
		`{"Code":"Success","Data":{"HttpListeners":[],"TcpListeners":[]}}`,
		`{"Code":"Success","Data":[{"ListenerName":"a","ListenerMode":"http","BackendNames":null}]}`,
		`{"Code":"InvalidParameter","Message":"bad \u001b[31m","RequestId":12}`,
		`<html>502</html>`,
	} {
		f.Add(200, []byte(s))
		f.Add(500, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 599 {
			status = 200
		}
		c, cerr := cdsapi.NewClient(cdsapi.NewCredentials("AKIDfuzzaccesskey", fuzzSecret), cdsapi.Options{
			Endpoint:    "http://127.0.0.1:1",
			HTTPClient:  &http.Client{Transport: answerTransport{status, body}},
			MaxAttempts: 1,
			Timeout:     time.Second,
		})
		if cerr != nil {
			t.Fatal(cerr)
		}
		ctx := context.Background()
		var err error
		const id = "0f5c4a5e-6a4d-4b2a-9f1e-0c7d1b2a3e4f"
		var texts []string
		add := func(err error, s ...string) {
			if err != nil {
				texts = append(texts, err.Error())
			}
			texts = append(texts, s...)
		}
		_, err = c.DescribeLoadBalancers(ctx, cdsapi.DescribeLoadBalancersRequest{})
		add(err)
		_, err = c.DescribeLoadBalancerStrategys(ctx, id)
		add(err)
		_, err = c.DescribeHaproxyCustomConfig(ctx, id)
		add(err)
		_, err = c.DescribeLBInstanceListeners(ctx, id)
		add(err)
		r, err := c.ModifyLoadBalancerStrategys(ctx, id, model.Listeners{})
		add(err, r.TaskId, r.Message)
		r, err = c.ModifyHaproxyCustomConfig(ctx, id, "global\n")
		add(err, r.TaskId, r.Message)
		for _, s := range texts {
			if strings.Contains(s, fuzzSecret) {
				t.Fatalf("secret in %q", s)
			}
			if strings.IndexFunc(s, func(r rune) bool { return r != '\n' && unicode.IsControl(r) }) >= 0 {
				t.Fatalf("raw control character in %q", s)
			}
		}
	})
}
