// Package haproxycfg is lbconf's one reader of haproxy.cfg text: it splits
// the text into sections without parsing their contents, keeping every byte
// and every line number (Split), and reads each line into words as HAProxy
// does (Tokenize: quotes, escapes, ${VAR}, comments, and the conditional
// blocks of HAProxy 2.4+).
//
// config-parser (used for meaning, package haproxycfg/parse) loses line
// numbers, comments and layout; this package is what lets lbconf keep a base
// config's sections verbatim and point findings at the line they are about.
// The packages below it are the rest of the haproxy.cfg side: parse
// (config-parser), lint (lbconf's cfg rules), check (the real `haproxy -c`),
// version (HAProxy versions) and keywords (each version's keyword tables).
package haproxycfg

import "strings"

// sectionKeywords are the HAProxy keywords that open a section.
var sectionKeywords = map[string]bool{
	"global": true, "defaults": true, "frontend": true, "backend": true,
	"listen": true, "userlist": true, "peers": true, "resolvers": true,
	"mailers": true, "program": true, "http-errors": true, "ring": true,
	"cache": true, "fcgi-app": true, "log-forward": true, "crt-store": true,
	"traces": true,
}

// IsSectionKeyword reports whether word opens a section in haproxy.cfg.
func IsSectionKeyword(word string) bool { return sectionKeywords[word] }

// Line is one line of the file.
type Line struct {
	// Num is the 1-based line number in the file.
	Num int
	// Raw is the line exactly as written, including its line end ("\n",
	// "\r\n" or nothing on a last line without one).
	Raw string
}

// Text returns the line without its line end.
func (l Line) Text() string {
	return strings.TrimRight(l.Raw, "\r\n")
}

// Fields returns the line's words, with a trailing comment removed. Any '#'
// starts a comment, as in HAProxy, unless it is escaped (`\#`) or quoted.
func (l Line) Fields() []string {
	return Fields(l.Text())
}

// Fields returns the words of a line as written (quotes and backslash
// escapes kept), as Tokenize reads them: split on spaces and tabs, up to an
// unquoted, unescaped '#'. It is for recognising keywords and for rewriting
// a line word by word without changing how HAProxy reads the other words.
func Fields(s string) []string {
	if plain(s) {
		return plainFields(s)
	}
	return tokenFields(s)
}

// tokenFields is Fields through Tokenize, for any line.
func tokenFields(s string) []string {
	toks, _ := Tokenize(s)
	if len(toks) == 0 {
		return nil
	}
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.Raw(s)
	}
	return words
}

// plain reports whether Tokenize reads s as words split on spaces, tabs
// and line ends, up to a '#': no quote, backslash or NUL (a '$' expands
// only inside double quotes). Most lines are plain.
func plain(s string) bool { return !strings.ContainsAny(s, "\"'\\\x00") }

// plainFields is Fields of a plain line, without Tokenize.
func plainFields(s string) []string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	n := 0
	for i := 0; i < len(s); {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i < len(s) {
			n++
		}
		for i < len(s) && !isSpace(s[i]) {
			i++
		}
	}
	if n == 0 {
		return nil
	}
	words := make([]string, 0, n)
	for i := 0; i < len(s); {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		start := i
		for i < len(s) && !isSpace(s[i]) {
			i++
		}
		if i > start {
			words = append(words, s[start:i])
		}
	}
	return words
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// headWord returns the first word of a plain line (ok false for a line that
// is not plain, whose words Fields reads).
func headWord(s string) (word string, ok bool) {
	if !plain(s) {
		return "", false
	}
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	start := i
	for i < len(s) && !isSpace(s[i]) {
		i++
	}
	return s[start:i], true
}

// IsBlankOrComment reports whether the line has no words.
func (l Line) IsBlankOrComment() bool { return len(l.Fields()) == 0 }

// Section is a run of lines: a header line and everything up to the next
// header. Lines before the first header form a section with Kind "".
type Section struct {
	// Kind is the opening keyword ("global", "frontend", ...), or "" for the
	// lines before the first section.
	Kind string
	// Name is the section's name (the header's second word), or "".
	Name string
	// Lines holds the header (first, unless Kind is "") and the body,
	// including trailing blank and comment lines.
	Lines []Line
}

