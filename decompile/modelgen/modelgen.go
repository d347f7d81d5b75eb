// Package modelgen generates random valid listener models for property
// tests, drawing enumerated values and ranges from model's field table:
// every error rule of package validate holds (name syntax and
// uniqueness, unique ports and cookie keys, no reserved port, weights 1-256,
// timeouts within range, cookie timers, repeater mode only with source IP,
// certificate ids, ...), so the compiler accepts every model it makes.
// Generation is deterministic for a seed.
package modelgen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"

	"github.com/lbconf/lbconf/model"
)

// Gen makes random valid listener models.
type Gen struct {
	r     *rand.Rand
	names map[string]bool
	ports map[int]bool
	keys  map[string]bool
}

// New returns a generator seeded with seed.
func New(seed uint64) *Gen {
	return &Gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Listeners returns a new valid model: up to 4 HTTP and 3 TCP listeners,
// sometimes with nil lists where the API allows them to be absent.
func (g *Gen) Listeners() *model.Listeners {
	g.names, g.ports, g.keys = map[string]bool{}, map[int]bool{}, map[string]bool{}
	l := &model.Listeners{}
	for range g.r.IntN(5) {
		l.HttpListeners = append(l.HttpListeners, g.http())
	}
	for range g.r.IntN(4) {
		l.TcpListeners = append(l.TcpListeners, g.tcp())
	}
	// Some generated models leave lists nil, as a Go caller may.
	if len(l.HttpListeners) == 0 && g.r.IntN(2) == 0 {
		l.HttpListeners = []model.HttpListener{}
	}
	return l
}

const nameFirst = "abcdefghijklmnopqrstuvwxyz"
const nameRest = "abcdefghijklmnopqrstuvwxyz0123456789_"

// ident makes ^[a-z]([a-z0-9_]*[a-z0-9])?$ of length in [min, max].
func (g *Gen) ident(minLen, maxLen int) string {
	n := minLen + g.r.IntN(maxLen-minLen+1)
	var b strings.Builder
	b.WriteByte(nameFirst[g.r.IntN(len(nameFirst))])
	for i := 1; i < n; i++ {
		set := nameRest
		if i == n-1 {
			set = nameRest[:len(nameRest)-1] // no trailing '_'
		}
		b.WriteByte(set[g.r.IntN(len(set))])
	}
	return b.String()
}

func (g *Gen) name() string {
	for {
		maxLen := 12
		if g.r.IntN(10) == 0 {
			maxLen = 50
		}
		n := g.ident(1, maxLen)
		if !g.names[n] {
			g.names[n] = true
			return n
		}
	}
}

func (g *Gen) port() int {
	for {
		p := g.between(model.KindBoth, model.PtrListenerPort, math.MaxInt32)
		if model.IsReservedPort(p) || p == model.StatusPort {
			continue
		}
		if !g.ports[p] {
			g.ports[p] = true
			return p
		}
	}
}

// timeout draws a timeout of at most ten minutes or a day, in a unit of
// the field table.
func (g *Gen) timeout() (string, string) {
	unit := g.value(model.KindBoth, model.PtrTimeoutUnit, false)
	hi := int64(600000)
	if unit != "ms" {
		hi = 86400
	}
	return strconv.Itoa(g.between(model.KindBoth, "/ClientTimeout", hi)), unit
}

func (g *Gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

// value draws one of the allowed values of an enumerated field from the
// field table; with empty, "" too when the table makes "" the default.
func (g *Gen) value(k model.Kind, ptr string, empty bool) string {
	f := model.MustField(k, ptr)
	var xs []string
	for _, v := range f.Values {
		xs = append(xs, v.Doc)
	}
	if empty && f.EmptyIsDefault {
		xs = append(xs, "")
	}
	return g.pick(xs...)
}

// between draws an integer of the field's range, capped at hi.
func (g *Gen) between(k model.Kind, ptr string, hi int64) int {
	f := model.MustField(k, ptr)
	top := min(f.Max, hi)
	return int(f.Min + g.r.Int64N(top-f.Min+1))
}

func (g *Gen) ipv4() string {
	return fmt.Sprintf("%d.%d.%d.%d", 1+g.r.IntN(223), g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254))
}

func (g *Gen) ipv6() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	b[0] = 0x20
	s := netip.AddrFrom16(b).String()
	if g.r.IntN(3) == 0 {
		s = strings.ToUpper(s) // upper-case hex is valid too
	}
	return s
}

func (g *Gen) acl() []string {
	n := g.r.IntN(4)
	if g.r.IntN(8) == 0 {
		n = 20 + g.r.IntN(30) // more than one acl line
	}
	var out []string
	for range n {
		switch g.r.IntN(4) {
		case 0:
			out = append(out, g.ipv4())
		case 1:
			a := netip.MustParseAddr(g.ipv4())
			bits := 8 + g.r.IntN(25)
			out = append(out, netip.PrefixFrom(a, bits).Masked().String())
		case 2:
			out = append(out, g.ipv6())
		default:
			a := netip.MustParseAddr(g.ipv6())
			out = append(out, netip.PrefixFrom(a, 16+g.r.IntN(100)).Masked().String())
		}
	}
	if out == nil && g.r.IntN(2) == 0 {
		return []string{}
	}
	return out
}

