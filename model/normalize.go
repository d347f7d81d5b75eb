package model

import (
	"bytes"
	"encoding/json"
)

// Normalize fills in the API's defaults so that two models that mean the
// same listeners compare equal: empty lists instead of nil, "off" for unset
// TCP switches, no Timer when both of its values are 0 ("not set"), and no
// Option without a health check. CertificateName, which never reaches a
// config, is kept as it is.
func (l *Listeners) Normalize() {
	if l.HttpListeners == nil {
		l.HttpListeners = []HttpListener{}
	}
	if l.TcpListeners == nil {
		l.TcpListeners = []TcpListener{}
	}
	for i := range l.HttpListeners {
		h := &l.HttpListeners[i]
		h.AclWhiteList = nonNil(h.AclWhiteList)
		h.CertificateIds = nonNil(h.CertificateIds)
		h.BackendServer = nonNil(h.BackendServer)
		if sp := h.SessionPersistence; sp != nil && sp.Timer != nil && *sp.Timer == (Timer{}) {
			sp.Timer = nil
		}
		if h.Option != nil && h.Option.Httpchk == nil {
			h.Option = nil
		}
	}
	for i := range l.TcpListeners {
		t := &l.TcpListeners[i]
		t.AclWhiteList = nonNil(t.AclWhiteList)
		t.BackendServer = nonNil(t.BackendServer)
		if t.EnableSourceIp == "" {
			t.EnableSourceIp = Off
		}
		if t.EnableRepeaterMode == "" {
			t.EnableRepeaterMode = Off
		}
	}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// MarshalIndent encodes listeners as the bare listeners document
// ({"HttpListeners": [...], "TcpListeners": [...]}) with two-space
// indentation and a final newline. Both lists are always present.
func MarshalIndent(l *Listeners) []byte {
	c := *l
	if c.HttpListeners == nil {
		c.HttpListeners = []HttpListener{}
	}
	if c.TcpListeners == nil {
		c.TcpListeners = []TcpListener{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(c) // the model holds only strings, ints, slices and structs
	return buf.Bytes()
}
