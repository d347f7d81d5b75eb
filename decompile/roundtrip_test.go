package decompile

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/decompile/modelgen"
	"github.com/lbconf/lbconf/internal/golden"
	"github.com/lbconf/lbconf/model"
)

// roundTripOptions are the compile options the round trips run with; the
// decompile options are derived from them.
var roundTripOptions = []compiler.Options{
	{},
	{Target: "1.8"},
	{Target: "2.6", BindAddress: "127.0.0.1", CertDir: "/srv/tls/"},
	{BindAddress: "::", StatsAuth: "admin:s3cret-pass"},
}

func decompileOptions(o compiler.Options) Options {
	return Options{BindAddress: o.BindAddress, CertDir: o.CertDir}
}

func TestDefaultsMatchCompiler(t *testing.T) {
	if DefaultBindAddress != compiler.DefaultBindAddress || DefaultCertDir != compiler.DefaultCertDir {
		t.Fatalf("decompile defaults %q %q differ from compiler's %q %q",
			DefaultBindAddress, DefaultCertDir, compiler.DefaultBindAddress, compiler.DefaultCertDir)
	}
}

// TestRoundTripModel: for every valid model M, decompile(compile(M)) equals
// M normalised, with no loss.
func TestRoundTripModel(t *testing.T) {
	n := 150
	if testing.Short() {
		n = 50
	}
	for oi, opts := range roundTripOptions {
		g := modelgen.New(uint64(1000 + oi))
		for i := range n {
			m := g.Listeners()
			cfg, err := compiler.Compile(m, opts)
			if err != nil {
				t.Fatalf("options %d, model %d: compile refused a generated model: %v\n%s", oi, i, err, model.MarshalIndent(m))
			}
			got, losses, err := Decompile(cfg, decompileOptions(opts))
			if err != nil {
				t.Fatalf("options %d, model %d: %v", oi, i, err)
			}
			if len(losses) > 0 {
				t.Fatalf("options %d, model %d: losses on compiled config:\n%s\n%s", oi, i, lossLines(losses), cfg)
			}
			want := Normalize(m)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("options %d, model %d: decompile(compile(M)) != normalised M\ngot:  %s\nwant: %s\ncfg:\n%s",
					oi, i, model.MarshalIndent(got), model.MarshalIndent(want), cfg)
			}
		}
	}
}

// TestRoundTripConfig: for every config C that compile produced,
// compile(decompile(C), base C) equals C byte for byte.
func TestRoundTripConfig(t *testing.T) {
	n := 100
	if testing.Short() {
		n = 30
	}
	for oi, opts := range roundTripOptions {
		g := modelgen.New(uint64(2000 + oi))
		for i := range n {
			c, err := compiler.Compile(g.Listeners(), opts)
			if err != nil {
				t.Fatalf("options %d, model %d: %v", oi, i, err)
			}
			m, _, err := Decompile(c, decompileOptions(opts))
			if err != nil {
				t.Fatalf("options %d, model %d: %v", oi, i, err)
			}
			again := opts
			again.Base = c
			again.StatsAuth = "" // the base carries it
			c2, err := compiler.Compile(m, again)
			if err != nil {
				t.Fatalf("options %d, model %d: compile(decompile(C), base C): %v", oi, i, err)
			}
			if !bytes.Equal(c, c2) {
				t.Fatalf("options %d, model %d: compile(decompile(C), base C) != C\n%s", oi, i, golden.Diff(string(c), string(c2)))
			}
		}
	}
}

// TestRoundTripDocumentedSample: the documented sample decompiles to its two
// listeners, and compiling them with the sample as base gives the sample
// back (trailing blank lines aside).
func TestRoundTripDocumentedSample(t *testing.T) {
	sample := readSample(t)
	m, losses, err := Decompile(sample, Options{})
	if err != nil || len(losses) > 0 {
		t.Fatalf("Decompile: %v, losses %v", err, losses)
	}
	if len(m.HttpListeners) != 2 || len(m.TcpListeners) != 0 {
		t.Fatalf("got %d HTTP and %d TCP listeners, want 2 and 0", len(m.HttpListeners), len(m.TcpListeners))
	}
	out, err := compiler.Compile(m, compiler.Options{Base: sample, Target: "1.8"})
	if err != nil {
		var inv *compiler.InvalidError
		if errors.As(err, &inv) {
			t.Fatalf("compile: %v", inv.Findings)
		}
		t.Fatal(err)
	}
	trim := func(b []byte) string { return strings.TrimRight(string(b), "\n") }
	if trim(out) != trim(sample) {
		t.Fatalf("compile(decompile(sample), base sample) differs:\n%s", golden.Diff(trim(sample), trim(out)))
	}
}

func lossLines(ls []Loss) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l.String() + "\n")
	}
	return b.String()
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
