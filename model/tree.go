package model

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
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
	data []byte
	off  int
	pos  Pos
}

func newCursor(data []byte) *posCursor { return &posCursor{data: data, pos: Pos{1, 1}} }

// at returns the position of byte offset off. Offsets must not decrease
// between calls (the cursor only moves forward).
func (c *posCursor) at(off int) Pos {
	if off > len(c.data) {
		off = len(c.data)
	}
	for c.off < off {
		r, size := utf8.DecodeRune(c.data[c.off:])
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

// parseYAML parses a YAML document into the same tree as parseJSON.
func parseYAML(data []byte) (*node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlSyntaxError(err)
	}
	if doc.Kind == 0 {
		return nil, &syntaxError{pos: Pos{1, 1}, msg: "empty YAML document"}
	}
	budget := maxYAMLNodes
	return fromYAML(&doc, 0, &budget)
}

// maxYAMLNodes bounds alias expansion ("billion laughs").
const maxYAMLNodes = 10_000_000

func yamlSyntaxError(err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 1
	// yaml.v3 reports "yaml: line N: message".
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				line, msg = n, strings.TrimSpace(rest[i+1:])
			}
		}
	}
	return &syntaxError{pos: Pos{line, 1}, msg: "YAML: " + msg}
}

func fromYAML(y *yaml.Node, depth int, budget *int) (*node, error) {
	*budget--
	if depth > maxDepth || *budget < 0 {
		return nil, &syntaxError{pos: Pos{y.Line, y.Column}, msg: "YAML document too deep or too large after alias expansion"}
	}
	n := &node{pos: Pos{y.Line, y.Column}}
	switch y.Kind {
	case yaml.DocumentNode:
		if len(y.Content) == 0 {
			return &node{kind: kindNull, pos: n.pos}, nil
		}
		return fromYAML(y.Content[0], depth+1, budget)
	case yaml.AliasNode:
		return fromYAML(y.Alias, depth+1, budget)
	case yaml.SequenceNode:
		n.kind = kindArray
		for _, c := range y.Content {
			child, err := fromYAML(c, depth+1, budget)
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
			child, err := fromYAML(v, depth+1, budget)
			if err != nil {
				return nil, err
			}
			if k.ShortTag() == "!!merge" {
				merges = append(merges, child)
				continue
			}
			n.keys = append(n.keys, k.Value)
			n.keyPos = append(n.keyPos, Pos{k.Line, k.Column})
			n.elems = append(n.elems, child)
		}
		// Explicit keys win over merged ones, wherever the merge key stands.
		for _, m := range merges {
			n.merge(m)
		}
	case yaml.ScalarNode:
		switch y.ShortTag() {
		case "!!null":
			n.kind = kindNull
		case "!!bool":
			n.kind, n.text = kindBool, y.Value
		case "!!int", "!!float":
			n.kind, n.text = kindNumber, y.Value
		default:
			n.kind, n.text = kindString, y.Value
		}
	}
	return n, nil
}

// merge applies a YAML merge key: keys of src (a mapping or a list of
// mappings) that n does not set yet.
func (n *node) merge(src *node) {
	srcs := []*node{src}
	if src.kind == kindArray {
		srcs = src.elems
	}
	for _, s := range srcs {
		if s.kind != kindObject {
			continue
		}
		for i, k := range s.keys {
			if n.get(k) == nil {
				n.keys = append(n.keys, k)
				n.keyPos = append(n.keyPos, s.keyPos[i])
				n.elems = append(n.elems, s.elems[i])
			}
		}
	}
}
