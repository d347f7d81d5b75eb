package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Pos is a 1-based line and column (in characters) in a source file.
type Pos struct {
	Line int
	Col  int
}

// kind is the JSON type of a tree node.
type kind int

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

func (k kind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

// node is one value of a decoded document with its position. Objects keep
// their keys in document order; a repeated key keeps every occurrence.
type node struct {
	kind kind
	// text is the string value, the number as written, or "true"/"false".
	text   string
	pos    Pos
	keys   []string // object keys, in order
	keyPos []Pos    // positions of the keys
	elems  []*node  // object values (parallel to keys) or array elements
}

// get returns the last value of key in an object (the one JSON decoders and
// the API use), or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != kindObject {
		return nil
	}
	for i := len(n.keys) - 1; i >= 0; i-- {
		if n.keys[i] == key {
			return n.elems[i]
		}
	}
	return nil
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 256

// syntaxError is a document that could not be parsed at all.
type syntaxError struct {
	pos Pos
	msg string
}

func (e *syntaxError) Error() string { return e.msg }

// posCursor turns increasing byte offsets into line/column positions in
// linear time overall.
type posCursor struct {
	data string
	off  int
	pos  Pos
}

func newCursor(data string) *posCursor { return &posCursor{data: data, pos: Pos{1, 1}} }

// at returns the position of byte offset off. Offsets must not decrease
// between calls (the cursor only moves forward).
func (c *posCursor) at(off int) Pos {
	if off > len(c.data) {
		off = len(c.data)
	}
	for c.off < off {
		r, size := utf8.DecodeRuneInString(c.data[c.off:])
		if r == '\n' {
			c.pos.Line++
			c.pos.Col = 1
		} else {
			c.pos.Col++
		}
		c.off += size
	}
	return c.pos
}

// Limits of one listener document. A document beyond them is refused with
// an error wrapping ErrTooLarge (exit 2), not decoded in part.
const (
	// MaxNodes bounds the values of one document (objects, lists and
	// scalars), counting every expansion of a YAML alias: a "billion
	// laughs" document is refused, not expanded. 10,000 listeners of the
	// benchmarks' mix hold 425,000 values.
	MaxNodes = 500_000
)

// ErrTooLarge is returned (wrapped) for input beyond one of lbconf's limits.
var ErrTooLarge = errors.New("beyond lbconf's limits")

// limitError is a document refused for a limit, at a position.
type limitError struct {
	pos Pos
	msg string
}

func (e *limitError) Error() string { return e.msg }
func (e *limitError) Unwrap() error { return ErrTooLarge }

func tooManyNodes(pos Pos) error {
	return &limitError{pos: pos, msg: fmt.Sprintf("more than %d values (aliases counted as often as they are used): "+
		"lbconf reads at most %d values per document", MaxNodes, MaxNodes)}
}

// parseYAML parses a YAML stream holding one document into the same tree
// as parseJSON. A second document, a custom tag (`!evil`), a merge key
// (`<<`) whose value is not a mapping or a list of mappings, and an alias
// of its own anchor are refused at their positions.
func parseYAML(data []byte) (*node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &syntaxError{pos: Pos{1, 1}, msg: "empty YAML document"}
		}
		return nil, yamlSyntaxError(err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		pos := Pos{next.Line, next.Column}
		if len(next.Content) > 0 {
			pos = Pos{next.Content[0].Line, next.Content[0].Column}
		}
		return nil, &syntaxError{pos: pos, msg: "YAML: a second document (after ---): a listener file holds exactly one document; " +
			"put every listener in the first one, or use one file per document"}
	case !errors.Is(err, io.EOF):
		return nil, yamlSyntaxError(err)
	}
	if doc.Kind == 0 {
		return nil, &syntaxError{pos: Pos{1, 1}, msg: "empty YAML document"}
	}
	c := &yamlConverter{budget: MaxNodes, anchors: map[*yaml.Node]*yamlAnchor{}}
	return c.convert(&doc, 0)
}

func yamlSyntaxError(err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 1
	// go.yaml.in/yaml/v3 reports "yaml: line N: message".
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				line, msg = n, strings.TrimSpace(rest[i+1:])
			}
		}
	}
	return &syntaxError{pos: Pos{line, 1}, msg: "YAML: " + msg}
}

// yamlAnchor is the converted value of an anchored YAML node, converted
// once and shared by every alias of it, and its size (in nodes) once
// expanded.
type yamlAnchor struct {
	n    *node
	size int
	done bool
}

// yamlConverter turns a yaml.Node tree into a tree of nodes. Anchored
// values are converted once (a merge is done once, however often its
// mapping is aliased) and shared; every alias is charged the expanded size
// of its value, so that the tree, walked as a tree, stays within MaxNodes.
type yamlConverter struct {
	budget  int
	anchors map[*yaml.Node]*yamlAnchor
}

// yamlTags are the tags a listener document may use; the others (custom
// tags such as !evil, !!binary, !!set) have no meaning for the API.
var yamlTags = map[string]bool{
	"!!null": true, "!!bool": true, "!!int": true, "!!float": true, "!!str": true,
	"!!seq": true, "!!map": true, "!!merge": true, "!!timestamp": true, "!": true,
}

