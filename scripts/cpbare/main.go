// Command cpbare parses a haproxy.cfg with config-parser and nothing else:
// the floor of `lbconf decompile` in scripts/perf-compare.sh (issue 10).
//
//	go run ./scripts/cpbare haproxy.cfg
package main

import (
	"fmt"
	"os"

	parser "github.com/haproxytech/config-parser/v5"
	"github.com/haproxytech/config-parser/v5/options"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: cpbare haproxy.cfg")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "cpbare:", err)
		os.Exit(2)
	}
	if _, err := parser.New(options.String(string(data))); err != nil {
		fmt.Fprintln(os.Stderr, "cpbare:", err)
		os.Exit(1)
	}
}
