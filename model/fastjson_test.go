package model_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/model/modeltest"
	"github.com/lbconf/lbconf/validate"
)

// agree decodes data on both paths and fails when the fast path accepted
// it but its document or its findings differ from the exact path's. It
// returns whether the fast path accepted it.
func agree(t *testing.T, name string, data []byte) bool {
	t.Helper()
	fast, ferr := model.Decode(name, data)
	exact, eerr := model.DecodeExact(name, data)
	if (ferr == nil) != (eerr == nil) || (ferr != nil && ferr.Error() != eerr.Error()) {
		t.Fatalf("%s: Decode error %v, exact path %v", name, ferr, eerr)
	}
	if ferr != nil || !model.DecodedFast(fast) {
		return false
	}
	if !reflect.DeepEqual(fast.Findings, exact.Findings) {
		t.Fatalf("%s: decoding findings on the fast path\n%v\non the exact path\n%v", name, fast.Findings, exact.Findings)
	}
	if !reflect.DeepEqual(fast.Listeners, exact.Listeners) || fast.Shape != exact.Shape ||
		fast.InstanceUuid != exact.InstanceUuid || fast.Base != exact.Base || fast.Format != exact.Format {
		t.Fatalf("%s: the fast path decoded\n%+v\nthe exact path\n%+v", name, fast, exact)
	}
	if f, e := validate.Document(fast), validate.Document(exact); !reflect.DeepEqual(f, e) {
		t.Fatalf("%s: findings on the fast path\n%v\non the exact path\n%v", name, f, e)
	}
	for _, p := range pointers(&exact.Listeners) {
		if f, e := fast.Position(p), exact.Position(p); f != e {
			t.Fatalf("%s: %s is at %v on the fast path, %v on the exact path", name, p, f, e)
		}
		if f, e := fast.Has(p), exact.Has(p); f != e {
			t.Fatalf("%s: Has(%s) is %v on the fast path, %v on the exact path", name, p, f, e)
		}
	}
	return true
}

// pointers lists a pointer for every field of the field table in every
// listener and list element of l (set or not), and a few that lead
// nowhere.
func pointers(l *model.Listeners) []string {
	out := []string{"", "/HttpListeners", "/TcpListeners", "/HttpListeners/x", "/TcpListeners/99999", "/Nothing/0"}
	for list, n := range map[string]int{"HttpListeners": len(l.HttpListeners), "TcpListeners": len(l.TcpListeners)} {
		for i := range n + 1 {
			base := "/" + list + "/" + strconv.Itoa(i)
			out = append(out, base, base+"/Missing/Deeper")
			for _, f := range model.Fields() {
				for j := range 3 {
					out = append(out, base+strings.ReplaceAll(f.Pointer, "*", strconv.Itoa(j)))
				}
			}
		}
	}
	return out
}

