package model

import (
	"encoding/json"
	"strconv"
	"strings"
)

// The API's defaults, decided here and nowhere else. Every decoder applies
// them: Decode (through the binder's presets and ApplyDefaults),
// encoding/json (through the UnmarshalJSON methods below, used by the API
// client and the fake server) and models built in Go (ApplyDefaults, which
// the compiler calls on its copy).
const (
	// DefaultCookieMode is the SessionPersistence Mode the API assumes when
	// Mode is absent: 1, insert nocache.
	DefaultCookieMode = 1
	// DefaultOnOff is the value of an unset or empty EnableSourceIp or
	// EnableRepeaterMode.
	DefaultOnOff = Off
	// DefaultHttpchkMethod is the health-check method when Method is
	// absent or empty.
	DefaultHttpchkMethod = "GET"
)

// presetter is implemented by model types whose absent fields have
// defaults: preset sets them before a decoder fills in what the document
// says.
type presetter interface{ preset() }

func (sp *SessionPersistence) preset() { sp.Mode = DefaultCookieMode }
func (h *Httpchk) preset()             { h.Method = DefaultHttpchkMethod }

// UnmarshalJSON decodes a SessionPersistence; an absent or null Mode is
// DefaultCookieMode.
func (sp *SessionPersistence) UnmarshalJSON(b []byte) error {
	type plain SessionPersistence
	p := (*plain)(sp)
	*p = plain{}
	sp.preset()
	return json.Unmarshal(b, p)
}

// UnmarshalJSON decodes an Httpchk; an absent or null Method is
// DefaultHttpchkMethod.
func (h *Httpchk) UnmarshalJSON(b []byte) error {
	type plain Httpchk
	p := (*plain)(h)
	*p = plain{}
	h.preset()
	if err := json.Unmarshal(b, p); err != nil {
		return err
	}
	if h.Method == "" {
		h.Method = DefaultHttpchkMethod
	}
	return nil
}

// A Change is one value ApplyDefaults cleaned up that the author should
// hear about; Pointer is relative to the listeners document.
type Change struct {
	Pointer string
	Rule    string
	Message string
}

// ApplyDefaults fills in the API's defaults where l leaves them empty:
// "off" for empty EnableSourceIp/EnableRepeaterMode, GET for an empty
// Httpchk Method. It also trims AclWhiteList entries of surrounding spaces
// and drops empty ones (the Terraform provider splits "a, b" on commas),
// and returns those changes (rule acl-entry-space) so that decoders can
// report them.
// A SessionPersistence Mode cannot be told apart from an explicit 0 in a
// Go value; decoders preset it (DefaultCookieMode) before decoding.
func ApplyDefaults(l *Listeners) []Change {
	var out []Change
	// trim trims the entries of an AclWhiteList and drops the empty ones:
	// the Terraform provider sends strings.Split(" a, b", ","), and [""]
	// for a listener without a whitelist. Pointers name the entries as
	// written.
	trim := func(ptr string, acl []string) []string {
		kept := acl[:0]
		for i, e := range acl {
			t := strings.TrimSpace(e)
			at := ptr + "/AclWhiteList/" + strconv.Itoa(i)
			switch {
			case t == "":
				out = append(out, Change{Pointer: at, Rule: RuleACLEntrySpace,
					Message: "AclWhiteList entry " + strconv.Quote(e) + " is empty and is dropped (the Terraform provider sends [\"\"] for no whitelist); remove it"})
				continue
			case t != e:
				out = append(out, Change{Pointer: at, Rule: RuleACLEntrySpace,
					Message: "AclWhiteList entry " + strconv.Quote(e) + " has surrounding spaces; it is read as " + strconv.Quote(t) + " (write it without spaces)"})
			}
			kept = append(kept, t)
		}
		return kept
	}
	for i := range l.HttpListeners {
		h := &l.HttpListeners[i]
		if h.AclWhiteList != nil {
			h.AclWhiteList = trim("/HttpListeners/"+strconv.Itoa(i), h.AclWhiteList)
		}
		if h.Option != nil && h.Option.Httpchk != nil && h.Option.Httpchk.Method == "" {
			h.Option.Httpchk.Method = DefaultHttpchkMethod
		}
	}
	for i := range l.TcpListeners {
		t := &l.TcpListeners[i]
		if t.AclWhiteList != nil {
			t.AclWhiteList = trim("/TcpListeners/"+strconv.Itoa(i), t.AclWhiteList)
		}
		if t.EnableSourceIp == "" {
			t.EnableSourceIp = DefaultOnOff
		}
		if t.EnableRepeaterMode == "" {
			t.EnableRepeaterMode = DefaultOnOff
		}
	}
	return out
}
