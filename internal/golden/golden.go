// Package golden compares test output with golden files and rewrites them
// when the tests run with -update:
//
//	go test ./compiler -update   # then review the diff before committing
//
// -update is defined only in test binaries that import this package, so
// `go test ./... -update` fails in the others; README.md gives the command
// that refreshes every package with golden files from the root.
//
// It is for tests only.
package golden

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/aymanbagabas/go-udiff"
)

// update is the -update flag of every test binary that imports this package.
var update = flag.Bool("update", false, "rewrite golden files instead of comparing with them")

// Updating reports whether the tests run with -update.
func Updating() bool { return *update }

// Check compares got with the golden file at path and reports a unified diff
// when they differ; with -update it writes got to path instead.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it):\n%s", path, Diff(string(want), string(got)))
	}
}

// Diff returns a unified diff from want to got.
func Diff(want, got string) string {
	return udiff.Unified("want", "got", want, got)
}
