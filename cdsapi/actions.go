package cdsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/lbconf/lbconf/model"
)

// Action names.
const (
	ActionDescribeLoadBalancers         = "DescribeLoadBalancers"
	ActionDescribeLoadBalancerStrategys = "DescribeLoadBalancerStrategys"
	ActionModifyLoadBalancerStrategys   = "ModifyLoadBalancerStrategys"
	ActionAddLoadBalancerStrategys      = "AddLoadBalancerStrategys"
	ActionDescribeHaproxyCustomConfig   = "DescribeHaproxyCustomConfig"
	ActionModifyHaproxyCustomConfig     = "ModifyHaproxyCustomConfig"
	ActionDescribeLBInstanceListeners   = "DescribeLBInstanceListeners"
)

// StatusRunning is the Status of an instance that is not busy with a task.
const StatusRunning = "RUNNING"

// DescribeLoadBalancersRequest filters DescribeLoadBalancers. Empty fields
// are not sent. The API may match IP, InstanceUuid and InstanceName
// loosely (its own example filters IP by "66.66").
type DescribeLoadBalancersRequest struct {
	IP           string
	InstanceUuid string
	InstanceName string
	// StartTime and EndTime bound the creation time, as
	// "2021-03-10 14:00:00".
	StartTime string
	EndTime   string
	// TagName keeps the instances that carry this tag.
	TagName string
}

func (r DescribeLoadBalancersRequest) params() url.Values {
	p := url.Values{}
	for name, value := range map[string]string{
		"IP": r.IP, "InstanceUuid": r.InstanceUuid, "InstanceName": r.InstanceName,
		"StartTime": r.StartTime, "EndTime": r.EndTime, "TagName": r.TagName,
	} {
		if value != "" {
			p.Set(name, value)
		}
	}
	return p
}

// LoadBalancer is one instance as DescribeLoadBalancers describes it. The
// fields whose type is unstable (CloneServices, MasterInfo,
// RelationService, RoGroups: documented as dicts or lists, answered as the
// string "None") are kept as the raw JSON the API sent.
type LoadBalancer struct {
	InstanceUuid string `json:"InstanceUuid"`
	InstanceName string `json:"InstanceName"`
	// Status is "RUNNING" when the instance is idle; other values mean a
	// task is under way.
	Status string `json:"Status"`
	// StatusStr is Status in Chinese ("运行中").
	StatusStr string `json:"StatusStr"`
	// Version is the HAProxy version, such as "1.8.3" or "2.4".
	Version string `json:"Version"`
	// IsCustomConf is 1 when the advanced (custom) config is active, 0 when
	// the basic strategies are.
	IsCustomConf int `json:"IsCustomConf"`
	// IP is the public VIP if there is one, else the private one.
	IP             string `json:"IP"`
	Port           int    `json:"Port"`
	Vips           []Vip  `json:"Vips"`
	RegionId       string `json:"RegionId"`
	DisplayName    string `json:"DisplayName"`
	VdcId          string `json:"VdcId"`
	VdcName        string `json:"VdcName"`
	ProjectName    string `json:"ProjectName"`
	SubProductName string `json:"SubProductName"`
	Cpu            int    `json:"Cpu"`
	// Ram is in MiB.
	Ram int `json:"Ram"`
	// CreatedTime reads like "2020-05-05 00:13:53".
	CreatedTime string `json:"CreatedTime"`
	ResourceId  string `json:"ResourceId"`
	LinkType    string `json:"LinkType"`
	LinkTypeStr string `json:"LinkTypeStr"`
	// Tags are the instance's tags (the TagName filter matches them).
	Tags []Tag `json:"Tags"`
	// Disks is a count (0 for load balancers).
	Disks         int    `json:"Disks"`
	InpaasId      string `json:"InpaasId"`
	SubProductKey string `json:"SubProductKey"`
	// CloneServices, RelationService, RoGroups and MasterInfo as sent:
	// often the string "None" or "", documented as a list or dict.
	CloneServices   json.RawMessage `json:"CloneServices,omitempty"`
	RelationService json.RawMessage `json:"RelationService,omitempty"`
	RoGroups        json.RawMessage `json:"RoGroups,omitempty"`
	MasterInfo      json.RawMessage `json:"MasterInfo,omitempty"`
}

// Tag is one tag of an instance.
type Tag struct {
	// TagID is a number in the documentation's example; kept as text.
	TagID   string
	TagName string
}

