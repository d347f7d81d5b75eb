package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/lbconf/lbconf/finding"
)

// Shape is the kind of document a listener file holds.
type Shape int

// The accepted document shapes.
const (
	// ShapeBare is {"HttpListeners": [...], "TcpListeners": [...]}.
	ShapeBare Shape = iota
	// ShapeRequest is the body of ModifyLoadBalancerStrategys or
	// AddLoadBalancerStrategys: the bare shape plus InstanceUuid.
	ShapeRequest
	// ShapeDescribe is a DescribeLoadBalancerStrategys response: the
	// listeners sit under Data.
	ShapeDescribe
)

// String names the shape.
func (s Shape) String() string {
	switch s {
	case ShapeRequest:
		return "request body"
	case ShapeDescribe:
		return "Describe response"
	}
	return "bare listeners"
}

// Decoding rules: the names of the findings Decode reports.
const (
	RuleSyntax         = "syntax"
	RuleUnknownField   = "unknown-field"
	RuleType           = "type"
	RuleDocumentedType = "documented-type"
	RuleDuplicateKey   = "duplicate-key"
	// RuleUndocumentedField: a field the documentation does not list and
	// that is no near miss of one (a warning; near misses are unknown-field).
	RuleUndocumentedField = "undocumented-field"
	// RuleListsAbsent: HttpListeners absent or null in a request body or a
	// Describe response (none, with a warning).
	RuleListsAbsent = "listeners-absent"
	// RuleACLEntrySpace: an AclWhiteList entry with surrounding spaces,
	// trimmed.
	RuleACLEntrySpace = "acl-entry-space"
)

// Document is a decoded listener document: the listeners, how the file was
// shaped, the problems found while decoding, and the position of every value.
type Document struct {
	// File is the name findings carry ("-" for standard input).
	File string
	// Format is "json" or "yaml".
	Format string
	// Shape is the detected document shape.
	Shape Shape
	// InstanceUuid is set for request bodies.
	InstanceUuid string
	// Listeners holds every listener that could be decoded. Values that
	// could not be decoded are left at their zero value and reported.
	Listeners Listeners
	// Findings are the problems found while decoding (rules syntax,
	// unknown-field, type, documented-type, duplicate-key), in document
	// order. A syntax finding means nothing else was decoded.
	Findings []finding.Finding
	// Base is the JSON pointer under which the listeners sit: "" or "/Data".
	Base string

	// root is the position tree. A document read on the fast path has
	// none: positions come from its text (fastPositions), only when a
	// finding asks for one.
	root *node
	fast *fastPositions
}

// RequiredSet reports whether Decode found every field the field table
// marks Required set in the document, so that a check of required fields
// has nothing to report. It is false when Decode did not establish it (the
// document may still be complete).
func (d *Document) RequiredSet() bool { return d.fast != nil }

// ErrNotText is returned (wrapped) for input that is not a text document.
var ErrNotText = errors.New("not a text file")

// ErrEmpty is returned (wrapped) for an empty document.
var ErrEmpty = errors.New("empty document")

// DecodeFile reads and decodes the listener document at path; "-" reads
// standard input. Errors are about the file itself (missing, a directory,
// empty, binary); problems inside it are Document.Findings.
func DecodeFile(path string, stdin io.Reader) (*Document, error) {
	data, err := ReadInput(path, stdin)
	if err != nil {
		return nil, err
	}
	return Decode(path, data)
}

// MaxInputBytes bounds what lbconf reads from one path of any kind: a
// file, standard input, a FIFO or a device such as /dev/zero. Listener
// documents and haproxy.cfg files are kilobytes; the compiled config of
// 10,000 listeners is 8.6 MB. Memory stays proportional to what is read.
const MaxInputBytes = 16 << 20

// maxInputText names MaxInputBytes in messages.
const maxInputText = "16 MiB"

