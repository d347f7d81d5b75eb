// Package parse reads haproxy.cfg text with haproxytech/config-parser/v5
// and ties what that parser understood back to the lines of the file.
//
// config-parser knows HAProxy's keywords and types their values, but it
// loses line numbers, keeps only the last of two sections with one name,
// keeps only the last line of a repeated single-value keyword and puts the
// lines it does not understand into an "unprocessed" bucket without saying
// where they were. This package splits the text itself (package haproxycfg),
// feeds config-parser every directive under a unique synthetic section name,
// and gives back, for every line, the keyword config-parser matched, whether
// it was left unprocessed or overridden, and the typed value it produced.
//
// config-parser is not safe for concurrent parsing; Parse serialises its use
// so that callers need not care.
package parse

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	parser "github.com/haproxytech/config-parser/v5"
	"github.com/haproxytech/config-parser/v5/common"
	cperr "github.com/haproxytech/config-parser/v5/errors"
	"github.com/haproxytech/config-parser/v5/options"
	"github.com/haproxytech/config-parser/v5/types"

	"github.com/lbconf/lbconf/haproxycfg"
)

// parseMu serialises every use of config-parser. It has to be a package
// variable: config-parser itself writes the package variable
// parser.DefaultSectionName while it reads a defaults section, so two
// parsers running at once race (go test -race fails) whatever their owners
// do.
var parseMu sync.Mutex

// maxLine is the longest line config-parser reads: it scans with a default
// bufio.Scanner, which stops silently at a longer line.
const maxLine = 64*1024 - 1

// knownKinds maps the section kinds config-parser parses to its Section
// values.
var knownKinds = map[string]parser.Section{
	"global": parser.Global, "defaults": parser.Defaults,
	"frontend": parser.Frontends, "backend": parser.Backends, "listen": parser.Listen,
	"resolvers": parser.Resolvers, "userlist": parser.UserList, "peers": parser.Peers,
	"mailers": parser.Mailers, "cache": parser.Cache, "program": parser.Program,
	"http-errors": parser.HTTPErrors, "ring": parser.Ring, "log-forward": parser.LogForward,
	"fcgi-app": parser.FCGIApp,
}

// File is a parsed haproxy.cfg.
type File struct {
	// Sections in file order. Lines before the first section header form a
	// section with Kind "" (HAProxy refuses directives there).
	Sections []*Section
}

// Section is one section of the file.
type Section struct {
	// Kind is the opening keyword ("frontend", "global", ...) or "".
	Kind string
	// Name is the section's name as written ("" when there is none).
	Name string
	// From names the defaults section given with `from NAME` in the
	// header, or "".
	From string
	// Header is the header line (Num 0 for Kind "").
	Header haproxycfg.Line
	// HeaderFields are the header's words.
	HeaderFields []string
	// Text is the section exactly as haproxycfg.Split split it.
	Text haproxycfg.Section
	// Known reports whether config-parser parses this kind of section.
	// The directives of unknown kinds carry no Keyword and no Data.
	Known bool
	// Directives are the body lines that carry words (blank and
	// comment-only lines are left out), in file order.
	Directives []*Directive
	// Defaults is the defaults section a proxy (frontend, backend,
	// listen) takes its defaults from: the one named by From, else the
	// last defaults section before it. Nil when there is none.
	Defaults *Section
}

// Directive is one non-blank, non-comment line inside a section.
type Directive struct {
	// Line is the 1-based line number.
	Line int
	// Text is the line without its line end.
	Text string
	// Fields are the words as config-parser splits them, comment removed.
	Fields []string
	// Comment is the trailing comment, without '#'.
	Comment string
	// Keyword is the name of the config-parser parser that the line's
	// words select ("bind", "timeout client", "option httpchk", ...), or
	// "" when config-parser has no parser for it. A line whose keyword is
	// known can still be Unprocessed (its arguments were refused).
	Keyword string
	// Unprocessed reports that config-parser did not take the line: its
	// keyword is unknown to it or its arguments did not parse.
	Unprocessed bool
	// OverriddenBy is the line number of a later line of the same section
	// (or, in global, of any global section) that replaces this one:
	// config-parser and HAProxy keep only the last line of a single-value
	// keyword. 0 when the line is in effect.
	OverriddenBy int
	// Data is the value config-parser produced for this line: an element
	// of the parser's list for list keywords (types.Bind, types.Server,
	// types.ACL, types.Action, ...), the parser's value for single-value
	// keywords (*types.SimpleTimeout, *types.Int64C, ...). Nil when the
	// line is unprocessed or overridden.
	Data common.ParserData

	cols []int // rune column of each field, computed on demand
}

