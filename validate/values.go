package validate

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/lbconf/lbconf/model"
)

// Value predicates shared by the field rules. Each accepts only text that is
// safe to place in haproxy.cfg as one word.

var (
	// listenerNameRe is what HAProxy takes in a proxy name (field table:
	// Syntax).
	listenerNameRe = regexp.MustCompile(model.MustField(model.KindBoth, model.PtrListenerName).Syntax)
	// listenerNameDocRe is the documented pattern (field table), which the
	// platform does not enforce (a warning).
	listenerNameDocRe = regexp.MustCompile(model.MustField(model.KindBoth, model.PtrListenerName).Pattern)
	cookieKeyField    = model.MustField(model.KindHTTP, "/SessionPersistence/Key")
	cookieKeyRe       = regexp.MustCompile(cookieKeyField.Pattern)
	certificateRe     = regexp.MustCompile(model.MustField(model.KindHTTP, "/CertificateIds/*/CertificateId").Pattern)
	healthURIRe       = regexp.MustCompile(model.MustField(model.KindHTTP, "/Option/Httpchk/Uri").Pattern)
)

// GlobalMaxConn is the documented config's global maxconn.
const globalMaxConn = 150000

// maxTimeoutMS is HAProxy's largest timeout: the field table's Max of the
// timeouts, which is in milliseconds.
var maxTimeoutMS = model.MustField(model.KindBoth, "/ClientTimeout").Max

func isListenerName(s string) bool { return len(s) <= 50 && listenerNameRe.MatchString(s) }

func isDocumentedListenerName(s string) bool { return listenerNameDocRe.MatchString(s) }

func isCookieKey(s string) bool { return len(s) <= cookieKeyField.MaxLen && cookieKeyRe.MatchString(s) }

func isCertificateID(s string) bool { return certificateRe.MatchString(s) }

// parseIP accepts an IPv4 or IPv6 address without a zone.
func parseIP(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	return a, err == nil && a.Zone() == ""
}

// parseACL accepts an address or a CIDR block.
func parseACL(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p, err == nil && p.Addr().Zone() == ""
	}
	a, ok := parseIP(s)
	if !ok {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// isHostname accepts an RFC 1123 host name whose last label is not all
// digits (so that a malformed IPv4 address is not taken for a name).
func isHostname(s string) bool {
	if len(s) == 0 || len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	last := labels[len(labels)-1]
	return strings.Trim(last, "0123456789") != ""
}

// isPositiveInt reports whether s is a decimal integer above 0 without
// sign, spaces or leading zeros (^[1-9][0-9]*$).
func isPositiveInt(s string) bool {
	if s == "" || s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// timeoutMS converts a timeout and its unit to milliseconds; ok is false
// when the value is not a positive decimal integer or the unit is unknown.
func timeoutMS(value, unit string) (int64, bool) {
	if !isPositiveInt(value) || len(value) > 12 {
		return 0, false
	}
	n, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		return 0, false
	}
	switch unit {
	case "ms":
		return n, true
	case "s":
		return n * 1000, true
	}
	return 0, false
}

// weight parses a Weight string.
func weight(s string) (int, bool) {
	if !isPositiveInt(s) || len(s) > len(strconv.FormatInt(weightField.Max, 10)) {
		return 0, false
	}
	n, _ := strconv.Atoi(s)
	return n, inRange(weightField, int64(n))
}

// isHealthURI accepts an absolute path of visible ASCII that HAProxy reads
// as one word: no '#', quotes or backslashes (the field table's Pattern).
func isHealthURI(s string) bool { return healthURIRe.MatchString(s) }
