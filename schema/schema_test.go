package schema

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/internal/golden"
	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/validate"
)

const schemaFile = "listeners.schema.json"

// TestGenerate: the shipped schema is what Generate writes (-update
// rewrites it).
func TestGenerate(t *testing.T) {
	got, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, schemaFile, got)
}

func compile(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(ID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(ID)
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	return s
}

// instance reads a JSON or YAML file as a JSON value.
func instance(t *testing.T, path string) (any, bool) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml") {
		var v any
		if yaml.Unmarshal(data, &v) != nil {
			return nil, false
		}
		if data, err = json.Marshal(v); err != nil {
			return nil, false
		}
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	return v, err == nil
}

// fieldRules are the error rules the schema expresses.
var fieldRules = map[string]bool{
	"listener-name": true, "listener-port": true, "reserved-port": true, "listener-mode": true, "maxconn": true,
	"timeout": true, "scheduler": true, "on-off": true, "server-port": true, "server-weight": true,
	"cookie-key": true, "cookie-mode": true, "cookie-timer": true, "httpchk-method": true, "httpchk-uri": true,
	"certificate-id": true, "required": true, "unknown-field": true, "type": true,
}

// TestValidation checks the schema against every listener document of the
// examples and testdata: a document lint finds no error in is valid
// (unless lint only accepted another JSON type with a documented-type
// warning), and a document with an error the schema can express is not.
func TestValidation(t *testing.T) {
	s := compile(t)
	files, _ := filepath.Glob("../examples/*.*")
	for _, pat := range []string{"../testdata/lint/*.*", "../testdata/lint/rules/*.*", "../testdata/deploy/*.json"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	valid, invalid := 0, 0
	for _, path := range files {
		ext := filepath.Ext(path)
		if ext != ".json" && ext != ".yaml" && ext != ".yml" {
			continue
		}
		v, ok := instance(t, path)
		if !ok {
			continue // malformed on purpose (syntax cases)
		}
		doc, err := model.DecodeFile(path, nil)
		if err != nil {
			continue
		}
		fs := validate.Document(doc)
		var expressible, errors, lenient bool
		for _, f := range fs {
			if f.Rule == "documented-type" || f.Rule == "duplicate-key" {
				lenient = true
			}
			if f.Severity == finding.Error {
				errors = true
				if fieldRules[f.Rule] {
					expressible = true
				}
			}
		}
		verr := s.Validate(v)
		switch {
		case !errors && !lenient:
			valid++
			if verr != nil {
				t.Errorf("%s: lint finds no error, the schema says: %v", path, verr)
			}
		case expressible && !lenient:
			invalid++
			if verr == nil {
				t.Errorf("%s: lint finds %v, the schema accepts it", path, fs)
			}
		}
	}
	t.Logf("%d valid, %d invalid", valid, invalid)
	if valid < 20 || invalid < 20 {
		t.Errorf("checked %d valid and %d invalid documents; the globs find too few", valid, invalid)
	}
}

// TestShapes: all three document shapes validate, and a stray key does not.
func TestShapes(t *testing.T) {
	s := compile(t)
	l := `{"HttpListeners": [], "TcpListeners": []}`
	for text, want := range map[string]bool{
		l: true,
		`{"InstanceUuid": "u", "HttpListeners": [], "TcpListeners": []}`:                          true,
		`{"Code": "Success", "Data": ` + l + `, "Message": "ok", "TaskId": "", "RequestId": "r"}`: true,
		`{"HttpListeners": [], "TcpListeners": [], "Extra": 1}`:                                   false,
		`{"Code": "Success", "Data": {"HttpListeners": [{}]}}`:                                    false,
	} {
		v, _ := jsonschema.UnmarshalJSON(strings.NewReader(text))
		if err := s.Validate(v); (err == nil) != want {
			t.Errorf("%s: %v", text, err)
		}
	}
}
