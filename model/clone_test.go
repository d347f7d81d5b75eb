package model_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/lbconf/lbconf/decompile/modelgen"
	"github.com/lbconf/lbconf/model"
)

func TestClone(t *testing.T) {
	for seed := uint64(1); seed <= 50; seed++ {
		l := modelgen.New(seed).Listeners()
		c := l.Clone()
		if !reflect.DeepEqual(*l, c) {
			t.Fatalf("seed %d: clone differs", seed)
		}
		before, _ := json.Marshal(l)
		scribble(&c)
		if after, _ := json.Marshal(l); string(after) != string(before) {
			t.Fatalf("seed %d: changing the clone changed the original", seed)
		}
	}
	var empty model.Listeners
	if c := empty.Clone(); c.HttpListeners != nil || c.TcpListeners != nil {
		t.Error("nil lists became non-nil")
	}
}

// scribble changes every value reachable through a slice or pointer.
func scribble(l *model.Listeners) {
	for i := range l.HttpListeners {
		h := &l.HttpListeners[i]
		for j := range h.AclWhiteList {
			h.AclWhiteList[j] = "x"
		}
		for j := range h.CertificateIds {
			h.CertificateIds[j].CertificateId = "x"
		}
		for j := range h.BackendServer {
			h.BackendServer[j].IP = "x"
		}
		if h.SessionPersistence != nil {
			h.SessionPersistence.Key = "x"
			if h.SessionPersistence.Timer != nil {
				h.SessionPersistence.Timer.MaxIdle = -1
			}
		}
		if h.Option != nil && h.Option.Httpchk != nil {
			h.Option.Httpchk.Uri = "x"
		}
	}
	for i := range l.TcpListeners {
		tl := &l.TcpListeners[i]
		for j := range tl.AclWhiteList {
			tl.AclWhiteList[j] = "x"
		}
		for j := range tl.BackendServer {
			tl.BackendServer[j].IP = "x"
		}
	}
}
