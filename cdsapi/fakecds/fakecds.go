// Package fakecds is a local fake of Capital Online's load balancer API, in
// the spirit of net/http/httptest: start one with [NewServer], point a
// [cdsapi.Client] (or the CLI's --endpoint) at its URL, and close it when
// done. It listens on 127.0.0.1 only.
//
// The fake checks requests as strictly as the real API is expected to, keeps
// the state of the instances it was seeded with, and can be told to fail.
//
// # Authentication
//
// Every request must carry the common parameters and a valid signature for
// the configured AccessKeyId and secret ([cdsapi.Sign]). Failures answer:
//
//	HTTP 400 ArgMissing             a common parameter is missing
//	HTTP 400 InvalidParameter       SignatureMethod is not HMAC-SHA1, SignatureVersion
//	                                not 1.0, Version not 2019-08-08, a bad Timestamp,
//	                                a common parameter given twice, or an action
//	                                parameter given twice with different values
//	HTTP 403 InvalidAccessKeyId     unknown AccessKeyId
//	HTTP 403 SignatureDoesNotMatch  wrong signature (wrong secret, altered query)
//	HTTP 403 RequestExpired         Timestamp more than MaxClockSkew off the fake's clock
//	HTTP 403 SignatureNonceUsed     the SignatureNonce was used before
//
// The 403 codes are the fake's choice: the public documentation lists no
// authentication errors.
//
// # Actions
//
// DescribeLoadBalancers (with the TagName filter), DescribeLoadBalancerStrategys
// and DescribeHaproxyCustomConfig are GETs; DescribeLBInstanceListeners,
// ModifyLoadBalancerStrategys, AddLoadBalancerStrategys and
// ModifyHaproxyCustomConfig are POSTs with a JSON body. As the official
// clients send them: Content-Type application/json or none at all (the Go
// SDK never sends its headers); the Python SDK's envelope keys (service,
// version, action) are ignored; an action parameter given twice with one
// value (the documentation's own example) counts once. Other failures
// answer:
//
//	HTTP 400 UnsupportedOperation   unknown Action, or the wrong HTTP method for it
//	HTTP 400 ArgMissing             no InstanceUuid; no Configs (HttpListeners absent
//	                                or null is none: the official SDKs drop empty lists)
//	HTTP 400 InvalidParameter       a body that is not JSON or has unknown fields,
//	                                a listener without name or with a bad port, two
//	                                listeners with one name or port; for Add, a name
//	                                or port the instance already has
//	HTTP 404 ResourceNotFound       unknown instance (DescribeLoadBalancers answers an
//	                                empty list instead), or a path other than /lb/
//	HTTP 409 ResourceInUse          a change while the instance's task runs
//
// # State
//
// ModifyHaproxyCustomConfig stores the config and sets IsCustomConf to 1;
// ModifyLoadBalancerStrategys replaces all listeners and
// AddLoadBalancerStrategys appends to them, both setting IsCustomConf to 0.
// The fake keeps both the listeners and the custom config of an instance;
// IsCustomConf says which one is active. A change is visible to Describe*
// at once, but it starts a task (see [Options.TaskDescribes] and
// [Options.TaskDuration]) during which DescribeLoadBalancers shows the
// instance with Status [Options.TaskStatus] and further changes get 409
// ResourceInUse.
//
// Every request is recorded ([Server.Requests]), and the most requests
// served at once is kept ([Server.MaxInFlight]) so that tests can assert a
// client's concurrency cap. [Options.Latency] delays every answer, as a
// distant API would. DescribeLoadBalancers takes the TagName filter and
// answers Tags [{TagID, TagName}] as the newest documentation shows.
// Faults can hit every request of an action ([Server.InjectFault]) or only
// those about one instance ([Server.InjectInstanceFault]).
// [Server.SetInstanceState] changes an instance as the console would.
//
// A Server is safe for concurrent use.
package fakecds

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/model"
)

// Defaults of [Options].
const (
	DefaultAccessKeyID  = "AKIDFAKECDS0000000000"
	DefaultSecretKey    = "fakecds-secret-key-not-a-real-one"
	DefaultMaxClockSkew = 15 * time.Minute
	DefaultTaskStatus   = "CHANGING"
)

