package safetext

import (
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain text é 中", "plain text é 中"},
		{`back\slash`, `back\slash`},
		{"a\x1b[31mred", `a\x1b[31mred`},
		{"tab\there\r\n", `tab\there\r\n`},
		{"nul\x00", `nul\x00`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"rtl\u202eevil", `rtl\u202eevil`},
		{"c1\u009b2J", `c1\u009b2J`},
		{"del\x7f", `del\x7f`},
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := EscapeLines("a\nb\x1b\n"); got != "a\nb\\x1b\n" {
		t.Errorf("EscapeLines: %q", got)
	}
}

func TestClip(t *testing.T) {
	if got := Clip("short", 10); got != "short" {
		t.Error(got)
	}
	if got := Clip(strings.Repeat("é", 10), 5); got != "éé... (16 more bytes)" {
		t.Error(got)
	}
	if got := Network(strings.Repeat("x", 1000) + "\x1b"); len(got) > MaxNetwork+40 || strings.Contains(got, "\x1b") {
		t.Error(got)
	}
}
