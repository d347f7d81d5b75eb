package haproxycfg

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/haproxycfg/version"
)

func TestTokenize(t *testing.T) {
	for _, tc := range []struct {
		line  string
		words []string
		kinds []ProblemKind
	}{
		{"  bind :80  # comment", []string{"bind", ":80"}, nil},
		{`capture request header Host len 20`, []string{"capture", "request", "header", "Host", "len", "20"}, nil},
		{`http-request set-header X "a b"'c d'e`, []string{"http-request", "set-header", "X", "a bc de"}, nil},
		{`log "${LOG_HOST}" local0`, []string{"log", "${LOG_HOST}", "local0"}, nil},
		{`x "${A b}"`, []string{"x", "${A b}"}, []ProblemKind{UnmatchedBrace}},
		{`x "${A-b c}"`, []string{"x", "${A-b c}"}, nil},
		{`acl a path_beg /\#x \ y`, []string{"acl", "a", "path_beg", "/#x", " y"}, nil},
		{`x '#not comment' "#nor this" # but this`, []string{"x", "#not comment", "#nor this"}, nil},
		{`x '\n' "\""`, []string{"x", `\n`, `"`}, nil},
		{`http-request set-header X "abc`, []string{"http-request", "set-header", "X", "abc"}, []ProblemKind{UnmatchedQuote}},
		{"x a\x00b", []string{"x", "a\x00b"}, []ProblemKind{NUL}},
		{`x "${A"`, []string{"x", "${A"}, []ProblemKind{UnmatchedBrace}},
		{"x ${A", []string{"x", "${A"}, nil},
		{strings.Repeat("w ", 65), strings.Fields(strings.Repeat("w ", 65)), []ProblemKind{TooManyWords}},
	} {
		toks, probs := Tokenize(tc.line)
		if got := Words(toks); !reflect.DeepEqual(got, tc.words) {
			t.Errorf("Tokenize(%q) = %q, want %q", tc.line, got, tc.words)
		}
		var kinds []ProblemKind
		for _, p := range probs {
			kinds = append(kinds, p.Kind)
		}
		if !reflect.DeepEqual(kinds, tc.kinds) {
			t.Errorf("Tokenize(%q) problems %v, want %v", tc.line, probs, tc.kinds)
		}
	}
	toks, _ := Tokenize(`  a "${X}"yz é b`)
	if toks[1].Col != 5 || !toks[1].Env || !toks[1].Quoted || toks[2].Col != 14 || toks[3].Col != 16 {
		t.Errorf("columns/flags wrong: %+v", toks)
	}
}

func TestBlocks(t *testing.T) {
	v26 := version.Version{Major: 2, Minor: 6}
	for _, tc := range []struct {
		lines []string // directives; the last must leave one block open
		want  Tri
		err   bool
	}{
		{[]string{".if version_atleast(2.4)"}, True, false},
		{[]string{".if version_atleast(2.8)"}, False, false},
		{[]string{".if version_before(2.6)"}, False, false},
		{[]string{".if version_atleast(2.6.5)"}, Unknown, false},
		{[]string{".if feature(QUIC)"}, Unknown, false},
		{[]string{".if defined(X) && 0"}, False, false},
		{[]string{".if !defined(X) || 1"}, True, false},
		{[]string{".if streq(a,a)"}, True, false},
		{[]string{`.if streq("${X}",a)`}, Unknown, false},
		{[]string{".if version_atleast(2.8)", ".elif 1"}, True, false},
		{[]string{".if 1", ".else"}, False, false},
		{[]string{".if feature(X)", ".else"}, Unknown, false},
		{[]string{".if 1", ".if 0", ".endif"}, True, false},
		{[]string{".if bogus(1)"}, Unknown, true},
		{[]string{".if word"}, Unknown, true},
	} {
		b := NewBlocks(v26)
		var err error
		for i, l := range tc.lines {
			toks, _ := Tokenize(l)
			if e := b.Directive(i+1, toks); e != nil {
				err = e
			}
		}
		if got := b.Active(); got != tc.want || (err != nil) != tc.err {
			t.Errorf("%q: active %v err %v, want %v err %t", tc.lines, got, err, tc.want, tc.err)
		}
	}
	b := NewBlocks(v26)
	toks, _ := Tokenize(".endif")
	if b.Directive(1, toks) == nil {
		t.Error(".endif without .if: want an error")
	}
}

