package haproxycfg

import (
	"net/netip"
	"strconv"
	"strings"
)

// socketFamilies are the address prefixes that name something other than
// an IP address and port (HAProxy's unix@, abns@, fd@, ...).
var socketFamilies = map[string]bool{
	"unix@": true, "abns@": true, "abnsz@": true, "fd@": true, "sockpair@": true,
	"uxst@": true, "uxdg@": true, "rhttp@": true,
}

// Address is one address of a bind line's address list or of a server
// line, read as HAProxy reads it (str2sa_range): an optional family prefix
// (`ipv4@`, `unix@`, ...), then a UNIX socket path, or a host and a port
// separated by the last ':' (IPv6 hosts in brackets: `[::1]:80`).
type Address struct {
	// Text is the address as written.
	Text string
	// Family is the prefix up to and including '@' ("ipv4@", "unix@"), or
	// "" when there is none.
	Family string
	// Socket is set for a path (`/run/x.sock`) or a family that is not an
	// IP one (unix@, abns@, fd@, sockpair@, ...): Host and Port are empty.
	Socket bool
	// Host is the host without brackets: "" and "*" mean every address.
	Host string
	// HasPort is set when a ':' separates a port; Port is the text after
	// it (a number, a range LOW-HIGH, or anything written there).
	HasPort bool
	Port    string
	// Err says why the address cannot be read ("" when it can).
	Err string
}

// ParseAddress reads one address (one entry of a comma-separated bind
// list). An unbracketed IPv6 address keeps HAProxy's reading: its last
// group is the port (`::1` is port 1 of `::`); BareIP tells such text.
func ParseAddress(s string) Address {
	a := Address{Text: s}
	if i := strings.Index(s, "@"); i >= 0 && !strings.HasPrefix(s, "/") {
		a.Family, s = s[:i+1], s[i+1:]
		if socketFamilies[a.Family] {
			a.Socket = true
			return a
		}
	}
	if strings.HasPrefix(s, "/") {
		a.Socket = true
		return a
	}
	if strings.HasPrefix(s, "[") {
		end := strings.Index(s, "]")
		if end < 0 {
			a.Host, a.Err = s, "an unclosed '['"
			return a
		}
		a.Host = s[1:end]
		rest := s[end+1:]
		switch {
		case rest == "":
		case rest[0] == ':':
			a.HasPort, a.Port = true, rest[1:]
		default:
			a.Err = "no ':' between ']' and the port"
		}
		return a
	}
	if i := strings.LastIndex(s, ":"); i >= 0 {
		a.Host, a.HasPort, a.Port = s[:i], true, s[i+1:]
		return a
	}
	a.Host = s
	return a
}

// SplitAddresses reads a bind line's comma-separated address list.
func SplitAddresses(s string) []Address {
	parts := strings.Split(s, ",")
	out := make([]Address, len(parts))
	for i, p := range parts {
		out[i] = ParseAddress(p)
	}
	return out
}

// BareIP reports whether the address after its family prefix is an IP
// address as a whole (`::1`, `2001:db8::1`): HAProxy reads the last group
// of such an IPv6 address as the port; the listener model and the checks
// of host names read it as a host without a port.
func (a Address) BareIP() bool {
	if a.Socket || !a.HasPort || strings.Contains(a.Host, "]") {
		return false
	}
	_, err := netip.ParseAddr(strings.TrimPrefix(a.Text, a.Family))
	return err == nil && !strings.HasPrefix(a.Text[len(a.Family):], "[")
}

// Ports reads Port as a port (1-65535) or a range LOW-HIGH of ports.
func (a Address) Ports() (lo, hi int, ok bool) {
	l, h, isRange := strings.Cut(a.Port, "-")
	lo, ok = port(l)
	if !ok {
		return 0, 0, false
	}
	if !isRange {
		return lo, lo, true
	}
	hi, ok = port(h)
	if !ok || hi < lo {
		return 0, 0, false
	}
	return lo, hi, true
}

// port reads one port number: decimal digits, 1 to 65535.
func port(s string) (int, bool) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 1 && n <= 65535
}
