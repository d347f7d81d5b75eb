package cdsapi

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"sort"
	"strings"
)

// Values of the common request parameters.
const (
	// SignatureMethod is the value of the SignatureMethod parameter.
	SignatureMethod = "HMAC-SHA1"
	// SignatureVersion is the value of the SignatureVersion parameter.
	SignatureVersion = "1.0"
	// APIVersion is the value of the Version parameter.
	APIVersion = "2019-08-08"
	// TimestampFormat is the layout of the Timestamp parameter (always UTC).
	TimestampFormat = "2006-01-02T15:04:05Z"
)

// PercentEncode encodes s as RFC 3986 requires for the signature: the bytes
// A-Z, a-z, 0-9, '-', '_', '.' and '~' are kept, every other byte of the
// UTF-8 encoding becomes %XX with uppercase hex digits (a space is %20, never
// '+').
func PercentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0x0f])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// CanonicalQuery returns the canonical query string of params: the
// parameters sorted by name, each name and value encoded with
// [PercentEncode], joined as name=value pairs with '&'. A parameter with
// several values gives one pair per value, in the order given. The
// Signature parameter, if present, is left out, so a server can pass the
// whole query it received.
func CanonicalQuery(params url.Values) string {
	names := make([]string, 0, len(params))
	for name := range params {
		if name != "Signature" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		for _, value := range params[name] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(PercentEncode(name))
			b.WriteByte('=')
			b.WriteString(PercentEncode(value))
		}
	}
	return b.String()
}

// StringToSign returns the string that is signed for a request:
// METHOD + "&%2F&" + PercentEncode(CanonicalQuery(params)).
func StringToSign(method string, params url.Values) string {
	return strings.ToUpper(method) + "&" + PercentEncode("/") + "&" + PercentEncode(CanonicalQuery(params))
}

// Sign returns the Signature parameter of a request: the base64 encoding of
// HMAC-SHA1(secret, StringToSign(method, params)). The key is the bare
// secret, without the "&" that some other clouds append.
//
// params must hold every query parameter of the request, common ones
// included; a Signature parameter in it is ignored. The JSON body of a POST
// is not signed.
func Sign(method string, params url.Values, secret string) string {
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(StringToSign(method, params)))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
