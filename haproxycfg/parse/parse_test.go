package parse

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

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
			"backend b\n  server a 1.1.1.1:1\nbackend b\n  server c 1.1.1.2:1\n  server d 1.1.1.3:1\n",
			"[backend b known=true]\n2 \"server\" data\n[backend b known=true]\n4 \"server\" data\n5 \"server\" data\n"},
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
	if v, ok := d[1].Data.(types.Server); !ok || v.Address != "1.1.1.1:1" {
		t.Errorf("server data %#v", d[1].Data)
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