// UnmarshalJSON accepts TagID as a number or a string.
func (t *Tag) UnmarshalJSON(b []byte) error {
	var aux struct {
		TagID   flexString `json:"TagID"`
		TagName string     `json:"TagName"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*t = Tag{TagID: string(aux.TagID), TagName: aux.TagName}
	return nil
}

// HasTag reports whether the instance carries a tag named name.
func (lb LoadBalancer) HasTag(name string) bool {
	for _, t := range lb.Tags {
		if t.TagName == name {
			return true
		}
	}
	return false
}

// CustomConf reports whether the advanced (custom) config is active.
func (lb LoadBalancer) CustomConf() bool { return lb.IsCustomConf == 1 }

// UnmarshalJSON decodes the documented shape, and also accepts the integer
// fields as strings or null.
func (lb *LoadBalancer) UnmarshalJSON(b []byte) error {
	type plain LoadBalancer // without this method
	var aux struct {
		plain
		IsCustomConf flexInt         `json:"IsCustomConf"`
		Port         flexInt         `json:"Port"`
		Cpu          flexInt         `json:"Cpu"`
		Ram          flexInt         `json:"Ram"`
		Disks        flexInt         `json:"Disks"`
		InpaasId     flexString      `json:"InpaasId"`
		Tags         json.RawMessage `json:"Tags"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*lb = LoadBalancer(aux.plain)
	lb.IsCustomConf, lb.Port, lb.Cpu, lb.Ram = int(aux.IsCustomConf), int(aux.Port), int(aux.Cpu), int(aux.Ram)
	lb.Disks, lb.InpaasId = int(aux.Disks), string(aux.InpaasId)
	lb.Tags = nil
	// Tags: a list of tags, or null / "None" / "" for none.
	if t := bytes.TrimSpace(aux.Tags); len(t) > 0 && t[0] == '[' {
		if err := json.Unmarshal(t, &lb.Tags); err != nil {
			return fmt.Errorf("Tags: %w", err)
		}
	}
	return nil
}

// Vip is one virtual IP of an instance.
type Vip struct {
	IP string `json:"IP"`
	// Type is "private" or "public".
	Type string `json:"Type"`
}

// TaskResult is the answer to a Modify or Add action: the change is queued
// as a task.
type TaskResult struct {
	TaskId string
	// Message is the API's message, such as "The policy modification task
	// is successfully delivered. Wait until the task is executed."
	Message string
}

// StrategiesRequest is the JSON body of ModifyLoadBalancerStrategys and
// AddLoadBalancerStrategys.
type StrategiesRequest struct {
	InstanceUuid string `json:"InstanceUuid"`
	model.Listeners
}

// InstanceRequest is the JSON body {"InstanceUuid": ...} of
// DescribeLBInstanceListeners.
type InstanceRequest struct {
	InstanceUuid string `json:"InstanceUuid"`
}

// CustomConfigRequest is the JSON body of ModifyHaproxyCustomConfig.
type CustomConfigRequest struct {
	InstanceUuid string `json:"InstanceUuid"`
	// Configs is the whole haproxy.cfg.
	Configs string `json:"Configs"`
}

// CustomConfigData is the Data of DescribeHaproxyCustomConfig.
type CustomConfigData struct {
	Configs string `json:"Configs"`
}

// InstanceListener is one item of DescribeLBInstanceListeners.
type InstanceListener struct {
	ListenerName string
	ListenerMode string
	// BackendNames are the backends of an HTTP listener (null, so nil, for
	// TCP listeners).
	BackendNames []BackendName
	// ListenerPort is 0: the newest documentation's answer has no port;
	// it is read when an item carries one.
	ListenerPort int
	// Fields holds every field of the item, numbers as json.Number.
	Fields map[string]any
}

// BackendName is one backend of an HTTP listener, as
// DescribeLBInstanceListeners answers it.
type BackendName struct {
	// BackendName is the backend's name in haproxy.cfg ("NAME-abk").
	BackendName string
	// DisplayName is the name shown in the console ("默认服务器组").
	DisplayName string
}

// UnmarshalJSON keeps every field in Fields and picks the known ones;
// ListenerPort may be a number or a numeric string, BackendNames null or
// a list.
func (l *InstanceListener) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var fields map[string]any
	if err := dec.Decode(&fields); err != nil {
		return err
	}
	*l = InstanceListener{Fields: fields}
	l.ListenerName, _ = fields["ListenerName"].(string)
	l.ListenerMode, _ = fields["ListenerMode"].(string)
	if list, ok := fields["BackendNames"].([]any); ok {
		for _, item := range list {
			m, _ := item.(map[string]any)
			name, _ := m["BackendName"].(string)
			display, _ := m["DisplayName"].(string)
			l.BackendNames = append(l.BackendNames, BackendName{BackendName: name, DisplayName: display})
		}
	}
	switch port := fields["ListenerPort"].(type) {
	case json.Number:
		n, _ := strconv.Atoi(port.String())
		l.ListenerPort = n
	case string:
		n, _ := strconv.Atoi(strings.TrimSpace(port))
		l.ListenerPort = n
	}
	return nil
}

