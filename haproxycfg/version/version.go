// Package version reads HAProxy versions and says which of them lbconf
// writes and checks configs for.
//
// Two questions, two functions: Parse reads whatever version a binary or an
// instance reports ("2.6.12-1+deb12u4", "1.8.3"); ParseTarget accepts only
// the versions a user may name as a target (1.8, 2.4, and 2.6 and later).
package version

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Version is a HAProxy MAJOR.MINOR.
type Version struct {
	Major, Minor int
}

// DefaultTarget is the version configs are written and checked for when none
// is given: 2.4, what the product sells.
const DefaultTarget = "2.4"

// AllowedTargets says which targets ParseTarget accepts, for messages.
const AllowedTargets = "1.8, 2.4 (the default) or 2.6 and later (2.6, 2.8, 3.0, ...)"

// String returns "MAJOR.MINOR".
func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// AtLeast reports whether v is o or later.
func (v Version) AtLeast(o Version) bool {
	return v.Major > o.Major || v.Major == o.Major && v.Minor >= o.Minor
}

// Less reports whether v is older than o.
func (v Version) Less(o Version) bool { return !v.AtLeast(o) }

// HasNbproc reports whether v still accepts the global "nbproc" directive
// (HAProxy 2.5 removed it).
func (v Version) HasNbproc() bool { return v.Less(Version{2, 5}) }

var reportedRE = regexp.MustCompile(`(?:^|[^0-9.])v?(\d{1,3})\.(\d{1,3})`)

// Parse reads the first MAJOR.MINOR in a reported version, ignoring what
// surrounds it ("2.6.12-1+deb12u4" and "haproxy 2.4.22-1" are 2.6 and 2.4).
// ok is false when s holds no version.
func Parse(s string) (v Version, ok bool) {
	m := reportedRE.FindStringSubmatch(s)
	if m == nil {
		return Version{}, false
	}
	v.Major, _ = strconv.Atoi(m[1])
	v.Minor, _ = strconv.Atoi(m[2])
	return v, true
}

// ParseTarget parses a target a user names: "MAJOR.MINOR" (a patch level, as
// in "2.4.22", is accepted and ignored), one of 1.8, 2.4 and every version
// from 2.6 on. Anything else, "" included, is an error that lists what is
// allowed.
func ParseTarget(s string) (Version, error) {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Version{}, fmt.Errorf("unknown target %q: allowed are %s", s, AllowedTargets)
	}
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, ok := smallUint(p)
		if !ok {
			return Version{}, fmt.Errorf("unknown target %q: allowed are %s", s, AllowedTargets)
		}
		nums[i] = n
	}
	v := Version{Major: nums[0], Minor: nums[1]}
	switch {
	case v == Version{1, 8}, v == Version{2, 4}, v.AtLeast(Version{2, 6}):
		return v, nil
	}
	return Version{}, fmt.Errorf("unsupported target %q: allowed are %s", s, AllowedTargets)
}

// smallUint parses 1 to 3 decimal digits without a leading zero.
func smallUint(s string) (int, bool) {
	if len(s) == 0 || len(s) > 3 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
