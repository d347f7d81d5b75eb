// This file reads haproxy.cfg lines as HAProxy does: words split on
// spaces and tabs, single and double quotes, backslash escapes, ${VAR}
// environment references, concatenated quoted and unquoted parts, inline
// comments; and it evaluates the conditional blocks (.if, .elif, .else,
// .endif) and the .diag/.notice/.warning/.alert directives of HAProxy 2.4+.
//
// Lint does not know the environment the config will run in: a word that
// holds a ${VAR} is marked, and a condition that depends on the environment
// or on the binary's build (defined(), feature(), openssl_*) is Unknown, so
// its block is possibly active.

package haproxycfg

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxWords is the most words HAProxy reads on one line (MAX_LINE_ARGS);
// it refuses a line with more.
const MaxWords = 64

// Token is one word of a line.
type Token struct {
	// Text is the word once quotes and escapes are removed. ${VAR}
	// references between double quotes (the only place HAProxy expands
	// them) are kept as written: lint does not know their values.
	Text string
	// Col is the 1-based column, in characters, where the word starts.
	Col int
	// Start and End are the byte offsets of the word as written in the
	// line (quotes and escapes included): line[Start:End] is its raw text,
	// which is what an edit of the line replaces.
	Start, End int
	// Env is set when the word holds a ${VAR} reference between double
	// quotes: its value is only known where the config runs (an empty
	// value even removes the word).
	Env bool
	// Quoted is set when any part of the word was quoted.
	Quoted bool
	// EnvDefault is set when a reference gives a default value
	// (${NAME-default}), which HAProxy reads from 2.3 on.
	EnvDefault bool
}

// Problem is something wrong with the syntax of a line.
type Problem struct {
	// Col is the 1-based column, in characters.
	Col int
	// Kind says what it is.
	Kind ProblemKind
	// Msg says what is wrong and what is allowed.
	Msg string
}

// ProblemKind classifies a Problem.
type ProblemKind int

// Problems HAProxy reports while reading a line.
const (
	// UnmatchedQuote: a quote opened and not closed (HAProxy refuses it).
	UnmatchedQuote ProblemKind = iota + 1
	// NUL: a NUL byte in the line (a warning in HAProxy 2.2, refused from
	// 2.3).
	NUL
	// UnmatchedBrace: "${" without its "}" (HAProxy refuses it).
	UnmatchedBrace
	// TooManyWords: more than MaxWords words (HAProxy refuses it).
	TooManyWords
)

// Tokenize reads one line (without its line end) into words, stopping at an
// unquoted, unescaped '#'. It returns the words it could read and the
// problems it found.
func Tokenize(line string) ([]Token, []Problem) {
	var toks []Token
	var probs []Problem
	if i := strings.IndexByte(line, 0); i >= 0 {
		probs = append(probs, Problem{Col: col(line, i), Kind: NUL,
			Msg: fmt.Sprintf("stray NUL character at column %d: HAProxy 2.3 and later refuse it (2.2 warns); remove it", col(line, i))})
	}
	var cur strings.Builder
	var tok Token
	in := false
	// Columns are counted from the previous word's start, so that a long
	// line with many words is read in linear time.
	colAt, colByte := 1, 0
	start := func(i int) {
		if !in {
			in = true
			colAt += utf8.RuneCountInString(line[colByte:i])
			colByte = i
			tok = Token{Col: colAt, Start: i}
		}
	}
	end := func(i int) {
		if in {
			tok.Text = cur.String()
			tok.End = i
			toks = append(toks, tok)
			cur.Reset()
			in = false
		}
	}
	var quote byte
	quoteAt := 0
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\\' && i+1 < len(line):
			start(i)
			n := line[i+1]
			switch n {
			case ' ', '\t', '\\', '#', '"', '\'', '$':
				cur.WriteByte(n)
			case 'r':
				cur.WriteByte('\r')
			case 'n':
				cur.WriteByte('\n')
			case 't':
				cur.WriteByte('\t')
			default:
				cur.WriteByte(c)
				cur.WriteByte(n)
			}
			i++
		case c == '$' && quote == '"' && i+1 < len(line) && line[i+1] == '{':
			// ${NAME} or ${NAME-default}: NAME is letters, digits and _.
			start(i)
			j := i + 2
			for j < len(line) && (isAlnum(line[j]) || line[j] == '_') {
				j++
			}
			end, dflt := -1, false
			switch {
			case j < len(line) && line[j] == '}':
				end = j
			case j < len(line) && line[j] == '-':
				if k := strings.IndexByte(line[j:], '}'); k >= 0 {
					end, dflt = j+k, true
				}
			}
			if end < 0 {
				probs = append(probs, Problem{Col: col(line, i), Kind: UnmatchedBrace,
					Msg: fmt.Sprintf("`${` at column %d is not followed by NAME} (letters, digits, _): HAProxy refuses it; write ${NAME} or ${NAME-default}", col(line, i))})
				cur.WriteString("${")
				i++
				continue
			}
			cur.WriteString(line[i : end+1])
			tok.Env = true
			tok.EnvDefault = tok.EnvDefault || dflt
			i = end
		case quote == '"':
			if c == '"' {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			end(i)
		case c == '#':
			end(i)
			return limit(toks, probs)
		case c == '"' || c == '\'':
			start(i)
			tok.Quoted = true
			quote, quoteAt = c, i
		default:
			start(i)
			cur.WriteByte(c)
		}
	}
	if quote != 0 {
		probs = append(probs, Problem{Col: col(line, quoteAt), Kind: UnmatchedQuote,
			Msg: fmt.Sprintf("the %c quote at column %d is never closed: HAProxy refuses the line; close it or escape it (\\%c)", quote, col(line, quoteAt), quote)})
	}
	end(len(line))
	return limit(toks, probs)
}

func limit(toks []Token, probs []Problem) ([]Token, []Problem) {
	if len(toks) > MaxWords {
		probs = append(probs, Problem{Col: toks[MaxWords].Col, Kind: TooManyWords,
			Msg: fmt.Sprintf("%d words on one line: HAProxy reads at most %d and refuses the line", len(toks), MaxWords)})
	}
	return toks, probs
}

// col turns a byte offset into a 1-based column in characters.
func col(line string, i int) int {
	return utf8.RuneCountInString(line[:i]) + 1
}

// Raw returns the word as written in line, the line Tokenize read.
func (t Token) Raw(line string) string { return line[t.Start:t.End] }

// Words returns the Text of each token.
func Words(toks []Token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Text
	}
	return out
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
