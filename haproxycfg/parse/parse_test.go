package parse

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/haproxytech/config-parser/v5/common"
	"github.com/haproxytech/config-parser/v5/types"
)

// summary renders what Parse found, one line per directive.
func summary(f *File) string {
	var b strings.Builder
	for _, s := range f.Sections {
		fmt.Fprintf(&b, "[%s known=%v]\n", s.Label(), s.Known)
		for _, d := range s.Directives {
			fmt.Fprintf(&b, "%d %q", d.Line, d.Keyword)
			if d.Unprocessed {
				b.WriteString(" unprocessed")
			}
			if d.OverriddenBy != 0 {
				fmt.Fprintf(&b, " overridden-by=%d", d.OverriddenBy)
			}
			if d.Data != nil {
				b.WriteString(" data")
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"unknown, malformed, repeated",
			"frontend a\n  bogus 1\n  maxconn 1\n  maxconn x\n  maxconn 2\n  # c\n\n  bind :80 foo\n",
			"[frontend a known=true]\n2 \"\" unprocessed\n3 \"maxconn\" overridden-by=5\n4 \"maxconn\" unprocessed\n5 \"maxconn\" data\n8 \"bind\" data\n"},
		{"two sections with one name keep their own lines",
			"backend b\n  acl a src 1.1.1.1\nbackend b\n  acl c src 1.1.1.2\n  acl d src 1.1.1.3\n",
			"[backend b known=true]\n2 \"acl\" data\n[backend b known=true]\n4 \"acl\" data\n5 \"acl\" data\n"},
		{"plain server lines are read without config-parser: processed, no data",
			"backend b\n  server a 1.1.1.1:1\n  server b\n  server \"c\" 1.1.1.2:1\n",
			"[backend b known=true]\n2 \"server\"\n3 \"server\" unprocessed\n4 \"server\" data\n"},
		{"global sections merge",
			"global\n  maxconn 1\nglobal\n  maxconn 2\n",
			"[global known=true]\n2 \"maxconn\" overridden-by=4\n[global known=true]\n4 \"maxconn\" data\n"},
		{"lines before any section and unknown kinds",
			"daemon\ncrt-store x\n  load crt a\nfrontend f\n  no option httpclose\n",
			"[the lines before the first section known=false]\n1 \"\"\n[crt-store x known=false]\n3 \"\"\n[frontend f known=true]\n5 \"option httpclose\" data\n"},
		{"CRLF and tabs", "listen l\r\n\tmode\ttcp\r\n", "[listen l known=true]\n2 \"mode\" data\n"},
		{"cookie with time units is refused by config-parser",
			"backend b\n  cookie s insert maxidle 10s\n", "[backend b known=true]\n2 \"cookie\" unprocessed\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := summary(f); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestDefaultsAndMode(t *testing.T) {
	in := "defaults\n  mode tcp\ndefaults web\n  mode http\nlisten a\n  bind :1\nlisten b from web\n  bind :2\nfrontend c\n  mode tcp\n"
	f, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	modes := map[string]string{}
	for _, s := range f.Sections {
		if s.IsProxy() {
			modes[s.Name] = s.Mode()
		}
	}
	// a follows "defaults web" (the last one before it).
	want := map[string]string{"a": "http", "b": "http", "c": "tcp"}
	for k, v := range want {
		if modes[k] != v {
			t.Errorf("mode of %s = %q, want %q", k, modes[k], v)
		}
	}
	if s := f.Sections[3]; s.From != "web" || s.Defaults != f.Sections[1] {
		t.Errorf("listen b: From %q, Defaults %v", s.From, s.Defaults)
	}
}

func TestData(t *testing.T) {
	f, err := Parse([]byte("backend b\n  timeout server 5s\n  server a 1.1.1.1:1 check\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := f.Sections[0].Directives
	if v, ok := d[0].Data.(*types.SimpleTimeout); !ok || v.Value != "5s" {
		t.Errorf("timeout data %#v", d[0].Data)
	}
	// Plain server lines are read without config-parser (localServerLine):
	// processed, with no Data.
	if d[1].Keyword != "server" || d[1].Unprocessed || d[1].Data != nil {
		t.Errorf("server line: keyword %q, unprocessed %v, data %#v", d[1].Keyword, d[1].Unprocessed, d[1].Data)
	}
	if c := d[1].Col(2); c != 12 {
		t.Errorf("Col(2) = %d, want 12", c)
	}
}

func TestOptionWidth(t *testing.T) {
	tests := []struct {
		kind  string
		words string
		n     int
		known bool
	}{
		{"server", "check weight 1", 1, true},
		{"server", "inter 2s fall 3", 2, true},
		{"server", "foo-opt 7", 1, false},
		{"server", "inter", 1, false},
		{"bind", "alpn h2 ssl", 2, true},
		{"bind", "accept-proxy", 1, true},
		{"bind", "expose-fd listeners", 2, true},
		{"bind", "frob", 1, false},
		{"other", "x", 1, false},
	}
	for _, tt := range tests {
		n, known := OptionWidth(tt.kind, strings.Fields(tt.words))
		if n != tt.n || known != tt.known {
			t.Errorf("OptionWidth(%s, %q) = %d %v, want %d %v", tt.kind, tt.words, n, known, tt.n, tt.known)
		}
	}
}

func TestTooLong(t *testing.T) {
	if _, err := Parse([]byte("global\n  log " + strings.Repeat("a", maxLine) + "\n")); err == nil {
		t.Fatal("want an error")
	}
}

// TestParserCrash: config-parser panics on some malformed directives
// (found by FuzzDecompileText); Parse returns an error naming the line.
func TestParserCrash(t *testing.T) {
	text := "global\n  maxconn 10\nfrontend f\n  bind :80\n  http-request set-var(x) y\n"
	_, err := Parse([]byte(text))
	if !errors.Is(err, errParserPanicked) || !strings.HasPrefix(err.Error(), `line 5: "http-request set-var(x) y": `) {
		t.Fatalf("Parse = %v, want the crash at line 5", err)
	}
}

// TestConcurrentParse fails under -race without the package lock.
func TestConcurrentParse(t *testing.T) {
	in := []byte("defaults\n  mode http\nfrontend f\n  bind :80\n")
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				if _, err := Parse(in); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestLocalServerLines: the server lines Parse reads itself get the
// keyword and verdict config-parser gives them, in every config of the
// repository and in lines made to probe the split.
func TestLocalServerLines(t *testing.T) {
	var texts [][]byte
	for _, pattern := range []string{"../../testdata/*/*.cfg", "../../testdata/*/*/*.cfg", "../../examples/*.cfg"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			texts = append(texts, data)
		}
	}
	if len(texts) < 20 {
		t.Fatalf("found only %d configs", len(texts))
	}
	var probe strings.Builder
	for _, kind := range []string{"backend b", "listen l", "frontend f", "defaults", "peers p"} {
		probe.WriteString(kind + "\n")
		for _, line := range []string{
			"server a 1.2.3.4:80", "server a", "server a # 1.2.3.4:80", "server a 1.2.3.4:80#c", "  server\ta\t1.2.3.4:80 check",
			"server a 1.2.3.4:80 weight 10 maxconn 5 check cookie x send-proxy", "server-template s 3 h:80", "servers a b c",
			"server a \"b c\"", "server \"a b\"", "server a b\\ c", "server a 'b' c", "server a b c é", "server #a b c",
		} {
			probe.WriteString("    " + line + "\n")
		}
	}
	texts = append(texts, []byte(probe.String()))
	local := 0
	for _, text := range texts {
		got, err1 := parse(text, true)
		want, err2 := parse(text, false)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("errors differ: %v, %v", err1, err2)
		}
		if err1 != nil {
			continue
		}
		for i, s := range want.Sections {
			for j, d := range s.Directives {
				g := got.Sections[i].Directives[j]
				if g.Keyword != d.Keyword || g.Unprocessed != d.Unprocessed || g.OverriddenBy != d.OverriddenBy {
					t.Errorf("%s line %d %q: read as %q unprocessed=%v overridden=%d, config-parser says %q %v %d",
						s.Label(), d.Line, d.Text, g.Keyword, g.Unprocessed, g.OverriddenBy, d.Keyword, d.Unprocessed, d.OverriddenBy)
				}
				if localServerLine(s.Kind, d.Text) {
					local++
				}
			}
		}
	}
	if local < 50 {
		t.Errorf("only %d server lines read locally: the test checks too little", local)
	}
}

// TestSplitWords: splitWords is config-parser's split, on random lines of
// characters that matter to it.
func TestSplitWords(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const alphabet = "ab:# \t\\\"'é\r"
	for range 50000 {
		var b strings.Builder
		for range r.IntN(14) {
			b.WriteString(string([]rune(alphabet)[r.IntN(len([]rune(alphabet)))]))
		}
		line := b.String()
		gotW, gotC := splitWords(line)
		wantW, wantC := common.StringSplitWithCommentIgnoreEmpty(line)
		if !reflect.DeepEqual(gotW, wantW) || gotC != wantC {
			t.Fatalf("%q: splitWords %q %q, config-parser %q %q", line, gotW, gotC, wantW, wantC)
		}
	}
}
