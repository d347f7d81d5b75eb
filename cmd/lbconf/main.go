// Command lbconf lints, compiles, decompiles, diffs and ships HAProxy
// configurations of Capital Online load balancer instances.
//
// Exit codes: 0 clean, 1 findings / differences / refused, 2 usage, I/O or
// API error.
package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
)

func main() {
	deferGC()
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// firstGCHeap is the memory lbconf uses before its first garbage
// collection.
const firstGCHeap = 32 << 20

// deferGC lets the process reach firstGCHeap before the garbage collector
// first runs, then paces it as usual (GOGC=100). Most runs are short and
// allocate less than that in all (lint of 10,000 listeners: about 20 MB),
// and the collector's default start, a collection each time the heap
// doubles from 4 MB, was a quarter of their CPU time (issue 10). Runs that
// make much garbage (decompile) see a few early collections fewer and the
// usual pacing after them, so memory stays proportional to the input; a
// later start (64 MB) made decompile of 1,000 listeners slower, as memory
// touched for the first time is expensive. A GOGC or GOMEMLIMIT in the
// environment is left to the runtime.
func deferGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(firstGCHeap)
	// The first collection frees this sentinel; its finalizer restores
	// the usual pacing.
	// (An object with a pointer, so that it is not batched with others
	// by the allocator for tiny objects, whose finalizers may not run.)
	type sentinelType struct {
		p *int
		_ [64]byte
	}
	runtime.SetFinalizer(&sentinelType{}, func(*sentinelType) {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	})
}