// DescribeLoadBalancers lists the instances that match the filter.
func (c *Client) DescribeLoadBalancers(ctx context.Context, req DescribeLoadBalancersRequest) ([]LoadBalancer, error) {
	env, err := c.call(ctx, http.MethodGet, ActionDescribeLoadBalancers, req.params(), nil)
	if err != nil {
		return nil, err
	}
	var list []LoadBalancer
	if err := decodeData(ActionDescribeLoadBalancers, env, &list); err != nil {
		return nil, err
	}
	return list, nil
}

// DescribeLoadBalancer returns the instance whose InstanceUuid is exactly
// instanceUuid; the error wraps [ErrInstanceNotFound] when there is none.
func (c *Client) DescribeLoadBalancer(ctx context.Context, instanceUuid string) (LoadBalancer, error) {
	if err := checkUuid(ActionDescribeLoadBalancers, instanceUuid); err != nil {
		return LoadBalancer{}, err
	}
	list, err := c.DescribeLoadBalancers(ctx, DescribeLoadBalancersRequest{InstanceUuid: instanceUuid})
	if err != nil {
		return LoadBalancer{}, err
	}
	for _, lb := range list {
		if lb.InstanceUuid == instanceUuid {
			return lb, nil
		}
	}
	return LoadBalancer{}, fmt.Errorf("cdsapi: %s: %w: %s", ActionDescribeLoadBalancers, ErrInstanceNotFound, instanceUuid)
}

// DescribeLoadBalancerStrategys returns the basic strategies (listeners) of
// an instance.
func (c *Client) DescribeLoadBalancerStrategys(ctx context.Context, instanceUuid string) (model.Listeners, error) {
	raw, err := c.DescribeLoadBalancerStrategysRaw(ctx, instanceUuid)
	if err != nil {
		return model.Listeners{}, err
	}
	var l model.Listeners
	if err := json.Unmarshal(raw, &l); err != nil {
		return model.Listeners{}, fmt.Errorf("cdsapi: %s: %w: Data does not match the listener model: %w",
			ActionDescribeLoadBalancerStrategys, ErrMalformedResponse, err)
	}
	model.ApplyDefaults(&l) // the same defaults as model.Decode
	return l, nil
}

// DescribeLoadBalancerStrategysRaw returns the Data of
// DescribeLoadBalancerStrategys as the API sent it ({"HttpListeners": ...,
// "TcpListeners": ...}), for callers that decode it themselves.
func (c *Client) DescribeLoadBalancerStrategysRaw(ctx context.Context, instanceUuid string) (json.RawMessage, error) {
	env, err := c.getByInstance(ctx, ActionDescribeLoadBalancerStrategys, instanceUuid)
	if err != nil {
		return nil, err
	}
	if isNull(env.Data) {
		return json.RawMessage(`{"HttpListeners":[],"TcpListeners":[]}`), nil
	}
	if !bytes.HasPrefix(bytes.TrimSpace(env.Data), []byte("{")) {
		return nil, fmt.Errorf("cdsapi: %s: %w: Data is not an object: %s",
			ActionDescribeLoadBalancerStrategys, ErrMalformedResponse, snippet(env.Data))
	}
	return env.Data, nil
}

// ModifyLoadBalancerStrategys replaces all listeners of an instance with l
// and switches it to basic strategies (IsCustomConf 0). Empty lists are
// sent as [] (the API requires HttpListeners even when empty), as are empty
// AclWhiteList, CertificateIds and BackendServer lists.
func (c *Client) ModifyLoadBalancerStrategys(ctx context.Context, instanceUuid string, l model.Listeners) (TaskResult, error) {
	return c.post(ctx, ActionModifyLoadBalancerStrategys, instanceUuid, StrategiesRequest{InstanceUuid: instanceUuid, Listeners: withEmptyLists(l)})
}

// AddLoadBalancerStrategys adds the listeners of l to those of an instance
// (the API refuses names and ports already used) and switches it to basic
// strategies (IsCustomConf 0). Lists are sent as for
// [Client.ModifyLoadBalancerStrategys].
func (c *Client) AddLoadBalancerStrategys(ctx context.Context, instanceUuid string, l model.Listeners) (TaskResult, error) {
	return c.post(ctx, ActionAddLoadBalancerStrategys, instanceUuid, StrategiesRequest{InstanceUuid: instanceUuid, Listeners: withEmptyLists(l)})
}

