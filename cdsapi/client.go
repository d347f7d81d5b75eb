package cdsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/lbconf/lbconf/internal/safetext"

	"github.com/google/uuid"
)

// Defaults of [Options].
const (
	DefaultTimeout     = 30 * time.Second
	DefaultMaxAttempts = 3
	DefaultBackoff     = 500 * time.Millisecond
	DefaultMaxBackoff  = 8 * time.Second
	// DefaultJitter is the Jitter the CLI's estate commands use, whose many
	// clients should not retry in step.
	DefaultJitter = 0.2
)

// maxResponseBytes bounds the size of an answer; custom configs are a few
// hundred kilobytes at most.
const maxResponseBytes = 32 << 20

// maxSnippet bounds how much of an unexpected body goes into an error.
const maxSnippet = 200

// Options configure a [Client]. The zero value is usable: default endpoint,
// 30 s per attempt, 3 attempts for GETs.
type Options struct {
	// Endpoint is a region name or a URL, as [ResolveEndpoint] takes it.
	Endpoint string
	// Timeout bounds each attempt (connecting, sending and reading the
	// whole answer). Default 30 s.
	Timeout time.Duration
	// MaxAttempts is the number of tries of a GET (POSTs are tried once).
	// Default 3; 1 disables retries.
	MaxAttempts int
	// Backoff is the wait before the second attempt; it doubles after each
	// failure, up to MaxBackoff. Defaults 500 ms and 8 s.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// Jitter spreads each wait between attempts randomly by up to this
	// fraction either way (0.2: 80% to 120% of the wait), so that clients
	// that failed together do not retry together. 0 (the default) waits
	// exactly; at most 1.
	Jitter float64
	// RateLimit, if set, is waited on before every attempt; share one
	// limiter between clients to cap their requests per second together.
	RateLimit *RateLimiter

	// HTTPClient sends the requests. Default: a client whose transport does
	// not keep connections alive (see below) and that does not follow
	// redirects. A given client is copied and made not to follow redirects.
	//
	// Keep-alive is off by default because Go's transport silently resends
	// a GET whose reused connection broke, with the same nonce, which the
	// API refuses as a replay; fresh connections avoid that.
	HTTPClient *http.Client

	// Debug, if set, receives one line per request, answer and retry:
	// method, action, URL (AccessKeyId masked, Signature REDACTED), status
	// and Code. Bodies are not logged.
	Debug io.Writer

	// UserAgent is sent as the User-Agent header. Default "lbconf-cdsapi".
	UserAgent string

	// Now is the clock of the Timestamp parameter; for tests. Default
	// time.Now.
	Now func() time.Time
	// NewNonce returns the SignatureNonce of each attempt; for tests.
	// Default: a random UUID.
	NewNonce func() string
	// Sleep waits between attempts and must return ctx.Err() early when ctx
	// is done; for tests. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client calls the load balancer API. It is safe for concurrent use.
type Client struct {
	creds    Credentials
	endpoint string
	opts     Options
	http     *http.Client
	debugMu  sync.Mutex
}

// NewClient returns a client that signs with creds. It fails when the
// credentials are incomplete or the endpoint is not valid.
func NewClient(creds Credentials, opts Options) (*Client, error) {
	if err := creds.check(); err != nil {
		return nil, err
	}
	endpoint, err := ResolveEndpoint(opts.Endpoint)
	if err != nil {
		return nil, err
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.Backoff <= 0 {
		opts.Backoff = DefaultBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	opts.Jitter = min(max(opts.Jitter, 0), 1)
	if opts.UserAgent == "" {
		opts.UserAgent = "lbconf-cdsapi"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.NewNonce == nil {
		opts.NewNonce = uuid.NewString
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	var hc http.Client
	if opts.HTTPClient != nil {
		hc = *opts.HTTPClient
	} else {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.DisableKeepAlives = true
		hc.Transport = tr
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Client{creds: creds, endpoint: endpoint, opts: opts, http: &hc}, nil
}

// Endpoint returns the base URL the client sends requests to.
func (c *Client) Endpoint() string { return c.endpoint }

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// envelope is the JSON wrapper of every answer.
type envelope struct {
	Code      string          `json:"Code"`
	Message   string          `json:"Message"`
	Data      json.RawMessage `json:"Data"`
	TaskId    flexString      `json:"TaskId"`
	RequestId flexString      `json:"RequestId"`
}

// call sends one action and returns its envelope when the API answered
// HTTP 200 with Code "Success". GETs are retried; POSTs are not. body, if
// not nil, is sent as JSON.
func (c *Client) call(ctx context.Context, method, action string, params url.Values, body any) (*envelope, error) {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("cdsapi: %s: encoding the request body: %w", action, err)
		}
	}
	attempts := 1
	if method == http.MethodGet {
		attempts = c.opts.MaxAttempts
	}
	for n := 1; ; n++ {
		env, retry, err := c.attempt(ctx, method, action, params, payload, n, attempts)
		if err == nil {
			return env, nil
		}
		if !retry || n == attempts {
			if n > 1 {
				err = fmt.Errorf("%w (gave up after %d attempts)", err, n)
			}
			return nil, err
		}
		delay := c.backoff(n)
		c.debugf("cdsapi: %s: attempt %d of %d failed, retrying in %s", action, n, attempts, delay)
		if serr := c.opts.Sleep(ctx, delay); serr != nil {
			return nil, fmt.Errorf("cdsapi: %s %s: stopped waiting to retry: %w (last error: %v)", method, action, serr, err)
		}
	}
}

// backoff returns the wait after failed attempt n (1-based).
func (c *Client) backoff(n int) time.Duration {
	d := c.opts.Backoff
	for i := 1; i < n && d < c.opts.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.opts.MaxBackoff)
	if c.opts.Jitter > 0 {
		d = time.Duration(float64(d) * (1 + c.opts.Jitter*(2*rand.Float64()-1)))
	}
	return d
}

// attempt sends one signed request. retry says whether a GET may be tried
// again after err.
func (c *Client) attempt(ctx context.Context, method, action string, params url.Values, payload []byte, n, attempts int) (env *envelope, retry bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("cdsapi: %s %s: %w", method, action, err)
	}
	if err := c.opts.RateLimit.Wait(ctx); err != nil {
		return nil, false, fmt.Errorf("cdsapi: %s %s: waiting for the request rate limit: %w", method, action, err)
	}
	query := make(url.Values, len(params)+8)
	for k, v := range params {
		query[k] = append([]string(nil), v...)
	}
	query.Set("Action", action)
	query.Set("AccessKeyId", c.creds.AccessKeyID)
	query.Set("SignatureMethod", SignatureMethod)
	query.Set("SignatureNonce", c.opts.NewNonce())
	query.Set("SignatureVersion", SignatureVersion)
	query.Set("Timestamp", c.opts.Now().UTC().Format(TimestampFormat))
	query.Set("Version", APIVersion)
	signature := Sign(method, query, c.creds.secretKey())
	scrub := c.scrubber(signature)

	actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	// sent turns true once a connection to the server exists: from then on
	// the request may have reached it.
	var sent atomic.Bool
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { sent.Store(true) },
	})
	var bodyReader io.Reader
	if payload != nil {
		bodyReader = bytes.NewReader(payload)
	}
	rawURL := c.endpoint + "/lb/?" + CanonicalQuery(query) + "&Signature=" + PercentEncode(signature)
	req, err := http.NewRequestWithContext(actx, method, rawURL, bodyReader)
	if err != nil {
		// Not wrapped: url errors quote the URL, signature included.
		return nil, false, fmt.Errorf("cdsapi: %s %s: building the request: %s", method, action, scrub(stripURL(err).Error()))
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.opts.UserAgent)

	c.debugf("cdsapi: %s %s %s (attempt %d of %d)", method, action, c.debugURL(query), n, attempts)
	start := time.Now()
	resp, err := c.http.Do(req)
	var body []byte
	if err == nil {
		body, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
		resp.Body.Close()
	}
	if err != nil {
		err = c.transportError(ctx, actx, method, action, scrubError(stripURL(err), scrub), sent.Load())
		c.debugf("%v", err)
		return nil, method == http.MethodGet && ctx.Err() == nil, err
	}
	c.debugf("cdsapi: %s: HTTP %d, %d bytes in %s", action, resp.StatusCode, len(body), time.Since(start).Round(time.Millisecond))
	if len(body) > maxResponseBytes {
		return nil, false, c.uncertain(method, fmt.Errorf("cdsapi: %s: HTTP %d: %w: answer larger than %d bytes", action, resp.StatusCode, ErrMalformedResponse, maxResponseBytes))
	}
	return c.decode(method, action, resp, body, scrub)
}

