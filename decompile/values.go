package decompile

import (
	"math"
	"net/netip"
	"strconv"
	"strings"
	"sync"

	"github.com/lbconf/lbconf/haproxycfg"
	"github.com/lbconf/lbconf/model"
)

// TimeoutToModel converts an HAProxy timeout value into the model's value
// and unit: `12333ms` -> "12333" "ms", `30s` -> "30" "s", `1m` and `1h` ->
// seconds, a bare number -> milliseconds (HAProxy's default unit for
// timeouts), `us` when it is a whole number of milliseconds. ok is false for
// anything else (fractions, unknown units, overflow).
func TimeoutToModel(v string) (value, unit string, ok bool) {
	digits, suffix := splitNumber(v)
	if digits == "" {
		return "", "", false
	}
	if suffix == "" {
		suffix = "ms" // HAProxy's default unit for timeouts
	}
	if u, ok := field(model.KindBoth, model.PtrTimeoutUnit).FromHAProxy(suffix); ok {
		return digits, u, true // a unit of the field table
	}
	n, err := strconv.ParseUint(digits, 10, 63)
	if err != nil {
		return "", "", false
	}
	var mul uint64
	switch suffix {
	case "us":
		if n%1000 != 0 {
			return "", "", false
		}
		return strconv.FormatUint(n/1000, 10), "ms", true
	case "m":
		mul = 60
	case "h":
		mul = 3600
	case "d":
		mul = 86400
	default:
		return "", "", false
	}
	if n > math.MaxInt64/mul {
		return "", "", false
	}
	return strconv.FormatUint(n*mul, 10), "s", true
}

// cookieSeconds converts a cookie maxidle/maxlife value into seconds (their
// default unit). ok is false for fractions of a second and unknown units.
func cookieSeconds(v string) (int, bool) {
	digits, suffix := splitNumber(v)
	if digits == "" {
		return 0, false
	}
	n, err := strconv.ParseUint(digits, 10, 31)
	if err != nil {
		return 0, false
	}
	var mul, div uint64 = 1, 1
	switch suffix {
	case "", "s":
	case "ms":
		div = 1000
	case "us":
		div = 1000000
	case "m":
		mul = 60
	case "h":
		mul = 3600
	case "d":
		mul = 86400
	default:
		return 0, false
	}
	if n%div != 0 || n/div > math.MaxInt32/mul {
		return 0, false
	}
	return int(n / div * mul), true
}

// splitNumber splits "123ms" into "123" and "ms"; digits is "" when v does
// not start with a digit.
func splitNumber(v string) (digits, suffix string) {
	i := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	return v[:i], v[i:]
}

// hostPort is an address of a bind or server line.
type hostPort struct {
	host string // as written, without brackets or an ipv4@/ipv6@ prefix
	port int    // 0 when absent
	err  string // why it cannot be used, "" when fine
}

// splitHostPort reads one address of a bind or server line
// (haproxycfg.ParseAddress): `ADDR:PORT`, `[V6]:PORT`, `*:PORT`, `:PORT`,
// `ipv4@ADDR:PORT`, `ipv6@ADDR:PORT`. An unbracketed IPv6 address without
// a port (`::1`) is all host.
func splitHostPort(s string) hostPort {
	a := haproxycfg.ParseAddress(s)
	rest := strings.TrimPrefix(s, a.Family)
	switch {
	case a.Socket, a.Family != "" && a.Family != "ipv4@" && a.Family != "ipv6@":
		return hostPort{host: rest, err: "has an address that is not an IP address and port"}
	case strings.Contains(s, ","):
		return hostPort{host: rest, err: "lists several addresses (the model has one port)"}
	case a.Err != "":
		return hostPort{host: rest, err: "has an address with " + a.Err}
	case a.BareIP():
		return hostPort{host: rest}
	case a.Port == "":
		return hostPort{host: a.Host}
	case strings.Contains(a.Port, "-"):
		return hostPort{host: a.Host, err: "has a port range (the model has one port)"}
	}
	n, _, ok := a.Ports()
	if !ok {
		return hostPort{host: a.Host, err: "has port " + strconv.Quote(a.Port) + ", not a number from 1 to 65535"}
	}
	return hostPort{host: a.Host, port: n}
}

// sameBindAddress reports whether a bind host is the address compile
// writes (want). "", "*" and 0.0.0.0 all mean every IPv4 address.
func sameBindAddress(host, want string) bool {
	norm := func(s string) string {
		if s == "" || s == "*" {
			return "0.0.0.0"
		}
		if a, err := netip.ParseAddr(s); err == nil {
			return a.String()
		}
		return s
	}
	return norm(host) == norm(want)
}

// fieldKey names an entry of the field table as model.FieldOf finds it.
type fieldKey struct {
	kind    model.Kind
	pointer string
}

// tableFields are the field table's entries as model.FieldOf returns them,
// looked up once, on first use: FieldOf scans the table and copies the entry, which was a
// measurable part of decompiling a large config. Read only.
var tableFields = sync.OnceValue(func() map[fieldKey]model.Field {
	m := map[fieldKey]model.Field{}
	for _, f := range model.Fields() {
		for _, k := range []model.Kind{model.KindHTTP, model.KindTCP, model.KindBoth} {
			if g, ok := model.FieldOf(k, f.Pointer); ok {
				m[fieldKey{k, f.Pointer}] = g
			}
		}
	}
	return m
})

// field is model.MustField through tableFields.
func field(k model.Kind, ptr string) model.Field {
	f, ok := tableFields()[fieldKey{k, ptr}]
	if !ok {
		panic("decompile: no field " + ptr + " in " + k.String()) // a programming error, caught by tests
	}
	return f
}
