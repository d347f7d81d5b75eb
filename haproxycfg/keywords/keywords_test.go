package keywords

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/lbconf/lbconf/haproxycfg/keywords/internal/kwgen"
	"github.com/lbconf/lbconf/haproxycfg/version"
)

// referenceDir is the keyword reference beside the repository (CI clones
// the repository next to ../shared).
func referenceDir(t *testing.T) string {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(here), "..", "..")
	dir := filepath.Join(root, "..", "shared", "reference", "haproxy-keywords")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("LBCONF_REQUIRE_REFERENCE") == "1" {
			t.Fatalf("the keyword reference is missing (%v); LBCONF_REQUIRE_REFERENCE=1 makes this a failure", err)
		}
		t.Skipf("no keyword reference at %s (../shared beside the repository): %v", dir, err)
	}
	return dir
}

// TestNoDrift regenerates the tables from the reference and compares them
// with tables_gen.go: run `go generate ./haproxycfg/keywords` after the
// reference changes.
func TestNoDrift(t *testing.T) {
	vs, err := kwgen.Load(referenceDir(t))
	if err != nil {
		t.Fatal(err)
	}
	want, err := kwgen.Source(vs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("tables_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("tables_gen.go differs from ../shared/reference/haproxy-keywords: run `go generate ./haproxycfg/keywords`")
	}
	if len(All()) != len(vs) {
		t.Fatalf("%d tables compiled in, %d in the reference", len(All()), len(vs))
	}
}

func TestTables(t *testing.T) {
	for _, tc := range []struct {
		v          version.Version
		kw, kind   string
		in, exists bool
	}{
		{version.Version{Major: 2, Minor: 6}, "capture request header", "frontend", true, true},
		{version.Version{Major: 2, Minor: 6}, "capture request header", "backend", false, true},
		{version.Version{Major: 2, Minor: 6}, "dispatch", "defaults", false, true},
		{version.Version{Major: 2, Minor: 6}, "option redispatch", "backend", true, true},
		{version.Version{Major: 2, Minor: 6}, "reqrep", "backend", false, false},
		{version.Version{Major: 1, Minor: 8}, "reqrep", "backend", true, true},
		{version.Version{Major: 2, Minor: 7}, "option httpchk", "listen", true, true},
	} {
		tab, _ := For(tc.v)
		p, ok := tab.Proxy[tc.kw]
		if ok != tc.exists || p.In(tc.kind) != tc.in {
			t.Errorf("%s %q in %s: exists %t in %t, want %t %t", tab.Version, tc.kw, tc.kind, ok, p.In(tc.kind), tc.exists, tc.in)
		}
	}
	if _, older := For(version.Version{Major: 1, Minor: 5}); !older {
		t.Error("1.5 is older than every table")
	}
	if tab, _ := For(version.Version{Major: 2, Minor: 6}); !tab.Global["tune.bufsize"] || tab.Global["nbproc"] {
		t.Error("2.6 global: want tune.bufsize, not nbproc")
	}
}
