// Package check runs the local haproxy binary's own check
// (`haproxy -c`) on a config written for a load balancer instance, and
// reports what it said with the line numbers of the caller's file.
//
// A config written for an instance names things that exist only there:
// certificates (`crt /etc/haproxy/certs/X.pem`), CA and CRL files, error
// pages, ACL pattern and map files, users and groups, server host names
// that only the instance's resolver knows. [Check] checks a temporary copy
// in which every such file that is missing here is replaced by a stand-in
// (a throwaway self-signed certificate, an empty pattern file, a plain
// error page), users and groups unknown here are left out, and servers
// named by host name may stay unresolved. Lines are rewritten in place, so
// haproxy's line numbers are the caller's. Every such substitution is
// reported as a [Note]: it says what was not checked.
//
// The local binary may be newer than the instance's HAProxy: Debian's 2.6
// refuses `nbproc`, which a 2.4 instance accepts. When the binary says a
// directive is "not supported any more since HAProxy X.Y" and the
// instance's version (Options.Target) is older than X.Y, the line is left
// out, the rest is checked again, and a Note says so. Whether the target
// version accepts such a directive is the business of the cfg lint rules
// (package haproxycfg/lint), not of this package.
package check

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg/version"
)

// Rule is the rule name of the findings made from haproxy's messages.
const Rule = "haproxy-check"

// Rules returns the catalogue entry of Rule. Its findings are errors when
// haproxy refuses the config and warnings otherwise.
func Rules() []finding.Rule {
	return []finding.Rule{{Name: Rule, Severity: finding.Error, Input: "cfg", Basis: finding.HAProxyRefuses,
		Summary: "the local haproxy's own check (haproxy -c, run by push): its alerts are errors, its warnings warnings (the documented prelude's own warnings are said once, apart)",
		Why:     "an alert means haproxy refuses the config, so the instance could not reload"}}
}

// BinaryEnv names an environment variable that, when set, is the path of
// the haproxy binary to use instead of searching for one.
const BinaryEnv = "LBCONF_HAPROXY"

// DefaultTimeout bounds each haproxy run when Options.Timeout is zero.
const DefaultTimeout = 60 * time.Second

// ErrNoBinary is wrapped by [Find] and [Check] when there is no haproxy
// binary on this machine.
var ErrNoBinary = errors.New("no haproxy binary")

// maxRounds bounds how many times Check runs haproxy while it leaves out
// directives the binary no longer supports.
const maxRounds = 4

// Options configure [Check].
type Options struct {
	// Binary is the haproxy binary; "" runs [Find].
	Binary string
	// Target is the HAProxy version of the instance the config is for
	// ("1.8", "2.4", "2.4.22", "2.6"); "" means the binary's own version,
	// so nothing the binary refuses is left out.
	Target string
	// Timeout bounds each haproxy run. Default DefaultTimeout.
	Timeout time.Duration
}

// Result is what haproxy -c said about a config.
type Result struct {
	// Binary is the path of the haproxy that ran, Version its version as it
	// prints it ("2.6.12-1+deb12u4").
	Binary  string
	Version string
	// ExitCode is the exit status of the last run: 0 means haproxy found
	// the config (as checked) valid.
	ExitCode int
	// Findings are haproxy's [ALERT] and [WARNING] lines, with the caller's
	// file name and line numbers (0 for messages about no line). An ALERT
	// is an error when haproxy failed, a warning otherwise.
	Findings []finding.Finding
	// Prelude holds the warnings that come from the documented prelude
	// itself (option httplog/tcplog overriding log-format in defaults,
	// option forwardfor of defaults ignored by TCP proxies): not problems
	// of the listeners, so not in Findings. [Result.PreludeSummary] says
	// them in one line.
	Prelude []finding.Finding
	// Notes say what was not checked, or was checked with a stand-in.
	Notes []Note
	// Output is what haproxy printed on its last run, with the temporary
	// paths replaced by the original ones.
	Output string
}

