// Command gen writes tables_gen.go of package keywords from the keyword
// tables of HAProxy's manual. Run it with `go generate ./haproxycfg/keywords`
// from a checkout that has ../shared beside the repository.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/lbconf/lbconf/haproxycfg/keywords/internal/kwgen"
)

func main() {
	ref := flag.String("ref", "../../../shared/reference/haproxy-keywords", "folder of VERSION/*.tsv tables")
	out := flag.String("o", "tables_gen.go", "output file")
	flag.Parse()
	vs, err := kwgen.Load(*ref)
	if err == nil {
		var src []byte
		if src, err = kwgen.Source(vs); err == nil {
			err = os.WriteFile(*out, src, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
