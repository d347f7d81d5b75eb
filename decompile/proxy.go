package decompile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lbconf/lbconf/haproxycfg/parse"
)

// proxy walks the directives of one proxy section and makes sure each is
// either taken into the model, recognised as part of the fixed shape, or
// reported as a loss: sweep reports whatever nothing took.
type proxy struct {
	d    *decompiler
	sec  *parse.Section
	done map[*parse.Directive]bool
	// own holds the section's directives, for owns in constant time.
	own map[*parse.Directive]bool
	// fixed maps a keyword to the one line of it that compile writes, for
	// better messages about lines that differ from it.
	fixed map[string]string
	// lines maps a keyword to the line its value came from (in the proxy
	// or its defaults section); servers lists the lines of the servers
	// taken, in order.
	lines       map[string]int
	serverLines []int
}

func (d *decompiler) proxy(s *parse.Section) *proxy {
	own := make(map[*parse.Directive]bool, len(s.Directives))
	for _, dir := range s.Directives {
		own[dir] = true
	}
	return &proxy{d: d, sec: s, done: map[*parse.Directive]bool{}, own: own, fixed: map[string]string{}, lines: map[string]int{}}
}

// all returns the directives with keyword kw that nothing took yet.
func (p *proxy) all(kw string) []*parse.Directive {
	var out []*parse.Directive
	for _, dir := range p.sec.Directives {
		if dir.Keyword == kw && !p.done[dir] {
			out = append(out, dir)
		}
	}
	return out
}

// single takes the directive in effect for a single-value keyword: the last
// one config-parser processed (or, with anyLine, the last one at all, for
// keywords this package reads itself). Earlier lines are reported as
// overridden; unprocessed ones are left to sweep.
func (p *proxy) single(kw string, anyLine bool) *parse.Directive {
	var last *parse.Directive
	for _, dir := range p.all(kw) {
		if dir.Unprocessed && !anyLine {
			continue
		}
		if last != nil {
			p.lose(last, fmt.Sprintf("is overridden by line %d (only the last one counts)", dir.Line))
		}
		last = dir
	}
	if last != nil {
		p.done[last] = true
		p.lines[kw] = last.Line
	}
	return last
}

// fixedLine takes the line whose words are exactly words: the documented
// shape writes it, the model does not hold it. kw is its keyword; for a
// single-value keyword (single), another value of it is reported as
// differing from this line. Repeats are reported. It returns whether the
// line was there.
func (p *proxy) fixedLine(kw string, single bool, words ...string) bool {
	if single {
		p.fixed[kw] = strings.Join(words, " ")
	}
	var first *parse.Directive
	for _, dir := range p.all(kw) {
		if dir.Unprocessed || !slices.Equal(dir.Fields, words) {
			continue
		}
		if first == nil {
			first = dir
			p.done[dir] = true
			continue
		}
		p.lose(dir, fmt.Sprintf("repeats line %d (compile writes it once)", first.Line))
	}
	return first != nil
}

// owns reports whether dir is a line of this proxy (and not of the
// defaults section it inherits from).
func (p *proxy) owns(dir *parse.Directive) bool {
	return p.own[dir]
}

// lose reports a whole line and marks it taken. Lines of the defaults
// section (inherited values) are the prelude's and never reported here.
func (p *proxy) lose(dir *parse.Directive, reason string) {
	if !p.owns(dir) {
		return
	}
	p.done[dir] = true
	p.d.loseLine(p.sec, dir, reason)
}

// loseWords reports words [i, j) of a taken line, as lose does.
func (p *proxy) loseWords(dir *parse.Directive, i, j int, context, reason string) {
	if !p.owns(dir) {
		return
	}
	p.d.loseWords(p.sec, dir, i, j, context, reason)
}

// sweep reports every directive nothing took.
func (p *proxy) sweep() {
	for _, dir := range p.sec.Directives {
		if p.done[dir] {
			continue
		}
		switch {
		case dir.OverriddenBy != 0:
			p.lose(dir, fmt.Sprintf("is overridden by line %d (only the last one counts)", dir.OverriddenBy))
		case dir.Keyword == "":
			p.lose(dir, reasonUnknown)
		case dir.Unprocessed:
			p.lose(dir, "has arguments the parser does not understand")
		case p.fixed[dir.Keyword] != "":
			p.lose(dir, fmt.Sprintf("would become `%s`, the fixed line compile writes", p.fixed[dir.Keyword]))
		default:
			p.lose(dir, reasonNoEquivalent)
		}
	}
}