// Col returns the 1-based column (in runes) of field i, or of the first word
// when i is out of range.
func (d *Directive) Col(i int) int {
	if d.cols == nil {
		d.cols = fieldCols(d.Text, d.Fields)
	}
	if i < 0 || i >= len(d.cols) {
		if len(d.cols) > 0 {
			return d.cols[0]
		}
		return 1
	}
	return d.cols[i]
}

// String returns the directive's words joined by single spaces: the line
// as a reader would quote it.
func (d *Directive) String() string { return strings.Join(d.Fields, " ") }

// fieldCols finds each field in text, in order, and returns rune columns.
func fieldCols(text string, fields []string) []int {
	cols := make([]int, len(fields))
	pos := 0
	for i, f := range fields {
		at := strings.Index(text[pos:], f)
		if at < 0 {
			cols[i] = utf8.RuneCountInString(text[:pos]) + 1
			continue
		}
		cols[i] = utf8.RuneCountInString(text[:pos+at]) + 1
		pos += at + len(f)
	}
	return cols
}

// HeaderCol returns the 1-based column (in runes) of word i of the header
// line, or 1.
func (s *Section) HeaderCol(i int) int {
	cols := fieldCols(s.Header.Text(), s.HeaderFields)
	if i < 0 || i >= len(cols) {
		return 1
	}
	return cols[i]
}

// Label names the section the way messages quote it: "frontend web",
// "global", "defaults", or "the lines before the first section".
func (s *Section) Label() string {
	switch {
	case s.Kind == "":
		return "the lines before the first section"
	case s.Name == "":
		return s.Kind
	default:
		return s.Kind + " " + s.Name
	}
}

// IsProxy reports whether the section is a frontend, backend or listen.
func (s *Section) IsProxy() bool {
	return s.Kind == "frontend" || s.Kind == "backend" || s.Kind == "listen"
}

// Find returns the directives whose Keyword is keyword, in file order.
func (s *Section) Find(keyword string) []*Directive {
	var out []*Directive
	for _, d := range s.Directives {
		if d.Keyword == keyword {
			out = append(out, d)
		}
	}
	return out
}

// Effective returns the directive of a single-value keyword that is in
// effect (the last processed one), or nil.
func (s *Section) Effective(keyword string) *Directive {
	for i := len(s.Directives) - 1; i >= 0; i-- {
		d := s.Directives[i]
		if d.Keyword == keyword && !d.Unprocessed {
			return d
		}
	}
	return nil
}

// LastLine returns the number of the section's last line that carries
// words (its header when the body has none): the blank and comment lines
// that follow a section usually introduce the next one.
func (s *Section) LastLine() int {
	if len(s.Directives) == 0 {
		return s.Header.Num
	}
	return s.Directives[len(s.Directives)-1].Line
}

// Mode returns the proxy's effective mode: its own `mode` line, else its
// defaults section's, else "" (HAProxy's default is tcp).
func (s *Section) Mode() string {
	for _, sec := range []*Section{s, s.Defaults} {
		if sec == nil {
			continue
		}
		if d := sec.Effective("mode"); d != nil {
			if v, ok := d.Data.(*types.StringC); ok {
				return v.Value
			}
		}
	}
	return ""
}

// Limits of one config. config-parser allocates tens of kilobytes per
// section while it parses (Parse feeds it sectionsPerParse sections at a
// time, so that cost no longer adds up over the file), and lbconf keeps a
// few hundred bytes per line and per section; configs beyond these are
// refused with an error wrapping ErrTooLarge. They admit the compiled
// config of 10,000 listeners (15,002 sections, 220,044 lines: about 300 MB
// to decompile), and keep any input of model.MaxInputBytes under 700 MB.
const (
	// MaxSections bounds the sections (global, defaults, frontend, ...).
	MaxSections = 20_000
	// MaxLines bounds the lines, blank lines and comments included.
	MaxLines = 300_000
)

