package model

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// parseJSON parses data into a tree, keeping positions. It is a small
// RFC 8259 parser rather than encoding/json's tokenizer, which allocates for
// every token: strings without escapes are slices of one copy of the input.
// Error messages follow encoding/json's wording.
func parseJSON(data []byte) (*node, error) { return parseJSONText(string(data)) }

// parseJSONText is parseJSON of text already copied into a string.
func parseJSONText(s string) (*node, error) {
	p := &jsonScanner{s: s, cur: newCursor(s)}
	p.space()
	root, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i < len(p.s) {
		return nil, p.errorf(p.i, "invalid character %s after top-level value: a document holds one JSON object", quoteChar(p.s[p.i:]))
	}
	return root, nil
}

type jsonScanner struct {
	s   string
	i   int
	cur *posCursor
	// nodes counts the values so far, up to MaxNodes.
	nodes int
	// keys, keyPos and elems are stacks of the children of the objects
	// and arrays being read: each container copies its own out once, at
	// its exact size, instead of growing three slices of its own.
	keys   []string
	keyPos []Pos
	elems  []*node
	// slab holds nodes not yet used: they are allocated in blocks.
	slab []node
}

// newNode returns a node at pos from the current block.
func (p *jsonScanner) newNode(pos Pos) *node {
	if len(p.slab) == 0 {
		p.slab = make([]node, 256)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	n.pos = pos
	return n
}

// children moves the children stacked from base, and for an object
// (kbase >= 0) the keys and their positions stacked from kbase, into n.
func (p *jsonScanner) children(n *node, base, kbase int) {
	n.elems = append([]*node(nil), p.elems[base:]...)
	clear(p.elems[base:]) // the stack keeps no node alive
	p.elems = p.elems[:base]
	if kbase >= 0 {
		n.keys = append([]string(nil), p.keys[kbase:]...)
		n.keyPos = append([]Pos(nil), p.keyPos[kbase:]...)
		p.keys, p.keyPos = p.keys[:kbase], p.keyPos[:kbase]
	}
}

func (p *jsonScanner) errorf(off int, format string, args ...any) error {
	// Errors are rare; a fresh cursor keeps the main one forward-only.
	return &syntaxError{pos: newCursor(p.s).at(off), msg: fmt.Sprintf(format, args...)}
}

func (p *jsonScanner) eof() error { return p.errorf(len(p.s), "unexpected end of JSON input") }

func (p *jsonScanner) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		default:
			return
		}
	}
}

// quoteChar quotes the first character of s as encoding/json does.
func quoteChar(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	q := strconv.Quote(string(r))
	return "'" + q[1:len(q)-1] + "'"
}

func (p *jsonScanner) value(depth int) (*node, error) {
	if p.i >= len(p.s) {
		return nil, p.eof()
	}
	if depth > maxDepth {
		return nil, p.errorf(p.i, "nesting deeper than %d levels", maxDepth)
	}
	n := p.newNode(p.cur.at(p.i))
	if p.nodes++; p.nodes > MaxNodes {
		return nil, tooManyNodes(n.pos)
	}
	switch c := p.s[p.i]; {
	case c == '{':
		n.kind = kindObject
		p.i++
		p.space()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return n, nil
		}
		base, kbase := len(p.elems), len(p.keys)
		for {
			p.space()
			if p.i >= len(p.s) {
				return nil, p.eof()
			}
			if p.s[p.i] != '"' {
				return nil, p.errorf(p.i, "invalid character %s looking for beginning of object key string", quoteChar(p.s[p.i:]))
			}
			kpos := p.cur.at(p.i)
			key, err := p.str()
			if err != nil {
				return nil, err
			}
			p.space()
			if p.i >= len(p.s) {
				return nil, p.eof()
			}
			if p.s[p.i] != ':' {
				return nil, p.errorf(p.i, "invalid character %s after object key", quoteChar(p.s[p.i:]))
			}
			p.i++
			p.space()
			child, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			p.keys = append(p.keys, key)
			p.keyPos = append(p.keyPos, kpos)
			p.elems = append(p.elems, child)
			if done, err := p.separator('}', "object key:value pair"); done || err != nil {
				p.children(n, base, kbase)
				return n, err
			}
		}
	case c == '[':
		n.kind = kindArray
		p.i++
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			return n, nil
		}
		base := len(p.elems)
		for {
			p.space()
			child, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			p.elems = append(p.elems, child)
			if done, err := p.separator(']', "array element"); done || err != nil {
				p.children(n, base, -1)
				return n, err
			}
		}
	case c == '"':
		s, err := p.str()
		n.kind, n.text = kindString, s
		return n, err
	case c == '-' || c >= '0' && c <= '9':
		s, err := p.number()
		n.kind, n.text = kindNumber, s
		return n, err
	case c == 't':
		n.kind, n.text = kindBool, "true"
		return n, p.literal("true")
	case c == 'f':
		n.kind, n.text = kindBool, "false"
		return n, p.literal("false")
	case c == 'n':
		n.kind = kindNull
		return n, p.literal("null")
	default:
		return nil, p.errorf(p.i, "invalid character %s looking for beginning of value", quoteChar(p.s[p.i:]))
	}
}