// ReadInput reads a whole input file; "-" reads stdin. It refuses
// directories, and inputs larger than MaxInputBytes with an error wrapping
// ErrTooLarge, whatever the kind of path: it never reads more than
// MaxInputBytes+1 bytes.
func ReadInput(path string, stdin io.Reader) ([]byte, error) {
	name, r := "standard input", stdin
	var size int64 // of a regular file: read into a buffer of that size
	if path != "-" {
		name = path
		f, err := os.Open(path)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("%s: no such file", path)
			}
			return nil, err
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			return nil, err
		}
		if fi.IsDir() {
			return nil, fmt.Errorf("%s: is a directory, not a file", path)
		}
		if fi.Mode().IsRegular() && fi.Size() > MaxInputBytes {
			return nil, fmt.Errorf("%s: %d bytes is larger than the %s lbconf reads: %w", path, fi.Size(), maxInputText, ErrTooLarge)
		}
		if fi.Mode().IsRegular() {
			size = fi.Size()
		}
		r = f
	}
	data, err := readAll(io.LimitReader(r, MaxInputBytes+1), size)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if len(data) > MaxInputBytes {
		return nil, fmt.Errorf("%s: larger than the %s lbconf reads: %w", name, maxInputText, ErrTooLarge)
	}
	return data, nil
}

// readAll reads r to its end into a buffer of size+1 bytes to start with
// (a regular file's size: read without growing and copying), as
// os.ReadFile does.
func readAll(r io.Reader, size int64) ([]byte, error) {
	data := make([]byte, 0, max(size+1, 512))
	for {
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // grow
		}
	}
}

// Decode decodes a listener document. name is used in findings and to pick
// the format: .yaml and .yml are YAML, .json is JSON, anything else is JSON
// when it starts with '{' or '[' and YAML otherwise.
//
// The document may keep data (its strings share data's memory): the caller
// must not change data afterwards.
func Decode(name string, data []byte) (*Document, error) { return decode(name, data, true) }

// decode is Decode; fast allows the fast path (tests compare the two).
func decode(name string, data []byte, fast bool) (*Document, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: %w: want a JSON or YAML listener document", name, ErrEmpty)
	}
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		return nil, fmt.Errorf("%s: %w (it has NUL bytes or invalid UTF-8): want a JSON or YAML listener document", name, ErrNotText)
	}
	d := &Document{File: name, Format: detectFormat(name, data)}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
	if fast && d.Format == "json" {
		// The model's strings share data's memory: a copy of a large
		// document costs as much as decoding it.
		text := unsafe.String(unsafe.SliceData(data), len(data))
		if r, ok := decodeFast(text); ok {
			d.Listeners, d.Shape, d.InstanceUuid = r.listeners, r.shape, r.uuid
			d.fast = newFastPositions(text, r.httpStarts, r.tcpStarts)
			b := &binder{doc: d}
			if r.listsAbsent {
				b.report(d.Position(""), finding.Warning, RuleListsAbsent, "/HttpListeners", listsAbsentMessage)
			}
			for _, t := range r.typed {
				b.report(d.Position(t.pointer), finding.Warning, RuleDocumentedType, t.pointer, t.message)
			}
			for _, c := range r.changes {
				b.report(d.Position(c.Pointer), finding.Warning, c.Rule, c.Pointer, c.Message)
			}
			finding.Sort(d.Findings)
			return d, nil
		}
	}
	return decodeExact(d, data)
}

// decodeExact decodes data into d through the position tree: the path for
// every document the fast path declines.
func decodeExact(d *Document, data []byte) (*Document, error) {
	name := d.File
	var err error
	if d.Format == "yaml" {
		d.root, err = parseYAML(data)
	} else {
		d.root, err = parseJSON(data)
	}
	if err != nil {
		var le *limitError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("%s:%d:%d: %w", name, le.pos.Line, le.pos.Col, err)
		}
		var se *syntaxError
		if !errors.As(err, &se) {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		d.Findings = []finding.Finding{{
			File: name, Line: se.pos.Line, Col: se.pos.Col, Severity: finding.Error,
			Rule: RuleSyntax, Message: se.msg,
		}}
		d.root = nil
		return d, nil
	}
	b := &binder{doc: d, fields: map[reflect.Type]map[string]int{}}
	b.document(d.root)
	for _, c := range ApplyDefaults(&d.Listeners) {
		ptr := d.Base + c.Pointer
		b.report(d.Position(ptr), finding.Warning, c.Rule, ptr, c.Message)
	}
	finding.Sort(d.Findings)
	return d, nil
}

