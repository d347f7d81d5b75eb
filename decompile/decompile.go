// Package decompile parses a haproxy.cfg back into the listener model.
//
// It reads the layout lbconf's compiler writes (the shape of the product's
// documented custom config): a `frontend N` whose
// `default_backend` is `N-abk`, plus `backend N-abk`, is an HTTP listener; a
// `listen N` in mode tcp (other than `listen status`) is a TCP listener. The
// fixed lines of that shape are recognised and dropped. Hand-edited files are
// welcome: tabs, comments, CRLF line ends, reordered directives, `bind *:80`,
// `bind :80`, timeouts in minutes or hours.
//
// Nothing is dropped silently: every line, option or section that has no
// place in the model comes back as a Loss with its line number. The prelude
// (global, defaults and `listen status`) is not a loss: `compile --base`
// carries it.
package decompile

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lbconf/lbconf/haproxycfg"
	"github.com/lbconf/lbconf/haproxycfg/parse"
	"github.com/lbconf/lbconf/model"
)

// Defaults of Options, the same as the compiler's.
const (
	// DefaultBindAddress is the address compile writes in every bind.
	DefaultBindAddress = "0.0.0.0"
	// DefaultCertDir is the directory compile writes certificate paths in.
	DefaultCertDir = "/etc/haproxy/certs"
)

// BackendSuffix ends the name of an HTTP listener's backend.
const BackendSuffix = "-abk"

// Options say how the config was compiled.
type Options struct {
	// BindAddress is the address compile wrote in every bind ("" means
	// DefaultBindAddress). A bind to it, to `*`, to 0.0.0.0 or to no
	// address gives the listener its port; any other address is a loss.
	BindAddress string
	// CertDir is the directory of the certificates ("" means
	// DefaultCertDir). A `crt` elsewhere keeps its certificate id but
	// loses its directory.
	CertDir string
}

func (o Options) withDefaults() Options {
	if o.BindAddress == "" {
		o.BindAddress = DefaultBindAddress
	}
	if o.CertDir == "" {
		o.CertDir = DefaultCertDir
	}
	o.CertDir = strings.TrimRight(o.CertDir, "/")
	if o.CertDir == "" {
		o.CertDir = "/"
	}
	return o
}

// Loss is something in the config that the listener model cannot hold: a
// section, a line, or some words of a line. Compiling the decompiled model
// would not write it back.
type Loss struct {
	// Line is the 1-based line number; Col the 1-based column (in runes)
	// of the first word lost.
	Line int `json:"line"`
	Col  int `json:"col"`
	// EndLine is the last line of a lost section, 0 for lines and words.
	EndLine int `json:"endLine,omitempty"`
	// Section names the section the line is in ("frontend web"); "" for
	// a whole section.
	Section string `json:"section,omitempty"`
	// Text is what would be lost, words joined by single spaces: a whole
	// line, some words of it (`inter 2s`), or a section header.
	Text string `json:"text"`
	// Context places words inside their line ("on server web1"), or "".
	Context string `json:"context,omitempty"`
	// Reason says why it has no place: "has no equivalent in the listener
	// model", "is overridden by line 12 (only the last one counts)", or
	// what compile would write instead ("would become `fullconn 2000`").
	Reason string `json:"reason"`
}

// Message is the loss in one sentence, without its line number.
func (l Loss) Message() string {
	if l.Section == "" {
		return fmt.Sprintf("`%s` (lines %d-%d) %s%s", l.Text, l.Line, l.EndLine, l.Reason, lostSuffix(l.Reason))
	}
	ctx := ""
	if l.Context != "" {
		ctx = " " + l.Context
	}
	return fmt.Sprintf("`%s`%s in %s %s%s", l.Text, ctx, l.Section, l.Reason, lostSuffix(l.Reason))
}

// lostSuffix ends a message that does not say itself what would happen.
func lostSuffix(reason string) string {
	if strings.Contains(reason, "would") {
		return ""
	}
	return " and would be lost"
}

// String renders the loss as "line N: MESSAGE".
func (l Loss) String() string { return fmt.Sprintf("line %d: %s", l.Line, l.Message()) }

// Reasons used in losses.
const (
	reasonNoEquivalent = "has no equivalent in the listener model"
	reasonUnknown      = "is not a directive the parser understands"
)

