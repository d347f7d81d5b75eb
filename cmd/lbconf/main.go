// Command lbconf lints, compiles, decompiles, diffs and ships HAProxy
// configurations of Capital Online load balancer instances.
//
// Exit codes: 0 clean, 1 findings / differences / refused, 2 usage, I/O or
// API error.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
