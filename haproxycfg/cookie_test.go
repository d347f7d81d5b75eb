package haproxycfg

import "testing"

// TestCookieOptions: lint's cookie rule and decompile's cookie reading
// both take the options of a cookie line from CookieOptions.
func TestCookieOptions(t *testing.T) {
	w := []string{"cookie", "sid", "insert", "domain", ".a.com", "bogus", "maxidle", "600s", "nocache", "maxlife"}
	want := []CookieOption{
		{At: 2, Word: "insert", Known: true},
		{At: 3, Word: "domain", Known: true, Arg: ".a.com", HasArg: true},
		{At: 5, Word: "bogus"},
		{At: 6, Word: "maxidle", Known: true, Arg: "600s", HasArg: true},
		{At: 8, Word: "nocache", Known: true},
		{At: 9, Word: "maxlife", Known: true},
	}
	got := CookieOptions(w)
	if len(got) != len(want) {
		t.Fatalf("CookieOptions = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("option %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if got[1].End() != 5 || got[5].End() != 10 || got[0].End() != 3 {
		t.Errorf("End: %d %d %d", got[1].End(), got[5].End(), got[0].End())
	}
	if CookieOptions([]string{"cookie", "sid"}) != nil {
		t.Error("a cookie line without options has options")
	}
}