// decode checks an answer and returns its envelope.
func (c *Client) decode(method, action string, resp *http.Response, body []byte, scrub func(string) string) (*envelope, bool, error) {
	status := resp.StatusCode
	retry := method == http.MethodGet && status >= 500
	var env envelope
	jsonErr := json.Unmarshal(body, &env)
	if jsonErr == nil && env.Code == "" {
		jsonErr = errors.New(`no "Code" field`)
	}
	if jsonErr != nil {
		if status != http.StatusOK {
			// A proxy or gateway answered, not the API.
			apiErr := &APIError{Action: action, HTTPStatus: status, Message: fromNet(scrub, snippet(body)), RequestID: fromNet(scrub, resp.Header.Get("X-Request-Id"))}
			if apiErr.Message == "" {
				apiErr.Message = http.StatusText(status)
			}
			// For a POST the API may have applied it behind the gateway.
			return nil, retry, c.uncertain(method, apiErr)
		}
		err := fmt.Errorf("cdsapi: %s: HTTP %d: %w: not an API envelope (%d bytes, starting %s): %s",
			action, status, ErrMalformedResponse, len(body), fromNet(scrub, snippet(body)), fromNet(scrub, jsonErr.Error()))
		return nil, false, c.uncertain(method, err)
	}
	if status != http.StatusOK || env.Code != CodeSuccess {
		apiErr := &APIError{
			Action:     action,
			HTTPStatus: status,
			Code:       fromNet(scrub, env.Code),
			Message:    fromNet(scrub, env.Message),
			TaskId:     fromNet(scrub, string(env.TaskId)),
			RequestID:  fromNet(scrub, string(env.RequestId)),
		}
		if apiErr.RequestID == "" {
			apiErr.RequestID = fromNet(scrub, resp.Header.Get("X-Request-Id"))
		}
		c.debugf("cdsapi: %s: %s: %s", action, apiErr.Code, apiErr.Message)
		return nil, retry, apiErr
	}
	// What a caller prints of a successful answer is scrubbed too: a
	// gateway may echo the request, signature included.
	env.Message = fromNet(scrub, env.Message)
	env.TaskId = flexString(fromNet(scrub, string(env.TaskId)))
	env.RequestId = flexString(fromNet(scrub, string(env.RequestId)))
	return &env, false, nil
}