func detectFormat(name string, data []byte) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		return "yaml"
	case ".json":
		return "json"
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return "json"
	}
	return "yaml"
}

// Has reports whether the document sets the value at pointer (null counts
// as not set).
func (d *Document) Has(pointer string) bool {
	n, rest := d.walk(pointer)
	return n != nil && rest == "" && n.kind != kindNull
}

// Cursor is a value of a decoded document reached step by step, for
// callers that visit many values below one object (validate's required
// check) and would otherwise build and walk a pointer for each. The zero
// Cursor is a value the document does not set.
type Cursor struct{ n *node }

// At returns the cursor at pointer; it is not Set when the document does
// not reach that far.
func (d *Document) At(pointer string) Cursor {
	n, rest := d.walk(pointer)
	if rest != "" {
		return Cursor{}
	}
	return Cursor{n}
}

// Field returns the member name of an object (the last one, as Has reads
// it); not Set when c is not an object or has no such member.
func (c Cursor) Field(name string) Cursor { return Cursor{c.n.get(name)} }

// Elem returns element i of a list; not Set when c is not a list or is
// shorter.
func (c Cursor) Elem(i int) Cursor {
	if c.n == nil || c.n.kind != kindArray || i < 0 || i >= len(c.n.elems) {
		return Cursor{}
	}
	return Cursor{c.n.elems[i]}
}

// Set reports whether the document sets the value (null counts as not
// set), as Has does for its pointer.
func (c Cursor) Set() bool { return c.n != nil && c.n.kind != kindNull }

// Position returns where the value at pointer is written. For a value the
// document does not set, it is the position of the closest enclosing value
// that is set (for a missing field: its object).
func (d *Document) Position(pointer string) Pos {
	if pointer == "" && d.fast != nil {
		return d.fast.rootPos() // without reading the whole tree
	}
	n, _ := d.walk(pointer)
	if n == nil {
		return Pos{1, 1}
	}
	return n.pos
}

// walk follows pointer as far as the document goes and returns the last node
// reached and the part of the pointer left over.
func (d *Document) walk(pointer string) (*node, string) {
	n := d.root
	if d.fast != nil {
		if l, rest, ok := d.fast.listener(pointer); ok {
			return walkFrom(l, rest)
		}
		n = d.fast.tree()
	}
	if n == nil {
		return nil, pointer
	}
	return walkFrom(n, pointer)
}

// walkFrom follows pointer from n as far as the document goes.
func walkFrom(n *node, pointer string) (*node, string) {
	rest := pointer
	for rest != "" {
		if rest[0] != '/' {
			return n, rest
		}
		tok := rest[1:]
		next := ""
		if i := strings.IndexByte(tok, '/'); i >= 0 {
			tok, next = tok[:i], tok[i:]
		}
		tok = unescapePointer(tok)
		var child *node
		switch n.kind {
		case kindObject:
			child = n.get(tok)
		case kindArray:
			if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(n.elems) {
				child = n.elems[i]
			}
		}
		if child == nil {
			return n, rest
		}
		n, rest = child, next
	}
	return n, ""
}

