package compiler

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg"
)

// proxyKey names a proxy section: its keyword and name.
type proxyKey struct{ kind, name string }

// baseResult is what Compile keeps of a base config.
type baseResult struct {
	// prelude is the kept text, ending with a blank line.
	prelude  string
	errs     []finding.Finding
	warnings []finding.Finding
}

// isStatus reports whether a section is the status page, kept from a base.
func isStatus(s haproxycfg.Section) bool { return s.Kind == "listen" && s.Name == "status" }

// keepBase keeps every section of base that is not a proxy, plus its listen
// status, verbatim and in order. A run of comment lines right before a kept
// section's header stays with it even when the section before is dropped.
// generated names the proxies the listeners compile to: dropping any other
// proxy is a warning. With statsAuth, the stats auth line of listen status
// is set to it.
func keepBase(base []byte, s settings, generated map[proxyKey]bool) (baseResult, error) {
	var r baseResult
	if len(base) == 0 {
		return r, &OptionError{Option: "base", Err: errors.New("the base config is empty")}
	}
	sections := haproxycfg.Split(string(base))
	var kept []haproxycfg.Line
	var carried []haproxycfg.Line
	statusSeen := false
	for _, sec := range sections {
		if sec.IsProxy() && !isStatus(sec) {
			if !generated[proxyKey{sec.Kind, sec.Name}] {
				h, _ := sec.Header()
				r.warnings = append(r.warnings, finding.Finding{
					File: s.baseName, Line: h.Num, Col: 1, Severity: finding.Warning,
					Rule: RuleBaseProxyDropped,
					Message: fmt.Sprintf("%s %q of the base is not compiled from any listener and is dropped: "+
						"every frontend, backend and listen of the base except \"listen status\" is replaced", sec.Kind, sec.Name),
				})
			}
			carried = trailingComments(sec.Lines)
			continue
		}
		lines := sec.Lines
		if isStatus(sec) {
			statusSeen = true
			if s.statsAuth != "" {
				lines = setStatsAuth(lines, s.statsAuth)
			}
		}
		if sec.Kind == "global" && !s.target.HasNbproc() {
			r.errs = append(r.errs, nbprocFindings(sec, s)...)
		}
		kept = append(kept, carried...)
		kept = append(kept, lines...)
		carried = nil
	}
	if s.statsAuth != "" && !statusSeen {
		return r, &OptionError{Option: "stats-auth", Err: errors.New("the base config has no \"listen status\" section to set it in")}
	}
	var b strings.Builder
	for _, l := range kept {
		b.WriteString(l.Raw)
	}
	r.prelude = endWithBlankLine(b.String())
	return r, nil
}

// trailingComments returns the comment lines that end a section with no
// blank line after them: they introduce the next section.
func trailingComments(lines []haproxycfg.Line) []haproxycfg.Line {
	i := len(lines)
	for i > 1 && strings.TrimSpace(lines[i-1].Text()) != "" && lines[i-1].IsBlankOrComment() {
		i--
	}
	return lines[i:]
}

// setStatsAuth replaces the first "stats auth" line of a listen section with
// one for auth (same indentation and line end) and drops the others; without
// one, it adds the line after the section's last directive.
func setStatsAuth(lines []haproxycfg.Line, auth string) []haproxycfg.Line {
	var out []haproxycfg.Line
	done := false
	for i, l := range lines {
		if f := l.Fields(); i > 0 && len(f) >= 2 && f[0] == "stats" && f[1] == "auth" {
			if !done {
				out = append(out, haproxycfg.Line{Num: l.Num, Raw: indentOf(l.Raw) + "stats auth " + auth + lineEnd(l.Raw)})
				done = true
			}
			continue
		}
		out = append(out, l)
	}
	if done {
		return out
	}
	last := 0
	for i, l := range out {
		if !l.IsBlankOrComment() {
			last = i
		}
	}
	indent := "    "
	if last > 0 {
		indent = indentOf(out[last].Raw)
	}
	end := lineEnd(out[last].Raw)
	if end == "" {
		end = "\n"
		out[last].Raw += end
	}
	added := haproxycfg.Line{Num: out[last].Num, Raw: indent + "stats auth " + auth + end}
	return append(out[:last+1], append([]haproxycfg.Line{added}, out[last+1:]...)...)
}

func indentOf(raw string) string {
	return raw[:len(raw)-len(strings.TrimLeft(raw, " \t"))]
}

func lineEnd(raw string) string {
	switch {
	case strings.HasSuffix(raw, "\r\n"):
		return "\r\n"
	case strings.HasSuffix(raw, "\n"):
		return "\n"
	}
	return ""
}

// nbprocFindings reports nbproc lines, which HAProxy 2.5 and later refuse.
func nbprocFindings(sec haproxycfg.Section, s settings) []finding.Finding {
	var fs []finding.Finding
	for _, l := range sec.Body() {
		if f := l.Fields(); len(f) > 0 && f[0] == "nbproc" {
			fs = append(fs, finding.Finding{
				File: s.baseName, Line: l.Num, Col: utf8.RuneCountInString(indentOf(l.Raw)) + 1,
				Severity: finding.Error, Rule: RuleTargetDirective,
				Message: fmt.Sprintf("nbproc is refused by HAProxy 2.5 and later (target %s): "+
					"remove it from the base, or compile for target 2.4 or 1.8", s.target),
			})
		}
	}
	return fs
}

// endWithBlankLine makes text end with a line end and a blank line, so that
// the first generated section is separated from the kept ones. Text that
// already does is returned as it is (so compiling again with the output as
// base changes nothing).
func endWithBlankLine(text string) string {
	if text == "" {
		return ""
	}
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	body := strings.TrimSuffix(strings.TrimSuffix(text, "\n"), "\r")
	if strings.TrimSpace(body[strings.LastIndexByte(body, '\n')+1:]) != "" {
		text += "\n"
	}
	return text
}
