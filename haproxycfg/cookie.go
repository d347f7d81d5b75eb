package haproxycfg

// cookieOptions are the options of a `cookie NAME ...` line HAProxy knows,
// each with whether it takes an argument (the next word).
var cookieOptions = map[string]bool{
	"rewrite": false, "insert": false, "prefix": false, "indirect": false, "nocache": false,
	"postonly": false, "preserve": false, "httponly": false, "secure": false, "dynamic": false,
	"domain": true, "attr": true, "maxidle": true, "maxlife": true,
}

// CookieOption is one option of a cookie line.
type CookieOption struct {
	// At is the index of the option's word in the line's words.
	At int
	// Word is the option (`insert`, `maxidle`, ...).
	Word string
	// Known is set when HAProxy knows the option.
	Known bool
	// Arg is the argument of an option that takes one (domain, attr,
	// maxidle, maxlife), and HasArg whether the line gives it.
	Arg    string
	HasArg bool
}

// End is the index after the option's last word.
func (o CookieOption) End() int {
	if o.HasArg {
		return o.At + 2
	}
	return o.At + 1
}

// CookieOptions reads the options of a cookie line from its words
// (`cookie`, the cookie's name, then the options) as HAProxy does: each
// known option, with the next word as its argument when it takes one.
// Checking the options (an unknown word, a missing argument, a time) is
// the caller's.
func CookieOptions(words []string) []CookieOption {
	var out []CookieOption
	for i := 2; i < len(words); i++ {
		takesArg, known := cookieOptions[words[i]]
		o := CookieOption{At: i, Word: words[i], Known: known}
		if takesArg && i+1 < len(words) {
			o.Arg, o.HasArg = words[i+1], true
			i++
		}
		out = append(out, o)
	}
	return out
}

// CookieTakesArg reports whether a known cookie option takes an argument.
func CookieTakesArg(word string) bool { return cookieOptions[word] }
