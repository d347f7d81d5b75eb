package diff

import (
	"strings"
	"testing"
)

// TestTextShowsMeaning: a changed enumerated value is printed with the
// meaning the field table gives it; values without one are printed alone.
func TestTextShowsMeaning(t *testing.T) {
	withCookie := func(mode string) string {
		return strings.Replace(one, `"StickySession":"off"`, `"StickySession":"off","SessionPersistence":{"Key":"sid","Mode":`+mode+`}`, 1)
	}
	a := load(t, "a.json", withCookie("1"))
	b := load(t, "b.json", strings.Replace(withCookie("2"), `"StickySession":"off"`, `"StickySession":"on"`, 1))
	var text strings.Builder
	if err := Compare(a, b).WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"~ SessionPersistence Mode: 1 (insert nocache) -> 2 (insert indirect nocache)\n",
		"~ StickySession: off -> on\n",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
}