// ErrNotConfig is returned (wrapped) for input that is not a haproxy.cfg:
// empty, binary, not UTF-8 (UTF-16 included), CR-only line ends, or text
// that does not start with a section, such as a JSON or YAML document.
var ErrNotConfig = errors.New("not a haproxy.cfg")

// sectionsHelp lists what a config must start with.
const sectionsHelp = "a haproxy.cfg is UTF-8 text whose first line (comments aside) opens a section: global, defaults, frontend, backend, listen, ..."

// checkConfigText refuses text that is not a haproxy.cfg, in linear time.
func checkConfigText(text []byte) error {
	switch {
	case len(bytes.TrimSpace(text)) == 0:
		return fmt.Errorf("%w: the input is empty: %s", ErrNotConfig, sectionsHelp)
	case bytes.HasPrefix(text, []byte("\xff\xfe")) || bytes.HasPrefix(text, []byte("\xfe\xff")):
		return fmt.Errorf("%w: the input is UTF-16 text: convert it to UTF-8 (iconv -f UTF-16 -t UTF-8); %s", ErrNotConfig, sectionsHelp)
	case bytes.IndexByte(text, 0) >= 0 || !utf8.Valid(text):
		return fmt.Errorf("%w: the input is binary or not UTF-8 (it has NUL bytes or invalid UTF-8): %s", ErrNotConfig, sectionsHelp)
	case bytes.IndexByte(text, '\n') < 0 && bytes.IndexByte(bytes.TrimRight(text, "\r"), '\r') >= 0:
		return fmt.Errorf("%w: the input has CR-only line ends: haproxy reads lines ended by LF or CRLF (convert with tr '\\r' '\\n'); %s", ErrNotConfig, sectionsHelp)
	}
	sn := haproxycfg.Sniff(text)
	if sn.Config() {
		return nil // lines before the first section are reported as losses
	}
	if sn.First == "" {
		return fmt.Errorf("%w: the input has no section, only comments: %s", ErrNotConfig, sectionsHelp)
	}
	what := ""
	if sn.Looks != "" {
		what = fmt.Sprintf(" (this looks like a %s document: lint it, or decompile a haproxy.cfg)", sn.Looks)
	}
	if sn.Section > 0 {
		return fmt.Errorf("%w: line %d starts with %s%s: %s", ErrNotConfig, sn.FirstLine, strconv.Quote(clipWord(sn.First)), what, sectionsHelp)
	}
	return fmt.Errorf("%w: no line opens a section; line %d starts with %s%s: %s", ErrNotConfig, sn.FirstLine, strconv.Quote(clipWord(sn.First)), what, sectionsHelp)
}

// clipWord shortens a word quoted in an error.
func clipWord(w string) string {
	if len(w) > 40 {
		return w[:40] + "..."
	}
	return w
}

// Decompile rebuilds the listener model from haproxy.cfg text. Listeners come
// in file order; both lists are non-nil. Losses are sorted by line and
// column. The error is non-nil only when the text cannot be parsed at all.
func Decompile(text []byte, opts Options) (*model.Listeners, []Loss, error) {
	r, err := Explain(text, opts)
	if err != nil {
		return nil, nil, err
	}
	return r.Listeners, r.Losses, nil
}

// Result is what [Explain] finds out about a config.
type Result struct {
	// Listeners and Losses are what [Decompile] returns.
	Listeners *model.Listeners
	Losses    []Loss
	// Notes say which values the config leaves to its defaults section
	// or to HAProxy's own defaults, and what the model was given for
	// them; sorted by line.
	Notes []Note
	// sources says, for each listener of each list, the config lines
	// its values came from (Line reads them).
	sources map[string][]listenerSource
}

// listenerSource is where one listener came from: its header line, the
// line of each field (by its pointer below the listener: "MaxConn",
// "SessionPersistence"), and the line of each server.
type listenerSource struct {
	header  int
	fields  map[string]int
	servers []int
}

// Note is one value the config does not state for a listener.
type Note struct {
	Line int    `json:"line"`
	Text string `json:"text"`
}

