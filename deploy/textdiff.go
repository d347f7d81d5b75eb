package deploy

import (
	"fmt"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
)

// UnifiedDiff returns a unified diff (3 lines of context) from old to new,
// labelled fromLabel and toLabel; "" when they are equal.
func UnifiedDiff(fromLabel, toLabel, old, new string) string {
	if old == new {
		return ""
	}
	edits := udiff.Lines(old, new)
	out, err := udiff.ToUnified(fromLabel, toLabel, old, edits, udiff.DefaultContextLines)
	if err != nil {
		// Cannot happen: the edits come from old. Show the whole change
		// rather than nothing.
		return fmt.Sprintf("--- %s\n+++ %s\n(diff failed: %v; the whole file changes)\n", fromLabel, toLabel, err)
	}
	return out
}

// normalConfig is a config as compared for "no changes": line ends as
// \n and no trailing white space at the end of the file. The API's own
// examples differ in the number of blank lines at the end.
func normalConfig(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimRight(s, " \t\r\n")
}

// sameConfig reports whether two configs are the same for the instance.
func sameConfig(a, b string) bool { return normalConfig(a) == normalConfig(b) }
