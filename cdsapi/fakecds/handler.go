package fakecds

import (
	"bytes"
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/model"
)

// maxBody bounds request bodies.
const maxBody = 8 << 20

// reply is an envelope to answer.
type reply struct {
	status  int
	code    string
	message string
	data    any
	taskID  string
}

func ok(data any, message string) reply {
	return reply{status: http.StatusOK, code: cdsapi.CodeSuccess, message: message, data: data}
}

func fail(status int, code, format string, args ...any) reply {
	return reply{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// call is what an action handler gets.
type call struct {
	method      string
	params      url.Values
	body        []byte
	contentType string
}

// handler serves one action.
type handler func(s *Server, c call) reply

// route returns the HTTP method and handler of an action.
func route(action string) (method string, h handler, ok bool) {
	switch action {
	case cdsapi.ActionDescribeLoadBalancers:
		return http.MethodGet, (*Server).describeLoadBalancers, true
	case cdsapi.ActionDescribeLoadBalancerStrategys:
		return http.MethodGet, (*Server).describeStrategies, true
	case cdsapi.ActionDescribeHaproxyCustomConfig:
		return http.MethodGet, (*Server).describeCustomConfig, true
	case cdsapi.ActionDescribeLBInstanceListeners:
		return http.MethodPost, (*Server).describeInstanceListeners, true
	case cdsapi.ActionModifyLoadBalancerStrategys:
		return http.MethodPost, (*Server).modifyStrategies, true
	case cdsapi.ActionAddLoadBalancerStrategys:
		return http.MethodPost, (*Server).addStrategies, true
	case cdsapi.ActionModifyHaproxyCustomConfig:
		return http.MethodPost, (*Server).modifyCustomConfig, true
	}
	return "", nil, false
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.inFlight++
	s.maxFlight = max(s.maxFlight, s.inFlight)
	s.mu.Unlock()
	// A request stops being in flight when its client can see the answer:
	// after the handler returns (net/http flushes the answer then), or
	// before a cut connection is closed, since the client may send its
	// next request as soon as it sees the close.
	release := sync.OnceFunc(func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	})
	defer release()
	cut := func(w http.ResponseWriter) {
		release()
		s.cut(w)
	}
	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	params, dupErr := collapseRepeats(r.URL.Query())
	idx := s.record(Request{
		Time: s.opts.Now(), Method: r.Method, Path: r.URL.Path,
		Action: params.Get("Action"), Params: params, Body: body,
	})
	c := call{method: r.Method, params: params, body: body, contentType: r.Header.Get("Content-Type")}

	if r.URL.Path != "/lb/" && r.URL.Path != "/lb" {
		s.answer(w, idx, fail(http.StatusNotFound, cdsapi.CodeResourceNotFound, "no API at %s; use /lb/", r.URL.Path))
		return
	}
	if dupErr != "" {
		s.answer(w, idx, fail(http.StatusBadRequest, cdsapi.CodeInvalidParameter, "%s", dupErr))
		return
	}
	if rep, ok := s.authenticate(r.Method, params); !ok {
		s.answer(w, idx, rep)
		return
	}
	action := params.Get("Action")
	method, h, known := route(action)
	switch {
	case !known:
		s.answer(w, idx, fail(http.StatusBadRequest, cdsapi.CodeUnsupportedOperation, "unknown Action %q", action))
		return
	case r.Method != method:
		s.answer(w, idx, fail(http.StatusBadRequest, cdsapi.CodeUnsupportedOperation, "%s takes %s, not %s", action, method, r.Method))
		return
	case readErr != nil || len(body) > maxBody:
		s.answer(w, idx, fail(http.StatusBadRequest, cdsapi.CodeInvalidParameter, "cannot read a body of at most %d bytes", maxBody))
		return
	}

	if s.opts.Latency > 0 && !s.wait(r.Context(), s.opts.Latency) {
		cut(w)
		return
	}
	fault := s.takeFault(action, requestInstance(params, body))
	if fault == nil {
		s.answer(w, idx, h(s, c))
		return
	}
	s.setFault(idx, fault)
	if fault.Delay > 0 && !s.wait(r.Context(), fault.Delay) {
		cut(w)
		return
	}
	switch fault.Kind {
	case FaultInternalError:
		s.answer(w, idx, fail(http.StatusInternalServerError, cdsapi.CodeInternalError, "injected internal error"))
	case FaultResourceInUse:
		s.answer(w, idx, fail(http.StatusConflict, cdsapi.CodeResourceInUse, "injected: the instance is busy with another task"))
	case FaultMalformedJSON:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"Code":"Success","Message":"success","Data":{"Conf`)
		s.finish(idx, http.StatusOK, "")
	case FaultCutConnection:
		cut(w)
	case FaultCutAfterApply:
		h(s, c)
		cut(w)
	default: // FaultSlow
		s.answer(w, idx, h(s, c))
	}
}

// commonParams are the signing parameters every request carries once.
var commonParams = []string{"Action", "AccessKeyId", "SignatureMethod", "SignatureNonce",
	"SignatureVersion", "Timestamp", "Version", "Signature"}

// collapseRepeats turns an action parameter given several times with one
// value into a single one: the documentation's own call example
// (requests.post(url, json=body, params=params) on a URL that already holds
// params) sends each action parameter twice, signed once. Different values
// for one parameter are refused (the message says why); common parameters
// given twice are left for authenticate to refuse.
func collapseRepeats(q url.Values) (url.Values, string) {
	for name, vs := range q {
		if len(vs) < 2 || slices.Contains(commonParams, name) {
			continue
		}
		for _, v := range vs[1:] {
			if v != vs[0] {
				return q, fmt.Sprintf("parameter %s given %d times with different values", name, len(vs))
			}
		}
		q[name] = vs[:1]
	}
	return q, ""
}

// requestInstance is the InstanceUuid a request is about: the query
// parameter, else the JSON body's.
func requestInstance(params url.Values, body []byte) string {
	if id := params.Get("InstanceUuid"); id != "" {
		return id
	}
	var b struct{ InstanceUuid string }
	if json.Unmarshal(body, &b) == nil {
		return b.InstanceUuid
	}
	return ""
}

// authenticate checks the common parameters and the signature.
func (s *Server) authenticate(method string, params url.Values) (reply, bool) {
	for _, name := range commonParams {
		switch len(params[name]) {
		case 0:
			return fail(http.StatusBadRequest, cdsapi.CodeArgMissing, "missing parameter %s", name), false
		case 1:
			if params.Get(name) == "" {
				return fail(http.StatusBadRequest, cdsapi.CodeArgMissing, "empty parameter %s", name), false
			}
		default:
			return fail(http.StatusBadRequest, cdsapi.CodeInvalidParameter, "parameter %s given %d times", name, len(params[name])), false
		}
	}
	for name, want := range map[string]string{
		"SignatureMethod":  cdsapi.SignatureMethod,
		"SignatureVersion": cdsapi.SignatureVersion,
		"Version":          cdsapi.APIVersion,
	} {
		if got := params.Get(name); got != want {
			return fail(http.StatusBadRequest, cdsapi.CodeInvalidParameter, "%s must be %s, not %q", name, want, got), false
		}
	}
	ts, err := time.Parse(cdsapi.TimestampFormat, params.Get("Timestamp"))
	if err != nil {
		return fail(http.StatusBadRequest, cdsapi.CodeInvalidParameter, "Timestamp %q is not UTC like 2006-01-02T15:04:05Z", params.Get("Timestamp")), false
	}
	if params.Get("AccessKeyId") != s.opts.AccessKeyID {
		return fail(http.StatusForbidden, CodeInvalidAccessKeyId, "unknown AccessKeyId"), false
	}
	want := cdsapi.Sign(method, params, s.opts.SecretKey)
	if !hmac.Equal([]byte(want), []byte(params.Get("Signature"))) {
		return fail(http.StatusForbidden, CodeSignatureDoesNotMatch, "the signature does not match; check the secret key and the signing of %s", cdsapi.StringToSign(method, params)), false
	}

	now := s.opts.Now()
	if skew := now.Sub(ts).Abs(); skew > s.opts.MaxClockSkew {
		return fail(http.StatusForbidden, CodeRequestExpired, "Timestamp %s is %s away from the server's clock (%s); at most %s is allowed",
			params.Get("Timestamp"), skew.Round(time.Second), now.UTC().Format(cdsapi.TimestampFormat), s.opts.MaxClockSkew), false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	nonce := params.Get("SignatureNonce")
	if _, used := s.nonces[nonce]; used {
		return fail(http.StatusForbidden, CodeSignatureNonceUsed, "SignatureNonce %s was used before", nonce), false
	}
	// A nonce older than twice the skew cannot be replayed: its Timestamp
	// has expired.
	for n, seen := range s.nonces {
		if now.Sub(seen) > 2*s.opts.MaxClockSkew {
			delete(s.nonces, n)
		}
	}
	s.nonces[nonce] = now
	return reply{}, true
}

// record appends a request and returns its index.
func (s *Server) record(r Request) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
	return len(s.requests) - 1
}

// finish notes the answer of a recorded request.
func (s *Server) finish(idx, status int, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if idx < len(s.requests) { // ResetRequests may have run meanwhile
		s.requests[idx].HTTPStatus, s.requests[idx].Code = status, code
	}
}

func (s *Server) setFault(idx int, f *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if idx < len(s.requests) {
		copied := *f
		s.requests[idx].Fault = &copied
	}
}

// answer writes an envelope.
func (s *Server) answer(w http.ResponseWriter, idx int, rep reply) {
	data := rep.data
	if data == nil && rep.status == http.StatusOK {
		data = struct{}{}
	}
	b, err := json.Marshal(struct {
		Code    string
		Message string
		Data    any
		TaskId  string
	}{rep.code, rep.message, data, rep.taskID})
	if err != nil {
		rep = fail(http.StatusInternalServerError, cdsapi.CodeInternalError, "fakecds: encoding the answer: %v", err)
		b, _ = json.Marshal(map[string]string{"Code": rep.code, "Message": rep.message})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Request-Id", uuid.NewString())
	w.WriteHeader(rep.status)
	_, _ = w.Write(b)
	s.finish(idx, rep.status, rep.code)
}

// lbJSON is an instance in the documented shape of DescribeLoadBalancers.
type lbJSON struct {
	CloneServices   any
	Cpu             int
	CreatedTime     string
	DisplayName     string
	IP              string
	InstanceName    string
	InstanceUuid    string
	IsCustomConf    int
	LinkType        string
	LinkTypeStr     string
	MasterInfo      string
	Port            int
	ProjectName     string
	Ram             int
	RegionId        string
	RelationService any
	ResourceId      string
	RoGroups        any
	Status          string
	StatusStr       string
	SubProductKey   string
	SubProductName  string
	Disks           int
	InpaasId        string
	VdcId           string
	VdcName         string
	Version         string
	Vips            []cdsapi.Vip
	Tags            []tagJSON
}

// tagJSON is a tag as the documentation's example shows it: TagID a number.
type tagJSON struct {
	TagID   json.Number
	TagName string
}

func (s *Server) describeLoadBalancers(c call) reply {
	ipFilter, uuidFilter, nameFilter := c.params.Get("IP"), c.params.Get("InstanceUuid"), c.params.Get("InstanceName")
	start, end := c.params.Get("StartTime"), c.params.Get("EndTime")
	tagFilter := c.params.Get("TagName")
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	list := []lbJSON{}
	for _, id := range s.order {
		in := s.instances[id]
		info := in.info
		ip := instanceIP(info)
		// Filters match substrings, as the API's own example ("66.66") does.
		if !strings.Contains(info.InstanceUuid, uuidFilter) || !strings.Contains(info.InstanceName, nameFilter) ||
			ipFilter != "" && !matchesIP(ip, info.Vips, ipFilter) ||
			start != "" && info.CreatedTime != "" && info.CreatedTime < start ||
			end != "" && info.CreatedTime != "" && info.CreatedTime > end ||
			tagFilter != "" && !slices.ContainsFunc(info.Tags, func(t cdsapi.Tag) bool { return t.TagName == tagFilter }) {
			continue
		}
		tags := []tagJSON{}
		for i, t := range info.Tags {
			id := t.TagID
			if _, err := strconv.Atoi(id); err != nil {
				id = strconv.Itoa(24644 + i)
			}
			tags = append(tags, tagJSON{TagID: json.Number(id), TagName: t.TagName})
		}
		status := info.Status
		if in.busy(now) {
			status = s.opts.TaskStatus
			if in.busyDescribes > 0 {
				in.busyDescribes--
			}
		}
		statusStr := status
		if status == cdsapi.StatusRunning {
			statusStr = "运行中"
		}
		list = append(list, lbJSON{
			Cpu: 1, Ram: 2048, CreatedTime: info.CreatedTime, DisplayName: info.DisplayName, IP: ip,
			InstanceName: info.InstanceName, InstanceUuid: info.InstanceUuid, IsCustomConf: info.IsCustomConf,
			ProjectName: info.ProjectName, RegionId: info.RegionId, ResourceId: info.InstanceUuid,
			Status: status, StatusStr: statusStr, SubProductName: info.SubProductName,
			Version: info.Version, Vips: append([]cdsapi.Vip{}, info.Vips...), Tags: tags,
			// As the newest documentation answers them.
			CloneServices: "None", RelationService: "None", RoGroups: "None",
			SubProductKey: "haproxy", InpaasId: info.InpaasId,
		})
	}
	return ok(list, "Success.")
}

func instanceIP(info Instance) string {
	if info.IP != "" {
		return info.IP
	}
	for _, v := range info.Vips {
		if v.Type == "public" {
			return v.IP
		}
	}
	if len(info.Vips) > 0 {
		return info.Vips[0].IP
	}
	return ""
}

func matchesIP(ip string, vips []cdsapi.Vip, filter string) bool {
	if strings.Contains(ip, filter) {
		return true
	}
	for _, v := range vips {
		if strings.Contains(v.IP, filter) {
			return true
		}
	}
	return false
}

// lookup finds the instance named by InstanceUuid; s.mu must be held.
func (s *Server) lookup(instanceUuid string) (*instance, reply, bool) {
	if instanceUuid == "" {
		return nil, fail(http.StatusBadRequest, cdsapi.CodeArgMissing, "missing parameter InstanceUuid"), false
	}
	in, found := s.instances[instanceUuid]
	if !found {
		return nil, fail(http.StatusNotFound, cdsapi.CodeResourceNotFound, "instance %s does not exist", instanceUuid), false
	}
	return in, reply{}, true
}

func (s *Server) describeStrategies(c call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, rep, found := s.lookup(c.params.Get("InstanceUuid"))
	if !found {
		return rep
	}
	return ok(in.listeners.Clone(), "success")
}

func (s *Server) describeCustomConfig(c call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, rep, found := s.lookup(c.params.Get("InstanceUuid"))
	if !found {
		return rep
	}
	return ok(cdsapi.CustomConfigData{Configs: in.customConfig}, "success")
}

// describeInstanceListeners answers as the newest documentation shows:
// a POST with {"InstanceUuid"}, items {ListenerName, ListenerMode,
// BackendNames} where BackendNames is null for TCP listeners.
func (s *Server) describeInstanceListeners(c call) reply {
	var req cdsapi.InstanceRequest
	if rep, ok := decodeBody(c, &req, "InstanceUuid"); !ok {
		return rep
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in, rep, found := s.lookup(req.InstanceUuid)
	if !found {
		return rep
	}
	type backend struct {
		BackendName string
		DisplayName string
	}
	type item struct {
		BackendNames []backend
		ListenerMode string
		ListenerName string
	}
	list := []item{}
	for _, h := range in.listeners.HttpListeners {
		list = append(list, item{[]backend{{h.ListenerName + model.BackendSuffix, "默认服务器组"}}, h.ListenerMode, h.ListenerName})
	}
	for _, t := range in.listeners.TcpListeners {
		list = append(list, item{nil, t.ListenerMode, t.ListenerName})
	}
	return ok(list, "success")
}

const taskMessage = "The policy modification task is successfully delivered. Wait until the task is executed."

func (s *Server) modifyStrategies(c call) reply { return s.setStrategies(c, false) }

func (s *Server) addStrategies(c call) reply { return s.setStrategies(c, true) }

// setStrategies serves ModifyLoadBalancerStrategys (add false) and
// AddLoadBalancerStrategys (add true).
func (s *Server) setStrategies(c call, add bool) reply {
	var req cdsapi.StrategiesRequest
	// HttpListeners absent or null is none: the Go SDK (omitempty) and the
	// Python SDK drop empty lists.
	if rep, ok := decodeBody(c, &req, "InstanceUuid"); !ok {
		return rep
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in, rep, found := s.lookup(req.InstanceUuid)
	if !found {
		return rep
	}
	if rep, ok := s.checkIdle(in); !ok {
		return rep
	}
	model.ApplyDefaults(&req.Listeners) // the same defaults as every other decoder
	next := model.Listeners{HttpListeners: req.HttpListeners, TcpListeners: req.TcpListeners}
	if add {
		next = model.Listeners{
			HttpListeners: append(append([]model.HttpListener{}, in.listeners.HttpListeners...), req.HttpListeners...),
			TcpListeners:  append(append([]model.TcpListener{}, in.listeners.TcpListeners...), req.TcpListeners...),
		}
	}
	if msg := checkListeners(next); msg != "" {
		return fail(http.StatusBadRequest, cdsapi.CodeInvalidParameter, "%s", msg)
	}
	message := taskMessage
	if in.info.IsCustomConf == 1 {
		message = "The Base configuration will be enabled." + taskMessage
	}
	in.listeners = next.Clone()
	in.info.IsCustomConf = 0
	rep = ok(nil, message)
	rep.taskID = s.startTask(in)
	return rep
}

func (s *Server) modifyCustomConfig(c call) reply {
	var req cdsapi.CustomConfigRequest
	if rep, ok := decodeBody(c, &req, "InstanceUuid", "Configs"); !ok {
		return rep
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in, rep, found := s.lookup(req.InstanceUuid)
	if !found {
		return rep
	}
	if rep, ok := s.checkIdle(in); !ok {
		return rep
	}
	in.customConfig = req.Configs
	in.info.IsCustomConf = 1
	rep = ok(nil, taskMessage)
	rep.taskID = s.startTask(in)
	return rep
}

// checkIdle refuses changes while a task runs; s.mu must be held.
func (s *Server) checkIdle(in *instance) (reply, bool) {
	if in.busy(s.opts.Now()) {
		return fail(http.StatusConflict, cdsapi.CodeResourceInUse, "instance %s is busy with a task; try again when it is %s",
			in.info.InstanceUuid, cdsapi.StatusRunning), false
	}
	return reply{}, true
}

// startTask makes the instance busy and returns a task ID; s.mu must be
// held.
func (s *Server) startTask(in *instance) string {
	in.busyDescribes = s.opts.TaskDescribes
	in.busyUntil = time.Time{}
	if s.opts.TaskDuration > 0 {
		in.busyUntil = s.opts.Now().Add(s.opts.TaskDuration)
	}
	return uuid.NewString()
}

// envelopeKeys are the top-level keys of the Python SDK's request bodies
// (BaseRequest.to_params in capitalonline/cds-python-sdk): ignored.
var envelopeKeys = []string{"service", "version", "action"}

// decodeBody checks the content type (application/json, or none at all: the
// Go SDK never sends its headers), that the required fields are present
// and not null or empty, and decodes the body strictly into out, ignoring
// the Python SDK's envelope keys.
func decodeBody(c call, out any, required ...string) (reply, bool) {
	mediaType, _, _ := mime.ParseMediaType(c.contentType)
	if c.contentType != "" && mediaType != "application/json" {
		return fail(http.StatusBadRequest, cdsapi.CodeInvalidParameter, "Content-Type must be application/json, not %q", c.contentType), false
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(c.body, &fields); err != nil {
		return fail(http.StatusBadRequest, cdsapi.CodeInvalidParameter, "the body is not a JSON object: %v", err), false
	}
	body := c.body
	if slices.ContainsFunc(envelopeKeys, func(k string) bool { _, ok := fields[k]; return ok }) {
		for _, k := range envelopeKeys {
			delete(fields, k)
		}
		body, _ = json.Marshal(fields) // a map of raw messages always encodes
	}
	for _, name := range required {
		raw, present := fields[name]
		if v := string(bytes.TrimSpace(raw)); !present || v == "null" || v == `""` {
			return fail(http.StatusBadRequest, cdsapi.CodeArgMissing, "missing parameter %s", name), false
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		return fail(http.StatusBadRequest, cdsapi.CodeInvalidParameter, "invalid body: %v", err), false
	}
	return reply{}, true
}

// checkListeners returns what is wrong with a set of listeners, or "".
func checkListeners(l model.Listeners) string {
	names := map[string]bool{}
	ports := map[int]bool{}
	check := func(kind, name string, port int) string {
		switch {
		case name == "":
			return kind + " listener without ListenerName"
		case port < 1 || port > 65535:
			return fmt.Sprintf("listener %s: ListenerPort %d is not 1-65535", name, port)
		case names[name]:
			return fmt.Sprintf("listener name %s is already used", name)
		case ports[port]:
			return fmt.Sprintf("listener %s: port %d is already used", name, port)
		}
		names[name], ports[port] = true, true
		return ""
	}
	for _, h := range l.HttpListeners {
		if msg := check("HTTP", h.ListenerName, h.ListenerPort); msg != "" {
			return msg
		}
	}
	for _, t := range l.TcpListeners {
		if msg := check("TCP", t.ListenerName, t.ListenerPort); msg != "" {
			return msg
		}
	}
	return ""
}
