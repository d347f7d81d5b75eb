package model

import (
	"bytes"
	"encoding/json"
	"reflect"
)

// Normalize fills in the API's defaults so that two models that mean the
// same listeners compare equal: empty lists instead of nil, the table's
// defaults for empty fields ("off" for unset TCP switches, GET for an empty
// Httpchk Method), no Timer when both of its values are 0 ("not set"), and no
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
		emptyDefaults(KindHTTP, reflect.ValueOf(h).Elem(), false)
	}
	for i := range l.TcpListeners {
		t := &l.TcpListeners[i]
		t.AclWhiteList = nonNil(t.AclWhiteList)
		t.BackendServer = nonNil(t.BackendServer)
		emptyDefaults(KindTCP, reflect.ValueOf(t).Elem(), false)
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

// Clone returns a deep copy of l: no slice or pointer is shared, and nil
// stays nil.
func (l *Listeners) Clone() Listeners {
	return Listeners{
		HttpListeners: cloneEach(l.HttpListeners, func(h HttpListener) HttpListener {
			h.AclWhiteList = cloneEach(h.AclWhiteList, nil)
			h.CertificateIds = cloneEach(h.CertificateIds, nil)
			h.BackendServer = cloneEach(h.BackendServer, nil)
			if sp := h.SessionPersistence; sp != nil {
				c := *sp
				if sp.Timer != nil {
					t := *sp.Timer
					c.Timer = &t
				}
				h.SessionPersistence = &c
			}
			if o := h.Option; o != nil {
				c := *o
				if o.Httpchk != nil {
					hc := *o.Httpchk
					c.Httpchk = &hc
				}
				h.Option = &c
			}
			return h
		}),
		TcpListeners: cloneEach(l.TcpListeners, func(t TcpListener) TcpListener {
			t.AclWhiteList = cloneEach(t.AclWhiteList, nil)
			t.BackendServer = cloneEach(t.BackendServer, nil)
			return t
		}),
	}
}

// cloneEach copies s element by element, through deep when it is not nil.
func cloneEach[T any](s []T, deep func(T) T) []T {
	if s == nil {
		return nil
	}
	out := make([]T, len(s))
	for i, v := range s {
		if deep != nil {
			v = deep(v)
		}
		out[i] = v
	}
	return out
}
