package suppress

import (
	"strings"
	"testing"

	"github.com/lbconf/lbconf/finding"
)

func known(r string) bool { return r == "a" || r == "b" || r == "cfg-x" }

func TestYAML(t *testing.T) {
	text := `HttpListeners:
  - ListenerName: "x#y"   # lbconf-disable-line a
    MaxConn: 5   # lbconf-disable-line b, nope
    Url: 'q # lbconf-disable-line a'
  - ListenerName: y
    # lbconf-disable b
    ListenerPort: 1
    MaxConn: 2
  - ListenerName: z
    MaxConn: 3
`
	set, unknown := Scan("f.yaml", []byte(text), false, known)
	if len(unknown) != 1 || unknown[0].Line != 3 || unknown[0].Col != 18 || !strings.Contains(unknown[0].Message, `"nope"`) {
		t.Errorf("unknown: %+v", unknown)
	}
	fs := []finding.Finding{
		{Line: 2, Rule: "a"}, {Line: 2, Rule: "b"}, // only a is silenced
		{Line: 3, Rule: "b"},
		{Line: 4, Rule: "a"},                       // inside quotes: not a comment
		{Line: 7, Rule: "b"}, {Line: 8, Rule: "b"}, // the section: rest of listener y
		{Line: 10, Rule: "b"}, // listener z: not silenced
	}
	got := set.Filter(fs)
	var lines []int
	for _, f := range got {
		lines = append(lines, f.Line)
	}
	if len(got) != 3 || got[0].Line != 2 || got[0].Rule != "b" || got[1].Line != 4 || got[2].Line != 10 {
		t.Errorf("kept %v: %+v", lines, got)
	}
}

func TestCfg(t *testing.T) {
	text := `global
    nbproc 1 # lbconf-disable-line cfg-x
    log "x # y" local0
frontend a
    # lbconf-disable cfg-x
    bind :80
    maxconn 10
backend b
    maxconn 10
`
	set, unknown := Scan("h.cfg", []byte(text), true, known)
	if len(unknown) != 0 {
		t.Errorf("%+v", unknown)
	}
	fs := []finding.Finding{{Line: 2, Rule: "cfg-x"}, {Line: 3, Rule: "cfg-x"}, {Line: 6, Rule: "cfg-x"}, {Line: 7, Rule: "cfg-x"}, {Line: 9, Rule: "cfg-x"}}
	got := set.Filter(fs)
	if len(got) != 2 || got[0].Line != 3 || got[1].Line != 9 {
		t.Errorf("%+v", got)
	}
	_, unknown = Scan("h.cfg", []byte("global # lbconf-disable-line\n"), true, known)
	if len(unknown) != 1 || !strings.Contains(unknown[0].Message, "names no rule") {
		t.Errorf("%+v", unknown)
	}
}
