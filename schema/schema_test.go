package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
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
	"certificate-id": true, "required": true, "type": true,
}

// unknown-field is not among fieldRules: the schema rejects a key in
// another case than a known one and a field of the other listener kind
// (TestShapes), but not a near miss by spelling ("ListnerName"), which lint
// rejects and JSON Schema cannot tell from an undocumented field (a
// warning, valid).

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

// TestShapes: all three document shapes validate, keys lint only warns
// about (undocumented, the SDK envelope) are valid, and keys lint rejects
// are not; lint agrees on each.
func TestShapes(t *testing.T) {
	s := compile(t)
	l := `{"HttpListeners": [], "TcpListeners": []}`
	tcp := `{"ListenerName": "t", "ListenerPort": 9000, "ListenerMode": "tcp", "MaxConn": 10, "ClientTimeout": "1", "ClientTimeoutUnit": "s",
		"ConnectTimeout": "1", "ConnectTimeoutUnit": "s", "ServerTimeout": "1", "ServerTimeoutUnit": "s", "Scheduler": "roundrobin",
		"BackendServer": [{"IP": "10.0.0.1", "Port": 80, "Weight": "1", "MaxConn": 0 %s}] %s}`
	tests := []struct {
		text  string
		valid bool
	}{
		{l, true},
		{`{}`, true},
		{`{"InstanceUuid": "u", "HttpListeners": [], "TcpListeners": []}`, true},
		{`{"InstanceUuid": "u", "TcpListeners": []}`, true},                        // listeners-absent: a warning
		{`{"InstanceUuid": "u", "HttpListeners": null, "TcpListeners": []}`, true}, // listeners-absent: a warning
		{`{"service": "lb", "version": "2019-08-08", "action": "ModifyLoadBalancerStrategys", "InstanceUuid": "u", "HttpListeners": [], "TcpListeners": []}`, true},
		{`{"Code": "Success", "Data": ` + l + `, "Message": "ok", "TaskId": "", "RequestId": "r"}`, true},
		{`{"HttpListeners": [], "TcpListeners": [], "Extra": 1}`, true},            // undocumented-field: a warning
		{`{"HttpListeners": [], "TcpListeners": [], "httplisteners": []}`, false},  // unknown-field: another case
		{`{"Code": "Success", "Data": {"HttpListeners": [], "service": 1}}`, true}, // undocumented-field
		{`{"Code": "Success", "Data": {"HttpListeners": [{}]}}`, false},            // required
		{`{"Code": "Success", "Data": null}`, false},                               // required
		{`{"Code": "Success", "Data": []}`, false},                                 // type
		{`{"Code": "Success", "Data": {"HttpListeners": [], "TCPListeners": []}}`, false},
		{`{"TcpListeners": [` + fmt.Sprintf(tcp, "", "") + `]}`, true},
		{`{"TcpListeners": [` + fmt.Sprintf(tcp, `, "Note": "x"`, `, "Owner": "ops"`) + `]}`, true}, // undocumented-field
		{`{"TcpListeners": [` + fmt.Sprintf(tcp, "", `, "scheduler": "source"`) + `]}`, false},      // unknown-field: another case
		{`{"TcpListeners": [` + fmt.Sprintf(tcp, "", `, "StickySession": "on"`) + `]}`, false},      // an HTTP listener's field
		{`{"TcpListeners": [` + fmt.Sprintf(tcp, `, "ip": "10.0.0.2"`, "") + `]}`, false},
		{`{"TcpListeners": [` + fmt.Sprintf(tcp, "", `, "EnableSourceIp": null, "AclWhiteList": null`) + `]}`, true},
		{`{"TcpListeners": [` + fmt.Sprintf(tcp, "", `, "Scheduler": null`) + `]}`, false}, // required
	}
	for _, tt := range tests {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(tt.text))
		if err != nil {
			t.Fatalf("%s: %v", tt.text, err)
		}
		verr := s.Validate(v)
		if (verr == nil) != tt.valid {
			t.Errorf("%s: schema: %v, want valid %v", tt.text, verr, tt.valid)
		}
		d, err := model.Decode("x.json", []byte(tt.text))
		if err != nil {
			t.Fatal(err)
		}
		var errs []finding.Finding
		for _, f := range validate.Document(d) {
			if f.Severity == finding.Error && f.Rule != validate.RuleNoBackendServers {
				errs = append(errs, f)
			}
		}
		if (len(errs) == 0) != tt.valid {
			t.Errorf("%s: lint finds errors %v, want valid %v", tt.text, errs, tt.valid)
		}
	}
}