// EscapePointer escapes one reference token of an RFC 6901 JSON pointer.
func EscapePointer(tok string) string {
	if !strings.ContainsAny(tok, "~/") {
		return tok
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(tok)
}

func unescapePointer(tok string) string {
	if !strings.Contains(tok, "~") {
		return tok
	}
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
}

// binder copies a tree into the typed model, reporting what does not fit.
type binder struct {
	doc    *Document
	fields map[reflect.Type]map[string]int
}

func (b *binder) report(pos Pos, sev finding.Severity, rule, ptr, msg string) {
	b.doc.Findings = append(b.doc.Findings, finding.Finding{
		File: b.doc.File, Line: pos.Line, Col: pos.Col, Severity: sev, Rule: rule, Message: msg, Pointer: ptr,
	})
}

var (
	bareKeys     = []string{"HttpListeners", "TcpListeners"}
	requestKeys  = []string{"InstanceUuid", "HttpListeners", "TcpListeners"}
	describeKeys = []string{"Code", "Data", "Message", "TaskId", "RequestId"}
	// envelopeKeys are top-level keys of the Python SDK's request bodies
	// (BaseRequest.to_params in capitalonline/cds-python-sdk,
	// capitalonline/haproxy/models.py): known, and ignored.
	envelopeKeys = []string{"service", "version", "action"}
)

// ShapeKeys returns the keys a document of shape s may have at its top
// level (for ShapeDescribe; its Data has those of ShapeBare). The SDK
// envelope keys (EnvelopeKeys) are allowed beside them.
func ShapeKeys(s Shape) []string {
	switch s {
	case ShapeRequest:
		return append([]string(nil), requestKeys...)
	case ShapeDescribe:
		return append([]string(nil), describeKeys...)
	}
	return append([]string(nil), bareKeys...)
}

// EnvelopeKeys returns the top-level keys of the Python SDK's request
// bodies, which documents of any shape may carry and Decode ignores.
func EnvelopeKeys() []string { return append([]string(nil), envelopeKeys...) }

const shapesHelp = `a listener document is a JSON or YAML object: {"HttpListeners": [...], "TcpListeners": [...]}, ` +
	`a ModifyLoadBalancerStrategys/AddLoadBalancerStrategys body (with "InstanceUuid"), ` +
	`or a DescribeLoadBalancerStrategys response (with "Data")`

func (b *binder) document(root *node) {
	if root.kind != kindObject {
		b.report(root.pos, finding.Error, RuleType, "", fmt.Sprintf("got a %s: %s", root.kind, shapesHelp))
		return
	}
	b.duplicates(root, "")
	lists := root
	switch {
	case root.get("Data") != nil || root.get("Code") != nil:
		b.doc.Shape, b.doc.Base = ShapeDescribe, "/Data"
		b.onlyKeys(root, "", describeKeys)
		lists = root.get("Data")
		if lists == nil || lists.kind == kindNull {
			b.report(root.pos, finding.Error, "required", "/Data", "a DescribeLoadBalancerStrategys response needs Data with HttpListeners and TcpListeners")
			return
		}
		if lists.kind != kindObject {
			b.report(lists.pos, finding.Error, RuleType, "/Data", fmt.Sprintf("Data must be an object with HttpListeners and TcpListeners, got a %s", lists.kind))
			return
		}
		b.duplicates(lists, "/Data")
		b.onlyKeys(lists, "/Data", bareKeys)
	case root.get("InstanceUuid") != nil:
		b.doc.Shape = ShapeRequest
		b.onlyKeys(root, "", requestKeys)
		b.doc.InstanceUuid = b.str(root.get("InstanceUuid"), "/InstanceUuid", "InstanceUuid")
	default:
		b.onlyKeys(root, "", bareKeys)
	}
	base := b.doc.Base
	if n := lists.get("HttpListeners"); b.doc.Shape != ShapeBare && (n == nil || n.kind == kindNull) {
		pos := lists.pos
		if n != nil {
			pos = n.pos
		}
		b.report(pos, finding.Warning, RuleListsAbsent, base+"/HttpListeners", listsAbsentMessage)
	}
	if n := lists.get("HttpListeners"); n != nil {
		b.list(n, base+"/HttpListeners", reflect.ValueOf(&b.doc.Listeners.HttpListeners).Elem())
	}
	if n := lists.get("TcpListeners"); n != nil {
		b.list(n, base+"/TcpListeners", reflect.ValueOf(&b.doc.Listeners.TcpListeners).Elem())
	}
}

const listsAbsentMessage = "HttpListeners is absent or null, read as no HTTP listeners; the documentation marks it required, so write [] for none"

// onlyKeys reports keys of obj that are not in allowed. At the top level
// (ptr ""), the SDK envelope keys are allowed too.
func (b *binder) onlyKeys(obj *node, ptr string, allowed []string) {
	for i, k := range obj.keys {
		if ptr == "" && contains(envelopeKeys, k) {
			continue
		}
		if !contains(allowed, k) {
			b.unknown(obj.keyPos[i], ptr, k, allowed, "")
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// duplicates reports keys written twice in one object.
func (b *binder) duplicates(obj *node, ptr string) {
	if len(obj.keys) < 2 {
		return
	}
	seen := make(map[string]int, len(obj.keys))
	for i, k := range obj.keys {
		if j, ok := seen[k]; ok {
			b.report(obj.keyPos[i], finding.Error, RuleDuplicateKey, ptr+"/"+EscapePointer(k),
				fmt.Sprintf("%q is set twice in one object (first on line %d); the API keeps only the last value, so remove one", k, obj.keyPos[j].Line))
		}
		seen[k] = i
	}
}

// listenerFieldOwner names the list whose listeners alone have the
// top-level field key (from the field table): "TcpListeners" for
// EnableSourceIp. ok is false for fields of both kinds or none.
func listenerFieldOwner(key string) (owner string, ok bool) {
	var in Kind
	for i := range table {
		if table[i].Pointer == "/"+key {
			in |= table[i].In
		}
	}
	if in == 0 || in == KindBoth {
		return "", false
	}
	return in.String(), true
}

// unknown reports a key the model does not hold: an error (unknown-field)
// when it is a near miss of an allowed field (a typo whose setting the API
// would silently ignore) or a field of the other listener kind, otherwise a
// warning (undocumented-field), so that a field the platform adds to its
// answers does not break pipelines.
func (b *binder) unknown(pos Pos, ptr, key string, allowed []string, where string) {
	msg := fmt.Sprintf("unknown field %q", key)
	if where != "" {
		msg += " in " + where
	}
	if owner, ok := listenerFieldOwner(key); ok && where != "" && !strings.HasPrefix(where, owner) {
		msg += fmt.Sprintf("; %s is a setting of %s only", key, owner)
	} else if s := nearMiss(key, allowed); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	} else {
		msg = fmt.Sprintf("field %q", key)
		if where != "" {
			msg += " in " + where
		}
		msg += " is not in the API documentation and is ignored; documented: " + strings.Join(allowed, ", ")
		b.report(pos, finding.Warning, RuleUndocumentedField, ptr+"/"+EscapePointer(key), msg)
		return
	}
	b.report(pos, finding.Error, RuleUnknownField, ptr+"/"+EscapePointer(key), msg)
}

// nearMiss returns the allowed field s is a likely typo of: the same name
// in another case, or within edit distance 2 (case-insensitive).
func nearMiss(s string, allowed []string) string {
	for _, c := range allowed {
		if strings.EqualFold(c, s) {
			return c
		}
	}
	best, bestD := "", 3
	sorted := append([]string(nil), allowed...)
	sort.Strings(sorted)
	for _, c := range sorted {
		if abs(len(s)-len(c)) >= bestD {
			continue // too far apart whatever the letters; keeps long keys linear
		}
		if d := levenshtein(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// list binds an array of objects into the slice v.
func (b *binder) list(n *node, ptr string, v reflect.Value) {
	name := ptr[strings.LastIndexByte(ptr, '/')+1:]
	if n.kind == kindNull {
		return
	}
	if n.kind != kindArray {
		b.report(n.pos, finding.Error, RuleType, ptr, fmt.Sprintf("%s must be a list, got a %s", name, n.kind))
		return
	}
	v.Set(reflect.MakeSlice(v.Type(), len(n.elems), len(n.elems)))
	for i, e := range n.elems {
		b.value(e, ptr+"/"+strconv.Itoa(i), name+"["+strconv.Itoa(i)+"]", v.Index(i))
	}
}

// structFields maps JSON names to field indexes.
func (b *binder) structFields(t reflect.Type) map[string]int {
	if m, ok := b.fields[t]; ok {
		return m
	}
	m := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		m[name] = i
	}
	b.fields[t] = m
	return m
}

func fieldNames(t reflect.Type) []string {
	var names []string
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names = append(names, name)
	}
	return names
}

// value binds node n into v; label names the value in messages.
func (b *binder) value(n *node, ptr, label string, v reflect.Value) {
	if n.kind == kindNull {
		return // null is "not set"; required fields are checked by validate
	}
	switch v.Kind() {
	case reflect.Pointer:
		if n.kind != kindObject {
			b.report(n.pos, finding.Error, RuleType, ptr, fmt.Sprintf("%s must be an object, got a %s", label, n.kind))
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		b.value(n, ptr, label, v.Elem())
	case reflect.Struct:
		if n.kind != kindObject {
			b.report(n.pos, finding.Error, RuleType, ptr, fmt.Sprintf("%s must be an object, got a %s", label, n.kind))
			return
		}
		b.duplicates(n, ptr)
		if p, ok := v.Addr().Interface().(presetter); ok {
			p.preset() // defaults for absent fields; what the document says overrides them
		}
		fields := b.structFields(v.Type())
		later := repeatedLater(n.keys)
		for i, k := range n.keys {
			idx, ok := fields[k]
			if !ok {
				b.unknown(n.keyPos[i], ptr, k, fieldNames(v.Type()), label)
				continue
			}
			if later(i) {
				continue // a duplicate: the last one is bound
			}
			b.value(n.elems[i], ptr+"/"+EscapePointer(k), k, v.Field(idx))
		}
	case reflect.Slice:
		if n.kind != kindArray {
			b.report(n.pos, finding.Error, RuleType, ptr, fmt.Sprintf("%s must be a list, got a %s", label, n.kind))
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), len(n.elems), len(n.elems)))
		for i, e := range n.elems {
			b.value(e, ptr+"/"+strconv.Itoa(i), label+"["+strconv.Itoa(i)+"]", v.Index(i))
		}
	case reflect.String:
		v.SetString(b.str(n, ptr, label))
	case reflect.Int:
		if i, ok := b.integer(n, ptr, label); ok {
			v.SetInt(int64(i))
		}
	}
}

// repeatedLater returns whether keys[i] appears again after i. Objects of
// the model hold few keys, compared directly; a larger object (hostile
// input) gets a map, so the cost stays linear.
func repeatedLater(keys []string) func(i int) bool {
	if len(keys) <= 32 {
		return func(i int) bool {
			for _, k := range keys[i+1:] {
				if k == keys[i] {
					return true
				}
			}
			return false
		}
	}
	last := make(map[string]int, len(keys))
	for i, k := range keys {
		last[k] = i
	}
	return func(i int) bool { return last[keys[i]] != i }
}

// str decodes a value documented as a string. A number is accepted with a
// documented-type warning and kept as written.
func (b *binder) str(n *node, ptr, label string) string {
	switch n.kind {
	case kindString:
		return n.text
	case kindNumber:
		b.report(n.pos, finding.Warning, RuleDocumentedType, ptr,
			fmt.Sprintf("%s is documented as a string; the number %s is accepted as \"%s\", but write it as a string", label, n.text, n.text))
		return n.text
	}
	b.report(n.pos, finding.Error, RuleType, ptr, fmt.Sprintf("%s must be a string, got a %s", label, n.kind))
	return ""
}

// integer decodes a value documented as a number. A string holding a clean
// integer is accepted with a documented-type warning.
func (b *binder) integer(n *node, ptr, label string) (int, bool) {
	switch n.kind {
	case kindNumber:
		if i, ok := cleanInt(n.text); ok {
			return i, true
		}
		if outOfRange(n.text) {
			b.report(n.pos, finding.Error, RuleType, ptr, fmt.Sprintf("%s must be a whole number, got %s, a number out of range", label, n.text))
			return 0, false
		}
		b.report(n.pos, finding.Error, RuleType, ptr, fmt.Sprintf("%s must be a whole number, got %s", label, n.text))
		return 0, false
	case kindString:
		if i, ok := cleanInt(n.text); ok {
			b.report(n.pos, finding.Warning, RuleDocumentedType, ptr,
				fmt.Sprintf("%s is documented as a number; the string %q is accepted as %d, but write it as a number", label, n.text, i))
			return i, true
		}
		b.report(n.pos, finding.Error, RuleType, ptr, fmt.Sprintf("%s must be a whole number, got the string %q", label, n.text))
		return 0, false
	}
	b.report(n.pos, finding.Error, RuleType, ptr, fmt.Sprintf("%s must be a whole number, got a %s", label, n.kind))
	return 0, false
}

// cleanInt parses an optionally negative decimal integer without sign
// characters other than '-', spaces, leading zeros, exponents or fractions,
// within ±2^31.
func cleanInt(s string) (int, bool) {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || len(digits) > 10 || (len(digits) > 1 && digits[0] == '0') {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	i, err := strconv.ParseInt(s, 10, 64)
	if err != nil || i > 1<<31 || i < -(1<<31) {
		return 0, false
	}
	return int(i), true
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
