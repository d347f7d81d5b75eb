package decompile

import (
	"strconv"

	"github.com/lbconf/lbconf/model"
)

// Normalize returns a normalised deep copy of l: the listeners Decompile
// gives back for a config compiled from l, so that two models compare equal
// exactly when they compile to the same listeners. It is the one place that
// defines that normal form:
//   - model's own Normalize: empty lists instead of nil, the field table's
//     defaults for empty fields (EnableSourceIp and EnableRepeaterMode "" ->
//     "off", Httpchk Method "" -> "GET", which compile writes), no Timer
//     whose values are both 0, no Option without Httpchk;
//   - StickySession "" -> "off"; ListenerMode "" -> "http" or "tcp";
//   - CertificateName -> "" (a config does not carry it; Decompile leaves
//     it empty);
//   - Weight and the timeouts as canonical decimals ("010" -> "10"), as
//     compile writes them;
//   - a TCP listener without servers has EnableSourceIp equal to
//     EnableRepeaterMode: the config carries the switch only as
//     `send-proxy` on servers, and a valid model with `accept-proxy` has
//     it on.
//
// Cookie Mode is kept as it is: the API's default (1) is applied when a
// document is decoded, not here.
func Normalize(l *model.Listeners) *model.Listeners {
	c := &model.Listeners{}
	if l != nil {
		*c = l.Clone()
	}
	c.Normalize()
	for i := range c.HttpListeners {
		h := &c.HttpListeners[i]
		if h.ListenerMode == "" {
			h.ListenerMode = model.ModeHTTP
		}
		if h.StickySession == "" {
			h.StickySession = model.Off
		}
		for j := range h.CertificateIds {
			h.CertificateIds[j].CertificateName = ""
		}
		canonical(&h.ClientTimeout, &h.ConnectTimeout, &h.ServerTimeout)
		for j := range h.BackendServer {
			canonical(&h.BackendServer[j].Weight)
		}
	}
	for i := range c.TcpListeners {
		t := &c.TcpListeners[i]
		if t.ListenerMode == "" {
			t.ListenerMode = model.ModeTCP
		}
		if len(t.BackendServer) == 0 {
			t.EnableSourceIp = t.EnableRepeaterMode
		}
		canonical(&t.ClientTimeout, &t.ConnectTimeout, &t.ServerTimeout)
		for j := range t.BackendServer {
			canonical(&t.BackendServer[j].Weight)
		}
	}
	return c
}

// canonical rewrites decimal strings without leading zeros; other strings
// are left alone.
func canonical(ps ...*string) {
	for _, p := range ps {
		if n, err := strconv.ParseUint(*p, 10, 63); err == nil {
			*p = strconv.FormatUint(n, 10)
		}
	}
}
