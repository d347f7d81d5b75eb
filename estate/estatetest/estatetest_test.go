package estatetest

import (
	"testing"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg/lint"
	"github.com/lbconf/lbconf/validate"
)

// The seeded states are clean, so that plans of an unchanged estate have
// nothing to report.
func TestStatesAreClean(t *testing.T) {
	for _, i := range []int{0, 1, 2, 3, 499} {
		l := Listeners(i)
		if fs := validate.Listeners(&l); finding.HasErrors(fs) {
			t.Errorf("listeners of %d: %v", i, fs)
		}
		fs, err := lint.Lint("x.cfg", []byte(Config(i)), "2.6")
		if err != nil || finding.HasErrors(fs) {
			t.Errorf("config of %d: %v %v", i, err, fs)
		}
	}
}

// Clean means no warnings either: plans of an unchanged estate print no
// findings.
func TestConfigHasNoWarnings(t *testing.T) {
	fs, err := lint.Lint("x.cfg", []byte(Config(1)), "2.6")
	if err != nil || len(fs) > 0 {
		t.Errorf("%v %v", err, fs)
	}
}