func (c *yamlConverter) convert(y *yaml.Node, depth int) (*node, error) {
	pos := Pos{y.Line, y.Column}
	if depth > maxDepth {
		return nil, &syntaxError{pos: pos, msg: fmt.Sprintf("YAML: nesting deeper than %d levels", maxDepth)}
	}
	switch y.Kind {
	case yaml.DocumentNode:
		if len(y.Content) == 0 {
			return &node{kind: kindNull, pos: pos}, nil
		}
		return c.convert(y.Content[0], depth+1)
	case yaml.AliasNode:
		a := c.anchors[y.Alias]
		if a == nil {
			// An alias before its anchor cannot parse; convert it anyway.
			n, err := c.convert(y.Alias, depth+1)
			if err != nil {
				return nil, err
			}
			a = c.anchors[y.Alias]
			if a == nil {
				return n, nil
			}
		}
		if !a.done {
			return nil, &syntaxError{pos: pos, msg: fmt.Sprintf("YAML: alias *%s is inside its own anchor &%s: a document cannot contain itself", y.Value, y.Value)}
		}
		c.budget -= a.size
		if c.budget < 0 {
			return nil, tooManyNodes(pos)
		}
		return a.n, nil
	}
	if tag := y.ShortTag(); !yamlTags[tag] && tag != "" {
		return nil, &syntaxError{pos: pos, msg: fmt.Sprintf("YAML: the tag %s is not allowed: a listener document holds plain mappings, lists, strings, numbers, booleans and null", tag)}
	}
	before := c.budget
	c.budget--
	if c.budget < 0 {
		return nil, tooManyNodes(pos)
	}
	var a *yamlAnchor
	if y.Anchor != "" {
		a = &yamlAnchor{}
		c.anchors[y] = a
	}
	n := &node{pos: pos}
	switch y.Kind {
	case yaml.SequenceNode:
		n.kind = kindArray
		n.elems = make([]*node, 0, len(y.Content))
		for _, e := range y.Content {
			child, err := c.convert(e, depth+1)
			if err != nil {
				return nil, err
			}
			n.elems = append(n.elems, child)
		}
	case yaml.MappingNode:
		n.kind = kindObject
		var merges []*node
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, v := y.Content[i], y.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return nil, &syntaxError{pos: Pos{k.Line, k.Column}, msg: "YAML: a key must be a plain string, not a mapping, list or alias"}
			}
			if tag := k.ShortTag(); !yamlTags[tag] {
				return nil, &syntaxError{pos: Pos{k.Line, k.Column}, msg: fmt.Sprintf("YAML: the tag %s is not allowed: a listener document holds plain mappings, lists, strings, numbers, booleans and null", tag)}
			}
			child, err := c.convert(v, depth+1)
			if err != nil {
				return nil, err
			}
			if k.ShortTag() == "!!merge" {
				if !mergeable(child) {
					return nil, &syntaxError{pos: Pos{v.Line, v.Column}, msg: fmt.Sprintf("YAML: the merge key << takes a mapping or a list of mappings, got a %s", child.kind)}
				}
				merges = append(merges, child)
				continue
			}
			n.keys = append(n.keys, k.Value)
			n.keyPos = append(n.keyPos, Pos{k.Line, k.Column})
			n.elems = append(n.elems, child)
		}
		// Explicit keys win over merged ones, wherever the merge key stands.
		if len(merges) > 0 {
			if err := c.merge(n, merges); err != nil {
				return nil, err
			}
		}
	case yaml.ScalarNode:
		switch y.ShortTag() {
		case "!!null":
			n.kind = kindNull
		case "!!bool":
			n.kind, n.text = kindBool, y.Value
		case "!!int", "!!float":
			n.kind, n.text = kindNumber, y.Value
		case "!!str":
			n.kind, n.text = kindString, y.Value
			// The YAML library resolves a plain number beyond float64
			// (1e309) as a string; it is a number out of range.
			if y.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle|yaml.TaggedStyle) == 0 && outOfRange(y.Value) {
				n.kind = kindNumber
			}
		default:
			n.kind, n.text = kindString, y.Value
		}
	}
	if a != nil {
		a.n, a.size, a.done = n, before-c.budget, true
	}
	return n, nil
}

// mergeable reports whether n can be the value of a merge key: a mapping
// or a list of mappings.
func mergeable(n *node) bool {
	switch n.kind {
	case kindObject:
		return true
	case kindArray:
		for _, e := range n.elems {
			if e.kind != kindObject {
				return false
			}
		}
		return true
	}
	return false
}

// merge applies YAML merge keys to n: the keys of each source (a mapping
// or a list of mappings) that n does not set yet, in linear time. Merged
// values are charged to the budget as aliases are.
func (c *yamlConverter) merge(n *node, merges []*node) error {
	set := make(map[string]bool, len(n.keys))
	for _, k := range n.keys {
		set[k] = true
	}
	for _, m := range merges {
		srcs := []*node{m}
		if m.kind == kindArray {
			srcs = m.elems
		}
		for _, s := range srcs {
			for i, k := range s.keys {
				if set[k] {
					continue
				}
				set[k] = true
				c.budget -= treeSize(s.elems[i], c.budget+1)
				if c.budget < 0 {
					return tooManyNodes(n.pos)
				}
				n.keys = append(n.keys, k)
				n.keyPos = append(n.keyPos, s.keyPos[i])
				n.elems = append(n.elems, s.elems[i])
			}
		}
	}
	return nil
}

// treeSize counts the nodes of the tree under n, walked as a tree, stopping
// once it exceeds limit.
func treeSize(n *node, limit int) int {
	size := 1
	for _, e := range n.elems {
		if size > limit {
			break
		}
		size += treeSize(e, limit-size)
	}
	return size
}

// outOfRange reports whether s is written as a number but is beyond the
// range of float64 (1e309).
func outOfRange(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return errors.Is(err, strconv.ErrRange)
}
