package validate_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/validate"
)

// Documents exactly as the official clients build them: each is marshalled
// from a copy of the client's own types and json tags, cited by repository
// and path. Every case asserts the exact findings.

// goSDKRequest is ModifyLoadBalancerStrategysRequest of
// capitalonline/cds-gic-sdk-go, haproxy/models.go (its embedded
// *cdshttp.BaseRequest has only unexported fields, so it adds nothing).
type goSDKRequest struct {
	InstanceUuid  *string            `json:"InstanceUuid,omitempty"`
	HttpListeners []*goSDKHTTPListen `json:"HttpListeners,omitempty"`
	TcpListeners  []*goSDKTCPListen  `json:"TcpListeners,omitempty"`
}

// goSDKHTTPListen is DescribeLoadBalancerStrategysHttpListeners
// (capitalonline/cds-gic-sdk-go, haproxy/models.go): no SessionPersistence,
// no Option, StickySession without omitempty.
type goSDKHTTPListen struct {
	AclWhiteList       []*string             `json:"AclWhiteList,omitempty"`
	BackendServer      []*goSDKBackendServer `json:"BackendServer,omitempty"`
	CertificateIds     []*goSDKCertificate   `json:"CertificateIds,omitempty"`
	ClientTimeout      *string               `json:"ClientTimeout,omitempty"`
	ClientTimeoutUnit  *string               `json:"ClientTimeoutUnit,omitempty"`
	ConnectTimeout     *string               `json:"ConnectTimeout,omitempty"`
	ConnectTimeoutUnit *string               `json:"ConnectTimeoutUnit,omitempty"`
	ListenerMode       *string               `json:"ListenerMode,omitempty"`
	ListenerName       *string               `json:"ListenerName,omitempty"`
	ListenerPort       *int                  `json:"ListenerPort,omitempty"`
	MaxConn            *int                  `json:"MaxConn,omitempty"`
	Scheduler          *string               `json:"Scheduler,omitempty"`
	ServerTimeout      *string               `json:"ServerTimeout,omitempty"`
	ServerTimeoutUnit  *string               `json:"ServerTimeoutUnit,omitempty"`
	StickySession      *string               `json:"StickySession"`
}

// goSDKTCPListen is DescribeLoadBalancerStrategysTcpListeners
// (capitalonline/cds-gic-sdk-go, haproxy/models.go): no EnableSourceIp, no
// EnableRepeaterMode.
type goSDKTCPListen struct {
	AclWhiteList       []*string             `json:"AclWhiteList,omitempty"`
	BackendServer      []*goSDKBackendServer `json:"BackendServer,omitempty"`
	ClientTimeout      *string               `json:"ClientTimeout,omitempty"`
	ClientTimeoutUnit  *string               `json:"ClientTimeoutUnit,omitempty"`
	ConnectTimeout     *string               `json:"ConnectTimeout,omitempty"`
	ConnectTimeoutUnit *string               `json:"ConnectTimeoutUnit,omitempty"`
	ListenerMode       *string               `json:"ListenerMode,omitempty"`
	ListenerName       *string               `json:"ListenerName,omitempty"`
	ListenerPort       *int                  `json:"ListenerPort,omitempty"`
	MaxConn            *int                  `json:"MaxConn,omitempty"`
	Scheduler          *string               `json:"Scheduler,omitempty"`
	ServerTimeout      *string               `json:"ServerTimeout,omitempty"`
	ServerTimeoutUnit  *string               `json:"ServerTimeoutUnit,omitempty"`
}

// goSDKBackendServer is DescribeLoadBalancerStrategysBackendServer
// (capitalonline/cds-gic-sdk-go, haproxy/models.go).
type goSDKBackendServer struct {
	IP      *string `json:"IP,omitempty"`
	MaxConn *int    `json:"MaxConn,omitempty"`
	Port    *int    `json:"Port,omitempty"`
	Weight  *string `json:"Weight,omitempty"`
}

// goSDKCertificate is DescribeLoadBalancerStrategysCertificateIds
// (capitalonline/cds-gic-sdk-go, haproxy/models.go).
type goSDKCertificate struct {
	CertificateId   *string `json:"CertificateId,omitempty"`
	CertificateName *string `json:"CertificateName,omitempty"`
}

// k8sModifyReq is ModifyHaStrategyReq of capitalonline/cds-k8s-tools,
// pkg/haproxy/api/params.go: HaStrategyInfoData embedded by pointer.
type k8sModifyReq struct {
	*k8sData
	InstanceUuid string `json:"InstanceUuid"`
}

// k8sData is HaStrategyInfoData (capitalonline/cds-k8s-tools,
// pkg/haproxy/api/params.go).
type k8sData struct {
	TCPListeners  []k8sTCPListener  `json:"TcpListeners"`
	HttpListeners []k8sHTTPListener `json:"HttpListeners"`
}