func (g *Gen) servers() []model.BackendServer {
	n := g.r.IntN(5)
	seen := map[string]bool{}
	out := []model.BackendServer{} // nil is "missing", refused
	for len(out) < n {
		var ip string
		switch g.r.IntN(5) {
		case 0:
			ip = g.ipv6()
		case 1:
			ip = strings.ReplaceAll(g.ident(1, 8), "_", "-") + ".example.com"
		default:
			ip = g.ipv4()
		}
		s := model.BackendServer{IP: ip, Port: g.between(model.KindBoth, "/BackendServer/*/Port", math.MaxInt32),
			Weight:  strconv.Itoa(g.between(model.KindBoth, "/BackendServer/*/Weight", math.MaxInt32)),
			MaxConn: 1 + g.r.IntN(100000)}
		k := strings.ToLower(ip) + ":" + strconv.Itoa(s.Port)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	return out
}

// The cookie timer fields.
const (
	timerIdle = "/SessionPersistence/Timer/MaxIdle"
	timerLife = "/SessionPersistence/Timer/MaxLife"
)

func (g *Gen) http() model.HttpListener {
	h := model.HttpListener{
		ListenerName:  g.name(),
		ListenerPort:  g.port(),
		ListenerMode:  model.ModeHTTP,
		MaxConn:       1 + g.r.IntN(150000),
		Scheduler:     g.value(model.KindHTTP, model.PtrScheduler, false),
		StickySession: g.value(model.KindHTTP, model.PtrStickySession, false),
		AclWhiteList:  g.acl(),
		BackendServer: g.servers(),
	}
	h.ClientTimeout, h.ClientTimeoutUnit = g.timeout()
	h.ConnectTimeout, h.ConnectTimeoutUnit = g.timeout()
	h.ServerTimeout, h.ServerTimeoutUnit = g.timeout()
	for range g.r.IntN(3) {
		id := strings.ReplaceAll(g.ident(1, 6), "_", "X") + "-" + strconv.Itoa(g.r.IntN(1000))
		h.CertificateIds = append(h.CertificateIds, model.Certificate{CertificateId: id, CertificateName: "cert " + id})
	}
	if g.r.IntN(2) == 0 {
		var key string
		for key == "" || g.keys[key] {
			key = g.ident(2, 15)
		}
		g.keys[key] = true
		mode, _ := strconv.Atoi(g.value(model.KindHTTP, model.PtrCookieMode, false))
		sp := &model.SessionPersistence{Key: key, Mode: mode}
		switch g.r.IntN(4) {
		case 0:
		case 1:
			sp.Timer = &model.Timer{}
		case 2:
			sp.Timer = &model.Timer{MaxIdle: g.between(model.KindHTTP, timerIdle, math.MaxInt32)}
		default:
			idle := g.between(model.KindHTTP, timerIdle, math.MaxInt32)
			top := int(model.MustField(model.KindHTTP, timerLife).Max)
			if idle >= top {
				idle = top - 1
			}
			sp.Timer = &model.Timer{MaxIdle: idle, MaxLife: idle + 1 + g.r.IntN(top-idle)}
		}
		h.SessionPersistence = sp
	}
	switch g.r.IntN(3) {
	case 0:
	case 1:
		h.Option = &model.Option{}
	default:
		uri := "/" + g.ident(1, 10)
		if g.r.IntN(3) == 0 {
			uri += "?a=1&b=%20"
		}
		h.Option = &model.Option{Httpchk: &model.Httpchk{Method: g.value(model.KindHTTP, model.PtrHttpchkMethod, false), Uri: uri}}
	}
	return h
}

func (g *Gen) tcp() model.TcpListener {
	t := model.TcpListener{
		ListenerName:  g.name(),
		ListenerPort:  g.port(),
		ListenerMode:  model.ModeTCP,
		MaxConn:       1 + g.r.IntN(150000),
		Scheduler:     g.value(model.KindTCP, model.PtrScheduler, false),
		AclWhiteList:  g.acl(),
		BackendServer: g.servers(),
	}
	t.ClientTimeout, t.ClientTimeoutUnit = g.timeout()
	t.ConnectTimeout, t.ConnectTimeoutUnit = g.timeout()
	t.ServerTimeout, t.ServerTimeoutUnit = g.timeout()
	// Repeater mode only with source IP (rule repeater-needs-source-ip).
	t.EnableSourceIp = g.value(model.KindTCP, model.PtrEnableSourceIp, true)
	t.EnableRepeaterMode = g.value(model.KindTCP, model.PtrEnableRepeaterMode, true)
	if t.EnableRepeaterMode == model.On && t.EnableSourceIp != model.On {
		t.EnableRepeaterMode = model.Off
	}
	return t
}
