// Package model holds the listener model of Capital Online load balancer
// instances ("basic strategies"), exactly as the cloud API spells it, and
// decodes listener documents (JSON or YAML) while keeping the position of
// every value so that findings can point at it.
//
// Field names and JSON shapes follow the API's DescribeLoadBalancerStrategys,
// ModifyLoadBalancerStrategys and AddLoadBalancerStrategys actions. Where the
// API documents a string (Weight, the three timeouts) the model keeps a
// string; where it documents a number (ports, MaxConn) the model keeps an int.
package model

import "slices"

// Listeners is the set of listeners of one instance: the API's
// HttpListeners and TcpListeners lists.
type Listeners struct {
	HttpListeners []HttpListener `json:"HttpListeners" yaml:"HttpListeners"`
	TcpListeners  []TcpListener  `json:"TcpListeners" yaml:"TcpListeners"`
}

// The keys of the two listener lists, with which listener pointers start
// (/HttpListeners/0/MaxConn).
const (
	KeyHttpListeners = "HttpListeners"
	KeyTcpListeners  = "TcpListeners"
)

// HttpListener is one HTTP listener (a frontend/backend pair once compiled).
type HttpListener struct {
	ListenerName       string              `json:"ListenerName"`
	ListenerPort       int                 `json:"ListenerPort"`
	ListenerMode       string              `json:"ListenerMode"`
	MaxConn            int                 `json:"MaxConn"`
	ClientTimeout      string              `json:"ClientTimeout"`
	ClientTimeoutUnit  string              `json:"ClientTimeoutUnit"`
	ConnectTimeout     string              `json:"ConnectTimeout"`
	ConnectTimeoutUnit string              `json:"ConnectTimeoutUnit"`
	ServerTimeout      string              `json:"ServerTimeout"`
	ServerTimeoutUnit  string              `json:"ServerTimeoutUnit"`
	Scheduler          string              `json:"Scheduler"`
	StickySession      string              `json:"StickySession"`
	AclWhiteList       []string            `json:"AclWhiteList"`
	CertificateIds     []Certificate       `json:"CertificateIds"`
	BackendServer      []BackendServer     `json:"BackendServer"`
	SessionPersistence *SessionPersistence `json:"SessionPersistence,omitempty"`
	Option             *Option             `json:"Option,omitempty"`
}

// TcpListener is one TCP listener (a `listen` section once compiled).
type TcpListener struct {
	ListenerName       string          `json:"ListenerName"`
	ListenerPort       int             `json:"ListenerPort"`
	ListenerMode       string          `json:"ListenerMode"`
	MaxConn            int             `json:"MaxConn"`
	ClientTimeout      string          `json:"ClientTimeout"`
	ClientTimeoutUnit  string          `json:"ClientTimeoutUnit"`
	ConnectTimeout     string          `json:"ConnectTimeout"`
	ConnectTimeoutUnit string          `json:"ConnectTimeoutUnit"`
	ServerTimeout      string          `json:"ServerTimeout"`
	ServerTimeoutUnit  string          `json:"ServerTimeoutUnit"`
	Scheduler          string          `json:"Scheduler"`
	AclWhiteList       []string        `json:"AclWhiteList"`
	BackendServer      []BackendServer `json:"BackendServer"`
	// EnableSourceIp "on" sends the PROXY protocol header to the servers.
	EnableSourceIp string `json:"EnableSourceIp"`
	// EnableRepeaterMode "on" accepts a PROXY protocol header from clients.
	EnableRepeaterMode string `json:"EnableRepeaterMode"`
}

// Certificate names a certificate bound to an HTTP listener.
type Certificate struct {
	CertificateId   string `json:"CertificateId"`
	CertificateName string `json:"CertificateName"`
}

// BackendServer is one server of a listener. Weight is a string, as the API
// documents it ("1" to "256").
type BackendServer struct {
	IP      string `json:"IP"`
	Port    int    `json:"Port"`
	Weight  string `json:"Weight"`
	MaxConn int    `json:"MaxConn"`
}

// SessionPersistence is cookie-based persistence of an HTTP listener.
type SessionPersistence struct {
	// Key is the cookie name.
	Key string `json:"Key"`
	// Mode is 0 (insert), 1 (insert nocache, the default) or 2 (insert
	// indirect nocache: the backend never sees the cookie).
	Mode  int    `json:"Mode"`
	Timer *Timer `json:"Timer,omitempty"`
}

// Timer bounds cookie persistence, in seconds; 0 means "not set".
type Timer struct {
	MaxIdle int `json:"MaxIdle"`
	MaxLife int `json:"MaxLife"`
}

// Option holds the advanced options of an HTTP listener.
type Option struct {
	Httpchk *Httpchk `json:"Httpchk,omitempty"`
}

// Httpchk is the HTTP health check of an HTTP listener's servers.
type Httpchk struct {
	Method string `json:"Method"`
	Uri    string `json:"Uri"`
}

// Values of the on/off switches.
const (
	On  = "on"
	Off = "off"
)

// Listener modes.
const (
	ModeHTTP = "http"
	ModeTCP  = "tcp"
)

// StatusProxy is the name of the instance's status page proxy (`listen
// status`), which every config keeps.
const StatusProxy = "status"

// BackendSuffix ends the name of the backend an HTTP listener compiles to
// (frontend NAME, backend NAME-abk).
const BackendSuffix = "-abk"

// IsReservedProxyName reports whether name is a proxy every config keeps,
// so that no listener may take it.
func IsReservedProxyName(name string) bool { return name == StatusProxy }

// StatusPort is the port of the instance's own status page (`listen status`
// binds 127.0.0.1:1081).
const StatusPort = 1081

// IsReservedPort reports whether the platform keeps port for itself (the
// table's Reserved of ListenerPort: 22, 1080, 9100 and 9101): it cannot be a
// ListenerPort (nor be bound by a custom config).
func IsReservedPort(port int) bool {
	for i := range table {
		if table[i].Pointer == PtrListenerPort {
			return slices.Contains(table[i].Reserved, port)
		}
	}
	return false
}
