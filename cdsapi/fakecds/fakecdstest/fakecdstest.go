// Package fakecdstest is the fake-API world the tests of the push and
// strategies flows share (package deploy and the CLI), like
// net/http/httptest: a fakecds server with two instances and the client
// settings or environment that reach it. It is for tests only.
package fakecdstest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	"github.com/lbconf/lbconf/model"
)

// The world's two instances.
const (
	// CustomUUID runs testdata/deploy/documented.cfg in custom mode on
	// HAProxy 2.4.22, with a private and a public VIP.
	CustomUUID = "lb-custom-0001"
	// BasicUUID runs testdata/deploy/listeners.json in basic mode on
	// HAProxy 1.8.3.
	BasicUUID = "lb-basic-0002"
)

// World is a running fake API with the two instances.
type World struct {
	// Server is the fake; the test may add faults and instances.
	Server *fakecds.Server
	// Config is CustomUUID's config as the world started.
	Config string
	// Listeners are BasicUUID's listeners as the world started.
	Listeners model.Listeners
}

// New starts a world with fo (closed when the test ends).
func New(t testing.TB, fo fakecds.Options) *World {
	t.Helper()
	srv := fakecds.NewServer(fo)
	t.Cleanup(srv.Close)
	w := &World{Server: srv, Config: string(ReadTestdata(t, "documented.cfg"))}
	doc, err := model.Decode("listeners.json", ReadTestdata(t, "listeners.json"))
	if err != nil {
		t.Fatal(err)
	}
	w.Listeners = doc.Listeners
	srv.AddInstance(fakecds.Instance{InstanceUuid: CustomUUID, InstanceName: "web", Version: "2.4.22", IsCustomConf: 1,
		Vips: []cdsapi.Vip{{IP: "10.0.0.10", Type: "private"}, {IP: "203.0.113.7", Type: "public"}}}, model.Listeners{}, w.Config)
	srv.AddInstance(fakecds.Instance{InstanceUuid: BasicUUID, InstanceName: "db", Version: "1.8.3"}, w.Listeners, "")
	return w
}

// Client returns an API client for the world: co with the server's
// endpoint, a 3s timeout unless co sets one, and a short backoff.
func (w *World) Client(t testing.TB, co cdsapi.Options) *cdsapi.Client {
	t.Helper()
	co.Endpoint = w.Server.URL
	if co.Timeout == 0 {
		co.Timeout = 3 * time.Second
	}
	co.Backoff = 5 * time.Millisecond
	client, err := cdsapi.NewClient(w.Server.Credentials(), co)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// Setenv points the environment the CLI reads (endpoint and credentials)
// at srv, started with fo, for the rest of the test.
func Setenv(t testing.TB, srv *fakecds.Server, fo fakecds.Options) {
	t.Helper()
	id, key := fo.AccessKeyID, fo.SecretKey
	if id == "" {
		id = fakecds.DefaultAccessKeyID
	}
	if key == "" {
		key = fakecds.DefaultSecretKey
	}
	t.Setenv(cdsapi.EnvSecretID, id)
	t.Setenv(cdsapi.EnvSecretKey, key)
	t.Setenv(cdsapi.EnvEndpoint, srv.URL)
}

// Posts counts the changing requests srv received (custom configs and
// strategies).
func Posts(srv *fakecds.Server) int {
	return len(srv.RequestsFor(cdsapi.ActionModifyHaproxyCustomConfig)) +
		len(srv.RequestsFor(cdsapi.ActionModifyLoadBalancerStrategys)) +
		len(srv.RequestsFor(cdsapi.ActionAddLoadBalancerStrategys))
}

// ReadTestdata reads a file of the repository's testdata/deploy.
func ReadTestdata(t testing.TB, name string) []byte {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	data, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "..", "testdata", "deploy", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
