package version

import (
	"strings"
	"testing"
)

func TestTargets(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" = error
	}{
		{"1.8", "1.8"}, {"2.4", "2.4"}, {"2.4.22", "2.4"}, {"1.8.30", "1.8"},
		{"2.6", "2.6"}, {"2.8", "2.8"}, {"2.9", "2.9"}, {"3.0", "3.0"}, {"3.2", "3.2"}, {"10.1", "10.1"},
		{"", ""}, {"2", ""}, {"2.5", ""}, {"2.0", ""}, {"1.9", ""}, {"1.7", ""}, {"2.2", ""},
		{"v2.4", ""}, {"2.4 ", ""}, {" 2.4", ""}, {"2.x", ""}, {"2.4.1.1", ""}, {"+2.6", ""},
		{"2.-6", ""}, {"02.4", ""}, {"2.04", ""}, {"latest", ""}, {"2..6", ""}, {"1000.0", ""}, {"2.6\n", ""},
	} {
		got, err := ParseTarget(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("ParseTarget(%q) = %v, want an error", tc.in, got)
			} else if !strings.Contains(err.Error(), AllowedTargets) {
				t.Errorf("ParseTarget(%q) error %q does not say what is allowed", tc.in, err)
			}
			continue
		}
		if err != nil || got.String() != tc.want {
			t.Errorf("ParseTarget(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]string{
		"2.6.12-1+deb12u4": "2.6", "1.8.3": "1.8", "2.4": "2.4", "v3.0.1": "3.0", " 2.4.22 ": "2.4", "haproxy 2.4.22-1": "2.4", "HA-Proxy version 1.8.3 2017/12/30": "1.8",
		"": "", "x": "", "2": "", "latest": "",
	} {
		v, ok := Parse(in)
		if got := map[bool]string{true: v.String(), false: ""}[ok]; got != want {
			t.Errorf("Parse(%q) = %q, want %q", in, got, want)
		}
	}
	if !(Version{2, 4}).HasNbproc() || (Version{2, 5}).HasNbproc() || !(Version{1, 8}).Less(Version{2, 4}) {
		t.Error("comparisons are wrong")
	}
}
