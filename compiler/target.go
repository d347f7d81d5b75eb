package compiler

import (
	"fmt"
	"strconv"
	"strings"
)

// DefaultTarget is the HAProxy version compiled for when Options.Target is
// empty: 2.4, what the product sells.
const DefaultTarget = "2.4"

// AllowedTargets says which targets ParseTarget accepts, for messages.
const AllowedTargets = "1.8, 2.4 (the default) or 2.6 and later (2.6, 2.8, 3.0, ...)"

// Target is a HAProxy version that generated configs are written for.
type Target struct {
	Major, Minor int
}

// ParseTarget parses a version as "MAJOR.MINOR" (a patch level, as in
// "2.4.22", is accepted and ignored). It accepts 1.8, 2.4 and every version
// from 2.6 on; anything else is an error that lists what is allowed.
func ParseTarget(s string) (Target, error) {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Target{}, fmt.Errorf("unknown target %q: allowed are %s", s, AllowedTargets)
	}
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, ok := smallUint(p)
		if !ok {
			return Target{}, fmt.Errorf("unknown target %q: allowed are %s", s, AllowedTargets)
		}
		nums[i] = n
	}
	t := Target{Major: nums[0], Minor: nums[1]}
	switch {
	case t == Target{1, 8}, t == Target{2, 4}, t.AtLeast(2, 6):
		return t, nil
	}
	return Target{}, fmt.Errorf("unsupported target %q: allowed are %s", s, AllowedTargets)
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

// String returns "MAJOR.MINOR".
func (t Target) String() string { return fmt.Sprintf("%d.%d", t.Major, t.Minor) }

// AtLeast reports whether t is major.minor or later.
func (t Target) AtLeast(major, minor int) bool {
	return t.Major > major || (t.Major == major && t.Minor >= minor)
}

// HasNbproc reports whether the target still accepts the global "nbproc"
// directive (HAProxy 2.5 removed it).
func (t Target) HasNbproc() bool { return !t.AtLeast(2, 5) }
