package validate

import (
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/model"
)

// catalogue lists every rule of listener documents, in the order
// `lbconf rules` prints them. Summaries say what is allowed.
var catalogue = finding.Catalogue{
	// Decoding.
	{Name: model.RuleSyntax, Severity: finding.Error, Summary: "the file must be well-formed JSON or YAML"},
	{Name: model.RuleUnknownField, Severity: finding.Error, Summary: "only the API's field names are allowed (did-you-mean hints for typos)"},
	{Name: model.RuleType, Severity: finding.Error, Summary: "each value must have its documented JSON type or be a clean integer written as the other type"},
	{Name: model.RuleDuplicateKey, Severity: finding.Error, Summary: "a key may appear once per object; the API would silently keep the last"},
	{Name: model.RuleDocumentedType, Severity: finding.Warning, Summary: "Weight and timeouts are strings, ports and MaxConn numbers; the other type is accepted and normalised"},
	// Errors.
	{Name: "required", Severity: finding.Error, Summary: "fields the API requires (ModifyLoadBalancerStrategys tables) must be set"},
	{Name: "listener-name", Severity: finding.Error, Summary: "ListenerName: 1-50 chars, lower-case letters, digits and _, starting with a letter, ending with a letter or digit"},
	{Name: "listener-name-unique", Severity: finding.Error, Summary: "ListenerName must be unique across HTTP and TCP listeners"},
	{Name: "port-unique", Severity: finding.Error, Summary: "two listeners cannot use one ListenerPort"},
	{Name: "listener-port", Severity: finding.Error, Summary: "ListenerPort must be 1-65535"},
	{Name: "reserved-port", Severity: finding.Error, Summary: "ListenerPort 22, 1080, 9100 and 9101 are reserved by the platform"},
	{Name: "listener-mode", Severity: finding.Error, Summary: `ListenerMode must be "http" in HttpListeners and "tcp" in TcpListeners`},
	{Name: "scheduler", Severity: finding.Error, Summary: "Scheduler must be roundrobin, leastconn, static-rr or source"},
	{Name: "on-off", Severity: finding.Error, Summary: `StickySession, EnableSourceIp and EnableRepeaterMode must be "on" or "off"`},
	{Name: "timeout", Severity: finding.Error, Summary: "timeouts: a positive decimal integer string, unit ms or s, at most 2147483647 ms"},
	{Name: "maxconn", Severity: finding.Error, Summary: "MaxConn (listener and server) must be an integer >= 1"},
	{Name: "acl-entry", Severity: finding.Error, Summary: "AclWhiteList entries must be IPv4/IPv6 addresses or CIDR blocks"},
	{Name: "server-address", Severity: finding.Error, Summary: "BackendServer IP must be an IPv4/IPv6 address or an RFC 1123 host name"},
	{Name: "server-port", Severity: finding.Error, Summary: "BackendServer Port must be 1-65535"},
	{Name: "server-weight", Severity: finding.Error, Summary: `BackendServer Weight must be an integer string "1" to "256"`},
	{Name: "server-unique", Severity: finding.Error, Summary: "a listener cannot list the same IP:Port twice"},
	{Name: "cookie-key", Severity: finding.Error, Summary: "SessionPersistence Key: 2-15 chars, lower-case letters, digits and _, starting with a letter, ending with a letter or digit"},
	{Name: "cookie-key-unique", Severity: finding.Error, Summary: "SessionPersistence Key must be unique across listeners"},
	{Name: "cookie-mode", Severity: finding.Error, Summary: "SessionPersistence Mode must be 0, 1 or 2 (default 1)"},
	{Name: "cookie-timer", Severity: finding.Error, Summary: "MaxIdle and MaxLife: 0-7200 seconds (0 = not set); when both are set MaxLife > MaxIdle"},
	{Name: "httpchk-method", Severity: finding.Error, Summary: "Option.Httpchk Method must be GET, HEAD or OPTIONS"},
	{Name: "httpchk-uri", Severity: finding.Error, Summary: `Option.Httpchk Uri must start with / and use visible ASCII other than # " ' \`},
	{Name: "certificate-id", Severity: finding.Error, Summary: "CertificateId must be non-empty: letters, digits and - only"},
	{Name: "repeater-needs-source-ip", Severity: finding.Error, Summary: `EnableRepeaterMode "on" requires EnableSourceIp "on"`},
	// Warnings.
	{Name: "acl-host-bits", Severity: finding.Warning, Summary: "a CIDR entry with host bits set (192.168.1.1/20) matches its whole network"},
	{Name: "server-hostname", Severity: finding.Warning, Summary: "a host name server is resolved when HAProxy starts; an unresolvable name stops the instance"},
	{Name: "no-backend-servers", Severity: finding.Warning, Summary: "a listener without BackendServer answers every request with an error"},
	{Name: "stats-port", Severity: finding.Warning, Summary: "port 1081 is the instance's status page"},
	{Name: "maxconn-over-global", Severity: finding.Warning, Summary: "a listener MaxConn above the global maxconn 150000 cannot be reached"},
	{Name: "repeater-whitelist", Severity: finding.Warning, Summary: "with EnableRepeaterMode on, AclWhiteList is checked against the relay that sends the PROXY header, not the original clients"},
	{Name: "cookie-with-source", Severity: finding.Warning, Summary: "Scheduler source already pins clients; SessionPersistence on top is redundant or conflicting"},
}

// Rules returns the catalogue of listener-document rules.
func Rules() []finding.Rule {
	return catalogue.WithInput("listeners")
}
