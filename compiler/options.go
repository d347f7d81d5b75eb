package compiler

import (
	"errors"
	"fmt"
	"net/netip"
	"path"
	"strings"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg/version"
)

// Defaults of Options.
const (
	DefaultBindAddress = "0.0.0.0"
	DefaultCertDir     = "/etc/haproxy/certs"
	// DefaultBaseName names the base config in findings when
	// Options.BaseName is empty.
	DefaultBaseName = "base"
)

// Options tune Compile. The zero value compiles for the default target (2.4) with the
// documented prelude, binding DefaultBindAddress, with certificates under
// DefaultCertDir and no stats password.
type Options struct {
	// Target is the HAProxy version to write for (see
	// version.ParseTarget); "" means version.DefaultTarget.
	Target string
	// Base, when non-nil, is a haproxy.cfg whose sections other than
	// frontend, backend and listen (plus its "listen status") are kept
	// verbatim, in their order, in place of the documented prelude; all its
	// other proxies are replaced by the compiled listeners.
	Base []byte
	// BaseName names Base in findings (its path); "" means DefaultBaseName.
	BaseName string
	// StatsAuth, "user:password", writes "stats auth user:password" in
	// listen status. Without it the documented prelude has no stats auth
	// line; a base's listen status is kept as it is. It is never echoed in
	// errors.
	StatsAuth string
	// BindAddress is the IPv4 or IPv6 address every listener binds; ""
	// means DefaultBindAddress.
	BindAddress string
	// CertDir is the absolute directory of the <CertificateId>.pem files;
	// "" means DefaultCertDir.
	CertDir string
	// Validated, when non-nil, stands for Compile's own validation
	// (validate.Listeners): the findings of validating these same listeners
	// elsewhere, e.g. validate.Document's, which carry file positions.
	// Compile refuses when any is an error and passes the warnings on.
	// Compile's own value checks run either way.
	Validated []finding.Finding
	// Warnings, when non-nil, is called with every warning about the input
	// (from validation and from the base), whether or not Compile succeeds.
	Warnings func(finding.Finding)
}

// OptionError reports an unusable option (a usage error, not a finding).
type OptionError struct {
	// Option is the option's name as the CLI spells it ("target",
	// "stats-auth", "bind-address", "cert-dir", "base").
	Option string
	Err    error
}

func (e *OptionError) Error() string { return "invalid " + e.Option + ": " + e.Err.Error() }
func (e *OptionError) Unwrap() error { return e.Err }

// settings are Options checked and with defaults applied.
type settings struct {
	target    version.Version
	bindAddr  netip.Addr
	bindHost  string // bindAddr as bind lines write it: IPv6 in brackets
	certDir   string
	statsAuth string
	baseName  string
}

// LatestTarget is the newest HAProxy version compile writes for: the
// documented layout passes that version's real `haproxy -c` in the tests,
// while the manual of 3.1 and later drops two of its options.
func LatestTarget() version.Version { return version.Version{Major: 3, Minor: 0} }

func (o *Options) settings() (settings, error) {
	var s settings
	t := o.Target
	if t == "" {
		t = version.DefaultTarget
	}
	var err error
	if s.target, err = version.ParseTarget(t); err != nil {
		return s, &OptionError{Option: "target", Err: err}
	}
	if latest := LatestTarget(); latest.Less(s.target) {
		return s, &OptionError{Option: "target", Err: fmt.Errorf(
			"the documented layout is checked up to HAProxy %s: from 3.1 on, HAProxy's manual no longer lists its "+
				"`option accept-invalid-http-request` and `option accept-invalid-http-response`; use --target %s or earlier",
			latest, latest)}
	}
	ba := o.BindAddress
	if ba == "" {
		ba = DefaultBindAddress
	}
	if s.bindAddr, err = ParseBindAddress(ba); err != nil {
		return s, &OptionError{Option: "bind-address", Err: err}
	}
	s.bindHost = hostOf(s.bindAddr)
	cd := o.CertDir
	if cd == "" {
		cd = DefaultCertDir
	}
	if s.certDir, err = ParseCertDir(cd); err != nil {
		return s, &OptionError{Option: "cert-dir", Err: err}
	}
	if o.StatsAuth != "" {
		if err := CheckStatsAuth(o.StatsAuth); err != nil {
			return s, &OptionError{Option: "stats-auth", Err: err}
		}
		s.statsAuth = o.StatsAuth
	}
	s.baseName = o.BaseName
	if s.baseName == "" {
		s.baseName = DefaultBaseName
	}
	return s, nil
}

// ParseBindAddress parses an IPv4 or IPv6 address (without brackets, port or
// zone) for bind lines.
func ParseBindAddress(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, fmt.Errorf("%q is not an IP address: give an IPv4 or IPv6 address without port or brackets, e.g. 0.0.0.0 (all IPv4), 127.0.0.1 or :: (all IPv6)", s)
	}
	return a, nil
}

// ParseCertDir checks a certificate directory: an absolute path of printable
// ASCII without spaces, '#', quotes, backslashes or '$'. A trailing slash is
// dropped.
func ParseCertDir(s string) (string, error) {
	if !strings.HasPrefix(s, "/") {
		return "", fmt.Errorf("%q is not an absolute path: give a directory such as %s", s, DefaultCertDir)
	}
	for i := 0; i < len(s); i++ {
		if !pathByte(s[i]) {
			return "", fmt.Errorf("%q holds %s: the path may hold printable ASCII except spaces, '#', quotes, '\\' and '$'", s, describeByte(s[i]))
		}
	}
	return path.Clean(s), nil
}

// CheckStatsAuth checks "user:password" for the stats auth line: a non-empty
// user without ':', a non-empty password, printable ASCII without spaces,
// '#', quotes or backslashes. Errors never quote the value.
func CheckStatsAuth(s string) error {
	user, pass, ok := strings.Cut(s, ":")
	if !ok {
		return errors.New("want user:password (no ':' found)")
	}
	if user == "" {
		return errors.New("want user:password with a non-empty user")
	}
	if pass == "" {
		return errors.New("want user:password with a non-empty password")
	}
	for i := 0; i < len(s); i++ {
		if !wordByte(s[i]) {
			return fmt.Errorf("user:password holds %s at offset %d: allowed are printable ASCII characters except spaces, '#', quotes and '\\'", describeByte(s[i]), i)
		}
	}
	return nil
}

// wordByte reports whether c may appear in a HAProxy config word that we
// write unquoted: printable ASCII except space, '#' and the characters
// HAProxy's tokenizer treats specially (quotes, backslash).
func wordByte(c byte) bool {
	return c > ' ' && c < 0x7f && c != '#' && c != '"' && c != '\'' && c != '\\'
}

// pathByte is wordByte without '$' (no environment variables in paths).
func pathByte(c byte) bool { return wordByte(c) && c != '$' }

// describeByte names a byte for messages without echoing surrounding input.
func describeByte(c byte) string {
	switch {
	case c == ' ':
		return "a space"
	case c == '\t':
		return "a tab"
	case c == '\n':
		return "a newline"
	case c == '\r':
		return "a carriage return"
	case c < 0x20 || c == 0x7f:
		return fmt.Sprintf("control character %#02x", c)
	case c >= 0x80:
		return "a non-ASCII character"
	default:
		return fmt.Sprintf("%q", rune(c))
	}
}
