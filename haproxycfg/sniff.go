package haproxycfg

import (
	"bytes"
	"path/filepath"
	"strings"
)

// inputKinds is the translation table from a file name's extension to what
// the file holds: true for a haproxy.cfg, false for a listener document.
// Other extensions (and standard input, "-") are decided by the content.
var inputKinds = map[string]bool{
	".cfg":     true,
	".conf":    true,
	".haproxy": true,
	".json":    false,
	".yaml":    false,
	".yml":     false,
}

// IsConfig decides whether an input is a haproxy.cfg rather than a listener
// document (JSON or YAML). It is the one place lint, diff and the other
// commands make that choice: the extension of name decides when it is one
// of .cfg, .conf, .haproxy (a config) or .json, .yaml, .yml (a document);
// otherwise the content does (see [Sniff]).
func IsConfig(name string, data []byte) bool {
	if cfg, ok := inputKinds[strings.ToLower(filepath.Ext(name))]; ok {
		return cfg
	}
	return Sniff(data).Config()
}

// Sniffed is what [Sniff] learns from a text's lines.
type Sniffed struct {
	// First is the first word of the first line that is not blank or a
	// comment ("" when there is none), and FirstLine its 1-based number.
	First     string
	FirstLine int
	// Section is the number of the first line that opens a section
	// (global, defaults, frontend, backend, listen, ...), or 0.
	Section int
	// Looks is "JSON" or "YAML" when First is how such a document starts
	// ('{', '[', "---", "-" or a "key:"), else "".
	Looks string
}

// Config reports whether the text is a haproxy.cfg: a line opens a section
// and the text does not start like a JSON or YAML document. Lines before
// the first section are allowed (decompile reports them as losses; HAProxy
// refuses them, and lint says so).
func (s Sniffed) Config() bool { return s.Section > 0 && s.Looks == "" }

// Sniff reads text line by line, as HAProxy splits words (comments aside),
// in linear time, and stops at the first section.
func Sniff(text []byte) Sniffed {
	var s Sniffed
	for num, rest := 1, text; len(rest) > 0; num++ {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		words := Fields(string(bytes.TrimRight(line, "\r")))
		if len(words) == 0 {
			continue
		}
		if s.First == "" {
			s.First, s.FirstLine = words[0], num
			s.Looks = looks(words[0])
		}
		if IsSectionKeyword(words[0]) {
			s.Section = num
			return s
		}
	}
	return s
}

// looks tells from a text's first word whether it starts like a JSON or a
// YAML document.
func looks(first string) string {
	switch {
	case first[0] == '{' || first[0] == '[':
		return "JSON"
	case strings.HasSuffix(first, ":") || first == "---" || first == "-":
		return "YAML"
	}
	return ""
}
