package haproxycfg

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lbconf/lbconf/haproxycfg/version"
)

// Tri is a truth value that may be unknown where lint runs.
type Tri int

// Truth values.
const (
	False Tri = iota
	Unknown
	True
)

func (t Tri) not() Tri { return True - t }

func and(a, b Tri) Tri { return min(a, b) }
func or(a, b Tri) Tri  { return max(a, b) }

// CondSince is the first HAProxy version that reads conditional blocks
// and the .diag/.notice/.warning/.alert directives.
var CondSince = version.Version{Major: 2, Minor: 4}

// EnvDefaultSince is the first HAProxy version that reads default values
// in environment references (${NAME-default}).
var EnvDefaultSince = version.Version{Major: 2, Minor: 3}

// Directives are the words HAProxy 2.4+ reads as conditional-block
// directives, whatever the section.
var Directives = map[string]bool{
	".if": true, ".elif": true, ".else": true, ".endif": true,
	".diag": true, ".notice": true, ".warning": true, ".alert": true,
}

// Blocks follows the conditional blocks of one file for a target version.
type Blocks struct {
	target version.Version
	stack  []frame
}

type frame struct {
	line   int
	taken  Tri // whether an earlier branch of this block was taken
	cur    Tri // whether the current branch is taken
	inElse bool
}

// NewBlocks starts a file checked for target.
func NewBlocks(target version.Version) *Blocks { return &Blocks{target: target} }

// Active says whether lines here are read: True, False, or Unknown (it
// depends on the environment or the build).
func (b *Blocks) Active() Tri {
	a := True
	for _, f := range b.stack {
		a = and(a, f.cur)
	}
	return a
}

// Open returns the line numbers of the blocks still open (for an
// unterminated .if at the end of the file).
func (b *Blocks) Open() []int {
	var out []int
	for _, f := range b.stack {
		out = append(out, f.line)
	}
	return out
}

// Directive handles one conditional directive (toks[0] is .if, .elif,
// .else or .endif) at line n. It returns an error message when HAProxy
// refuses it.
func (b *Blocks) Directive(n int, toks []Token) error {
	kw := toks[0].Text
	switch kw {
	case ".if":
		c, err := b.eval(toks[1:])
		b.stack = append(b.stack, frame{line: n, cur: c, taken: c})
		return err
	case ".elif", ".else":
		if len(b.stack) == 0 {
			return fmt.Errorf("`%s` without an opening `.if`", kw)
		}
		f := &b.stack[len(b.stack)-1]
		if f.inElse {
			return fmt.Errorf("`%s` after the `.else` of the `.if` at line %d", kw, f.line)
		}
		c, err := True, error(nil)
		if kw == ".elif" {
			c, err = b.eval(toks[1:])
		} else {
			f.inElse = true
		}
		f.cur = and(f.taken.not(), c)
		f.taken = or(f.taken, c)
		return err
	case ".endif":
		if len(b.stack) == 0 {
			return fmt.Errorf("`.endif` without an opening `.if`")
		}
		b.stack = b.stack[:len(b.stack)-1]
	}
	return nil
}

// eval evaluates a condition's words.
func (b *Blocks) eval(toks []Token) (Tri, error) {
	var words []string
	env := false
	for _, t := range toks {
		words = append(words, t.Text)
		env = env || t.Env
	}
	p := &condParser{s: strings.Join(words, " "), target: b.target}
	c, err := p.expr()
	if err == nil {
		p.space()
		if p.i < len(p.s) {
			err = fmt.Errorf("unexpected `%s` in the condition", p.s[p.i:])
		}
	}
	if err != nil {
		return Unknown, fmt.Errorf("condition `%s`: %w", p.s, err)
	}
	return c, nil
}

type condParser struct {
	s      string
	i      int
	target version.Version
}

func (p *condParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *condParser) eat(op string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.i:], op) {
		p.i += len(op)
		return true
	}
	return false
}

// expr: and-expr { "||" and-expr }
func (p *condParser) expr() (Tri, error) {
	v, err := p.andExpr()
	for err == nil && p.eat("||") {
		var w Tri
		w, err = p.andExpr()
		v = or(v, w)
	}
	return v, err
}