// separator reads what follows a member of an object or array: a ',' (more
// members follow) or the closing delimiter (done). after names the member
// for the error message.
func (p *jsonScanner) separator(closing byte, after string) (done bool, err error) {
	p.space()
	if p.i >= len(p.s) {
		return false, p.eof()
	}
	switch p.s[p.i] {
	case ',':
		p.i++
		return false, nil
	case closing:
		p.i++
		return true, nil
	}
	return false, p.errorf(p.i, "invalid character %s after %s", quoteChar(p.s[p.i:]), after)
}

func (p *jsonScanner) literal(word string) error {
	for k := 0; k < len(word); k++ {
		if p.i+k >= len(p.s) {
			return p.eof()
		}
		if p.s[p.i+k] != word[k] {
			return p.errorf(p.i+k, "invalid character %s in literal %s (expecting '%c')", quoteChar(p.s[p.i+k:]), word, word[k])
		}
	}
	p.i += len(word)
	return nil
}

// number scans a JSON number and returns it as written.
func (p *jsonScanner) number() (string, error) {
	start := p.i
	digits := func() int {
		n := 0
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	bad := func(what string) error {
		if p.i >= len(p.s) {
			return p.eof()
		}
		return p.errorf(p.i, "invalid character %s %s", quoteChar(p.s[p.i:]), what)
	}
	if p.s[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.s) && p.s[p.i] == '0':
		p.i++
	case digits() == 0:
		return "", bad("in numeric literal")
	}
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return "", bad("after decimal point in numeric literal")
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return "", bad("in exponent of numeric literal")
		}
	}
	return p.s[start:p.i], nil
}

// str scans a JSON string starting at its opening quote and returns its
// value; without escapes, the value shares the input's memory.
func (p *jsonScanner) str() (string, error) {
	p.i++ // opening quote
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			s := p.s[start:p.i]
			p.i++
			return s, nil
		case c == '\\':
			return p.escaped(start)
		case c < 0x20:
			return "", p.errorf(p.i, "invalid character %s in string literal", quoteChar(p.s[p.i:]))
		}
		p.i++
	}
	return "", p.eof()
}

// escaped finishes a string that holds escapes; s[start:p.i] is plain.
func (p *jsonScanner) escaped(start int) (string, error) {
	var b strings.Builder
	b.WriteString(p.s[start:p.i])
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), nil
		case c < 0x20:
			return "", p.errorf(p.i, "invalid character %s in string literal", quoteChar(p.s[p.i:]))
		case c != '\\':
			b.WriteByte(c)
			p.i++
			continue
		}
		p.i++ // backslash
		if p.i >= len(p.s) {
			return "", p.eof()
		}
		switch e := p.s[p.i]; e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := p.hex4(p.i + 1)
			if !ok {
				return "", p.errorf(p.i+1, "invalid character in \\u hexadecimal character escape")
			}
			p.i += 4
			if utf16.IsSurrogate(r) {
				if r2, ok := p.hex4(p.i + 3); ok && p.i+2 < len(p.s) && p.s[p.i+1] == '\\' && p.s[p.i+2] == 'u' {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r = dec
						p.i += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			b.WriteRune(r)
		default:
			return "", p.errorf(p.i, "invalid character %s in string escape code", quoteChar(p.s[p.i:]))
		}
		p.i++
	}
	return "", p.eof()
}

func (p *jsonScanner) hex4(at int) (rune, bool) {
	if at+4 > len(p.s) {
		return 0, false
	}
	v, err := strconv.ParseUint(p.s[at:at+4], 16, 32)
	return rune(v), err == nil
}
