package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestPositionsAreExact(t *testing.T) {
	text := "{\n  \"HttpListeners\": [\n    {\"ListenerName\": \"证书web\", \"ListenerPort\": 80,\n     \"BackendServer\": [{\"IP\": \"1.2.3.4\", \"Weight\": \"5\"}]}\n  ],\r\n  \"TcpListeners\": []\n}\n"
	d, err := Decode("x.json", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ptr  string
		want Pos
	}{
		{"", Pos{1, 1}},
		{"/HttpListeners", Pos{2, 20}},
		{"/HttpListeners/0", Pos{3, 5}},
		{"/HttpListeners/0/ListenerName", Pos{3, 22}},
		// Columns count characters: the two Chinese characters are one column each.
		{"/HttpListeners/0/ListenerPort", Pos{3, 47}},
		{"/HttpListeners/0/BackendServer/0/Weight", Pos{4, 52}},
		{"/TcpListeners", Pos{6, 19}},
		// A missing value points at its closest enclosing value.
		{"/HttpListeners/0/MaxConn", Pos{3, 5}},
		{"/HttpListeners/7/MaxConn", Pos{2, 20}},
	}
	for _, tt := range tests {
		if got := d.Position(tt.ptr); got != tt.want {
			t.Errorf("Position(%q) = %v, want %v", tt.ptr, got, tt.want)
		}
	}
	if !d.Has("/HttpListeners/0/ListenerPort") || d.Has("/HttpListeners/0/MaxConn") {
		t.Error("Has is wrong")
	}
}

func TestShapes(t *testing.T) {
	tests := []struct {
		text  string
		shape Shape
		base  string
		n     int
	}{
		{`{"HttpListeners": [{}], "TcpListeners": []}`, ShapeBare, "", 1},
		{`{"InstanceUuid": "u", "HttpListeners": [{}, {}]}`, ShapeRequest, "", 2},
		{`{"Code": "Success", "Data": {"HttpListeners": [{}], "TcpListeners": [{}]}, "Message": "ok", "TaskId": ""}`, ShapeDescribe, "/Data", 1},
	}
	for _, tt := range tests {
		d, err := Decode("x.json", []byte(tt.text))
		if err != nil {
			t.Fatal(err)
		}
		if d.Shape != tt.shape || d.Base != tt.base || len(d.Listeners.HttpListeners) != tt.n || len(d.Findings) != 0 {
			t.Errorf("%s: shape %v base %q http %d findings %v", tt.text, d.Shape, d.Base, len(d.Listeners.HttpListeners), d.Findings)
		}
	}
}

