package validate

import (
	"fmt"
	"strconv"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/model"
)

// Rules that are code, not field table entries: they relate several fields
// or listeners (each declared once, here, and used by its check).
const (
	RuleRequired              = "required"
	RuleTimeout               = "timeout" // also a field rule: the value and its unit
	RuleListenerNameReserved  = "listener-name-reserved"
	RuleListenerNameUnique    = "listener-name-unique"
	RulePortUnique            = "port-unique"
	RuleServerUnique          = "server-unique"
	RuleCookieKeyUnique       = "cookie-key-unique"
	RuleCookieTimer           = "cookie-timer" // also a field rule: each value's range
	RuleCookieWithSource      = "cookie-with-source"
	RuleRepeaterNeedsSourceIP = "repeater-needs-source-ip"
	RuleRepeaterWhitelist     = "repeater-whitelist"
	RuleNoBackendServers      = "no-backend-servers"
)

// Shorthands for the catalogue's bases (the severity policy of README.md).
const (
	apiRefuses     = finding.APIRefuses
	haproxyRefuses = finding.HAProxyRefuses
	misbehaves     = finding.Misbehaves
	notEnforced    = finding.NotEnforced
	likelyMistake  = finding.LikelyMistake
)

// catalogue lists every rule of listener documents, in the order
// `lbconf rules` prints them. Summaries say what is allowed; Basis and Why
// say why the rule is an error or a warning under the severity policy: an
// error is what the API would refuse, what HAProxy would refuse, or what
// would make the instance misbehave; a documented constraint the platform
// demonstrably does not enforce is a warning that names the documented rule.
var catalogue = finding.Catalogue{
	// Decoding.
	{Name: model.RuleSyntax, Severity: finding.Error, Basis: apiRefuses,
		Summary: "the file must be well-formed JSON or YAML",
		Why:     "the API cannot parse a malformed body"},
	{Name: model.RuleUnknownField, Severity: finding.Error, Basis: misbehaves,
		Summary: "a field name that is a near miss of a known one (case, or edit distance 2 or less) is a typo (did-you-mean hint)",
		Why:     "the API ignores a misspelt field, so the setting the author meant is silently left at its default"},
	{Name: model.RuleUndocumentedField, Severity: finding.Warning, Basis: notEnforced,
		Summary: "a field the API documentation does not list (and that is no near miss of one) is ignored",
		Why:     "the platform adds fields to its answers over time; refusing them would break every pipeline that pulls and re-applies"},
	{Name: model.RuleType, Severity: finding.Error, Basis: apiRefuses,
		Summary: "each value must have its documented JSON type or be a clean integer written as the other type",
		Why:     "the API cannot bind an object, a list or a fraction where a string or an integer is documented"},
	{Name: model.RuleDuplicateKey, Severity: finding.Error, Basis: misbehaves,
		Summary: "a key may appear once per object; the API would silently keep the last",
		Why:     "the first value, which the reviewer may have read, is silently dropped"},
	{Name: model.RuleDocumentedType, Severity: finding.Warning, Basis: notEnforced,
		Summary: "Weight and timeouts are strings, ports and MaxConn numbers; the other type is accepted and normalised",
		Why:     "the documented types are not enforced: official clients send either and the platform accepts both"},
	{Name: model.RuleListsAbsent, Severity: finding.Warning, Basis: notEnforced,
		Summary: "HttpListeners/TcpListeners absent (or null) means none; the documentation marks HttpListeners required",
		Why:     "the Go SDK's omitempty and the Python SDK drop empty lists, and the platform takes such bodies as having no listeners of that kind"},
	{Name: model.RuleACLEntrySpace, Severity: finding.Warning, Basis: notEnforced,
		Summary: "AclWhiteList entries are trimmed of surrounding spaces, and empty entries dropped",
		Why:     `the Terraform provider splits "a, b" on commas and sends " b" (and [""] for no whitelist); the space is not part of the address`},
	// Errors.
	{Name: RuleRequired, Severity: finding.Error, Basis: apiRefuses,
		Summary: "fields the API requires (ModifyLoadBalancerStrategys tables) must be set",
		Why:     "the API answers ArgMissing for a missing required field"},
	{Name: "listener-name", Severity: finding.Error, Basis: misbehaves,
		Summary: "ListenerName: 1-50 characters of letters, digits, _ . : and - (what HAProxy takes in a proxy name)",
		Why:     "the name becomes the proxy name in haproxy.cfg: HAProxy refuses other characters, and a space, # or newline could inject directives"},
	{Name: "listener-name-doc", Severity: finding.Warning, Basis: notEnforced,
		Summary: "the documented ListenerName pattern: lower-case letters, digits and _, starting with a letter, ending with a letter or digit",
		Why:     "the documentation's own example (http-test) and listeners the platform creates (a CCK cluster's ccp-cluster-master-api) break it"},
	{Name: RuleListenerNameReserved, Severity: finding.Error, Basis: haproxyRefuses,
		Summary: "a ListenerName may not collide with a proxy the config keeps (status) or with another HTTP listener's backend (NAME-abk)",
		Why:     "two proxies with one name make haproxy refuse the config, so the instance cannot reload"},
	{Name: RuleListenerNameUnique, Severity: finding.Error, Basis: haproxyRefuses,
		Summary: "ListenerName must be unique across HTTP and TCP listeners",
		Why:     "each name becomes a proxy name, and haproxy refuses two proxies with one name"},
	{Name: RulePortUnique, Severity: finding.Error, Basis: misbehaves,
		Summary: "two listeners cannot use one ListenerPort",
		Why:     "both proxies bind the port and the kernel spreads connections between two different configurations"},
	{Name: "listener-port", Severity: finding.Error, Basis: apiRefuses,
		Summary: "ListenerPort must be " + listenerPortField.RangeText(),
		Why:     "no other TCP port exists; the API refuses it"},
	{Name: "reserved-port", Severity: finding.Error, Basis: apiRefuses,
		Summary: "ListenerPort " + model.ReservedPortsText() + " are reserved by the platform",
		Why:     "the platform's own services (ssh, agents, exporters) hold these ports; the API refuses them"},
	{Name: "listener-mode", Severity: finding.Error, Basis: apiRefuses,
		Summary: "ListenerMode must be " + listenerModes[model.ModeHTTP].Choices(false) + " in HttpListeners and " +
			listenerModes[model.ModeTCP].Choices(false) + " in TcpListeners",
		Why: "the API refuses another mode"},
	{Name: "scheduler", Severity: finding.Error, Basis: haproxyRefuses,
		Summary: "Scheduler must be " + schedulerField.Choices(false),
		Why:     "the value becomes the balance algorithm; the API documents these four and another word may be refused by haproxy"},
	{Name: "on-off", Severity: finding.Error, Basis: apiRefuses,
		Summary: "StickySession, EnableSourceIp and EnableRepeaterMode must be " + onOffField("StickySession").Choices(false) +
			` ("" means the default ` + strconv.Quote(onOffField("EnableSourceIp").Default) + " for the TCP switches)",
		Why: "the API refuses other values"},
	{Name: RuleTimeout, Severity: finding.Error, Basis: haproxyRefuses,
		Summary: fmt.Sprintf("timeouts: a positive decimal integer string, unit %s, at most %d ms", unitField.Choices(false), maxTimeoutMS),
		Why:     "haproxy refuses larger or malformed timeouts"},
	{Name: "maxconn", Severity: finding.Error, Basis: misbehaves,
		Summary: "MaxConn: an integer >= 1 for a listener, >= 0 for a server (0 = no limit)",
		Why:     "a listener maxconn of 0 or less accepts no connection; a negative server maxconn is refused by haproxy"},
	{Name: "server-maxconn-zero", Severity: finding.Warning, Basis: notEnforced,
		Summary: "a BackendServer MaxConn of 0 means no limit: compile writes no maxconn for the server",
		Why:     "the documentation asks for a limit, but cds-k8s-tools sends 0 when it is unset and HAProxy reads 0 as no limit"},
	{Name: "acl-entry", Severity: finding.Error, Basis: haproxyRefuses,
		Summary: "AclWhiteList entries must be IPv4/IPv6 addresses or CIDR blocks",
		Why:     "anything else is refused by haproxy's src ACL, or could inject words into the acl line"},
	{Name: "server-address", Severity: finding.Error, Basis: haproxyRefuses,
		Summary: "BackendServer IP must be an IPv4/IPv6 address or an RFC 1123 host name",
		Why:     "haproxy refuses a server address it cannot parse"},
	{Name: "server-port", Severity: finding.Error, Basis: apiRefuses,
		Summary: "BackendServer Port must be " + serverPortField.RangeText(),
		Why:     "no other TCP port exists"},
	{Name: "server-weight", Severity: finding.Error, Basis: haproxyRefuses,
		Summary: fmt.Sprintf("BackendServer Weight must be an integer string %q to %q", strconv.FormatInt(weightField.Min, 10), strconv.FormatInt(weightField.Max, 10)),
		Why:     "haproxy refuses weights above 256 and the API documents 1-256"},
	{Name: RuleServerUnique, Severity: finding.Error, Basis: haproxyRefuses,
		Summary: "a listener cannot list the same IP:Port twice",
		Why:     "servers are named after IP:Port, and haproxy refuses two servers with one name in a backend"},
	{Name: "cookie-key", Severity: finding.Error, Basis: apiRefuses,
		Summary: "SessionPersistence Key: 2-15 chars, lower-case letters, digits and _, starting with a letter, ending with a letter or digit",
		Why:     "the API refuses other cookie names"},
	{Name: RuleCookieKeyUnique, Severity: finding.Error, Basis: misbehaves,
		Summary: "SessionPersistence Key must be unique across listeners",
		Why:     "two listeners on one host with one cookie name overwrite each other's cookie and break persistence"},
	{Name: "cookie-mode", Severity: finding.Error, Basis: apiRefuses,
		Summary: "SessionPersistence Mode must be " + cookieModeField.Choices(false) + " (default " + cookieModeField.Default + ")",
		Why:     "the API documents only these three modes"},
	{Name: RuleCookieTimer, Severity: finding.Error, Basis: apiRefuses,
		Summary: "MaxIdle and MaxLife: " + timerField.RangeText() + " seconds (0 = not set); when both are set MaxLife > MaxIdle",
		Why:     "the API refuses values outside 0-7200, and a life shorter than the idle time expires every cookie early"},
	{Name: "httpchk-method", Severity: finding.Error, Basis: apiRefuses,
		Summary: "Option.Httpchk Method must be " + httpchkField.Choices(false) + " (default " + httpchkField.Default + ")",
		Why:     "the API documents only these methods"},
	{Name: "httpchk-uri", Severity: finding.Error, Basis: misbehaves,
		Summary: `Option.Httpchk Uri must start with / and use visible ASCII other than # " ' \`,
		Why:     "the URI is written into the option httpchk line: a space, # or quote would cut or inject it"},
	{Name: "certificate-id", Severity: finding.Error, Basis: misbehaves,
		Summary: "CertificateId must be non-empty: letters, digits and - only",
		Why:     "it names the certificate file on the bind line; other characters could point elsewhere or inject"},
	{Name: RuleRepeaterNeedsSourceIP, Severity: finding.Error, Basis: apiRefuses,
		Summary: `EnableRepeaterMode "on" requires EnableSourceIp "on"`,
		Why:     "the API documents repeater mode as depending on source-IP passing"},
	// Warnings.
	{Name: "acl-host-bits", Severity: finding.Warning, Basis: likelyMistake,
		Summary: "a CIDR entry with host bits set (192.168.1.1/20) matches its whole network",
		Why:     "haproxy accepts it and allows the whole network, which is rarely what the author meant"},
	{Name: "server-hostname", Severity: finding.Warning, Basis: likelyMistake,
		Summary: "a host name server is resolved when HAProxy starts; an unresolvable name stops the instance",
		Why:     "valid, but the instance depends on DNS at every reload"},
	{Name: RuleNoBackendServers, Severity: finding.Warning, Basis: likelyMistake,
		Summary: "a listener without BackendServer (empty, absent or null: the SDKs drop empty lists) answers every request with an error",
		Why:     "valid (servers may be added later), but every request fails until then"},
	{Name: "stats-port", Severity: finding.Warning, Basis: likelyMistake,
		Summary: "port 1081 is the instance's status page",
		Why:     "the status page binds 127.0.0.1:1081 only, so a listener there works but shadows it"},
	{Name: "maxconn-over-global", Severity: finding.Warning, Basis: likelyMistake,
		Summary: "a listener MaxConn above the global maxconn 150000 cannot be reached",
		Why:     "valid, but the global limit applies first"},
	{Name: RuleRepeaterWhitelist, Severity: finding.Warning, Basis: likelyMistake,
		Summary: "with EnableRepeaterMode on, AclWhiteList is checked against the relay that sends the PROXY header, not the original clients",
		Why:     "valid, but the whitelist then filters relays, not clients"},
	{Name: RuleCookieWithSource, Severity: finding.Warning, Basis: likelyMistake,
		Summary: "Scheduler source already pins clients; SessionPersistence on top is redundant or conflicting",
		Why:     "valid, but the two persistence methods disagree for clients that change address"},
}

// Rules returns the catalogue of listener-document rules.
func Rules() []finding.Rule {
	return catalogue.WithInput("listeners")
}
