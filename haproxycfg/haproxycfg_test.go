package haproxycfg

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestSplitKeepsEveryByte(t *testing.T) {
	docs := []string{
		"",
		"global\n",
		"# top comment\n\nglobal\n  daemon\r\ndefaults\n mode http\nfrontend web # c\n bind :80\nbackend web-abk\n server a 10.0.0.1:80",
	}
	if b, err := os.ReadFile("../../shared/reference/documented-custom-config.cfg"); err == nil {
		docs = append(docs, string(b))
	}
	for _, d := range docs {
		var b strings.Builder
		for _, s := range Split(d) {
			b.WriteString(s.Raw())
		}
		if b.String() != d {
			t.Errorf("Split(%q) joined = %q", d, b.String())
		}
	}
}

func TestSplitSections(t *testing.T) {
	text := "# head\nglobal\n daemon\n\nfrontend web # the site\n\tbind :80\n  # note\nbackend web-abk\n server a 1.2.3.4:80\n"
	got := Split(text)
	type sec struct {
		kind, name string
		first, n   int
	}
	var have []sec
	for _, s := range got {
		have = append(have, sec{s.Kind, s.Name, s.Lines[0].Num, len(s.Lines)})
	}
	want := []sec{{"", "", 1, 1}, {"global", "", 2, 3}, {"frontend", "web", 5, 3}, {"backend", "web-abk", 8, 2}}
	if !reflect.DeepEqual(have, want) {
		t.Fatalf("sections = %+v, want %+v", have, want)
	}
}

func TestFields(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"  bind 0.0.0.0:80  ", []string{"bind", "0.0.0.0:80"}},
		{"\tmode\thttp # comment", []string{"mode", "http"}},
		{"# only", nil},
		{"stats uri /admin?stats#x", []string{"stats", "uri", "/admin?stats"}},
		{`stats uri /a\#b "c#d"`, []string{"stats", "uri", `/a\#b`, `"c#d"`}},
		{`acl a hdr(x) "a b"`, []string{"acl", "a", "hdr(x)", `"a b"`}},
		{`log-format %ci\ [%t]`, []string{"log-format", `%ci\ [%t]`}},
	}
	for _, tt := range tests {
		if got := Fields(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Fields(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSecrets(t *testing.T) {
	in := "listen status\n    stats auth admin:s3cret # c\r\nuserlist u\n\tuser bob insecure-password hunter2\n    user amy password $6$x groups g\n"
	if !HoldsSecret(in) || HoldsSecret("listen status\n    stats uri /\n") {
		t.Fatal("HoldsSecret")
	}
	want := "listen status\n    stats auth admin:" + MaskedSecret + "\r\nuserlist u\n\tuser bob insecure-password " + MaskedSecret +
		"\n    user amy password " + MaskedSecret + " groups g\n"
	if got := MaskSecrets(in); got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
}