// fromNet makes a string that came from the network printable: secrets
// scrubbed, cut at safetext.MaxNetwork bytes, control characters escaped.
func fromNet(scrub func(string) string, s string) string {
	return safetext.Network(scrub(s))
}

// transportError describes a request that got no answer.
func (c *Client) transportError(ctx, actx context.Context, method, action string, cause error, sent bool) error {
	var err error
	switch {
	case ctx.Err() != nil:
		err = fmt.Errorf("cdsapi: %s %s: %w", method, action, ctx.Err())
	case errors.Is(actx.Err(), context.DeadlineExceeded):
		err = fmt.Errorf("cdsapi: %s %s: no answer within %s: %w", method, action, c.opts.Timeout, context.DeadlineExceeded)
	case errors.Is(cause, io.EOF) || errors.Is(cause, io.ErrUnexpectedEOF):
		err = fmt.Errorf("cdsapi: %s %s: the connection was closed before the answer was complete: %w", method, action, cause)
	default:
		err = fmt.Errorf("cdsapi: %s %s: %w", method, action, cause)
	}
	if sent {
		return c.uncertain(method, err)
	}
	return err
}

// uncertain marks the error of a POST that may have been applied.
func (c *Client) uncertain(method string, err error) error {
	if method == http.MethodGet {
		return err
	}
	return fmt.Errorf("%w: %w (the request may have been applied; check the instance before sending it again)", err, ErrOutcomeUnknown)
}

// stripURL drops the *url.Error wrapper, whose text quotes the URL and so
// the signature.
func stripURL(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}

// scrubError returns err, or, when its text holds what scrub removes (a
// server that answered with the request line, say, which net/http quotes),
// a plain error with the scrubbed text: the chain is dropped, since its
// texts hold the secret.
func scrubError(err error, scrub func(string) string) error {
	if text := err.Error(); scrub(text) != text {
		return errors.New(scrub(text))
	}
	return err
}

// scrubber returns a function that removes the secret and the signature
// (plain or encoded), and masks the AccessKeyId, in text that came from
// elsewhere, such as a server that echoes the request.
func (c *Client) scrubber(signature string) func(string) string {
	var pairs []string // old, new, old, new...
	for _, s := range []string{signature, PercentEncode(signature), url.QueryEscape(signature), c.creds.secretKey()} {
		if len(s) >= 4 {
			pairs = append(pairs, s, redacted)
		}
	}
	if id := c.creds.AccessKeyID; len(id) >= 4 {
		pairs = append(pairs, id, maskID(id))
	}
	replacer := strings.NewReplacer(pairs...)
	return replacer.Replace
}

// debugURL is the request URL for the debug log: AccessKeyId masked,
// Signature replaced.
func (c *Client) debugURL(query url.Values) string {
	shown := make(url.Values, len(query))
	for k, v := range query {
		shown[k] = v
	}
	delete(shown, "AccessKeyId")
	return c.endpoint + "/lb/?" + CanonicalQuery(shown) +
		"&AccessKeyId=" + maskID(c.creds.AccessKeyID) + "&Signature=" + redacted
}

func (c *Client) debugf(format string, args ...any) {
	if c.opts.Debug == nil {
		return
	}
	line := fmt.Sprintf(format, args...)
	c.debugMu.Lock()
	defer c.debugMu.Unlock()
	fmt.Fprintln(c.opts.Debug, line)
}

// snippet quotes the start of a body for an error message.
func snippet(body []byte) string {
	if len(body) == 0 {
		return ""
	}
	if len(body) <= maxSnippet {
		return fmt.Sprintf("%q", body)
	}
	s := body[:maxSnippet]
	// Do not cut a character in two.
	for i := 0; i < utf8.UTFMax && len(s) > 0 && !utf8.Valid(s); i++ {
		s = s[:len(s)-1]
	}
	return fmt.Sprintf("%q...", s)
}

// flexString decodes a JSON string, number or null into a string: the API
// is not consistent about the type of ids.
type flexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexString) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch v := v.(type) {
	case nil:
		*f = ""
	case string:
		*f = flexString(v)
	case float64:
		*f = flexString(strings.TrimSpace(string(b)))
	default:
		return fmt.Errorf("want a string, got %s", b)
	}
	return nil
}
