package diff

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lbconf/lbconf/decompile"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg"
	"github.com/lbconf/lbconf/haproxycfg/parse"
	"github.com/lbconf/lbconf/model"
)

// Formats of a Document.
const (
	FormatCfg      = "cfg"
	FormatDocument = "document" // a JSON or YAML listener document
)

// Document is one side of a comparison: listeners read from a listener
// document (JSON or YAML) or decompiled from a haproxy.cfg.
type Document struct {
	// Name is the file name as given ("-" for standard input).
	Name string
	// Format is FormatCfg or FormatDocument.
	Format string
	// Listeners are the listeners the file holds.
	Listeners *model.Listeners
	// Losses are what a cfg holds that the listener model cannot; they
	// are compared as lines (see Compare).
	Losses []decompile.Loss
	// prelude holds the directives of global, defaults and listen status
	// sections of a cfg.
	prelude []preludeLine
	// extra holds the losses of a cfg as lines; a lost section brings all
	// its lines.
	extra []preludeLine
}

// preludeLine is one directive of a cfg's prelude.
type preludeLine struct {
	section string // "global", "defaults", "listen status"
	text    string // words joined by single spaces
	line    int
}

// Load reads one side of a comparison. What haproxycfg.IsConfig says is a
// haproxy.cfg (by the name's extension, else by the content) is decompiled
// with opts; anything else is a listener document.
func Load(name string, data []byte, opts decompile.Options) (*Document, error) {
	if haproxycfg.IsConfig(name, data) {
		return loadCfg(name, data, opts)
	}
	l, err := decodeDocument(name, data)
	if err != nil {
		return nil, err
	}
	return &Document{Name: name, Format: FormatDocument, Listeners: l}, nil
}

func loadCfg(name string, data []byte, opts decompile.Options) (*Document, error) {
	// Parsed once: decompile reads the listeners, the loop below the
	// sections of the losses and the prelude.
	f, err := parse.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: decompile: %w", name, err)
	}
	l, losses := decompile.FromFile(f, opts)
	d := &Document{Name: name, Format: FormatCfg, Listeners: l, Losses: losses}
	byHeader := map[int]*parse.Section{}
	for _, s := range f.Sections {
		byHeader[s.Header.Num] = s
	}
	for _, l := range losses {
		s := byHeader[l.Line]
		if l.Section != "" || s == nil || s.Header.Num == 0 {
			text := l.Text
			if l.Context != "" {
				text += " " + l.Context
			}
			d.extra = append(d.extra, preludeLine{section: l.Section, text: text, line: l.Line})
			continue
		}
		// A whole section: its header and every line.
		label := s.Label()
		d.extra = append(d.extra, preludeLine{section: label, text: "(section header) " + l.Text, line: l.Line})
		for _, dir := range s.Directives {
			d.extra = append(d.extra, preludeLine{section: label, text: dir.String(), line: dir.Line})
		}
	}
	for _, s := range f.Sections {
		if s.Kind == "global" || s.Kind == "defaults" || s.Kind == "listen" && s.Name == "status" {
			label := s.Label()
			if s.Kind == "defaults" && s.Name == "" {
				label = "defaults"
			}
			for _, dir := range s.Directives {
				d.prelude = append(d.prelude, preludeLine{section: label, text: dir.String(), line: dir.Line})
			}
		}
	}
	return d, nil
}

// decodeDocument decodes a listener document in any of its three shapes
// (bare, request body, Describe response), JSON or YAML. It is the one
// place that knows how documents are read.
func decodeDocument(name string, data []byte) (*model.Listeners, error) {
	doc, err := model.Decode(name, data)
	if err != nil {
		return nil, err
	}
	var errs []string
	for _, f := range doc.Findings {
		if f.Severity == finding.Error {
			errs = append(errs, f.String())
		}
	}
	if len(errs) > 0 {
		more := ""
		if len(errs) > 3 {
			more = fmt.Sprintf("\n(%d more; lbconf lint %s shows all)", len(errs)-3, name)
			errs = errs[:3]
		}
		return nil, errors.New("cannot compare " + name + ", it does not decode:\n" + strings.Join(errs, "\n") + more)
	}
	l := doc.Listeners
	return &l, nil
}