// Valid reports whether haproxy accepted the config and no finding is an
// error.
func (r *Result) Valid() bool {
	return r.ExitCode == 0 && !finding.HasErrors(r.Findings)
}

// fallbacks are tried when haproxy is not on PATH (Debian installs it in
// /usr/sbin, which is not on every user's PATH).
func fallbacks() []string { return []string{"/usr/sbin/haproxy", "/usr/local/sbin/haproxy"} }

// Find returns the path of the haproxy binary: $LBCONF_HAPROXY if set,
// else haproxy on PATH, else /usr/sbin/haproxy or /usr/local/sbin/haproxy.
// The error wraps [ErrNoBinary] when there is none; a $LBCONF_HAPROXY that
// is not an executable file is an error that does not.
func Find() (string, error) {
	if p := os.Getenv(BinaryEnv); p != "" {
		if err := executable(p); err != nil {
			return "", fmt.Errorf("haproxycheck: %s=%s: %w", BinaryEnv, p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("haproxy"); err == nil {
		return p, nil
	}
	for _, p := range fallbacks() {
		if executable(p) == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("haproxycheck: %w: not on PATH, not in %s (install it with `apt-get install -y haproxy`, or set %s)",
		ErrNoBinary, strings.Join(fallbacks(), " or "), BinaryEnv)
}

func executable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", p)
	}
	return nil
}

var binaryVersionRE = regexp.MustCompile(`(?i)HA-?Proxy version (\S+)`)

// BinaryVersion runs `haproxy -v` and returns the version it prints, such
// as "2.6.12-1+deb12u4".
func BinaryVersion(ctx context.Context, bin string) (string, error) {
	out, _, err := run(ctx, bin, "", "-v")
	if err != nil {
		return "", err
	}
	m := binaryVersionRE.FindStringSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("haproxycheck: cannot read the version from `%s -v`: %q", bin, firstLine(out))
	}
	return m[1], nil
}

// run runs bin with args in dir and returns its combined output and exit
// code. Only failing to run it is an error.
func run(ctx context.Context, bin, dir string, args ...string) (string, int, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.WaitDelay = 2 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return out.String(), -1, fmt.Errorf("haproxycheck: %s %s: %w", bin, strings.Join(args, " "), ctx.Err())
	case errors.As(err, &ee):
		return out.String(), ee.ExitCode(), nil
	case err != nil:
		return out.String(), -1, fmt.Errorf("haproxycheck: running %s: %w", bin, err)
	}
	return out.String(), 0, nil
}

// Check runs `haproxy -c` on text, the config file named file (the name is
// used in findings only), as described in the package documentation. The
// error is for not being able to run the check at all (no binary: it wraps
// [ErrNoBinary]; a timeout; an unwritable temporary directory); what
// haproxy finds wrong is in the Result.
func Check(ctx context.Context, file string, text []byte, opts Options) (*Result, error) {
	bin := opts.Binary
	if bin == "" {
		var err error
		if bin, err = Find(); err != nil {
			return nil, err
		}
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout*(maxRounds+1))
	defer cancel()

	r := &checkRun{bin: bin, timeout: timeout, file: file, targetText: opts.Target}
	if err := r.versions(ctx); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "lbconf-check-")
	if err != nil {
		return nil, fmt.Errorf("haproxycheck: %w", err)
	}
	defer os.RemoveAll(dir)
	// Resolve symbolic links (macOS's /var -> /private/var) so that the
	// paths haproxy prints are the ones written here.
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	if err := r.prepare(dir, text); err != nil {
		return nil, err
	}
	out, code, err := r.run(ctx)
	if err != nil {
		return nil, err
	}
	return r.result(out, code), nil
}

// checkRun is one Check: its steps are the methods below, in order.
type checkRun struct {
	bin, binVersion string
	binV            version.Version
	targetText      string // Options.Target as given
	target          version.Version
	haveTarget      bool
	timeout         time.Duration
	file            string   // the caller's name of the config
	userLines       []string // the caller's lines
	lines           []string // the lines checked (stand-ins, lines left out)
	cfgPath         string   // where lines are written
	p               *preparer
}

