package finding

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestCatalogue(t *testing.T) {
	c := Catalogue{{Name: "a", Severity: Warning}, {Name: "b", Severity: Error}}
	if c.Severity("a") != Warning || c.Severity("b") != Error || c.Severity("zzz") != Error {
		t.Error("Severity is wrong")
	}
	rules := c.WithInput("cfg")
	if rules[0].Input != "cfg" || rules[1].Input != "cfg" || c[0].Input != "" {
		t.Errorf("WithInput: %+v (catalogue %+v)", rules, c)
	}
}

func TestSortAndString(t *testing.T) {
	fs := []Finding{
		{File: "b", Line: 1, Col: 1, Rule: "r"},
		{File: "a", Line: 2, Col: 1, Rule: "r"},
		{File: "a", Line: 1, Col: 5, Rule: "r", Severity: Warning, Message: "m", Pointer: "/x"},
		{File: "a", Line: 1, Col: 2, Rule: "r"},
	}
	Sort(fs)
	got := ""
	for _, f := range fs {
		got += f.File + ":" + string(rune('0'+f.Line)) + ":" + string(rune('0'+f.Col)) + " "
	}
	if got != "a:1:2 a:1:5 a:2:1 b:1:1 " {
		t.Errorf("order %s", got)
	}
	if s := fs[1].String(); s != "a:1:5: warning r: m (/x)" {
		t.Errorf("String() = %q", s)
	}
	if !HasErrors(fs) || HasErrors(fs[1:2]) {
		t.Error("HasErrors is wrong")
	}
	var s Severity
	if err := s.UnmarshalText([]byte("warning")); err != nil || s != Warning {
		t.Error("UnmarshalText")
	}
	if err := s.UnmarshalText([]byte("fatal")); err == nil {
		t.Error("UnmarshalText accepted fatal")
	}
}

func TestCatalogueCheck(t *testing.T) {
	good := Catalogue{
		{Name: "a", Severity: Error, Basis: APIRefuses, Why: "x"},
		{Name: "b", Severity: Warning, Basis: NotEnforced, Why: "y"},
	}
	if errs := good.Check(); len(errs) != 0 {
		t.Errorf("sound catalogue: %v", errs)
	}
	bad := Catalogue{
		{Name: "a", Severity: Warning, Basis: Misbehaves, Why: "x"},
		{Name: "b", Severity: Error},
		{Name: "b", Severity: Error, Basis: HAProxyRefuses, Why: "z"},
		{Severity: Error},
	}
	if errs := bad.Check(); len(errs) != 4 {
		t.Errorf("want 4 errors, got %v", errs)
	}
}

// A finding about no line prints FILE alone, never a made-up ":0:0".
func TestStringWithoutLine(t *testing.T) {
	f := Finding{File: "x.cfg", Severity: Warning, Rule: "r", Message: "m"}
	if got := f.String(); got != "x.cfg: warning r: m" {
		t.Errorf("got %q", got)
	}
	f.Line, f.Col = 3, 5
	if got := f.String(); got != "x.cfg:3:5: warning r: m" {
		t.Errorf("got %q", got)
	}
}

func TestLimit(t *testing.T) {
	var fs []Finding
	for i := range 5 {
		fs = append(fs, Finding{File: "a", Line: i + 1, Col: 1, Severity: Warning, Rule: "r", Message: "m"})
	}
	fs[4].Severity = Error
	fs = append(fs, Finding{File: "b", Line: 1, Col: 1, Rule: "r", Message: "m"})
	got := Limit(fs, 2)
	if len(got) != 4 || got[2].Rule != RuleTooMany || got[2].Severity != Error || got[3].File != "b" ||
		got[2].Message != "3 more findings in this file are not shown (at most 2 per file); fix the ones above and run again" {
		t.Fatalf("%+v", got)
	}
	if got := Limit(fs[:2], 2); len(got) != 2 {
		t.Fatalf("%+v", got)
	}
}

func TestStringEscapes(t *testing.T) {
	f := Finding{File: "x\x1b.json", Line: 1, Col: 2, Rule: "r", Message: "bad \x1b[2J", Pointer: "/a\nb"}
	if got := f.String(); got != `x\x1b.json:1:2: error r: bad \x1b[2J (/a\nb)` {
		t.Fatal(got)
	}
}

// TestBoundedMatchesLimit: a Bounded collector gives what sorting every
// finding and limiting gives, whatever the order findings arrive in, and
// Limit keeps its result as it is.
func TestBoundedMatchesLimit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 5, 9, 10, 11, 12, 50, 300} {
		for round := range 20 {
			var all []Finding
			for i := range n {
				sev, rule := Warning, "w" // a rule has one severity
				if rng.IntN(4) == 0 {
					sev, rule = Error, "e"
				}
				all = append(all, Finding{File: "f", Line: rng.IntN(20) + 1, Col: rng.IntN(3) + 1,
					Severity: sev, Rule: rule, Message: fmt.Sprint(i % 7), Pointer: fmt.Sprintf("/%d", rng.IntN(5))})
			}
			b := Bounded{Max: 10}
			for _, f := range all {
				b.Add(f)
			}
			got := b.Findings()
			want := append([]Finding(nil), all...)
			Sort(want)
			want = Limit(want, 10)
			if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Fatalf("n=%d round %d:\n got %v\nwant %v", n, round, got, want)
			}
			again := append([]Finding(nil), got...)
			Sort(again)
			if again = Limit(again, 10); !reflect.DeepEqual(again, want) && !(len(again) == 0 && len(want) == 0) {
				t.Fatalf("n=%d round %d: Limit changed a limited list:\n got %v\nwant %v", n, round, again, want)
			}
			if b.Len() != n {
				t.Errorf("Len %d, want %d", b.Len(), n)
			}
		}
	}
}