// Authentication error codes of the fake (not in the public documentation).
const (
	CodeInvalidAccessKeyId    = "InvalidAccessKeyId"
	CodeSignatureDoesNotMatch = "SignatureDoesNotMatch"
	CodeRequestExpired        = "RequestExpired"
	CodeSignatureNonceUsed    = "SignatureNonceUsed"
)

// Options configure a [Server]. The zero value is usable.
type Options struct {
	// AccessKeyID and SecretKey are the only accepted credentials. Defaults
	// DefaultAccessKeyID and DefaultSecretKey.
	AccessKeyID string
	SecretKey   string
	// Now is the fake's clock, for Timestamp checks and TaskDuration.
	// Default time.Now.
	Now func() time.Time
	// MaxClockSkew is how far a Timestamp may be from Now. Default 15 min.
	MaxClockSkew time.Duration
	// TaskDescribes is how many DescribeLoadBalancers answers show an
	// instance busy after a change.
	TaskDescribes int
	// TaskDuration is how long, on the Now clock, an instance stays busy
	// after a change. With both TaskDescribes and TaskDuration set, the task
	// ends when both have run out; with neither, changes take no time.
	TaskDuration time.Duration
	// TaskStatus is the Status of a busy instance. Default "CHANGING".
	TaskStatus string
	// Latency is waited (in real time) before answering every well-formed
	// request, as a distant API would; for benchmarks of concurrency.
	Latency time.Duration
}

// Instance seeds an instance (see [Server.AddInstance]). Field names are the
// API's.
type Instance struct {
	InstanceUuid string
	InstanceName string
	// Status is the status when no task runs. Default "RUNNING".
	Status string
	// Version is the HAProxy version, such as "2.4".
	Version string
	// IsCustomConf is 1 when the custom config is active.
	IsCustomConf int
	// IP defaults to the first public VIP, else the first VIP.
	IP             string
	Vips           []cdsapi.Vip
	RegionId       string
	DisplayName    string
	ProjectName    string
	SubProductName string
	// CreatedTime reads like "2024-05-08 06:30:15".
	CreatedTime string
	// Tags are matched by DescribeLoadBalancers' TagName filter.
	Tags []cdsapi.Tag
	// InpaasId is an internal id the API reports, such as "1956".
	InpaasId string
}

// Request is a recorded request and how the fake answered it.
type Request struct {
	// Time is when it arrived, on the fake's clock.
	Time   time.Time
	Method string
	// Path is the URL path, "/lb/" for well-formed requests.
	Path string
	// Action is the Action parameter.
	Action string
	// Params is the whole query, Signature included.
	Params url.Values
	// Body is the request body.
	Body []byte
	// HTTPStatus and Code are the answer; 0 and "" when the connection was
	// cut or the answer is still being prepared.
	HTTPStatus int
	Code       string
	// Fault is the injected fault that acted on the request, if any.
	Fault *Fault
}

// Server is a running fake. Create it with [NewServer].
type Server struct {
	// URL is the base URL, such as http://127.0.0.1:41234; give it to
	// cdsapi.Options.Endpoint.
	URL string

	opts      Options
	ts        *httptest.Server
	closing   chan struct{}
	closeOnce sync.Once

	mu        sync.Mutex
	instances map[string]*instance
	order     []string             // instance UUIDs in the order added
	nonces    map[string]time.Time // nonce -> when seen
	faults    []*injected
	requests  []Request
	inFlight  int // requests being served now
	maxFlight int // the most ever served at once since the last reset
}

// instance is the state of one instance.
type instance struct {
	info          Instance
	listeners     model.Listeners
	customConfig  string
	busyDescribes int       // DescribeLoadBalancers answers left that show the task
	busyUntil     time.Time // end of the task on the Now clock
}

func (in *instance) busy(now time.Time) bool {
	return in.busyDescribes > 0 || now.Before(in.busyUntil)
}

