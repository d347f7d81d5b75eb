package parse

import (
	"strings"

	"github.com/haproxytech/config-parser/v5/params"
)

// OptionWidth says how many of words an option of a `bind` (kind "bind")
// or `server` (kind "server") line takes, starting at words[0], as
// config-parser reads it: `check` takes 1, `inter 2s` takes 2. known is false
// when config-parser does not know the option (it then drops the word
// silently); n is then 1. Like Parse, it runs config-parser under parseMu.
func OptionWidth(kind string, words []string) (n int, known bool) {
	if len(words) == 0 {
		return 0, false
	}
	// config-parser v5.1.6 builds its option lists afresh on every call,
	// but the package as a whole is not safe for concurrent use: hold the
	// lock rather than depend on which of its functions happen to be.
	parseMu.Lock()
	defer parseMu.Unlock()
	var first string
	switch kind {
	case "bind":
		opts, err := params.ParseBindOptions(words)
		if err != nil || len(opts) == 0 {
			return 1, false
		}
		first = opts[0].String()
	case "server":
		opts := params.ParseServerOptions(words)
		if len(opts) == 0 {
			return 1, false
		}
		first = opts[0].String()
	default:
		return 1, false
	}
	got := strings.Fields(first)
	if len(got) == 0 || len(got) > len(words) {
		return 1, false
	}
	for i, w := range got {
		if words[i] != w {
			return 1, false
		}
	}
	return len(got), true
}
