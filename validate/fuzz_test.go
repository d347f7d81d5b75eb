package validate_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/validate"
)

// addSeeds adds every file of the repository's testdata and examples whose
// name matches one of the patterns to the fuzz corpus.
func addSeeds(f *testing.F, patterns ...string) {
	f.Helper()
	for _, p := range patterns {
		files, err := filepath.Glob(filepath.Join("..", p))
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

// fuzzDecode decodes data as name and validates it: no panic, no runaway
// cost, and a document either comes back or an error says why not.
func fuzzDecode(t *testing.T, name string, data []byte) {
	doc, err := model.Decode(name, data)
	if err != nil {
		if doc != nil {
			t.Fatalf("Decode returned both a document and %v", err)
		}
		return
	}
	fs := validate.Document(doc)
	for _, f := range append(doc.Findings, fs...) {
		if f.Line < 1 || f.Col < 1 || f.Rule == "" || f.Message == "" {
			t.Fatalf("malformed finding %+v", f)
		}
	}
}

// FuzzDecodeJSON decodes and validates arbitrary JSON listener documents.
func FuzzDecodeJSON(f *testing.F) {
	addSeeds(f, "testdata/lint/*.json", "testdata/lint/*/*.json", "testdata/compile/*.json", "examples/*.json")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzDecode(t, "fuzz.json", data) })
}

// FuzzDecodeYAML decodes and validates arbitrary YAML listener documents.
func FuzzDecodeYAML(f *testing.F) {
	addSeeds(f, "testdata/lint/*.yaml", "testdata/lint/*/*.yaml", "testdata/hostile/*.yaml", "examples/*.yaml")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzDecode(t, "fuzz.yaml", data) })
}