// DescribeHaproxyCustomConfig returns the advanced (custom) haproxy.cfg of
// an instance (Data.Configs).
func (c *Client) DescribeHaproxyCustomConfig(ctx context.Context, instanceUuid string) (string, error) {
	env, err := c.getByInstance(ctx, ActionDescribeHaproxyCustomConfig, instanceUuid)
	if err != nil {
		return "", err
	}
	var data CustomConfigData
	if err := decodeData(ActionDescribeHaproxyCustomConfig, env, &data); err != nil {
		return "", err
	}
	return data.Configs, nil
}

// ModifyHaproxyCustomConfig sets the whole haproxy.cfg of an instance and
// switches it to the advanced config (IsCustomConf 1).
func (c *Client) ModifyHaproxyCustomConfig(ctx context.Context, instanceUuid, configs string) (TaskResult, error) {
	return c.post(ctx, ActionModifyHaproxyCustomConfig, instanceUuid, CustomConfigRequest{InstanceUuid: instanceUuid, Configs: configs})
}

// DescribeLBInstanceListeners lists the listeners an instance runs.
//
// As the newest documentation has it, this is a POST with the JSON body
// {"InstanceUuid": ...} answering a list of {ListenerName, ListenerMode,
// BackendNames: null or [{BackendName, DisplayName}]} (no port). Every
// field of each item is kept in [InstanceListener.Fields]. Like every POST
// it is sent once, never retried.
func (c *Client) DescribeLBInstanceListeners(ctx context.Context, instanceUuid string) ([]InstanceListener, error) {
	if err := checkUuid(ActionDescribeLBInstanceListeners, instanceUuid); err != nil {
		return nil, err
	}
	env, err := c.call(ctx, http.MethodPost, ActionDescribeLBInstanceListeners, nil, InstanceRequest{InstanceUuid: instanceUuid})
	if err != nil {
		return nil, err
	}
	var list []InstanceListener
	if err := decodeData(ActionDescribeLBInstanceListeners, env, &list); err != nil {
		return nil, err
	}
	return list, nil
}

// getByInstance sends a GET whose only parameter is InstanceUuid.
func (c *Client) getByInstance(ctx context.Context, action, instanceUuid string) (*envelope, error) {
	if err := checkUuid(action, instanceUuid); err != nil {
		return nil, err
	}
	return c.call(ctx, http.MethodGet, action, url.Values{"InstanceUuid": {instanceUuid}}, nil)
}

// post sends the JSON body of a change to an instance and returns the task
// the API queued.
func (c *Client) post(ctx context.Context, action, instanceUuid string, body any) (TaskResult, error) {
	if err := checkUuid(action, instanceUuid); err != nil {
		return TaskResult{}, err
	}
	env, err := c.call(ctx, http.MethodPost, action, nil, body)
	if err != nil {
		return TaskResult{}, err
	}
	return TaskResult{TaskId: string(env.TaskId), Message: env.Message}, nil
}

// withEmptyLists returns a copy of l whose nil lists are empty, so that
// they are sent as [] rather than null. l is not modified.
func withEmptyLists(l model.Listeners) model.Listeners {
	out := model.Listeners{
		HttpListeners: make([]model.HttpListener, len(l.HttpListeners)),
		TcpListeners:  make([]model.TcpListener, len(l.TcpListeners)),
	}
	for i, h := range l.HttpListeners {
		h.AclWhiteList = nonNil(h.AclWhiteList)
		h.CertificateIds = nonNil(h.CertificateIds)
		h.BackendServer = nonNil(h.BackendServer)
		out.HttpListeners[i] = h
	}
	for i, t := range l.TcpListeners {
		t.AclWhiteList = nonNil(t.AclWhiteList)
		t.BackendServer = nonNil(t.BackendServer)
		out.TcpListeners[i] = t
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func checkUuid(action, instanceUuid string) error {
	if strings.TrimSpace(instanceUuid) == "" {
		return fmt.Errorf("cdsapi: %s: the instance UUID is empty", action)
	}
	return nil
}

// decodeData decodes env.Data into out; a null or absent Data leaves out
// as it is.
func decodeData(action string, env *envelope, out any) error {
	if isNull(env.Data) {
		return nil
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return fmt.Errorf("cdsapi: %s: %w: unexpected Data (%d bytes, starting %s): %w",
			action, ErrMalformedResponse, len(env.Data), snippet(env.Data), err)
	}
	return nil
}

func isNull(raw json.RawMessage) bool {
	s := bytes.TrimSpace(raw)
	return len(s) == 0 || bytes.Equal(s, []byte("null"))
}

// flexInt decodes a JSON number, numeric string or null into an int.
type flexInt int

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	if unquoted, err := strconv.Unquote(s); err == nil {
		s = strings.TrimSpace(unquoted)
		if s == "" || s == "None" { // the platform's Python str(None)
			*f = 0
			return nil
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("want an integer, got %s", b)
	}
	*f = flexInt(n)
	return nil
}