// versions reads the binary's version and the target.
func (r *checkRun) versions(ctx context.Context) error {
	var err error
	if r.binVersion, err = BinaryVersion(ctx, r.bin); err != nil {
		return err
	}
	r.binV, _ = version.Parse(r.binVersion)
	r.target, r.haveTarget = version.Parse(r.targetText)
	if r.targetText != "" && !r.haveTarget {
		return fmt.Errorf("haproxycheck: target %q is not a HAProxy version such as 2.4", r.targetText)
	}
	return nil
}

// prepare rewrites the lines in dir (stand-ins for instance files) and
// notes a binary other than the target.
func (r *checkRun) prepare(dir string, text []byte) error {
	r.userLines = strings.Split(string(text), "\n")
	r.p = &preparer{dir: dir, files: map[string]string{}, back: map[string]string{}}
	var err error
	if r.lines, err = r.p.prepare(r.userLines); err != nil {
		return err
	}
	if r.haveTarget && r.target.Less(r.binV) {
		r.p.notes = append([]Note{{Text: fmt.Sprintf("checked with the local haproxy %s; the instance runs %s", r.binVersion, r.targetText)}}, r.p.notes...)
	} else if r.haveTarget && r.binV.Less(r.target) {
		r.p.notes = append([]Note{{Text: fmt.Sprintf("checked with the local haproxy %s, older than the instance's %s: directives newer than %s were not checked and may be reported as errors",
			r.binVersion, r.targetText, r.binV)}}, r.p.notes...)
	}
	r.cfgPath = filepath.Join(dir, "haproxy.cfg")
	return nil
}

// run runs haproxy -c, and again without each line the binary no longer
// supports but the target does, for at most maxRounds rounds.
func (r *checkRun) run(ctx context.Context) (out string, code int, err error) {
	left := map[int]bool{}
	for round := 0; round < maxRounds; round++ {
		if err := os.WriteFile(r.cfgPath, []byte(strings.Join(r.lines, "\n")), 0o600); err != nil {
			return "", 0, fmt.Errorf("haproxycheck: writing the config to check: %w", err)
		}
		rctx, rcancel := context.WithTimeout(ctx, r.timeout)
		out, code, err = run(rctx, r.bin, r.p.dir, "-c", "-f", r.cfgPath)
		rcancel()
		if err != nil {
			return "", 0, err
		}
		if code == 0 || !r.haveTarget || !r.leaveOut(out, left) {
			break
		}
	}
	return out, code, nil
}

// leaveOut neutralises the lines haproxy refused as removed in a version
// newer than the target, and reports whether there were any.
func (r *checkRun) leaveOut(out string, left map[int]bool) bool {
	more := false
	for _, m := range ParseMessages(out) {
		if m.Level != "ALERT" || m.File != r.cfgPath || m.Line < 1 || m.Line > len(r.lines) || left[m.Line] {
			continue
		}
		since, ok := removedSince(m.Text)
		if !ok || !r.target.Less(since) {
			continue
		}
		left[m.Line] = true
		more = true
		r.lines[m.Line-1] = neutralise(r.lines[m.Line-1])
		r.p.note(m.Line, fmt.Sprintf("%q: the local haproxy %s refuses it (not supported since HAProxy %s) but the instance's %s accepts it; the rest was checked without this line",
			strings.TrimSpace(r.userLines[m.Line-1]), r.binVersion, since, r.targetText))
	}
	return more
}

