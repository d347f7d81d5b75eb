package check

import "strings"

// token is one word of a config line: its raw span in the line and its
// value with quotes and escapes removed.
type token struct {
	start, end int // byte offsets of the raw text in the line
	value      string
}

// tokenize splits a config line into words as HAProxy does: words are
// separated by spaces and tabs, a backslash escapes the next character,
// double and single quotes group, and an unquoted '#' starts a comment.
// Environment variables are not expanded.
func tokenize(line string) []token {
	var toks []token
	i := 0
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
			i++
		}
		if i >= len(line) || line[i] == '#' {
			return toks
		}
		start := i
		var b strings.Builder
		var quote byte
	word:
		for ; i < len(line); i++ {
			c := line[i]
			switch {
			case quote == 0 && (c == ' ' || c == '\t' || c == '\r' || c == '#'):
				break word
			case c == '\\' && quote != '\'' && i+1 < len(line):
				i++
				b.WriteByte(line[i])
			case quote == 0 && (c == '"' || c == '\''):
				quote = c
			case quote != 0 && c == quote:
				quote = 0
			default:
				b.WriteByte(c)
			}
		}
		toks = append(toks, token{start: start, end: i, value: b.String()})
	}
}

// quoteArg returns s as one config word: as is when it holds nothing
// special, else in single quotes (which HAProxy takes literally).
func quoteArg(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t#\\\"'$") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// edit replaces the raw span [start, end) of a line.
type edit struct {
	start, end int
	text       string
}

// applyEdits applies non-overlapping edits to line, in any order.
func applyEdits(line string, edits []edit) string {
	if len(edits) == 0 {
		return line
	}
	sorted := append([]edit(nil), edits...)
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && sorted[j].start < sorted[j-1].start; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	var b strings.Builder
	pos := 0
	for _, e := range sorted {
		if e.start < pos {
			continue // overlapping: keep the first
		}
		b.WriteString(line[pos:e.start])
		b.WriteString(e.text)
		pos = e.end
	}
	b.WriteString(line[pos:])
	return b.String()
}
