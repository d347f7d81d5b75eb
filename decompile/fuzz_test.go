package decompile

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/decompile/modelgen"
	"github.com/lbconf/lbconf/haproxycfg/lint"
	"github.com/lbconf/lbconf/internal/golden"
	"github.com/lbconf/lbconf/model"
)

// FuzzDecompileText decompiles and lints arbitrary text: never a panic,
// and every loss and finding has a position inside the text.
func FuzzDecompileText(f *testing.F) {
	for _, p := range []string{"testdata/*/*.cfg", "testdata/hostile/*.cfg"} {
		files, _ := filepath.Glob(filepath.Join("..", p))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		_, losses, err := Decompile(data, Options{})
		if err == nil {
			for _, l := range losses {
				if l.Line < 1 || l.Line > lines || l.Col < 1 {
					t.Fatalf("loss outside the text (%d lines): %+v", lines, l)
				}
			}
		}
		fs, err := lint.Lint("fuzz.cfg", data, "2.6")
		if err == nil {
			for _, f := range fs {
				if f.Line < 1 || f.Col < 1 || f.Rule == "" || f.Message == "" {
					t.Fatalf("malformed finding %+v", f)
				}
			}
		}
	})
}

// FuzzRoundTrip compiles generated valid models and checks both round-trip
// guarantees: decompile(compile(M)) = M normalised with no loss, and
// compile(decompile(C), base C) = C byte for byte.
func FuzzRoundTrip(f *testing.F) {
	for i := range uint64(8) {
		f.Add(i, uint8(i))
	}
	f.Fuzz(func(t *testing.T, seed uint64, opt uint8) {
		opts := roundTripOptions[int(opt)%len(roundTripOptions)]
		m := modelgen.New(seed).Listeners()
		c, err := compiler.Compile(m, opts)
		if err != nil {
			t.Fatalf("compile refused a generated model: %v\n%s", err, model.MarshalIndent(m))
		}
		got, losses, err := Decompile(c, decompileOptions(opts))
		if err != nil {
			t.Fatal(err)
		}
		if len(losses) > 0 {
			t.Fatalf("losses on a compiled config:\n%s\n%s", lossLines(losses), c)
		}
		if want := Normalize(m); !reflect.DeepEqual(got, want) {
			t.Fatalf("decompile(compile(M)) != normalised M\ngot:  %s\nwant: %s", model.MarshalIndent(got), model.MarshalIndent(want))
		}
		again := opts
		again.Base = c
		again.StatsAuth = ""
		c2, err := compiler.Compile(got, again)
		if err != nil {
			t.Fatalf("compile(decompile(C), base C): %v", err)
		}
		if !bytes.Equal(c, c2) {
			t.Fatalf("compile(decompile(C), base C) != C\n%s", golden.Diff(string(c), string(c2)))
		}
	})
}