// TestFastPathAgrees runs every JSON document of the repository, generated
// ones and variants that must leave the fast path through both paths.
func TestFastPathAgrees(t *testing.T) {
	var files []string
	for _, p := range []string{"../testdata/*/*.json", "../testdata/*/*/*.json", "../testdata/*/*/*/*.json", "../examples/*.json"} {
		m, _ := filepath.Glob(p)
		files = append(files, m...)
	}
	if len(files) < 10 {
		t.Fatalf("found only %d JSON documents", len(files))
	}
	accepted := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if agree(t, f, data) {
			accepted++
		}
	}
	t.Logf("the fast path read %d of %d documents", accepted, len(files))
	if accepted == 0 {
		t.Error("the fast path read none of the repository's documents")
	}

	for _, n := range []int{0, 1, 2, 10} {
		if !agree(t, "mixed.json", modeltest.MixedJSON(n)) {
			t.Errorf("MixedJSON(%d) left the fast path", n)
		}
	}

	// Variants of a clean document that the fast path must decline (the
	// exact path reports something, or reads what the fast path does not).
	var compact bytes.Buffer
	if err := json.Compact(&compact, modeltest.MixedJSON(2)); err != nil {
		t.Fatal(err)
	}
	clean := compact.String()
	declined := map[string]string{
		"string not an integer": strings.Replace(clean, `"MaxConn":5000`, `"MaxConn":"5k"`, 1),
		"number with exponent":  strings.Replace(clean, `"Weight":"10"`, `"Weight":1e1`, 1),
		"envelope key twice":    strings.Replace(clean, `{"HttpListeners"`, `{"action":"x","action":"y","HttpListeners"`, 1),
		"envelope number":       strings.Replace(clean, `{"HttpListeners"`, `{"version":2,"HttpListeners"`, 1),
		"null value":            strings.Replace(clean, `"MaxConn":5000`, `"MaxConn":null`, 1),
		"fraction":              strings.Replace(clean, `"MaxConn":5000`, `"MaxConn":5000.0`, 1),
		"exponent":              strings.Replace(clean, `"MaxConn":5000`, `"MaxConn":5e3`, 1),
		"leading zero":          strings.Replace(clean, `"MaxConn":5000`, `"MaxConn":05000`, 1),
		"out of range":          strings.Replace(clean, `"MaxConn":5000`, `"MaxConn":99999999999`, 1),
		"escape":                strings.Replace(clean, `"web_0"`, `"web\u005f0"`, 1),
		"duplicate key":         strings.Replace(clean, `"MaxConn":5000,`, `"MaxConn":5000,"MaxConn":5000,`, 1),
		"unknown key":           strings.Replace(clean, `"MaxConn":5000,`, `"MaxConn":5000,"Maxconn":5,`, 1),
		"other kind's key":      strings.Replace(clean, `"MaxConn":5000,`, `"MaxConn":5000,"EnableSourceIp":"on",`, 1),
		"missing required":      strings.Replace(clean, `"Scheduler":"roundrobin",`, ``, 1),
		"describe response":     `{"Code":"Success","Data":` + clean + `}`,
		"trailing garbage":      clean + "x",
		"boolean":               strings.Replace(clean, `"MaxConn":5000`, `"MaxConn":true`, 1),
		"list as object":        strings.Replace(clean, `"AclWhiteList":[`, `"AclWhiteList":{"a":[`, 1),
		"root list":             `[` + clean + `]`,
		"syntax error":          clean[:len(clean)/2],
	}
	for name, text := range declined {
		if text == clean {
			t.Fatalf("%s: the variant is the clean document", name)
		}
		if agree(t, name+".json", []byte(text)) {
			t.Errorf("%s: the fast path accepted it", name)
		}
	}
	accepted2 := map[string]string{
		"acl entry as number":   strings.Replace(clean, `"10.0.0.0/8"`, `7`, 1),
		"uuid as number":        strings.Replace(clean, `{"HttpListeners"`, `{"InstanceUuid":-12,"HttpListeners"`, 1),
		"port as string":        strings.Replace(clean, `"Port":8080`, `"Port":"8080"`, 1),
		"request body":          strings.Replace(clean, `{"HttpListeners"`, `{"InstanceUuid":"u-1","HttpListeners"`, 1),
		"spaces and a BOM":      "\xef\xbb\xbf \n" + strings.ReplaceAll(clean, `,"`, ",\r\n\t \"") + "\n",
		"non-ASCII, indented":   strings.Replace(string(modeltest.MixedJSON(3)), `"web_1"`, `"证书web_1"`, 1),
		"sdk envelope":          strings.Replace(clean, `{"HttpListeners"`, `{"action":"x","HttpListeners"`, 1),
		"acl entry spaces":      strings.Replace(clean, `"10.0.0.0/8"`, `" 10.0.0.0/8"`, 1),
		"request without lists": `{"InstanceUuid":"u","TcpListeners":[]}`,
		"number as string":      strings.Replace(clean, `"MaxConn":5000`, `"MaxConn":"5000"`, 1),
		"string as number":      strings.Replace(clean, `"Weight":"10"`, `"Weight":10`, 1),
		"empty object":          `{}`,
		"only TCP":              `{"TcpListeners":[]}`,
	}
	for name, text := range accepted2 {
		if !agree(t, name+".json", []byte(text)) {
			t.Errorf("%s: left the fast path", name)
		}
	}
}

// FuzzFastPath compares the fast path with the exact path on arbitrary
// documents.
func FuzzFastPath(f *testing.F) {
	for _, n := range []int{0, 1, 2} {
		f.Add(modeltest.MixedJSON(n))
	}
	for _, p := range []string{"../testdata/lint/*.json", "../testdata/compile/*.json", "../examples/*.json"} {
		m, _ := filepath.Glob(p)
		for _, file := range m {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) { agree(t, "fuzz.json", data) })
}

// TestFastInt: fastInt is cleanInt on text of an optional '-' and digits.
func TestFastInt(t *testing.T) {
	for _, s := range []string{"", "-", "0", "-0", "00", "01", "7", "-7", "2147483647", "2147483648", "2147483649",
		"-2147483648", "-2147483649", "9999999999", "99999999999", "1234567890", "-1234567890"} {
		n, ok := model.FastInt(s)
		wn, wok := model.CleanInt(s)
		if n != wn || ok != wok {
			t.Errorf("%q: fastInt %d %v, cleanInt %d %v", s, n, ok, wn, wok)
		}
	}
}
