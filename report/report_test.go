package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/finding"
)

func TestGitHubEscaping(t *testing.T) {
	fs := []finding.Finding{{
		File: "dir/a,b:c.json", Line: 3, Col: 7, Severity: finding.Warning, Rule: "r",
		Message: "100% sure\nsecond line\r", Pointer: "/x",
	}, {File: "x.cfg", Severity: finding.Error, Rule: "q", Message: "no position"}}
	var buf bytes.Buffer
	if err := GitHub(&buf, fs); err != nil {
		t.Fatal(err)
	}
	want := "::warning file=dir/a%2Cb%3Ac.json,line=3,col=7,title=lbconf r::100%25 sure%0Asecond line%0D (/x)\n" +
		"::error file=x.cfg,title=lbconf q::no position\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestTextColor(t *testing.T) {
	fs := []finding.Finding{{File: "a.json", Line: 1, Col: 2, Severity: finding.Error, Rule: "r", Message: "m", Pointer: "/p"}}
	var plain, color bytes.Buffer
	_ = Text(&plain, fs, false)
	_ = Text(&color, fs, true)
	if plain.String() != "a.json:1:2: error r: m (/p)\n" {
		t.Errorf("plain = %q", plain.String())
	}
	if !strings.Contains(color.String(), "\x1b[") || strings.Contains(plain.String(), "\x1b[") {
		t.Errorf("colour only when asked: %q", color.String())
	}
}

func TestJSONEmptyIsArray(t *testing.T) {
	var buf bytes.Buffer
	_ = JSON(&buf, nil)
	if strings.TrimSpace(buf.String()) != "[]" {
		t.Errorf("got %q", buf.String())
	}
}

func TestSARIF(t *testing.T) {
	rules := []finding.Rule{{Name: "r", Severity: finding.Error, Input: "listeners", Summary: "s"}, {Name: "w", Severity: finding.Warning, Summary: "ws"}}
	fs := []finding.Finding{
		{File: "dir/a b.json", Line: 2, Col: 3, Severity: finding.Warning, Rule: "w", Message: "m", Pointer: "/p"},
		{File: "-", Line: 1, Col: 1, Severity: finding.Error, Rule: "r", Message: "m2"},
		{File: "/abs/x.cfg", Severity: finding.Error, Rule: "unknown-rule", Message: "m3"},
	}
	var buf bytes.Buffer
	if err := SARIF(&buf, fs, rules, "v1"); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID                   string
						DefaultConfiguration struct{ Level string }
					}
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex *int
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string }
						Region           *struct{ StartLine, StartColumn int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Tool.Driver.Rules) != 2 {
		t.Fatalf("bad log: %s", buf.String())
	}
	if l := log.Runs[0].Tool.Driver.Rules[1].DefaultConfiguration.Level; l != "warning" {
		t.Errorf("rule level %q", l)
	}
	res := log.Runs[0].Results
	if res[0].Level != "warning" || *res[0].RuleIndex != 1 || res[0].Locations[0].PhysicalLocation.ArtifactLocation.URI != "dir/a%20b.json" ||
		res[0].Locations[0].PhysicalLocation.ArtifactLocation.URIBaseID != "%SRCROOT%" || res[0].Locations[0].PhysicalLocation.Region.StartColumn != 3 {
		t.Errorf("result 0: %+v", res[0])
	}
	if res[1].Locations[0].PhysicalLocation.ArtifactLocation.URI != "stdin" {
		t.Errorf("stdin uri: %+v", res[1])
	}
	if res[2].RuleIndex != nil || res[2].Locations[0].PhysicalLocation.Region != nil ||
		res[2].Locations[0].PhysicalLocation.ArtifactLocation.URI != "file:///abs/x.cfg" {
		t.Errorf("result 2: %+v", res[2])
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	err := Write(&bytes.Buffer{}, "xml", nil, Options{})
	if err == nil || !strings.Contains(err.Error(), "text, json, github, sarif") {
		t.Errorf("err = %v", err)
	}
}