// result turns haproxy's output into findings on the caller's lines.
func (r *checkRun) result(out string, code int) *Result {
	p, cfgPath, file, userLines := r.p, r.cfgPath, r.file, r.userLines
	sort.SliceStable(p.notes, func(i, j int) bool { return p.notes[i].Line < p.notes[j].Line })
	res := &Result{Binary: r.bin, Version: r.binVersion, ExitCode: code, Notes: p.notes}
	unmap := p.unmapper(cfgPath, file)
	res.Output = unmap(out)
	for _, m := range ParseMessages(out) {
		if m.Level != "ALERT" && m.Level != "WARNING" || boilerplate(m.Text) {
			continue
		}
		if m.Level == "WARNING" && m.File == cfgPath && p.unresolved[m.Line] && strings.Contains(m.Text, "could not resolve address") {
			continue // the note on that line says so
		}
		f := finding.Finding{File: file, Severity: finding.Warning, Rule: Rule, Message: unmap(m.body())}
		if m.Level == "ALERT" && code != 0 {
			f.Severity = finding.Error
		}
		if m.File == cfgPath && m.Line >= 1 && m.Line <= len(userLines) {
			f.Line, f.Col = m.Line, firstCol(userLines[m.Line-1])
		} else if n := proxyLine(userLines, m.Text); n > 0 {
			f.Line, f.Col = n, firstCol(userLines[n-1]) // a message about a proxy, without a line: its header
		}
		if m.Level == "WARNING" && fromPrelude(m.Text) {
			res.Prelude = append(res.Prelude, f)
			continue
		}
		res.Findings = append(res.Findings, f)
	}
	if code != 0 && !finding.HasErrors(res.Findings) {
		res.Findings = append(res.Findings, finding.Finding{File: file, Severity: finding.Error, Rule: Rule,
			Message: fmt.Sprintf("haproxy -c exited with status %d: %s", code, lastLine(res.Output))})
	}
	finding.Sort(res.Findings)
	return res
}

// unmapper returns a function that replaces the temporary paths in
// haproxy's text with the original ones.
func (p *preparer) unmapper(cfgPath, file string) func(string) string {
	// A strings.Replacer tries its pairs in the order given, not longest
	// first, and standin-1 is a prefix of standin-10: longer paths go first.
	subs := make([]string, 0, len(p.back))
	for sub := range p.back {
		subs = append(subs, sub)
	}
	sort.Slice(subs, func(i, j int) bool {
		if len(subs[i]) != len(subs[j]) {
			return len(subs[i]) > len(subs[j])
		}
		return subs[i] < subs[j]
	})
	pairs := []string{cfgPath, file}
	for _, sub := range subs {
		pairs = append(pairs, sub, p.back[sub])
	}
	pairs = append(pairs, p.dir, "(temporary directory)")
	r := strings.NewReplacer(pairs...)
	return r.Replace
}

var removedRE = regexp.MustCompile(`(?i)not supported any ?more since HA-?Proxy (\d+\.\d+)`)

// removedSince reads "... is not supported any more since HAProxy 2.5".
func removedSince(text string) (version.Version, bool) {
	m := removedRE.FindStringSubmatch(text)
	if m == nil {
		return version.Version{}, false
	}
	return version.Parse(m[1])
}

// preludeWarnings match what haproxy -c says because of the documented
// prelude's defaults section: log-format, option httplog and option tcplog
// each override the one before, and option forwardfor does not apply to
// `mode tcp` proxies. They are the same for every listener document.
var preludeWarnings = []*regexp.Regexp{
	regexp.MustCompile(`'option httplog' overrides previous 'log-format' in 'defaults' section`),
	regexp.MustCompile(`'option tcplog' overrides previous 'option httplog' in 'defaults' section`),
	regexp.MustCompile(`'option forwardfor' ignored for proxy '[^']+' as it requires HTTP mode`),
}

func fromPrelude(text string) bool {
	for _, re := range preludeWarnings {
		if re.MatchString(text) {
			return true
		}
	}
	return false
}

var proxyNameRE = regexp.MustCompile(`\bproxy '([^']+)'`)