// Header returns the section's header line; ok is false for Kind "".
func (s Section) Header() (Line, bool) {
	if s.Kind == "" || len(s.Lines) == 0 {
		return Line{}, false
	}
	return s.Lines[0], true
}

// Body returns the lines after the header.
func (s Section) Body() []Line {
	if s.Kind == "" {
		return s.Lines
	}
	return s.Lines[1:]
}

// Raw returns the section's text exactly as it was in the file.
func (s Section) Raw() string {
	var b strings.Builder
	for _, l := range s.Lines {
		b.WriteString(l.Raw)
	}
	return b.String()
}

// IsProxy reports whether the section is a frontend, backend or listen.
func (s Section) IsProxy() bool {
	return s.Kind == "frontend" || s.Kind == "backend" || s.Kind == "listen"
}

// Split cuts text into sections. Joining the Raw of every section gives back
// text byte for byte.
func Split(text string) []Section {
	var sections []Section
	cur := Section{}
	num := 0
	for len(text) > 0 {
		num++
		end := strings.IndexByte(text, '\n')
		var raw string
		if end < 0 {
			raw, text = text, ""
		} else {
			raw, text = text[:end+1], text[end+1:]
		}
		line := Line{Num: num, Raw: raw}
		if head, ok := headWord(line.Text()); ok && !IsSectionKeyword(head) {
			cur.Lines = append(cur.Lines, line) // the usual case, read without splitting the line
			continue
		}
		if words := line.Fields(); len(words) > 0 && IsSectionKeyword(words[0]) {
			if cur.Kind != "" || len(cur.Lines) > 0 {
				sections = append(sections, cur)
			}
			cur = Section{Kind: words[0], Lines: []Line{line}}
			if len(words) > 1 {
				cur.Name = words[1]
			}
			continue
		}
		cur.Lines = append(cur.Lines, line)
	}
	if cur.Kind != "" || len(cur.Lines) > 0 {
		sections = append(sections, cur)
	}
	return sections
}

// secretWord returns the index of the word of a line that holds a secret:
// the user:password of `stats auth`, the password of a userlist `user NAME
// password|insecure-password X`; -1 when there is none.
func secretWord(words []string) int {
	switch {
	case len(words) >= 3 && words[0] == "stats" && words[1] == "auth":
		return 2
	case len(words) >= 4 && words[0] == "user":
		for i := 2; i+1 < len(words); i++ {
			if words[i] == "password" || words[i] == "insecure-password" {
				return i + 1
			}
		}
	}
	return -1
}

// HoldsSecret reports whether a config has a line with a password (`stats
// auth`, a userlist user): such files are written 0600.
func HoldsSecret(text string) bool {
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		if !strings.Contains(line, "auth") && !strings.Contains(line, "password") {
			continue
		}
		if secretWord(Fields(line)) >= 0 {
			return true
		}
	}
	return false
}

// MaskedSecret replaces a password in text shown to people.
const MaskedSecret = "<hidden: --show-secrets shows it>"

// MaskSecrets returns text with the password of every `stats auth` line
// (the part after user:) and of every userlist password replaced with
// MaskedSecret. Lines keep their indentation, order and line ends; a masked
// line is rewritten with single spaces between its words. Two texts that
// differ only in a password are equal once masked.
func MaskSecrets(text string) string { return MaskSecretsAs(text, MaskedSecret) }

// MaskSecretsAs is MaskSecrets with another replacement, for output whose
// command has no --show-secrets (plans).
func MaskSecretsAs(text, mask string) string {
	if !HoldsSecret(text) {
		return text
	}
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		body := strings.TrimRight(l, "\r\n")
		words := Fields(body)
		w := secretWord(words)
		if w < 0 {
			continue
		}
		if words[0] == "stats" {
			if user, _, ok := strings.Cut(words[w], ":"); ok {
				words[w] = user + ":" + mask
			} else {
				words[w] = mask
			}
		} else {
			words[w] = mask
		}
		indent := body[:len(body)-len(strings.TrimLeft(body, " \t"))]
		lines[i] = indent + strings.Join(words, " ") + l[len(body):]
	}
	return strings.Join(lines, "")
}