// Line returns the config line the value at a listeners-relative JSON
// pointer (/HttpListeners/0, /HttpListeners/0/MaxConn,
// /TcpListeners/1/BackendServer/2) came from: that of the longest prefix of
// the pointer whose line is known, 0 when none.
func (r *Result) Line(pointer string) int {
	list, rest, _ := strings.Cut(strings.TrimPrefix(pointer, "/"), "/")
	index, rest, _ := strings.Cut(rest, "/")
	i, err := strconv.Atoi(index)
	if err != nil || i < 0 || i >= len(r.sources[list]) {
		return 0
	}
	src := r.sources[list][i]
	for p := rest; p != ""; {
		if n := src.fields[p]; n > 0 {
			return n
		}
		if srv, ok := strings.CutPrefix(p, "BackendServer/"); ok && !strings.Contains(srv, "/") {
			if j, err := strconv.Atoi(srv); err == nil && j >= 0 && j < len(src.servers) && src.servers[j] > 0 {
				return src.servers[j]
			}
		}
		j := strings.LastIndexByte(p, '/')
		if j < 0 {
			break
		}
		p = p[:j]
	}
	return src.header
}

// Explain is Decompile that also says where each value came from and which
// values were filled from defaults.
func Explain(text []byte, opts Options) (*Result, error) {
	if err := checkConfigText(text); err != nil {
		return nil, err
	}
	f, err := parse.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("decompile: %w", err)
	}
	return explainFile(f, opts), nil
}

// FromFile is Decompile for a config already parsed with parse.Parse,
// for callers that read the file's sections themselves too.
func FromFile(f *parse.File, opts Options) (*model.Listeners, []Loss) {
	r := explainFile(f, opts)
	return r.Listeners, r.Losses
}

