package report

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/lbconf/lbconf/finding"
)

// SARIF 2.1.0 document, reduced to what lbconf fills in.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	ShortDescription     sarifText         `json:"shortDescription"`
	FullDescription      sarifText         `json:"fullDescription"`
	DefaultConfiguration sarifRuleConfig   `json:"defaultConfiguration"`
	HelpURI              string            `json:"helpUri,omitempty"`
	Help                 *sarifHelp        `json:"help,omitempty"`
	Properties           map[string]string `json:"properties,omitempty"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex *int            `json:"ruleIndex,omitempty"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// SARIF writes a SARIF 2.1.0 log with one run, the rule catalogue as rule
// metadata, and one result per finding. Columns count Unicode code points.
// Relative file paths are given relative to %SRCROOT% so that GitHub code
// scanning maps them onto the repository.
func SARIF(w io.Writer, fs []finding.Finding, rules []finding.Rule, version string) error {
	return writeSARIF(w, fs, Options{Rules: rules, Version: version})
}

// writeSARIF is SARIF with every option: with opts.HelpURI, each rule
// carries helpUri and a help text pointing at its documentation.
func writeSARIF(w io.Writer, fs []finding.Finding, opts Options) error {
	rules, version := opts.Rules, opts.Version
	index := map[string]int{}
	driver := sarifDriver{
		Name:           "lbconf",
		Version:        version,
		InformationURI: "https://github.com/lbconf/lbconf",
		Rules:          []sarifRule{},
	}
	for i, r := range rules {
		index[r.Name] = i
		sr := sarifRule{
			ID:                   r.Name,
			ShortDescription:     sarifText{r.Summary},
			FullDescription:      sarifText{r.Summary},
			DefaultConfiguration: sarifRuleConfig{Level: level(r.Severity)},
			Properties:           map[string]string{"input": r.Input},
		}
		if opts.HelpURI != nil {
			if uri := opts.HelpURI(r.Name); uri != "" {
				sr.HelpURI = uri
				sr.Help = &sarifHelp{
					Text:     r.Summary + "\nSee " + uri + " for why, where it comes from, and a failing and a fixed example.",
					Markdown: r.Summary + "\n\nSee [" + r.Name + "](" + uri + ") for why, where it comes from, and a failing and a fixed example.",
				}
			}
		}
		driver.Rules = append(driver.Rules, sr)
	}
	results := make([]sarifResult, 0, len(fs))
	for _, f := range fs {
		res := sarifResult{
			RuleID:  f.Rule,
			Level:   level(f.Severity),
			Message: sarifText{f.Message},
		}
		if i, ok := index[f.Rule]; ok {
			res.RuleIndex = &i
		}
		loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: artifact(f.File)}}
		if f.Line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Line, StartColumn: f.Col}
		}
		if f.Pointer != "" {
			loc.LogicalLocations = []sarifLogical{{FullyQualifiedName: f.Pointer, Kind: "member"}}
		}
		res.Locations = []sarifLocation{loc}
		results = append(results, res)
	}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{{Tool: sarifTool{Driver: driver}, ColumnKind: "unicodeCodePoints", Results: results}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

func level(s finding.Severity) string {
	if s == finding.Warning {
		return "warning"
	}
	return "error"
}

// artifact turns a file name into a SARIF artifact location.
func artifact(file string) sarifArtifact {
	if file == "-" {
		return sarifArtifact{URI: "stdin"}
	}
	p := filepath.ToSlash(file)
	u := (&url.URL{Path: p}).EscapedPath()
	if filepath.IsAbs(file) {
		return sarifArtifact{URI: "file://" + u}
	}
	return sarifArtifact{URI: strings.TrimPrefix(u, "./"), URIBaseID: "%SRCROOT%"}
}