// TestDefaultsAgree decodes the same documents through model.Decode and
// through encoding/json (what the API client and the fake server use) and
// checks that both apply the same defaults: cookie Mode 1 when absent or
// null, Httpchk Method GET, "off" for absent or empty TCP switches.
func TestDefaultsAgree(t *testing.T) {
	for _, doc := range []string{
		`{"HttpListeners": [{"SessionPersistence": {"Key": "k"}, "Option": {"Httpchk": {"Uri": "/"}}}], "TcpListeners": [{"EnableSourceIp": ""}]}`,
		`{"HttpListeners": [{"SessionPersistence": {"Key": "k", "Mode": null}, "Option": {"Httpchk": {"Uri": "/", "Method": null}}}], "TcpListeners": [{}]}`,
		`{"HttpListeners": [{"SessionPersistence": {"Key": "k", "Mode": 0}, "Option": {"Httpchk": {"Uri": "/", "Method": "HEAD"}}}], "TcpListeners": [{"EnableSourceIp": "on", "EnableRepeaterMode": "on"}]}`,
	} {
		d, err := Decode("d.json", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		var viaJSON Listeners
		if err := json.Unmarshal([]byte(doc), &viaJSON); err != nil {
			t.Fatal(err)
		}
		ApplyDefaults(&viaJSON)
		got, want := string(MarshalIndent(&viaJSON)), string(MarshalIndent(&d.Listeners))
		if got != want {
			t.Errorf("%s\nencoding/json: %s\nDecode: %s", doc, got, want)
		}
		if strings.Contains(doc, `"Mode": 0`) {
			if m := d.Listeners.HttpListeners[0].SessionPersistence.Mode; m != 0 {
				t.Errorf("explicit Mode 0 became %d", m)
			}
			continue
		}
		h, tl := d.Listeners.HttpListeners[0], d.Listeners.TcpListeners[0]
		if h.SessionPersistence.Mode != DefaultCookieMode() || h.Option.Httpchk.Method != "GET" ||
			tl.EnableSourceIp != Off || tl.EnableRepeaterMode != Off {
			t.Errorf("%s: defaults not applied: %+v %+v %+v", doc, *h.SessionPersistence, *h.Option.Httpchk, tl)
		}
	}
}

func TestDecodeFindings(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // "LINE:COL rule pointer"
	}{
		{"syntax.json", "{\n  \"HttpListeners\": [\n    {\"ListenerPort\": 80,}\n  ]\n}", []string{"3:25 syntax "}},
		{"truncated.json", "{\"HttpListeners\": [", []string{"1:20 syntax "}},
		{"trailing.json", "{}\n{}", []string{"2:1 syntax "}},
		{"array.json", "[]", []string{"1:1 type "}},
		{"unknown.json", `{"HttpListeners": [{"listenername": "a"}], "Extra": 1}`, []string{
			"1:21 unknown-field /HttpListeners/0/listenername", "1:44 undocumented-field /Extra"}},
		{"types.json", `{"HttpListeners": [{"ListenerPort": "80", "MaxConn": 1.5, "AclWhiteList": "x", "BackendServer": [{"Weight": 3}], "Scheduler": true}]}`, []string{
			"1:37 documented-type /HttpListeners/0/ListenerPort", "1:54 type /HttpListeners/0/MaxConn",
			"1:75 type /HttpListeners/0/AclWhiteList", "1:109 documented-type /HttpListeners/0/BackendServer/0/Weight",
			"1:127 type /HttpListeners/0/Scheduler"}},
		{"dup.json", "{\"HttpListeners\": [{\"MaxConn\": 1,\n \"MaxConn\": 2}]}", []string{"2:2 duplicate-key /HttpListeners/0/MaxConn"}},
		{"big.json", `{"HttpListeners": [{"MaxConn": 99999999999, "ListenerPort": "080"}]}`, []string{
			"1:32 type /HttpListeners/0/MaxConn", "1:61 type /HttpListeners/0/ListenerPort"}},
		{"x.yaml", "HttpListeners:\n  - ListenerName: web\n    ListenerPort: \"80\"\n    Bogus: 1\n", []string{
			"3:19 documented-type /HttpListeners/0/ListenerPort", "4:5 undocumented-field /HttpListeners/0/Bogus"}},
		{"bad.yaml", "HttpListeners:\n  - a: [\n", []string{"2:1 syntax "}},
		{"deep.json", strings.Repeat("[", 300) + strings.Repeat("]", 300), []string{"1:258 syntax "}},
		{"wrongside.json", `{"HttpListeners": [{"EnableSourceIp": "on"}]}`, []string{"1:21 unknown-field /HttpListeners/0/EnableSourceIp"}},
		// Near misses stay errors: edit distance 2, and case.
		{"nearmiss.json", `{"HttpListeners": [{"ListnerNam": "a", "maxconn": 1}]}`, []string{
			"1:21 unknown-field /HttpListeners/0/ListnerNam", "1:40 unknown-field /HttpListeners/0/maxconn"}},
		// The Python SDK's envelope keys are known at the top level only.
		{"python.json", `{"service": "lb", "version": "2019-08-08", "action": "ModifyLoadBalancerStrategys", "InstanceUuid": "u", "HttpListeners": [{"service": 1}]}`, []string{
			"1:125 undocumented-field /HttpListeners/0/service"}},
		// HttpListeners absent or null in a request body: none, with a warning.
		{"absent.json", `{"InstanceUuid": "u", "TcpListeners": []}`, []string{"1:1 listeners-absent /HttpListeners"}},
		{"null.json", `{"InstanceUuid": "u", "HttpListeners": null}`, []string{"1:40 listeners-absent /HttpListeners"}},
		{"describe-absent.json", `{"Code": "Success", "Data": {}}`, []string{"1:29 listeners-absent /Data/HttpListeners"}},
		{"acl-space.json", `{"TcpListeners": [{"AclWhiteList": ["10.0.0.1", " 10.0.0.2 "]}]}`, []string{
			"1:49 acl-entry-space /TcpListeners/0/AclWhiteList/1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Decode(tt.name, []byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range d.Findings {
				got = append(got, strings.TrimSpace(
					strings.Join([]string{itoa(f.Line) + ":" + itoa(f.Col), f.Rule, f.Pointer}, " ")))
			}
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = strings.TrimSpace(w)
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("got\n%s\nwant\n%s\n(%v)", strings.Join(got, "\n"), strings.Join(want, "\n"), d.Findings)
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestYAMLEqualsJSON(t *testing.T) {
	j, err := DecodeFile("../testdata/lint/valid-basic.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	y, err := DecodeFile("../testdata/lint/valid-basic.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Findings)+len(y.Findings) != 0 {
		t.Fatalf("findings: %v %v", j.Findings, y.Findings)
	}
	jj, yy := MarshalIndent(&j.Listeners), MarshalIndent(&y.Listeners)
	if string(jj) != string(yy) {
		t.Errorf("YAML and JSON decode differently:\n%s\n%s", jj, yy)
	}
}

func TestDefaults(t *testing.T) {
	d, _ := Decode("x.json", []byte(`{"HttpListeners": [{"SessionPersistence": {"Key": "k1"}}, {"SessionPersistence": {"Key": "k2", "Mode": 0}}]}`))
	if m := d.Listeners.HttpListeners[0].SessionPersistence.Mode; m != DefaultCookieMode() {
		t.Errorf("absent Mode = %d, want %d", m, DefaultCookieMode())
	}
	if m := d.Listeners.HttpListeners[1].SessionPersistence.Mode; m != 0 {
		t.Errorf("Mode 0 = %d", m)
	}
}

func TestBadInputs(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.json")
	os.WriteFile(empty, nil, 0o644)
	binary := filepath.Join(dir, "bin.json")
	os.WriteFile(binary, []byte("{\x00\x01\x02"), 0o644)
	latin1 := filepath.Join(dir, "latin1.json")
	os.WriteFile(latin1, []byte("{\"a\": \"\xe9\"}"), 0o644)
	tests := []struct {
		path string
		want string
	}{
		{empty, "empty document"},
		{binary, "not a text file"},
		{latin1, "not a text file"},
		{dir, "is a directory"},
		{filepath.Join(dir, "missing.json"), "no such file"},
	}
	for _, tt := range tests {
		_, err := DecodeFile(tt.path, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line with %q", tt.path, err, tt.want)
		}
	}
	if _, err := Decode("e.json", []byte(" \n")); !errors.Is(err, ErrEmpty) {
		t.Errorf("blank: %v", err)
	}
}

func TestStdinAndBOM(t *testing.T) {
	d, err := DecodeFile("-", strings.NewReader("\xef\xbb\xbf{\"HttpListeners\": []}"))
	if err != nil || len(d.Findings) != 0 || d.Format != "json" {
		t.Fatalf("stdin: %v %v %s", err, d, d.Format)
	}
}

// TestCursorAgreesWithHas: a cursor reached step by step is Set exactly
// where Has says the pointer is set.
func TestCursorAgreesWithHas(t *testing.T) {
	doc, err := Decode("c.json", []byte(`{"HttpListeners": [{"ListenerName": "a", "Option": null,
  "BackendServer": [{"IP": "10.0.0.1"}, {}], "SessionPersistence": {"Key": "k"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	l := doc.At("/HttpListeners/0")
	for _, tc := range []struct {
		cur     Cursor
		pointer string
	}{
		{l, "/HttpListeners/0"},
		{l.Field("ListenerName"), "/HttpListeners/0/ListenerName"},
		{l.Field("ListenerPort"), "/HttpListeners/0/ListenerPort"},
		{l.Field("Option"), "/HttpListeners/0/Option"},
		{l.Field("BackendServer").Elem(0).Field("IP"), "/HttpListeners/0/BackendServer/0/IP"},
		{l.Field("BackendServer").Elem(1).Field("IP"), "/HttpListeners/0/BackendServer/1/IP"},
		{l.Field("BackendServer").Elem(2), "/HttpListeners/0/BackendServer/2"},
		{l.Field("BackendServer").Elem(-1), "/HttpListeners/0/BackendServer/-1"},
		{l.Field("SessionPersistence").Field("Key"), "/HttpListeners/0/SessionPersistence/Key"},
		{l.Field("SessionPersistence").Elem(0), "/HttpListeners/0/SessionPersistence/0"},
		{doc.At("/TcpListeners/0").Field("ListenerName"), "/TcpListeners/0/ListenerName"},
	} {
		if got, want := tc.cur.Set(), doc.Has(tc.pointer); got != want {
			t.Errorf("%s: cursor Set %v, Has %v", tc.pointer, got, want)
		}
	}
}

// TestDuplicateKeyLastBound: the last of duplicate keys is bound and the
// earlier ones are not read (no type finding for them), in a small object
// and in one past the size compared key by key.
func TestDuplicateKeyLastBound(t *testing.T) {
	for _, extra := range []int{0, 40} {
		var b strings.Builder
		b.WriteString(`{"TcpListeners": [{"ListenerName": "first", "MaxConn": true`)
		for i := range extra {
			fmt.Fprintf(&b, `, "X%d": 1`, i)
		}
		b.WriteString(`, "ListenerName": "last", "MaxConn": 2}]}`)
		d, err := Decode("x.json", []byte(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		if l := d.Listeners.TcpListeners[0]; l.ListenerName != "last" || l.MaxConn != 2 {
			t.Errorf("%d extra keys: bound %q, %d; want the last ones", extra, l.ListenerName, l.MaxConn)
		}
		for _, f := range d.Findings {
			if f.Rule == RuleType {
				t.Errorf("%d extra keys: an earlier duplicate was read: %v", extra, f)
			}
		}
	}
}

// TestDefaultsApplied: DefaultsApplied reports what ApplyDefaults would
// change, and changes nothing itself.
func TestDefaultsApplied(t *testing.T) {
	tests := []struct {
		name string
		l    Listeners
		want bool
	}{
		{"empty", Listeners{}, true},
		{"complete", Listeners{TcpListeners: []TcpListener{{EnableSourceIp: Off, EnableRepeaterMode: Off, AclWhiteList: []string{"10.0.0.0/8"}}}}, true},
		{"switch unset", Listeners{TcpListeners: []TcpListener{{EnableRepeaterMode: Off}}}, false},
		{"acl entry with spaces", Listeners{TcpListeners: []TcpListener{{EnableSourceIp: Off, EnableRepeaterMode: Off, AclWhiteList: []string{" 10.0.0.0/8"}}}}, false},
		{"empty acl entry", Listeners{HttpListeners: []HttpListener{{AclWhiteList: []string{""}}}}, false},
		{"empty httpchk method", Listeners{HttpListeners: []HttpListener{{Option: &Option{Httpchk: &Httpchk{Uri: "/"}}}}}, false},
	}
	for _, tt := range tests {
		before := tt.l.Clone()
		if got := DefaultsApplied(&tt.l); got != tt.want {
			t.Errorf("%s: DefaultsApplied = %v, want %v", tt.name, got, tt.want)
		}
		if !reflect.DeepEqual(before, tt.l) {
			t.Errorf("%s: DefaultsApplied changed the model", tt.name)
		}
		ApplyDefaults(&tt.l)
		if !DefaultsApplied(&tt.l) {
			t.Errorf("%s: not applied after ApplyDefaults", tt.name)
		}
	}
}
