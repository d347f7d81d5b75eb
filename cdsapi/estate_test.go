package cdsapi_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	"github.com/lbconf/lbconf/model"
)

// Jitter spreads each wait within the fraction, and not always the same.
func TestBackoffJitter(t *testing.T) {
	f := newFixture(t, fakecds.Options{}, cdsapi.Options{MaxAttempts: 3, Backoff: 100 * time.Millisecond, MaxBackoff: time.Second, Jitter: 0.5})
	seen := map[time.Duration]bool{}
	for range 10 {
		f.srv.InjectFault("", fakecds.Fault{Kind: fakecds.FaultInternalError, Times: 1})
		if _, err := f.client.DescribeLoadBalancers(t.Context(), cdsapi.DescribeLoadBalancersRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range f.slept() {
		if d < 50*time.Millisecond || d > 150*time.Millisecond {
			t.Errorf("wait %v outside 100 ms ± 50%%", d)
		}
		seen[d] = true
	}
	if len(f.slept()) != 10 || len(seen) < 2 {
		t.Errorf("waits %v: want 10, not all equal", f.slept())
	}
}

// A shared rate limit spaces requests of several clients.
func TestRateLimit(t *testing.T) {
	if _, err := cdsapi.NewRateLimiter(0); err == nil {
		t.Error("0 requests per second accepted")
	}
	limiter, err := cdsapi.NewRateLimiter(50) // one every 20 ms
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, fakecds.Options{}, cdsapi.Options{RateLimit: limiter})
	other, err := cdsapi.NewClient(f.srv.Credentials(), cdsapi.Options{Endpoint: f.srv.URL, RateLimit: limiter})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 10 {
		c := f.client
		if i%2 == 1 {
			c = other
		}
		wg.Go(func() {
			if _, err := c.DescribeLoadBalancers(t.Context(), cdsapi.DescribeLoadBalancersRequest{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	reqs := f.srv.Requests()
	if len(reqs) != 10 {
		t.Fatalf("%d requests", len(reqs))
	}
	// Arrival times: 10 requests at 50/s span at least 9 intervals (less a
	// little for scheduling).
	first, last := reqs[0].Time, reqs[0].Time
	for _, r := range reqs {
		first, last = minTime(first, r.Time), maxTime(last, r.Time)
	}
	if span := last.Sub(first); span < 150*time.Millisecond {
		t.Errorf("10 requests within %v at 50/s", span)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := limiter.Wait(ctx); err == nil {
		t.Error("Wait ignores a cancelled context")
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// TagName filters, and Tags decode from the documented shape (TagID a
// number).
func TestTags(t *testing.T) {
	srv := fakecds.NewServer(fakecds.Options{})
	t.Cleanup(srv.Close)
	srv.AddInstance(fakecds.Instance{InstanceUuid: "u1", InstanceName: "a", Tags: []cdsapi.Tag{{TagID: "24644", TagName: "test_tag"}}}, model.Listeners{}, "")
	srv.AddInstance(fakecds.Instance{InstanceUuid: "u2", InstanceName: "b", Tags: []cdsapi.Tag{{TagID: "7", TagName: "test_tag_2"}}}, model.Listeners{}, "")
	c, err := cdsapi.NewClient(srv.Credentials(), cdsapi.Options{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	list, err := c.DescribeLoadBalancers(t.Context(), cdsapi.DescribeLoadBalancersRequest{TagName: "test_tag"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].InstanceUuid != "u1" || !list[0].HasTag("test_tag") || list[0].Tags[0].TagID != "24644" {
		t.Errorf("%+v", list)
	}
	if body := srv.RequestsFor(cdsapi.ActionDescribeLoadBalancers)[0]; body.Params.Get("TagName") != "test_tag" {
		t.Error("TagName not sent")
	}
}
