package schema

import (
	"fmt"
	"strconv"
	"strings"
)

// rangePattern returns an anchored regular expression (ECMA 262 and Go
// RE2 alike) matching the decimal integers from lo to hi as written
// without sign or leading zeros: the string form of a ranged field
// ("1" to "256" for a BackendServer Weight).
func rangePattern(lo, hi int64) (string, error) {
	if lo < 0 || hi < lo {
		return "", fmt.Errorf("range %d-%d: only ranges of non-negative integers have a pattern", lo, hi)
	}
	var alts []string
	for n := len(strconv.FormatInt(lo, 10)); n <= len(strconv.FormatInt(hi, 10)); n++ {
		// The numbers of n digits within the range.
		first, last := pow10(n-1), pow10(n)-1
		if n == 1 {
			first = 0
		}
		first, last = max(first, lo), min(last, hi)
		alts = append(alts, sameLength(strconv.FormatInt(first, 10), strconv.FormatInt(last, 10))...)
	}
	return "^(?:" + strings.Join(alts, "|") + ")$", nil
}

func pow10(n int) int64 {
	p := int64(1)
	for ; n > 0; n-- {
		p *= 10
	}
	return p
}

// sameLength returns alternatives matching the numbers from lo to hi, two
// decimal strings of the same length.
func sameLength(lo, hi string) []string {
	if lo == "" {
		return []string{""}
	}
	if lo[0] == hi[0] {
		var out []string
		for _, rest := range sameLength(lo[1:], hi[1:]) {
			out = append(out, lo[:1]+rest)
		}
		return out
	}
	n := len(lo) - 1
	zeros, nines := strings.Repeat("0", n), strings.Repeat("9", n)
	var out []string
	from, to := lo[0], hi[0]
	if lo[1:] != zeros {
		for _, rest := range sameLength(lo[1:], nines) {
			out = append(out, lo[:1]+rest)
		}
		from++
	}
	var tail []string
	if hi[1:] != nines {
		for _, rest := range sameLength(zeros, hi[1:]) {
			tail = append(tail, hi[:1]+rest)
		}
		to--
	}
	if from <= to {
		out = append(out, digitClass(from, to)+anyDigits(n))
	}
	return append(out, tail...)
}

func digitClass(from, to byte) string {
	if from == to {
		return string(from)
	}
	return "[" + string(from) + "-" + string(to) + "]"
}

func anyDigits(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "[0-9]"
	}
	return "[0-9]{" + strconv.Itoa(n) + "}"
}