func (p *condParser) andExpr() (Tri, error) {
	v, err := p.term()
	for err == nil && p.eat("&&") {
		var w Tri
		w, err = p.term()
		v = and(v, w)
	}
	return v, err
}

// predicates are HAProxy's condition predicates; nil means the value is
// only known where the config runs.
var predicates = map[string]func(p *condParser, args []string) Tri{
	"defined":                 nil,
	"feature":                 nil,
	"enabled":                 nil,
	"openssl_version_atleast": nil,
	"openssl_version_before":  nil,
	"ssllib_name_startswith":  nil,
	"awslc_api_atleast":       nil,
	"awslc_api_before":        nil,
	"streq":                   func(p *condParser, a []string) Tri { return p.strcmp(a, true) },
	"strneq":                  func(p *condParser, a []string) Tri { return p.strcmp(a, false) },
	"version_atleast":         func(p *condParser, a []string) Tri { return p.version(a, true) },
	"version_before":          func(p *condParser, a []string) Tri { return p.version(a, false) },
}

func (p *condParser) term() (Tri, error) {
	p.space()
	switch {
	case p.eat("!"):
		v, err := p.term()
		return v.not(), err
	case p.eat("("):
		v, err := p.expr()
		if err == nil && !p.eat(")") {
			err = fmt.Errorf("missing `)`")
		}
		return v, err
	}
	j := p.i
	for j < len(p.s) && !strings.ContainsRune(" \t()&|!", rune(p.s[j])) {
		j++
	}
	word := p.s[p.i:j]
	p.i = j
	if word == "" {
		return False, fmt.Errorf("a term is missing")
	}
	if !p.eat("(") {
		if strings.Contains(word, "${") {
			return Unknown, nil
		}
		n, err := strconv.Atoi(word)
		if err != nil {
			return False, fmt.Errorf("`%s` is neither a number nor a predicate (defined, feature, streq, strneq, version_atleast, version_before, ...)", word)
		}
		return tri(n != 0), nil
	}
	close := strings.IndexByte(p.s[p.i:], ')')
	if close < 0 {
		return False, fmt.Errorf("missing `)` after `%s(`", word)
	}
	var args []string
	if a := strings.TrimSpace(p.s[p.i : p.i+close]); a != "" {
		for _, x := range strings.Split(a, ",") {
			args = append(args, strings.TrimSpace(x))
		}
	}
	p.i += close + 1
	f, ok := predicates[word]
	if !ok {
		return False, fmt.Errorf("unknown predicate `%s`: HAProxy knows defined, feature, enabled, streq, strneq, version_atleast, version_before, openssl_version_atleast, openssl_version_before, ssllib_name_startswith", word)
	}
	if f == nil {
		return Unknown, nil
	}
	return f(p, args), nil
}

func tri(b bool) Tri {
	if b {
		return True
	}
	return False
}

func (p *condParser) strcmp(a []string, eq bool) Tri {
	if len(a) != 2 || strings.Contains(a[0], "${") || strings.Contains(a[1], "${") {
		return Unknown
	}
	return tri((a[0] == a[1]) == eq)
}

// version compares the target with a version argument; a patch level the
// target does not fix ("2.4.5" for target 2.4) is Unknown.
func (p *condParser) version(a []string, atLeast bool) Tri {
	if len(a) != 1 {
		return Unknown
	}
	parts := strings.Split(strings.SplitN(a[0], "-", 2)[0], ".")
	nums := make([]int, 0, 3)
	for _, s := range parts {
		n, err := strconv.Atoi(s)
		if err != nil {
			return Unknown
		}
		nums = append(nums, n)
	}
	for len(nums) < 2 {
		nums = append(nums, 0)
	}
	v := version.Version{Major: nums[0], Minor: nums[1]}
	var r Tri
	switch {
	case p.target != v:
		r = tri(p.target.AtLeast(v))
	case len(nums) > 2 && nums[2] > 0:
		return Unknown
	default:
		r = True
	}
	if !atLeast {
		r = r.not()
	}
	return r
}
