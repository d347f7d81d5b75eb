package model

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// toAny converts a tree to what encoding/json produces with UseNumber.
func toAny(n *node) any {
	switch n.kind {
	case kindNull:
		return nil
	case kindBool:
		return n.text == "true"
	case kindNumber:
		return json.Number(n.text)
	case kindString:
		return n.text
	case kindArray:
		out := []any{}
		for _, e := range n.elems {
			out = append(out, toAny(e))
		}
		return out
	}
	out := map[string]any{}
	for i, k := range n.keys {
		out[k] = toAny(n.elems[i])
	}
	return out
}

// FuzzParseJSON checks that the scanner accepts exactly what encoding/json
// accepts and decodes the same values.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`{"a": [1, -2.5e+3, "x\"y\\u00e9\ud83d\ude00", true, false, null, {}]}`,
		`{"HttpListeners": [{"ListenerName": "web", "ListenerPort": 80}]}`,
		`"\ud800\u0041"`, `[1,]`, `{"a" 1}`, `01`, `-`, `1.`, `1e`, `tru`, `"\x"`, "\"a\nb\"", `[] []`, ` `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) || bytes.Count(data, []byte("["))+bytes.Count(data, []byte("{")) > maxDepth {
			return
		}
		tree, err := parseJSON(data)
		valid := json.Valid(data)
		if (err == nil) != valid {
			t.Fatalf("%q: scanner err %v, encoding/json Valid %v", data, err, valid)
		}
		if err != nil {
			if se, ok := err.(*syntaxError); !ok || se.pos.Line < 1 || se.pos.Col < 1 {
				t.Fatalf("%q: bad error %#v", data, err)
			}
			return
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if got := toAny(tree); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: scanner %#v, encoding/json %#v", data, got, want)
		}
	})
}

func TestSyntaxMessages(t *testing.T) {
	tests := map[string]string{
		`{"a": [1,]}`:       "1:10 invalid character ']' looking for beginning of value",
		`{"a" 1}`:           "1:6 invalid character '1' after object key",
		`{"a": 1 "b": 2}`:   "1:9 invalid character '\"' after object key:value pair",
		`[1 2]`:             "1:4 invalid character '2' after array element",
		`{1: 2}`:            "1:2 invalid character '1' looking for beginning of object key string",
		"{\"a\": \"x\ny\"}": "1:9 invalid character '\\n' in string literal",
		`[tru]`:             "1:5 invalid character ']' in literal true (expecting 'e')",
		`[1.]`:              "1:4 invalid character ']' after decimal point in numeric literal",
		`{"a":`:             "1:6 unexpected end of JSON input",
		`{} x`:              "1:4 invalid character 'x' after top-level value: a document holds one JSON object",
	}
	for in, want := range tests {
		_, err := parseJSON([]byte(in))
		se, ok := err.(*syntaxError)
		if !ok {
			t.Errorf("%q: err %v", in, err)
			continue
		}
		got := itoa(se.pos.Line) + ":" + itoa(se.pos.Col) + " " + se.msg
		if got != want {
			t.Errorf("%q:\n got %s\nwant %s", in, got, want)
		}
	}
	if _, err := parseJSON([]byte(strings.Repeat("[", maxDepth+2))); err == nil || !strings.Contains(err.Error(), "nesting") {
		t.Errorf("deep nesting: %v", err)
	}
}
