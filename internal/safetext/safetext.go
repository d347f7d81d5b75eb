// Package safetext makes text from untrusted places (input files, the
// network) safe to print on a terminal or in a CI log: control and other
// non-printable characters are escaped the way strconv.Quote writes them, and
// long text is cut at a bound.
package safetext

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Escape returns s with every non-printable character (control characters,
// including tab, CR and newline, escape sequences, invalid UTF-8, format
// characters such as bidi overrides) escaped as strconv.Quote escapes it:
// `\x1b`, `\n`, `\u202e`. Printable text, backslashes included, is
// unchanged, so clean text reads as written.
func Escape(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(s[i])|0x100, 16)[1:])
		case r == ' ' || strconv.IsPrint(r):
			b.WriteString(s[i : i+size])
		default:
			q := strconv.QuoteRune(r) // 'X' with X escaped
			b.WriteString(q[1 : len(q)-1])
		}
		i += size
	}
	return b.String()
}

// EscapeLines escapes each line of s and keeps the newlines between them,
// for multi-line text such as a diff.
func EscapeLines(s string) string {
	if isClean(strings.ReplaceAll(s, "\n", "")) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Escape(l)
	}
	return strings.Join(lines, "\n")
}

func isClean(s string) bool {
	for _, r := range s {
		if r != ' ' && !strconv.IsPrint(r) {
			return false
		}
	}
	return utf8.ValidString(s)
}

// Clip cuts s to at most max bytes (on a character boundary) and says how
// much was cut: "abc... (1234 more bytes)".
func Clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "... (" + strconv.Itoa(len(s)-cut) + " more bytes)"
}

// Network is what every string received from a server goes through before
// it is printed: cut at MaxNetwork bytes, then escaped.
func Network(s string) string { return Escape(Clip(s, MaxNetwork)) }

// MaxNetwork bounds a string from the network in output (request ids, task
// ids, messages, statuses).
const MaxNetwork = 256
