package lint

import (
	"strings"

	"github.com/lbconf/lbconf/haproxycfg"
	"github.com/lbconf/lbconf/haproxycfg/version"
)

// v2_3 is the first HAProxy version that refuses a NUL in a line and a
// last line without a newline (2.2 warns).
var v2_3 = version.Version{Major: 2, Minor: 3}

// scanned is the file read line by line as HAProxy reads it.
type scanned struct {
	// toks are the words of each line (index: line number - 1); nil for
	// lines HAProxy does not read (inactive blocks, conditional
	// directives, lines it refuses).
	toks [][]haproxycfg.Token
	// maybe marks lines in blocks whose condition lint cannot decide.
	maybe []bool
	// text is the file with the lines HAProxy does not read blanked, line
	// numbers kept: what config-parser is given.
	text []byte
}

// scan tokenises every line, evaluates conditional blocks for the target
// and reports the syntax findings.
func (l *linter) scan(text []byte) *scanned {
	lines := strings.SplitAfter(string(text), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	sc := &scanned{toks: make([][]haproxycfg.Token, len(lines)), maybe: make([]bool, len(lines))}
	var out strings.Builder
	out.Grow(len(text))
	blocks := haproxycfg.NewBlocks(l.target)
	conditional := l.target.AtLeast(haproxycfg.CondSince)
	for i, raw := range lines {
		n := i + 1
		line := strings.TrimRight(raw, "\r\n")
		toks, probs := haproxycfg.Tokenize(line)
		refused := false
		for _, p := range probs {
			if p.Kind == haproxycfg.NUL && l.target.Less(v2_3) {
				l.add(RuleDeprecated, n, p.Col, "%s", p.Msg)
				continue
			}
			l.add(RuleSyntax, n, p.Col, "%s", p.Msg)
			refused = true
		}
		if l.target.Less(haproxycfg.EnvDefaultSince) {
			for _, t := range toks {
				if t.EnvDefault {
					l.add(RuleSyntax, n, t.Col, "`%s`: a default value in an environment reference (${NAME-default}) needs HAProxy %s or later; HAProxy %s, the target, refuses it", t.Text, haproxycfg.EnvDefaultSince, l.target)
					refused = true
				}
			}
		}
		keep := !refused && len(toks) > 0
		switch {
		case keep && haproxycfg.Directives[toks[0].Text]:
			keep = false
			if !conditional {
				l.add(RuleConditional, n, toks[0].Col, "`%s` needs HAProxy %s or later: HAProxy %s, the target, refuses conditional blocks and diagnostics", toks[0].Text, haproxycfg.CondSince, l.target)
				break
			}
			l.directive(blocks, n, toks)
		case keep && blocks.Active() == haproxycfg.False:
			keep = false
		}
		if keep {
			sc.toks[i] = toks
			sc.maybe[i] = blocks.Active() == haproxycfg.Unknown
			out.WriteString(line)
		}
		if strings.HasSuffix(raw, "\n") {
			out.WriteByte('\n')
		} else if line != "" {
			l.finalNewline(n, line)
		}
	}
	for _, open := range blocks.Open() {
		// HAProxy reports it at the end of the file.
		l.add(RuleConditional, max(len(lines), 1), 1, "the file ends inside the `.if` of line %d: HAProxy refuses it; close the block with `.endif`", open)
	}
	sc.text = []byte(out.String())
	return sc
}

// finalNewline reports a last line without a line end.
func (l *linter) finalNewline(n int, line string) {
	const msg = "the last line has no newline: HAProxy %s takes the file as truncated and %s; end the file with a newline"
	if l.target.Less(v2_3) {
		l.add(RuleDeprecated, n, len([]rune(line))+1, msg, l.target, "warns (2.3 and later refuse it)")
		return
	}
	l.add(RuleSyntax, n, len([]rune(line))+1, msg, l.target, "refuses it")
}

// directive handles a conditional-block or diagnostic directive line.
func (l *linter) directive(b *haproxycfg.Blocks, n int, toks []haproxycfg.Token) {
	kw := toks[0].Text
	switch kw {
	case ".if", ".elif", ".else", ".endif":
		if err := b.Directive(n, toks); err != nil {
			l.add(RuleConditional, n, toks[0].Col, "%v: HAProxy refuses it", err)
		}
		return
	}
	active := b.Active()
	if active == haproxycfg.False {
		return
	}
	msg := strings.Join(haproxycfg.Words(toks[1:]), " ")
	switch {
	case kw == ".alert" && active == haproxycfg.True:
		l.add(RuleConditional, n, toks[0].Col, "`.alert %s`: HAProxy %s stops here with this message", msg, l.target)
	case kw == ".alert":
		l.add(RuleDiagnostic, n, toks[0].Col, "`.alert %s` stops HAProxy when its block is active (it depends on the environment or the build)", msg)
	case kw == ".warning":
		l.add(RuleDiagnostic, n, toks[0].Col, "`.warning %s`: HAProxy warns with this message", msg)
	}
}
