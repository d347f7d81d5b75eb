package estate_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	lbconfig "github.com/lbconf/lbconf/config"
	"github.com/lbconf/lbconf/deploy"
	"github.com/lbconf/lbconf/estate"
	"github.com/lbconf/lbconf/estate/estatetest"
)

// Import an estate, edit one file, and plan.
func ExampleMakePlan() {
	srv := fakecds.NewServer(fakecds.Options{})
	defer srv.Close()
	estatetest.Seed(srv, 3) // lb-000 and lb-002 basic, lb-001 custom
	client, err := cdsapi.NewClient(srv.Credentials(), cdsapi.Options{Endpoint: srv.URL})
	if err != nil {
		panic(err)
	}
	clients := func(endpoint string) (deploy.API, error) { return client, nil }
	dir, _ := os.MkdirTemp("", "estate")
	defer os.RemoveAll(dir)
	config := filepath.Join(dir, lbconfig.FileName)

	ctx := context.Background()
	if _, err := estate.Import(ctx, client, config, filepath.Join(dir, "lb"), estate.ImportOptions{}); err != nil {
		panic(err)
	}
	m, err := loadManifest(config)
	if err != nil {
		panic(err)
	}
	os.WriteFile(filepath.Join(dir, "lb", "lb-002.json"), []byte(`{"HttpListeners": [], "TcpListeners": []}`), 0o600)

	p := estate.MakePlan(ctx, m, clients, estate.PlanOptions{})
	for _, ip := range p.Instances {
		fmt.Printf("%s %s %s %+v\n", ip.Name, ip.Mode, ip.Change, ip.Counts)
	}
	fmt.Println("exit", p.ExitCode())
	// Output:
	// lb-000 basic none {Added:0 Removed:0 Changed:0}
	// lb-001 custom none {Added:0 Removed:0 Changed:0}
	// lb-002 basic update {Added:0 Removed:2 Changed:0}
	// exit 1
}
