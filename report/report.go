// Package report writes findings in the formats lbconf offers: plain text
// for people, JSON for scripts, GitHub workflow annotations for pull
// requests, and SARIF 2.1.0 for code-scanning upload.
//
// Formatters know nothing about rules beyond the catalogue they are given;
// checks know nothing about formats.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/lbconf/lbconf/finding"
)

// Formats lists the accepted format names.
var Formats = []string{"text", "json", "github", "sarif"}

// Options tune a report.
type Options struct {
	// Color adds ANSI colours to the text format.
	Color bool
	// Rules is the rule catalogue, used for SARIF rule metadata.
	Rules []finding.Rule
	// Version is lbconf's version, for SARIF.
	Version string
	// HelpURI, when set, gives the address of a rule's documentation,
	// for SARIF helpUri and help.
	HelpURI func(rule string) string
}

// Write writes findings in the named format.
func Write(w io.Writer, format string, fs []finding.Finding, opts Options) error {
	// Findings quote their input: no format passes on its control
	// characters to a terminal or CI log.
	escaped := make([]finding.Finding, len(fs))
	for i, f := range fs {
		escaped[i] = f.Escaped()
	}
	fs = escaped
	switch format {
	case "text":
		return Text(w, fs, opts.Color)
	case "json":
		return JSON(w, fs)
	case "github":
		return GitHub(w, fs)
	case "sarif":
		return writeSARIF(w, fs, opts)
	}
	return fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
}

// Text writes one line per finding:
// FILE:LINE:COL: SEVERITY RULE: MESSAGE (POINTER).
func Text(w io.Writer, fs []finding.Finding, color bool) error {
	for _, f := range fs {
		if !color {
			if _, err := fmt.Fprintln(w, f.String()); err != nil {
				return err
			}
			continue
		}
		sev := "\x1b[1;31merror\x1b[0m"
		if f.Severity == finding.Warning {
			sev = "\x1b[1;33mwarning\x1b[0m"
		}
		line := fmt.Sprintf("\x1b[1m%s:\x1b[0m %s \x1b[36m%s\x1b[0m: %s", f.Where(), sev, f.Rule, f.Message)
		if f.Pointer != "" {
			line += " \x1b[2m(" + f.Pointer + ")\x1b[0m"
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}

// JSON writes the findings as an indented JSON array (always an array, []
// when there are none) of objects with the keys file, line, col, severity
// ("error" or "warning"), rule, message and, for listener documents,
// pointer.
func JSON(w io.Writer, fs []finding.Finding) error {
	if fs == nil {
		fs = []finding.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(fs)
}

// GitHub writes workflow commands (::error file=...,line=...,col=...::msg)
// that GitHub Actions turns into pull-request annotations.
func GitHub(w io.Writer, fs []finding.Finding) error {
	for _, f := range fs {
		cmd := "error"
		if f.Severity == finding.Warning {
			cmd = "warning"
		}
		msg := f.Message
		if f.Pointer != "" {
			msg += " (" + f.Pointer + ")"
		}
		props := fmt.Sprintf("file=%s", escapeProperty(filepath.ToSlash(f.File)))
		if f.Line > 0 {
			props += fmt.Sprintf(",line=%d", f.Line)
			if f.Col > 0 {
				props += fmt.Sprintf(",col=%d", f.Col)
			}
		}
		props += ",title=" + escapeProperty("lbconf "+f.Rule)
		if _, err := fmt.Fprintf(w, "::%s %s::%s\n", cmd, props, escapeData(msg)); err != nil {
			return err
		}
	}
	return nil
}

// escapeData escapes a workflow command's message as the runner expects.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
