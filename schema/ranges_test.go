package schema

import (
	"regexp"
	"strconv"
	"testing"
)

// TestRangePattern compares the pattern with the range on every number
// around it, and on spellings the decoder does not take as numbers.
func TestRangePattern(t *testing.T) {
	for _, r := range [][2]int64{{0, 0}, {1, 1}, {0, 9}, {1, 256}, {0, 7200}, {1, 65535}, {5, 1234}, {10, 99}, {99, 100}, {1, 2147483647}} {
		p, err := rangePattern(r[0], r[1])
		if err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile(p)
		check := func(n int64) {
			s := strconv.FormatInt(n, 10)
			if got, want := re.MatchString(s), n >= r[0] && n <= r[1]; got != want {
				t.Errorf("%d-%d: %s: %q matches %v, want %v", r[0], r[1], p, s, got, want)
			}
		}
		for n := int64(-2); n <= min(r[1]+2, 70000); n++ {
			check(n)
		}
		for _, n := range []int64{r[1] - 1, r[1], r[1] + 1, r[1] * 10, r[0] - 1, r[0] + 1} {
			check(n)
		}
		for _, s := range []string{"", "01", "+1", " 1", "1.0", "1e2", "-0"} {
			if re.MatchString(s) {
				t.Errorf("%d-%d: %s matches %q", r[0], r[1], p, s)
			}
		}
	}
	if _, err := rangePattern(-1, 5); err == nil {
		t.Error("a negative range has a pattern")
	}
}
