package cdsapi_test

import (
	"strings"
	"testing"

	"github.com/lbconf/lbconf/cdsapi"
)

func TestResolveEndpoint(t *testing.T) {
	tests := []struct {
		in, want string
		err      string // part of the error, "" when valid
	}{
		{"", cdsapi.DefaultEndpoint, ""},
		{"mainland", cdsapi.DefaultEndpoint, ""},
		{"CN", cdsapi.DefaultEndpoint, ""},
		{"asia", "https://cdsapi-asia.capitalonline.net", ""},
		{" us ", "https://cdsapi-us.capitalonline.net", ""},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080", ""},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080", ""},
		{"https://cdsapi.capitalonline.net/lb", cdsapi.DefaultEndpoint, ""},
		{"https://proxy.example/cds/lb/", "https://proxy.example/cds", ""},
		{"cdsapi.capitalonline.net/lb", cdsapi.DefaultEndpoint, ""},
		{"europe", "", "use mainland"},
		{"ftp://example.com", "", "scheme must be http or https"},
		{"https://", "", "no host"},
		{"https://example.com/?x=1", "", "only scheme, host and path"},
		{"https://user:hunter2@example.com", "", "user name or password"},
	}
	for _, tt := range tests {
		got, err := cdsapi.ResolveEndpoint(tt.in)
		if tt.err == "" {
			if err != nil || got != tt.want {
				t.Errorf("ResolveEndpoint(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("ResolveEndpoint(%q) err = %v, want it to say %q", tt.in, err, tt.err)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error shows a password: %v", err)
		}
	}
}

func TestNewClientEndpoint(t *testing.T) {
	c, err := cdsapi.NewClient(cdsapi.NewCredentials("AKID1234", "secret12"), cdsapi.Options{Endpoint: "asia"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Endpoint() != cdsapi.AsiaEndpoint {
		t.Errorf("Endpoint() = %q", c.Endpoint())
	}
	if _, err := cdsapi.NewClient(cdsapi.NewCredentials("AKID1234", "secret12"), cdsapi.Options{Endpoint: "nowhere"}); err == nil {
		t.Error("no error for a bad endpoint")
	}
}