// k8sTCPListener is TcpListener (capitalonline/cds-k8s-tools,
// pkg/haproxy/api/params.go).
type k8sTCPListener struct {
	EnableSourceIP     string             `json:"EnableSourceIp"`
	EnableRepeaterMode string             `json:"EnableRepeaterMode"`
	ServerTimeoutUnit  string             `json:"ServerTimeoutUnit"`
	ACLWhiteList       []any              `json:"AclWhiteList"`
	ListenerMode       string             `json:"ListenerMode"`
	ListenerName       string             `json:"ListenerName"`
	Scheduler          string             `json:"Scheduler"`
	MaxConn            int                `json:"MaxConn"`
	ClientTimeoutUnit  string             `json:"ClientTimeoutUnit"`
	ListenerPort       int                `json:"ListenerPort"`
	ServerTimeout      string             `json:"ServerTimeout"`
	ConnectTimeoutUnit string             `json:"ConnectTimeoutUnit"`
	BackendServer      []k8sBackendServer `json:"BackendServer"`
	ConnectTimeout     string             `json:"ConnectTimeout"`
	ClientTimeout      string             `json:"ClientTimeout"`
}

// k8sHTTPListener is HttpListener (capitalonline/cds-k8s-tools,
// pkg/haproxy/api/params.go): Option, SessionPersistence and
// CertificateIds are interface{} and so null when unset.
type k8sHTTPListener struct {
	ServerTimeoutUnit  string             `json:"ServerTimeoutUnit"`
	ServerTimeout      string             `json:"ServerTimeout"`
	StickySession      string             `json:"StickySession"`
	ACLWhiteList       []string           `json:"AclWhiteList"`
	Option             any                `json:"Option"`
	SessionPersistence any                `json:"SessionPersistence"`
	CertificateIds     any                `json:"CertificateIds"`
	ListenerMode       string             `json:"ListenerMode"`
	MaxConn            int                `json:"MaxConn"`
	ConnectTimeoutUnit string             `json:"ConnectTimeoutUnit"`
	Scheduler          string             `json:"Scheduler"`
	BackendServer      []k8sBackendServer `json:"BackendServer"`
	ConnectTimeout     string             `json:"ConnectTimeout"`
	ClientTimeout      string             `json:"ClientTimeout"`
	ListenerName       string             `json:"ListenerName"`
	ClientTimeoutUnit  string             `json:"ClientTimeoutUnit"`
	ListenerPort       int                `json:"ListenerPort"`
}

// k8sBackendServer is BackendServer (capitalonline/cds-k8s-tools,
// pkg/haproxy/api/params.go).
type k8sBackendServer struct {
	IP      string `json:"IP"`
	Port    int    `json:"Port"`
	Weight  string `json:"Weight"`
	MaxConn int    `json:"MaxConn"`
}

const clientUuid = "0311fb08-73f7-11ee-8a3c-0ad4b19c4d62"

func goSDKTCP(name string, port int, acl []*string, serverMaxConn int) *goSDKTCPListen {
	return &goSDKTCPListen{
		AclWhiteList:  acl,
		BackendServer: []*goSDKBackendServer{{IP: ptr("10.0.0.5"), MaxConn: ptr(serverMaxConn), Port: ptr(6443), Weight: ptr("1")}},
		ClientTimeout: ptr("60"), ClientTimeoutUnit: ptr("s"), ConnectTimeout: ptr("5"), ConnectTimeoutUnit: ptr("s"),
		ListenerMode: ptr("tcp"), ListenerName: ptr(name), ListenerPort: ptr(port), MaxConn: ptr(2000),
		Scheduler: ptr("roundrobin"), ServerTimeout: ptr("60"), ServerTimeoutUnit: ptr("s"),
	}
}

func k8sTCP(name string, port int) k8sTCPListener {
	return k8sTCPListener{
		ServerTimeoutUnit: "s", ACLWhiteList: []any{}, ListenerMode: "tcp", ListenerName: name, Scheduler: "roundrobin",
		MaxConn: 2000, ClientTimeoutUnit: "s", ListenerPort: port, ServerTimeout: "60", ConnectTimeoutUnit: "s",
		BackendServer:  []k8sBackendServer{{IP: "192.168.0.11", Port: 30080, Weight: "1"}}, // MaxConn unset: 0
		ConnectTimeout: "5", ClientTimeout: "60",
	}
}