// ErrTooLarge is returned (wrapped) for a config beyond MaxSections or
// MaxLines.
var ErrTooLarge = errors.New("beyond lbconf's limits")

// tooManyLines refuses text of more than MaxLines lines.
func tooManyLines(text []byte) error {
	n := bytes.Count(text, []byte("\n"))
	if len(text) > 0 && text[len(text)-1] != '\n' {
		n++ // a last line without a line end
	}
	if n > MaxLines {
		return fmt.Errorf("%d lines is more than %d: %w (lbconf reads configs of at most %d lines and %d sections)", n, MaxLines, ErrTooLarge, MaxLines, MaxSections)
	}
	return nil
}

// tooManySections refuses a config of more than MaxSections sections.
func tooManySections(sections []haproxycfg.Section) error {
	if len(sections) <= MaxSections {
		return nil
	}
	line := 0
	if s := sections[len(sections)-1]; len(s.Lines) > 0 {
		line = s.Lines[0].Num
	}
	return fmt.Errorf("%d sections (the last on line %d) is more than %d: %w (lbconf reads configs of at most %d lines and %d sections)",
		len(sections), line, MaxSections, ErrTooLarge, MaxLines, MaxSections)
}

// Parse splits text into sections and parses them with config-parser. It
// fails only when config-parser cannot be run on the text (a line longer
// than it reads); everything config-parser does not understand is reported
// through Directive.Unprocessed.
func Parse(text []byte) (*File, error) { return parse(text, true) }

// parse is Parse; local lets it read plain server lines itself
// (localServerLine). Tests compare the two.
func parse(text []byte, local bool) (*File, error) {
	if err := tooManyLines(text); err != nil {
		return nil, err
	}
	split := haproxycfg.Split(string(text))
	if err := tooManySections(split); err != nil {
		return nil, err
	}
	f := &File{}
	// groups are config-parser sections: (type, name) -> directives fed.
	type group struct {
		typ    parser.Section
		name   string
		header string // the section line fed to config-parser
		dirs   []*Directive
	}
	// A batch is the text of one config-parser run and the groups it
	// holds. config-parser keeps tens of kilobytes per section until its
	// parser is dropped, so sections are fed sectionsPerParse at a time
	// (every global section goes to the first batch: config-parser merges
	// them into one): memory stays bounded by the batch, not the file.
	type batch struct {
		fed    strings.Builder
		groups []*group
	}
	globals := &batch{}
	batches := []*batch{globals}
	var global *group
	lastDefaults := map[string]*Section{}
	var prevDefaults *Section

	for i, ts := range split {
		s := &Section{Kind: ts.Kind, Name: ts.Name, Text: ts}
		if h, ok := ts.Header(); ok {
			s.Header = h
			s.HeaderFields, _ = common.StringSplitWithCommentIgnoreEmpty(h.Text())
			if len(s.HeaderFields) > 3 && s.HeaderFields[2] == "from" {
				s.From = s.HeaderFields[3]
			}
		}
		typ, known := knownKinds[s.Kind]
		s.Known = known
		for _, l := range ts.Body() {
			t := l.Text()
			words, comment := splitWords(t)
			if len(words) == 0 {
				continue
			}
			if len(t) > maxLine {
				return nil, fmt.Errorf("line %d is %d bytes long: config-parser reads lines of at most %d bytes", l.Num, len(t), maxLine)
			}
			s.Directives = append(s.Directives, &Directive{Line: l.Num, Text: t, Fields: words, Comment: comment})
		}
		switch {
		case s.IsProxy():
			if s.From != "" {
				s.Defaults = lastDefaults[s.From]
			} else {
				s.Defaults = prevDefaults
			}
		case s.Kind == "defaults":
			prevDefaults = s
			if s.Name != "" {
				lastDefaults[s.Name] = s
			}
		}
		f.Sections = append(f.Sections, s)
		if !known {
			continue
		}
		var g *group
		var b *batch
		if s.Kind == "global" {
			b = globals
			if global == nil {
				global = &group{typ: typ, name: parser.GlobalSectionName, header: "global"}
				b.groups = append(b.groups, global)
			}
			g = global
			b.fed.WriteString("global\n")
		} else {
			b = batches[len(batches)-1]
			if b == globals || len(b.groups) == sectionsPerParse {
				b = &batch{}
				batches = append(batches, b)
			}
			g = &group{typ: typ, name: fmt.Sprintf("lbconf_s%d", i)}
			g.header = s.Kind + " " + g.name
			b.groups = append(b.groups, g)
			b.fed.WriteString(g.header)
			if s.From != "" {
				b.fed.WriteString(" from " + s.From)
			}
			b.fed.WriteString("\n")
		}
		for _, d := range s.Directives {
			if local && localServerLine(s.Kind, d.Text) {
				d.Keyword = "server" // processed; Data is left nil
				continue
			}
			b.fed.WriteString(d.Text + "\n")
			g.dirs = append(g.dirs, d)
		}
	}

	parseMu.Lock()
	defer parseMu.Unlock()
	known := hasParser{}
	for _, b := range batches {
		if len(b.groups) == 0 {
			continue
		}
		p, err := newParser(b.fed.String())
		if errors.Is(err, errParserPanicked) {
			// Name the line: feed each directive alone until one
			// makes config-parser panic again.
			for _, g := range b.groups {
				for _, d := range g.dirs {
					if _, err := newParser(g.header + "\n" + d.Text + "\n"); errors.Is(err, errParserPanicked) {
						return nil, fmt.Errorf("line %d: %q: %w", d.Line, strings.TrimSpace(d.Text), err)
					}
				}
			}
		}
		if err != nil {
			return nil, fmt.Errorf("config-parser: %w", err)
		}
		b.fed = strings.Builder{}
		for _, g := range b.groups {
			if err := annotate(p, g.typ, g.name, g.dirs, known); err != nil {
				return nil, err
			}
		}
	}
	return f, nil
}