// proxyLine returns the line of the header of the proxy a message names
// ("... for proxy 'db' ..."), or 0.
func proxyLine(lines []string, text string) int {
	m := proxyNameRE.FindStringSubmatch(text)
	if m == nil {
		return 0
	}
	for i, l := range lines {
		f := strings.Fields(l)
		if len(f) >= 2 && f[1] == m[1] && (f[0] == "listen" || f[0] == "frontend" || f[0] == "backend" || f[0] == "defaults") {
			return i + 1
		}
	}
	return 0
}

// PreludeSummary says the prelude's warnings in one line, or "" when there
// are none.
func (r *Result) PreludeSummary() string {
	if len(r.Prelude) == 0 {
		return ""
	}
	var overrides, tcp []string
	for _, f := range r.Prelude {
		if m := proxyNameRE.FindStringSubmatch(f.Message); m != nil && strings.Contains(f.Message, "forwardfor") {
			tcp = append(tcp, m[1])
			continue
		}
		overrides = append(overrides, f.Message)
	}
	var parts []string
	if len(overrides) > 0 {
		parts = append(parts, "in defaults, log-format, option httplog and option tcplog override each other")
	}
	if len(tcp) > 0 {
		parts = append(parts, "option forwardfor of defaults does not apply to the TCP proxies "+strings.Join(tcp, ", "))
	}
	return fmt.Sprintf("haproxy -c gave %d warning(s) that come from the documented prelude (global/defaults), not from the listeners: %s",
		len(r.Prelude), strings.Join(parts, "; "))
}

// boilerplate reports haproxy's closing lines, which add nothing.
func boilerplate(text string) bool {
	return strings.Contains(text, "Error(s) found in configuration file") ||
		strings.Contains(text, "Fatal errors found in configuration") ||
		strings.Contains(text, "Configuration file is valid")
}

// Message is one [NOTICE], [WARNING] or [ALERT] line of haproxy's output.
type Message struct {
	// Level is NOTICE, WARNING or ALERT.
	Level string
	// File and Line are the "[FILE:LINE]" position the message names, if
	// any.
	File string
	Line int
	// Text is the message after the level and process id.
	Text string
}

// String returns the message as haproxy printed it, without the process id.
func (m Message) String() string { return "[" + m.Level + "] " + m.Text }

var (
	levelRE = regexp.MustCompile(`^\[(NOTICE|WARNING|ALERT)\]\s*(.*)$`)
	pidRE   = regexp.MustCompile(`^(?:\d+/\d+\s+)?\(\d+\)\s*:\s*`)
	posRE   = regexp.MustCompile(`(?:parsing\s+)?\[([^\]\n]+):(\d+)\]\s*:?\s*`)
)

// ParseMessages extracts the leveled lines of haproxy's output (1.8 to 3.x
// formats).
func ParseMessages(out string) []Message {
	var ms []Message
	for _, line := range strings.Split(out, "\n") {
		m := levelRE.FindStringSubmatch(strings.TrimRight(line, "\r"))
		if m == nil {
			continue
		}
		msg := Message{Level: m[1], Text: pidRE.ReplaceAllString(m[2], "")}
		if p := posRE.FindStringSubmatch(msg.Text); p != nil {
			msg.File = p[1]
			msg.Line, _ = strconv.Atoi(p[2])
		}
		ms = append(ms, msg)
	}
	return ms
}

// body returns the text without "config :" and the position, which a
// finding carries.
func (m Message) body() string {
	t := strings.TrimPrefix(m.Text, "config : ")
	if m.File != "" {
		if loc := posRE.FindStringIndex(t); loc != nil && loc[0] == 0 {
			t = t[loc[1]:]
		}
	}
	return strings.TrimSpace(t)
}

// firstCol is the 1-based column (in characters) of a line's first
// non-blank character.
func firstCol(line string) int {
	col := 1
	for _, r := range line {
		if !unicode.IsSpace(r) {
			return col
		}
		col++
	}
	return 1
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	l := strings.TrimSpace(lines[len(lines)-1])
	if utf8.RuneCountInString(l) > 300 {
		l = string([]rune(l)[:300]) + "..."
	}
	return l
}
