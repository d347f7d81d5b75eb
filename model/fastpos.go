package model

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// fastPositions gives the positions of a document read on the fast path,
// from its text and only when a finding asks for one. The fast path notes
// where each listener starts; the first pointer into a listener reads that
// listener's object, and only it, into a position tree (a document with a
// few findings reads a few listeners: the whole tree of 10,000 listeners
// took 70 MB). A pointer outside every listener reads the whole tree.
// Positions are those the exact path gives (TestFastPathAgrees).
type fastPositions struct {
	text   string
	starts map[string][]int // by list: the byte offset of each listener

	mu        sync.Mutex
	startPos  map[string][]Pos // the position of each listener, once asked
	listeners map[listenerKey]*node
	whole     *node
	// scanner reads the listeners, one after the other: they share its
	// blocks of nodes.
	scanner *jsonScanner
}

type listenerKey struct {
	list string
	i    int
}

func newFastPositions(text string, httpStarts, tcpStarts []int) *fastPositions {
	return &fastPositions{
		text:      text,
		starts:    map[string][]int{KeyHttpListeners: httpStarts, KeyTcpListeners: tcpStarts},
		listeners: map[listenerKey]*node{},
	}
}

// listener returns the tree of the listener pointer leads into and the
// rest of the pointer below it; ok is false for a pointer that leads into
// no listener.
func (f *fastPositions) listener(pointer string) (n *node, rest string, ok bool) {
	list, rest, _ := strings.Cut(strings.TrimPrefix(pointer, "/"), "/")
	starts, known := f.starts[list]
	if !known || !strings.HasPrefix(pointer, "/") {
		return nil, "", false
	}
	index, rest, found := strings.Cut(rest, "/")
	if found {
		rest = "/" + rest
	}
	i, err := strconv.Atoi(index)
	if err != nil || i < 0 || i >= len(starts) {
		return nil, "", false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	key := listenerKey{list, i}
	if n := f.listeners[key]; n != nil {
		return n, rest, true
	}
	if f.startPos == nil {
		f.startPos = positionsOf(f.text, f.starts)
	}
	off := starts[i]
	if f.scanner == nil {
		f.scanner = &jsonScanner{s: f.text}
	}
	p := f.scanner
	p.i, p.nodes, p.cur = off, 0, &posCursor{data: f.text, off: off, pos: f.startPos[list][i]}
	n, err = p.value(0)
	if err != nil {
		return nil, "", false // the fast path read it: not reached
	}
	f.listeners[key] = n
	return n, rest, true
}

// rootPos is the position of the document's value: its first character
// that is not white space.
func (f *fastPositions) rootPos() Pos {
	off := len(f.text) - len(strings.TrimLeft(f.text, " \t\r\n"))
	return positionsOf(f.text, map[string][]int{"": {off}})[""][0]
}

// tree returns the tree of the whole document.
func (f *fastPositions) tree() *node {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.whole == nil {
		f.whole, _ = parseJSONText(f.text) // the fast path read it: it parses
	}
	return f.whole
}

// positionsOf returns the position of each offset of each list, in one
// pass over the text.
func positionsOf(text string, starts map[string][]int) map[string][]Pos {
	type at struct {
		off  int
		list string
		i    int
	}
	var all []at
	out := map[string][]Pos{}
	for list, offs := range starts {
		out[list] = make([]Pos, len(offs))
		for i, off := range offs {
			all = append(all, at{off, list, i})
		}
	}
	sort.Slice(all, func(a, b int) bool { return all[a].off < all[b].off })
	pos, done := Pos{1, 1}, 0
	for _, a := range all {
		seg := text[done:a.off]
		if k := strings.LastIndexByte(seg, '\n'); k >= 0 {
			pos.Line += strings.Count(seg, "\n")
			pos.Col = 1 + utf8.RuneCountInString(seg[k+1:])
		} else {
			pos.Col += utf8.RuneCountInString(seg)
		}
		done = a.off
		out[a.list][a.i] = pos
	}
	return out
}