// errParserPanicked reports that config-parser crashed on the text, as it
// does on some malformed directives (`http-request set-var(x) y` indexes
// past the end of the variable name). Parse turns the crash into an error
// naming the line instead of letting it end the process.
var errParserPanicked = errors.New("config-parser cannot read this directive (it crashed on it); check its arguments against HAProxy's manual")

// newParser runs config-parser on text, turning a panic into
// errParserPanicked.
func newParser(text string) (p parser.Parser, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, errParserPanicked
		}
	}()
	return parser.New(options.String(text), options.UseListenSectionParsers, options.NoNamedDefaultsFrom)
}

// splitWords splits a line into words and comment as config-parser does
// (common.StringSplitWithCommentIgnoreEmpty), without its rune-by-rune
// copy for lines of plain ASCII without quotes or backslashes: there it
// splits on spaces and tabs, and a '#' starts the comment, whose leading
// spaces it drops. TestSplitWords compares the two.
func splitWords(line string) (words []string, comment string) {
	n := 0
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c >= 0x80 || c == '"' || c == '\'' || c == '\\':
			return common.StringSplitWithCommentIgnoreEmpty(line)
		case c == ' ' || c == '\t':
		case c == '#':
			i = len(line)
		default:
			if i == 0 || line[i-1] == ' ' || line[i-1] == '\t' {
				n++
			}
		}
	}
	words = make([]string, 0, n)
	for i := 0; i < len(line); {
		switch c := line[i]; c {
		case ' ', '\t':
			i++
			continue
		case '#':
			return words, strings.TrimLeft(line[i+1:], " ")
		}
		start := i
		for i < len(line) && line[i] != ' ' && line[i] != '\t' && line[i] != '#' {
			i++
		}
		words = append(words, line[start:i])
	}
	return words, ""
}

// localServerLine reports whether text is a `server` line of a backend or
// listen section that config-parser's verdict is known for without running
// it: plain words (printable ASCII without quotes or backslashes, so that
// config-parser's split and HAProxy's agree), at least three before any
// comment. config-parser v5.1.6 takes every such line (parsers/server.go:
// three words or more), and reading its options was 40% of its time on a
// large config; nothing in lbconf reads its value of a server line (Data).
// TestLocalServerLines checks the verdicts against config-parser's own.
func localServerLine(kind, text string) bool {
	if kind != "backend" && kind != "listen" {
		return false
	}
	if k := strings.IndexByte(text, '#'); k >= 0 {
		text = text[:k] // config-parser and HAProxy read a comment from here
	}
	words := 0
	for i := 0; i < len(text); {
		c := text[i]
		if c == ' ' || c == '\t' {
			i++
			continue
		}
		start := i
		for ; i < len(text) && text[i] != ' ' && text[i] != '\t'; i++ {
			if c := text[i]; c < 0x21 || c > 0x7e || c == '"' || c == '\'' || c == '\\' {
				return false
			}
		}
		if words == 0 && text[start:i] != "server" {
			return false
		}
		words++
	}
	return words >= 3
}