// TestTokenSpans checks each word's raw span: check rewrites bind, server
// and errorfile lines by these offsets, and Fields returns these raw texts.
func TestTokenSpans(t *testing.T) {
	tests := []struct {
		line      string
		want, raw []string
	}{
		{"", nil, nil},
		{"   # only a comment", nil, nil},
		{"  bind 0.0.0.0:443 ssl crt /etc/haproxy/certs/c1.pem", []string{"bind", "0.0.0.0:443", "ssl", "crt", "/etc/haproxy/certs/c1.pem"}, nil},
		{"\tstats realm Private\\ lands # comment", []string{"stats", "realm", "Private lands"}, []string{"stats", "realm", `Private\ lands`}},
		{`log-format "%ci [%t] #x" other`, []string{"log-format", "%ci [%t] #x", "other"}, []string{"log-format", `"%ci [%t] #x"`, "other"}},
		{`errorfile 503 '/etc/my errors/503.http'`, []string{"errorfile", "503", "/etc/my errors/503.http"}, []string{"errorfile", "503", `'/etc/my errors/503.http'`}},
		{"acl a src 10.0.0.1#comment", []string{"acl", "a", "src", "10.0.0.1"}, nil},
		{`crt "/a b"'c'd\ e.pem x`, []string{"crt", "/a bcd e.pem", "x"}, []string{"crt", `"/a b"'c'd\ e.pem`, "x"}},
		{"bind :80\r", []string{"bind", ":80"}, nil},
		{`x "${HOME}/c" y`, []string{"x", "${HOME}/c", "y"}, []string{"x", `"${HOME}/c"`, "y"}},
	}
	for _, tt := range tests {
		toks, _ := Tokenize(tt.line)
		var got, raw []string
		for _, tok := range toks {
			got = append(got, tok.Text)
			if tok.Start < 0 || tok.End > len(tt.line) || tok.Start >= tok.End {
				t.Fatalf("%q: bad span %d-%d", tt.line, tok.Start, tok.End)
			}
			raw = append(raw, tok.Raw(tt.line))
		}
		if tt.raw == nil {
			tt.raw = tt.want
		}
		if !reflect.DeepEqual(got, tt.want) || !reflect.DeepEqual(raw, tt.raw) {
			t.Errorf("Tokenize(%q) = %q (raw %q), want %q (raw %q)", tt.line, got, raw, tt.want, tt.raw)
		}
		if f := Fields(tt.line); !reflect.DeepEqual(f, tt.raw) {
			t.Errorf("Fields(%q) = %q, want %q", tt.line, f, tt.raw)
		}
	}
}

// TestPlainFields: the words of plain lines, read without Tokenize, are
// Tokenize's, and so is the first word headWord reads.
func TestPlainFields(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const alphabet = "ab:.-$# \t\r"
	for range 20000 {
		b := make([]byte, r.IntN(16))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		s := string(b)
		if !plain(s) {
			t.Fatalf("%q: not plain", s)
		}
		want := tokenFields(s)
		if got := plainFields(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: plainFields %q, Tokenize %q", s, got, want)
		}
		head, ok := headWord(s)
		if wantHead := ""; !ok || (len(want) > 0 && head != want[0]) || (len(want) == 0 && head != wantHead) {
			t.Fatalf("%q: headWord %q %v, words %q", s, head, ok, want)
		}
	}
	for _, s := range []string{`a "b"`, `a 'b'`, `a\ b`, "a\x00b"} {
		if plain(s) {
			t.Errorf("%q: plain", s)
		}
		if _, ok := headWord(s); ok {
			t.Errorf("%q: headWord read it", s)
		}
	}
}