// NewServer starts a fake on 127.0.0.1 on a free port. It panics if it
// cannot listen, as httptest.NewServer does.
func NewServer(opts Options) *Server {
	if opts.AccessKeyID == "" {
		opts.AccessKeyID = DefaultAccessKeyID
	}
	if opts.SecretKey == "" {
		opts.SecretKey = DefaultSecretKey
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxClockSkew <= 0 {
		opts.MaxClockSkew = DefaultMaxClockSkew
	}
	if opts.TaskStatus == "" {
		opts.TaskStatus = DefaultTaskStatus
	}
	s := &Server{
		opts:      opts,
		closing:   make(chan struct{}),
		instances: map[string]*instance{},
		nonces:    map[string]time.Time{},
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("fakecds: listening on 127.0.0.1: %v", err))
	}
	s.ts = &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(s.serveHTTP)}}
	s.ts.Start()
	s.URL = s.ts.URL
	return s
}

// Close stops the fake: delayed answers are abandoned, and Close waits for
// the handlers to return.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		s.ts.Close()
	})
}

// Credentials returns the credentials the fake accepts.
func (s *Server) Credentials() cdsapi.Credentials {
	return cdsapi.NewCredentials(s.opts.AccessKeyID, s.opts.SecretKey)
}

// AddInstance adds an instance, or replaces the one with the same
// InstanceUuid, with its listeners and custom config. The arguments are
// copied.
func (s *Server) AddInstance(inst Instance, listeners model.Listeners, customConfig string) {
	if inst.Status == "" {
		inst.Status = cdsapi.StatusRunning
	}
	inst.Vips = slices.Clone(inst.Vips)
	inst.Tags = slices.Clone(inst.Tags)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.instances[inst.InstanceUuid]; !ok {
		s.order = append(s.order, inst.InstanceUuid)
	}
	s.instances[inst.InstanceUuid] = &instance{info: inst, listeners: listeners.Clone(), customConfig: customConfig}
}

// Instance returns an instance as DescribeLoadBalancers would show it now
// (without counting as a describe).
func (s *Server) Instance(instanceUuid string) (Instance, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.instances[instanceUuid]
	if !ok {
		return Instance{}, false
	}
	info := in.info
	info.Vips = slices.Clone(info.Vips)
	info.Tags = slices.Clone(info.Tags)
	if in.busy(s.opts.Now()) {
		info.Status = s.opts.TaskStatus
	}
	return info, true
}

// Strategies returns a copy of an instance's listeners.
func (s *Server) Strategies(instanceUuid string) (model.Listeners, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.instances[instanceUuid]
	if !ok {
		return model.Listeners{}, false
	}
	return in.listeners.Clone(), true
}

// CustomConfig returns an instance's custom config.
func (s *Server) CustomConfig(instanceUuid string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.instances[instanceUuid]
	if !ok {
		return "", false
	}
	return in.customConfig, true
}

// Requests returns a copy of the recorded requests, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = copyRequest(r)
	}
	return out
}

// RequestsFor returns the recorded requests of one action.
func (s *Server) RequestsFor(action string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Action == action {
			out = append(out, r)
		}
	}
	return out
}

// ResetRequests forgets the recorded requests and the most requests in
// flight.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
	s.maxFlight = s.inFlight
}

// MaxInFlight returns the most requests the fake was serving at once
// (from the arrival of a request to its answer) since it started or since
// [Server.ResetRequests]: tests assert a client's concurrency cap with it.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxFlight
}

// SetInstanceState changes an instance's state as someone else would
// (the console, another tool), without a request: it sets the custom
// config, or, when listeners is not nil, the strategies, and the mode to
// match. It reports false for an unknown instance.
func (s *Server) SetInstanceState(instanceUuid string, listeners *model.Listeners, customConfig string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.instances[instanceUuid]
	if !ok {
		return false
	}
	if listeners != nil {
		in.listeners = listeners.Clone()
		in.info.IsCustomConf = 0
	} else {
		in.customConfig = customConfig
		in.info.IsCustomConf = 1
	}
	return true
}

func copyRequest(r Request) Request {
	r.Params = cloneValues(r.Params)
	r.Body = slices.Clone(r.Body)
	if r.Fault != nil {
		f := *r.Fault
		r.Fault = &f
	}
	return r
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}