func explainFile(f *parse.File, opts Options) *Result {
	d := &decompiler{opts: opts.withDefaults(), file: f, sources: map[string][]listenerSource{}}
	for _, s := range f.Sections {
		if s.Kind == "defaults" {
			d.lastDefaults = s
		}
	}
	l := d.run()
	sort.SliceStable(d.losses, func(i, j int) bool {
		a, b := d.losses[i], d.losses[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	sort.SliceStable(d.notes, func(i, j int) bool { return d.notes[i].Line < d.notes[j].Line })
	return &Result{Listeners: l, Losses: d.losses, Notes: d.notes, sources: d.sources}
}

// decompiler holds the state of one Decompile call.
type decompiler struct {
	opts Options
	file *parse.File
	// lastDefaults is the file's last defaults section (nil when there is
	// none): the one that applies to every listener compile writes.
	lastDefaults *parse.Section
	losses       []Loss
	notes        []Note
	sources      map[string][]listenerSource // by list: HttpListeners, TcpListeners
}

// note records a value the config leaves to defaults.
func (d *decompiler) note(line int, text string) {
	for _, n := range d.notes {
		if n.Line == line && n.Text == text {
			return
		}
	}
	d.notes = append(d.notes, Note{Line: line, Text: text})
}

// run classifies the sections and builds the listeners.
func (d *decompiler) run() *model.Listeners {
	out := &model.Listeners{HttpListeners: []model.HttpListener{}, TcpListeners: []model.TcpListener{}}
	secs := d.file.Sections

	// First section of each proxy name: HAProxy refuses a second
	// frontend (or backend) with a name already taken, so later ones are
	// losses.
	frontends := map[string]*parse.Section{}
	backends := map[string]*parse.Section{}
	dup := map[*parse.Section]*parse.Section{}
	for _, s := range secs {
		var m map[string]*parse.Section
		switch s.Kind {
		case "frontend":
			m = frontends
		case "backend":
			m = backends
		case "listen":
			// A listen is both a frontend and a backend.
			if first, ok := frontends[s.Name]; ok {
				dup[s] = first
				continue
			}
			if first, ok := backends[s.Name]; ok {
				dup[s] = first
				continue
			}
			frontends[s.Name] = s
			backends[s.Name] = s
			continue
		default:
			continue
		}
		if first, ok := m[s.Name]; ok {
			dup[s] = first
			continue
		}
		m[s.Name] = s
	}

	// Pair frontends with their backends.
	pairOf := map[*parse.Section]*parse.Section{} // backend -> frontend
	for _, s := range secs {
		if s.Kind != "frontend" || dup[s] != nil || s.Name == "" {
			continue
		}
		if be := backends[s.Name+BackendSuffix]; be != nil && be.Kind == "backend" && defaultBackend(s) == s.Name+BackendSuffix {
			pairOf[be] = s
		}
	}

	for _, s := range secs {
		if first := dup[s]; first != nil {
			d.loseSection(s, fmt.Sprintf("repeats the name of the %s at line %d (HAProxy refuses that)", first.Kind, first.Header.Num))
			continue
		}
		switch s.Kind {
		case "":
			for _, dir := range s.Directives {
				d.loseLine(s, dir, reasonNoEquivalent)
			}
		case "global", "defaults":
			// The prelude: carried by compile --base.
		case "listen":
			switch {
			case s.Name == "status":
				// The status page: prelude.
			case s.Mode() == "tcp" || s.Mode() == "":
				// No mode anywhere is HAProxy's default, tcp.
				d.header(s)
				out.TcpListeners = append(out.TcpListeners, d.tcpListener(fmt.Sprintf("/TcpListeners/%d", len(out.TcpListeners)), s))
			default:
				d.loseSection(s, fmt.Sprintf("is not a TCP listener (it is in mode %s)", s.Mode()))
			}
		case "frontend":
			be := backends[s.Name+BackendSuffix]
			if be == nil || pairOf[be] != s {
				d.loseSection(s, fmt.Sprintf("is not an HTTP listener (that needs `default_backend %s%s` and a `backend %s%s`)",
					s.Name, BackendSuffix, s.Name, BackendSuffix))
				continue
			}
			d.header(s)
			d.header(be)
			out.HttpListeners = append(out.HttpListeners, d.httpListener(fmt.Sprintf("/HttpListeners/%d", len(out.HttpListeners)), s, be))
		case "backend":
			if pairOf[s] == nil {
				d.loseSection(s, "is not the backend of an HTTP listener (the `N"+BackendSuffix+"` default_backend of a `frontend N`)")
			}
		default:
			d.loseSection(s, reasonNoEquivalent)
		}
	}
	return out
}

// header reports what the header of a listener's section holds beyond its
// kind and name (`from DEFAULTS`, stray words), and a section whose
// defaults are not the file's last defaults section: compile writes every
// listener after the prelude, where the last defaults section applies.
func (d *decompiler) header(s *parse.Section) {
	w := s.HeaderFields
	if len(w) > 2 {
		d.losses = append(d.losses, Loss{
			Line: s.Header.Num, Col: s.HeaderCol(2), Section: s.Label(),
			Text: strings.Join(w[2:], " "), Context: "(in the section header)",
			Reason: "has no equivalent in the listener model (compile writes `" + s.Kind + " " + s.Name + "`)",
		})
	}
	if last := d.lastDefaults; s.Defaults != last {
		from := "no defaults section"
		if s.Defaults != nil {
			from = fmt.Sprintf("the defaults section at line %d", s.Defaults.Header.Num)
		}
		d.losses = append(d.losses, Loss{
			Line: s.Header.Num, Col: 1, Section: s.Label(), Text: strings.Join(w, " "),
			Reason: fmt.Sprintf("takes its defaults from %s; compile writes every listener after the last defaults section (line %d), whose values would apply instead",
				from, last.Header.Num),
		})
	}
}

// defaultBackend returns the value of the proxy's effective default_backend.
func defaultBackend(s *parse.Section) string {
	dir := s.Effective("default_backend")
	if dir == nil || len(dir.Fields) != 2 {
		return ""
	}
	return dir.Fields[1]
}

// loseSection reports a whole section.
func (d *decompiler) loseSection(s *parse.Section, reason string) {
	text := strings.Join(s.HeaderFields, " ")
	if text == "" {
		text = s.Kind
	}
	d.losses = append(d.losses, Loss{
		Line: s.Header.Num, Col: 1, EndLine: s.LastLine(), Text: text, Reason: reason,
	})
}

// loseLine reports a whole line.
func (d *decompiler) loseLine(s *parse.Section, dir *parse.Directive, reason string) {
	d.losses = append(d.losses, Loss{
		Line: dir.Line, Col: dir.Col(0), Section: s.Label(), Text: dir.String(), Reason: reason,
	})
}

// loseWords reports words [i, j) of a line.
func (d *decompiler) loseWords(s *parse.Section, dir *parse.Directive, i, j int, context, reason string) {
	d.losses = append(d.losses, Loss{
		Line: dir.Line, Col: dir.Col(i), Section: s.Label(),
		Text: strings.Join(dir.Fields[i:j], " "), Context: context, Reason: reason,
	})
}
