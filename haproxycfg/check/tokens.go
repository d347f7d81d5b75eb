package check

import "strings"

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
