// Command gendoc writes the generated listener document of package
// modeltest (half HTTP, half TCP listeners) for scripts/perf-compare.sh:
// as compact JSON, indented JSON, or compiled to haproxy.cfg by the
// library (so that a config exists even where the CLI refuses the
// document for its size).
//
//	go run ./scripts/gendoc -n 10000 > listeners.json
//	go run ./scripts/gendoc -n 10000 -format cfg > haproxy.cfg
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/model/modeltest"
)

func main() {
	n := flag.Int("n", 10000, "number of listeners (half HTTP, half TCP)")
	format := flag.String("format", "json", "json (compact), indented (JSON as people write it) or cfg (compiled haproxy.cfg)")
	flag.Parse()
	if *n < 0 {
		fail(2, "-n must be at least 0")
	}
	var out []byte
	switch *format {
	case "json":
		data, err := json.Marshal(modeltest.Mixed(*n))
		if err != nil {
			fail(1, err.Error())
		}
		out = append(data, '\n')
	case "indented":
		out = modeltest.MixedJSON(*n)
	case "cfg":
		cfg, err := compiler.Compile(modeltest.Mixed(*n), compiler.Options{})
		if err != nil {
			fail(1, err.Error())
		}
		out = cfg
	default:
		fail(2, fmt.Sprintf("-format %q: want json, indented or cfg", *format))
	}
	if _, err := os.Stdout.Write(out); err != nil {
		fail(1, err.Error())
	}
}

func fail(code int, msg string) {
	fmt.Fprintln(os.Stderr, "gendoc:", msg)
	os.Exit(code)
}
