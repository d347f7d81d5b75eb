package cdsapi

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// RateLimiter spaces requests evenly so that no more than a given number
// start per second. One limiter can be shared by several clients (one per
// endpoint, say) to cap them together. It is safe for concurrent use.
type RateLimiter struct {
	interval time.Duration

	mu   sync.Mutex
	next time.Time // when the next request may start
}

// NewRateLimiter returns a limiter that lets perSecond requests start each
// second, evenly spaced (no bursts). perSecond must be positive.
func NewRateLimiter(perSecond float64) (*RateLimiter, error) {
	if !(perSecond > 0) || perSecond > 1e6 {
		return nil, fmt.Errorf("requests per second must be more than 0 and at most 1000000, not %v", perSecond)
	}
	return &RateLimiter{interval: time.Duration(float64(time.Second) / perSecond)}, nil
}

// Wait blocks until the caller may start a request, or ctx ends.
func (l *RateLimiter) Wait(ctx context.Context) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	now := time.Now()
	at := l.next
	if at.Before(now) {
		at = now
	}
	l.next = at.Add(l.interval)
	l.mu.Unlock()
	d := time.Until(at)
	if d <= 0 {
		return ctx.Err()
	}
	return sleep(ctx, d)
}