// TestRealClientShapes lints each client's document and compares the
// findings (rule@pointer, in order) exactly.
func TestRealClientShapes(t *testing.T) {
	// The Python SDK's ModifyLoadBalancerStrategysRequest.to_params()
	// (capitalonline/cds-python-sdk, capitalonline/haproxy/models.py): the
	// BaseRequest's service, version and action at the top level, ints
	// and strs as set, empty lists dropped (HttpListeners here).
	python := map[string]any{
		"service": "lb", "version": "2019-08-08", "action": "ModifyLoadBalancerStrategys",
		"InstanceUuid": clientUuid,
		"TcpListeners": []map[string]any{{
			"ServerTimeoutUnit": "s", "AclWhiteList": []string{"10.0.0.0/8"}, "ListenerMode": "tcp", "ListenerName": "db-proxy",
			"Scheduler": "leastconn", "MaxConn": 100, "ClientTimeoutUnit": "s", "ListenerPort": 3306, "ServerTimeout": "60",
			"ConnectTimeoutUnit": "s", "ConnectTimeout": "5", "ClientTimeout": "60", "EnableSourceIp": "off", "EnableRepeaterMode": "off",
			"BackendServer": []map[string]any{{"IP": "10.0.0.7", "Port": 3306, "Weight": "1", "MaxConn": 100}},
		}},
	}
	tests := []struct {
		name string
		doc  any
		want []string
	}{
		{
			// A CCK cluster's API server listener, sent by the Go SDK with
			// only TCP listeners: HttpListeners is omitted (omitempty), and
			// so is an empty AclWhiteList.
			name: "cds-gic-sdk-go, TCP only",
			doc: goSDKRequest{InstanceUuid: ptr(clientUuid),
				TcpListeners: []*goSDKTCPListen{goSDKTCP("ccp-cluster-master-api", 6443, nil, 1000)}},
			want: []string{
				"listeners-absent@/HttpListeners",
				"listener-name-doc@/TcpListeners/0/ListenerName",
			},
		},
		{
			// terraform-provider-cds, cds/resource_cds_haproxy_strategy.go:
			// acl_white_list "10.0.0.0/8, 192.168.1.0/24" goes through
			// strings.Split(strings.TrimSpace(s), ","); an unset one becomes
			// [""]; unset max_conn of a server is 0. Sent with the Go SDK's
			// types.
			name: "terraform-provider-cds",
			doc: goSDKRequest{InstanceUuid: ptr(clientUuid), TcpListeners: []*goSDKTCPListen{
				goSDKTCP("tf_db", 3306, []*string{ptr("10.0.0.0/8"), ptr(" 192.168.1.0/24")}, 0),
				goSDKTCP("tf_cache", 6379, []*string{ptr("")}, 100),
			}},
			want: []string{
				"listeners-absent@/HttpListeners",
				"acl-entry-space@/TcpListeners/0/AclWhiteList/1",
				"server-maxconn-zero@/TcpListeners/0/BackendServer/0/MaxConn",
				"acl-entry-space@/TcpListeners/1/AclWhiteList/0",
			},
		},
		{
			// TcpListeners.to_params drops an empty BackendServer list.
			name: "cds-python-sdk, a listener without servers",
			doc: map[string]any{
				"service": "lb", "version": "2019-08-08", "action": "ModifyLoadBalancerStrategys", "InstanceUuid": clientUuid,
				"HttpListeners": []any{},
				"TcpListeners": []map[string]any{{
					"ServerTimeoutUnit": "s", "AclWhiteList": []string{}, "ListenerMode": "tcp", "ListenerName": "spare",
					"Scheduler": "roundrobin", "MaxConn": 100, "ClientTimeoutUnit": "s", "ListenerPort": 3307, "ServerTimeout": "60",
					"ConnectTimeoutUnit": "s", "ConnectTimeout": "5", "ClientTimeout": "60", "EnableSourceIp": "off", "EnableRepeaterMode": "off",
				}},
			},
			want: []string{"no-backend-servers@/TcpListeners/0/BackendServer"},
		},
		{
			name: "cds-python-sdk",
			doc:  python,
			want: []string{"listeners-absent@/HttpListeners", "listener-name-doc@/TcpListeners/0/ListenerName"},
		},
		{
			// cds-k8s-tools rewrites listeners from Kubernetes Services:
			// server MaxConn unset (0), EnableSourceIp/EnableRepeaterMode
			// unset (""), Option/SessionPersistence/CertificateIds null.
			name: "cds-k8s-tools",
			doc: k8sModifyReq{InstanceUuid: clientUuid, k8sData: &k8sData{
				TCPListeners: []k8sTCPListener{k8sTCP("default-ingress-nginx-80", 80)},
				HttpListeners: []k8sHTTPListener{{
					ServerTimeoutUnit: "s", ServerTimeout: "60", StickySession: "off", ACLWhiteList: nil,
					ListenerMode: "http", MaxConn: 1000, ConnectTimeoutUnit: "s", Scheduler: "roundrobin",
					BackendServer:  []k8sBackendServer{{IP: "192.168.0.12", Port: 30443, Weight: "1"}},
					ConnectTimeout: "5", ClientTimeout: "60", ListenerName: "default-web-8080", ClientTimeoutUnit: "s", ListenerPort: 8080,
				}},
			}},
			want: []string{
				"listener-name-doc@/TcpListeners/0/ListenerName",
				"server-maxconn-zero@/TcpListeners/0/BackendServer/0/MaxConn",
				"server-maxconn-zero@/HttpListeners/0/BackendServer/0/MaxConn",
				"listener-name-doc@/HttpListeners/0/ListenerName",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := json.MarshalIndent(tt.doc, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			doc, err := model.Decode("client.json", body)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range validate.Document(doc) {
				got = append(got, f.Rule+"@"+f.Pointer)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s\ndocument:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"), body)
			}
		})
	}
}
