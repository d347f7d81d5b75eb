package model

import (
	"errors"
	"strings"
	"testing"
)

// TestYAMLRefused: constructs a listener file cannot mean anything by are
// syntax findings at their positions (issue 12).
func TestYAMLRefused(t *testing.T) {
	for _, tc := range []struct {
		name, in  string
		line, col int
		msg       string
	}{
		{"second document", "HttpListeners: []\n---\nTcpListeners: []\n", 3, 1, "a second document"},
		{"syntax error in a second document", "HttpListeners: []\n---\nTcpListeners: [\n", 3, 1, "did not find expected node content"},
		{"custom tag", "HttpListeners: !evil []\n", 1, 16, "the tag !evil is not allowed"},
		{"binary tag", "HttpListeners: []\nTcpListeners: !!binary aGVsbG8=\n", 2, 15, "the tag !!binary is not allowed"},
		{"merge of a scalar", "HttpListeners:\n  - <<: 5\n", 2, 9, "the merge key << takes a mapping or a list of mappings, got a number"},
		{"merge of a list of scalars", "HttpListeners:\n  - <<: [1]\n", 2, 9, "got a array"},
		{"alias inside its anchor", "HttpListeners: &a [*a]\n", 1, 20, "alias *a is inside its own anchor &a"},
		{"mapping as a key", "? {a: 1}\n: 2\n", 1, 3, "a key must be a plain string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Decode("x.yaml", []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Findings) != 1 {
				t.Fatalf("findings %v", d.Findings)
			}
			f := d.Findings[0]
			if f.Rule != RuleSyntax || f.Line != tc.line || f.Col != tc.col || !strings.Contains(f.Message, tc.msg) {
				t.Errorf("got %s, want %d:%d %q", f, tc.line, tc.col, tc.msg)
			}
		})
	}
}

// TestYAMLMergeAndAliases: merges and aliases still work, explicit keys
// win, and each alias is charged its expanded size.
func TestYAMLMergeAndAliases(t *testing.T) {
	in := `base: &b {ListenerMode: tcp, ListenerPort: 1, MaxConn: 5}
more: &m {MaxConn: 9, Scheduler: source}
TcpListeners:
  - <<: [*b, *m]
    ListenerPort: 2
    ListenerName: t
`
	d, err := Decode("x.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	l := d.Listeners.TcpListeners
	if len(l) != 1 || l[0].ListenerPort != 2 || l[0].MaxConn != 5 || l[0].Scheduler != "source" || l[0].ListenerMode != "tcp" {
		t.Errorf("%+v", l)
	}
	var b strings.Builder
	b.WriteString("a: &a [1,2,3,4,5,6,7,8,9,10]\nb: &b [")
	for i := range 60000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("*a")
	}
	b.WriteString("]\n")
	_, err = Decode("x.yaml", []byte(b.String()))
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 500000 values") {
		t.Errorf("err %v, want ErrTooLarge", err)
	}
}

// TestReadInputBounded: no path kind is read past MaxInputBytes.
func TestReadInputBounded(t *testing.T) {
	if _, err := ReadInput("/dev/zero", nil); !errors.Is(err, ErrTooLarge) {
		t.Errorf("/dev/zero: %v", err)
	}
	big := strings.NewReader(strings.Repeat("x", MaxInputBytes+1))
	if _, err := ReadInput("-", big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("stdin: %v", err)
	}
	if data, err := ReadInput("-", strings.NewReader("{}")); err != nil || string(data) != "{}" {
		t.Errorf("%q %v", data, err)
	}
}
