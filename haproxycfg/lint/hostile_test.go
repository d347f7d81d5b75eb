package lint

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/haproxycfg/parse"
)

// dupFrontends is n `frontend dup` sections binding one address: the
// hostile input that made the duplicate checks quadratic.
func dupFrontends(n int) []byte {
	var b strings.Builder
	b.WriteString("defaults\n    mode http\n    timeout client 5s\n")
	for range n {
		b.WriteString("frontend dup\n    bind :80\n")
	}
	return []byte(b.String())
}

// BenchmarkDuplicateFrontends measures Lint on dupFrontends; ns/op per
// frontend must stay flat as n grows (linear, not quadratic).
func BenchmarkDuplicateFrontends(b *testing.B) {
	for _, n := range []int{100, 1000, parse.MaxSections - 1} {
		text := dupFrontends(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for range b.N {
				if _, err := Lint("dup.cfg", text, "2.6"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestDuplicateFrontends(t *testing.T) {
	n := parse.MaxSections - 1 // with the defaults section, the most lbconf reads
	fs, err := Lint("dup.cfg", dupFrontends(n), "2.6")
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, f := range fs {
		count[f.Rule]++
	}
	if count[RuleDuplicateProxy] != n-1 || count[RuleDuplicateBind] != 0 {
		// Duplicate frontends are reported as such; their binds are not
		// compared again (the proxies after the first are refused).
		t.Errorf("got %v, want %d %s", count, n-1, RuleDuplicateProxy)
	}
}

// TestHostileLines: a NUL and an unmatched quote are reported at their
// line, as HAProxy refuses them (2.2 only warns about the NUL).
func TestHostileLines(t *testing.T) {
	text := []byte("global\n    maxconn 10\x00\n    log \"stdout local0\n")
	for _, tc := range []struct {
		target string
		want   []string
	}{
		{"2.6", []string{"2:15 cfg-syntax error", "3:9 cfg-syntax error"}},
		{"1.8", []string{"2:15 cfg-deprecated warning", "3:9 cfg-syntax error"}},
	} {
		fs, err := Lint("h.cfg", text, tc.target)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fs {
			got = append(got, fmt.Sprintf("%d:%d %s %s", f.Line, f.Col, f.Rule, f.Severity))
			if f.Line == 2 && !strings.Contains(f.Message, "NUL") {
				t.Errorf("the NUL is not named: %v", f)
			}
		}
		if strings.Join(got, ";") != strings.Join(tc.want, ";") {
			t.Errorf("target %s: got %q, want %q", tc.target, got, tc.want)
		}
	}
}