// sectionsPerParse is how many sections one config-parser run reads.
// Larger batches save nothing measurable; smaller ones pay config-parser's
// fixed cost per run (its default global and defaults sections) more often.
const sectionsPerParse = 256

// annotate fills Keyword, Unprocessed, OverriddenBy and Data of the
// directives config-parser read as section (typ, name).
func annotate(p parser.Parser, typ parser.Section, name string, dirs []*Directive, known hasParser) error {
	var unprocessed []types.UnProcessed
	raw, err := p.Get(typ, name, "")
	switch {
	case err == nil:
		u, ok := raw.([]types.UnProcessed)
		if !ok {
			return fmt.Errorf("config-parser: unprocessed lines of %s %s have type %T", typ, name, raw)
		}
		unprocessed = u
	case errors.Is(err, cperr.ErrFetch):
	default:
		return fmt.Errorf("config-parser: unprocessed lines of %s %s: %w", typ, name, err)
	}
	byKeyword := map[string][]*Directive{}
	var order []string
	j := 0
	for _, d := range dirs {
		d.Keyword = keyword(p, typ, d.Fields, known)
		if j < len(unprocessed) && unprocessed[j].Value == strings.TrimSpace(d.Text) {
			d.Unprocessed = true
			j++
			continue
		}
		if d.Keyword == "" {
			// config-parser took a line no parser matches: impossible
			// unless its lookup changed; treat as unprocessed.
			d.Unprocessed = true
			continue
		}
		if _, seen := byKeyword[d.Keyword]; !seen {
			order = append(order, d.Keyword)
		}
		byKeyword[d.Keyword] = append(byKeyword[d.Keyword], d)
	}
	if j != len(unprocessed) {
		return fmt.Errorf("config-parser left %d lines of %s unprocessed, but only %d match the text", len(unprocessed), typ, j)
	}
	for _, kw := range order {
		ds := byKeyword[kw]
		data, err := p.Get(typ, name, kw)
		if err != nil {
			// Lines such as `no option foo` leave nothing to fetch.
			continue
		}
		v := reflect.ValueOf(data)
		if v.Kind() == reflect.Slice {
			if v.Len() != len(ds) {
				continue // the parser merged or split lines: no per-line value
			}
			for i, d := range ds {
				d.Data = v.Index(i).Interface()
			}
			continue
		}
		last := ds[len(ds)-1]
		last.Data = data
		for _, d := range ds[:len(ds)-1] {
			d.OverriddenBy = last.Line
		}
	}
	return nil
}

// keyword finds the parser config-parser would use for a line: the first
// run of leading words that names one, also after a leading "no".
func keyword(p parser.Parser, typ parser.Section, words []string, known hasParser) string {
	for i := 1; i <= len(words); i++ {
		if k := strings.Join(words[:i], " "); known.has(p, typ, k) {
			return k
		}
	}
	if len(words) > 1 && words[0] == "no" {
		for i := 2; i <= len(words); i++ {
			if k := strings.Join(words[1:i], " "); known.has(p, typ, k) {
				return k
			}
		}
	}
	return ""
}

// hasParser remembers config-parser's answers to HasParser, which are the
// same for every section of a type: config-parser's own lookup walks its
// sections of the type each time, a tenth of decompile's time on a large
// config. One Parse call keeps one.
type hasParser map[parserKey]bool

type parserKey struct {
	typ  parser.Section
	name string
}

func (h hasParser) has(p parser.Parser, typ parser.Section, name string) bool {
	k := parserKey{typ, name}
	v, ok := h[k]
	if !ok {
		v = p.HasParser(typ, name)
		h[k] = v
	}
	return v
}
