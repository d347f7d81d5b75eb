package check

import (
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/lbconf/lbconf/haproxycfg"
)

// Note says what part of a config haproxy -c did not check, or checked only
// with a stand-in, and why.
type Note struct {
	// Line is the 1-based line of the config the note is about; 0 for the
	// whole file.
	Line int
	// Text says what was not checked.
	Text string
}

// String renders the note as "line N: text".
func (n Note) String() string {
	if n.Line == 0 {
		return n.Text
	}
	return fmt.Sprintf("line %d: %s", n.Line, n.Text)
}

// fileOptions are the bind/server options that name a file, and the kind
// of stand-in each gets when the file is not on this machine.
var fileOptions = map[string]standIn{
	"crt":            standInCert,
	"crt-list":       standInCrtList,
	"ca-file":        standInCA,
	"ca-verify-file": standInCA,
	"ca-sign-file":   standInCert,
	"crl-file":       standInDrop,
}

type standIn int

const (
	standInCert standIn = iota
	standInCrtList
	standInCA
	standInDrop
	standInEmpty
	standInErrorfile
)

// patternFileRE finds the pattern and map files of converters and actions
// such as map(/etc/haproxy/hosts.map) or set-map(/x.map).
var patternFileRE = regexp.MustCompile(`(?:^|[^a-z0-9_-])(?:map(?:_[a-z0-9]+)?|set-map|del-map|add-acl|del-acl)\(([^,)]+)`)

// preparer rewrites a config, line for line, into one that can be checked
// on this machine.
type preparer struct {
	dir     string            // the temporary directory
	files   map[string]string // original path -> stand-in path
	back    map[string]string // stand-in path -> original path
	counter int
	notes   []Note
	cert    *certPair
	crtBase string
	caBase  string
	// unresolved holds the lines of servers whose host names may stay
	// unresolved in the check.
	unresolved map[int]bool
}

// prepare returns the rewritten lines and notes. The number of lines is
// kept, so that haproxy's line numbers are the user's.
func (p *preparer) prepare(lines []string) ([]string, error) {
	out := make([]string, len(lines))
	section := ""
	for i, line := range lines {
		n := i + 1
		toks, _ := haproxycfg.Tokenize(line) // problems are haproxy -c's to report
		out[i] = line
		if len(toks) == 0 {
			continue
		}
		kw := toks[0].Text
		if haproxycfg.IsSectionKeyword(kw) {
			section = kw
			continue
		}
		var edits []edit
		var err error
		switch {
		case section == "global":
			out[i], err = p.global(n, line, toks)
			if err != nil {
				return nil, err
			}
			continue
		case kw == "bind" || kw == "server" || kw == "default-server" || kw == "server-template":
			edits, err = p.bindOrServer(n, line, toks)
		case kw == "errorfile" && len(toks) >= 3:
			edits, err = p.errorfile(n, toks)
		}
		if err != nil {
			return nil, err
		}
		more, err := p.patternFiles(n, toks)
		if err != nil {
			return nil, err
		}
		out[i] = applyEdits(line, append(edits, more...))
	}
	return out, nil
}

// global handles the global section's directives that name users, groups
// and files.
func (p *preparer) global(n int, line string, toks []haproxycfg.Token) (string, error) {
	kw := toks[0].Text
	arg := ""
	if len(toks) > 1 {
		arg = toks[1].Text
	}
	switch kw {
	case "crt-base":
		p.crtBase = arg
	case "ca-base":
		p.caBase = arg
	case "user":
		if _, err := user.Lookup(arg); err != nil && arg != "" {
			p.note(n, fmt.Sprintf("user %s: there is no such user on this machine; left out of the check", arg))
			return neutralise(line), nil
		}
	case "group":
		if _, err := user.LookupGroup(arg); err != nil && arg != "" {
			p.note(n, fmt.Sprintf("group %s: there is no such group on this machine; left out of the check", arg))
			return neutralise(line), nil
		}
	case "chroot", "pidfile":
		p.note(n, fmt.Sprintf("%s %s: haproxy -c does not use it; it must exist on the instance", kw, arg))
	case "stats":
		if arg == "socket" && len(toks) > 2 {
			p.note(n, fmt.Sprintf("stats socket %s: haproxy -c does not create it; its directory must exist on the instance", toks[2].Text))
		}
	case "lua-load", "lua-load-per-thread", "lua-prepend-path", "ssl-dh-param-file", "ssl-server-verify-file":
		if arg != "" && !localFile(arg, "") {
			p.note(n, fmt.Sprintf("%s %s: the file is not on this machine; left out of the check", kw, arg))
			return neutralise(line), nil
		}
	}
	return line, nil
}

// bindOrServer replaces the missing files of bind and server options, and
// lets server host names go unresolved.
func (p *preparer) bindOrServer(n int, line string, toks []haproxycfg.Token) ([]edit, error) {
	kw := toks[0].Text
	var edits []edit
	hasInitAddr := false
	for j := 1; j < len(toks); j++ {
		opt := toks[j].Text
		if opt == "init-addr" {
			hasInitAddr = true
		}
		kind, ok := fileOptions[opt]
		if !ok || j+1 >= len(toks) {
			continue
		}
		path := toks[j+1].Text
		base := p.crtBase
		if strings.HasPrefix(opt, "ca-") || opt == "crl-file" {
			base = p.caBase
		}
		if localFile(path, base) {
			j++
			continue
		}
		if kind == standInDrop {
			p.note(n, fmt.Sprintf("%s %s: the file is not on this machine; left out of the check", opt, path))
			edits = append(edits, edit{toks[j].Start, toks[j+1].End, ""})
			j++
			continue
		}
		sub, err := p.standIn(path, kind, "")
		if err != nil {
			return nil, err
		}
		what := "a throwaway certificate"
		switch kind {
		case standInCrtList:
			what = "a crt-list of one throwaway certificate"
		case standInCA:
			what = "a throwaway CA certificate"
		}
		p.note(n, fmt.Sprintf("%s %s: the file is not on this machine; checked with %s instead", opt, path, what))
		edits = append(edits, edit{toks[j+1].Start, toks[j+1].End, quoteArg(sub)})
		j++
	}
	// A server's host name is resolved by haproxy -c; the instance may
	// resolve names this machine cannot.
	addrAt := map[string]int{"server": 2, "server-template": 3}[kw]
	if addrAt > 0 && addrAt < len(toks) && !hasInitAddr {
		if host := hostOf(toks[addrAt].Text); host != "" {
			p.note(n, fmt.Sprintf("server address %s is a host name: whether the instance can resolve it was not checked", host))
			last := toks[len(toks)-1]
			edits = append(edits, edit{last.End, last.End, " init-addr libc,none"})
			if p.unresolved == nil {
				p.unresolved = map[int]bool{}
			}
			p.unresolved[n] = true
		}
	}
	return edits, nil
}

// errorfile replaces a missing errorfile with a minimal valid answer.
func (p *preparer) errorfile(n int, toks []haproxycfg.Token) ([]edit, error) {
	code, path := toks[1].Text, toks[2].Text
	if localFile(path, "") {
		return nil, nil
	}
	sub, err := p.standIn(path, standInErrorfile, code)
	if err != nil {
		return nil, err
	}
	p.note(n, fmt.Sprintf("errorfile %s %s: the file is not on this machine; checked with a plain %s answer instead", code, path, code))
	return []edit{{toks[2].Start, toks[2].End, quoteArg(sub)}}, nil
}

// patternFiles replaces the missing files of "-f FILE" (ACLs) and of map
// converters and actions with empty files.
func (p *preparer) patternFiles(n int, toks []haproxycfg.Token) ([]edit, error) {
	var edits []edit
	for j := 1; j < len(toks); j++ {
		if toks[j].Text == "-f" && j+1 < len(toks) {
			path := toks[j+1].Text
			if !localFile(path, "") {
				sub, err := p.standIn(path, standInEmpty, "")
				if err != nil {
					return nil, err
				}
				p.note(n, fmt.Sprintf("pattern file %s is not on this machine; checked with an empty file instead", path))
				edits = append(edits, edit{toks[j+1].Start, toks[j+1].End, quoteArg(sub)})
			}
			j++
			continue
		}
		raw := toks[j].Text
		if strings.ContainsAny(raw, "\"'\\") {
			continue // rewriting inside quoted expressions is not worth the risk
		}
		for _, m := range patternFileRE.FindAllStringSubmatchIndex(raw, -1) {
			path := raw[m[2]:m[3]]
			if localFile(path, "") {
				continue
			}
			sub, err := p.standIn(path, standInEmpty, "")
			if err != nil {
				return nil, err
			}
			if strings.ContainsAny(sub, " \t#\\\"'$,()") {
				continue
			}
			p.note(n, fmt.Sprintf("map or pattern file %s is not on this machine; checked with an empty file instead", path))
			// The token holds no quotes or escapes, so value offsets are raw offsets.
			start := toks[j].Start
			edits = append(edits, edit{start + m[2], start + m[3], sub})
		}
	}
	return edits, nil
}

func (p *preparer) note(line int, text string) {
	for _, n := range p.notes {
		if n.Line == line && n.Text == text {
			return
		}
	}
	p.notes = append(p.notes, Note{Line: line, Text: text})
}

// standIn returns the stand-in file for an original path, creating it the
// first time.
func (p *preparer) standIn(orig string, kind standIn, code string) (string, error) {
	key := fmt.Sprintf("%d\x00%s", kind, orig)
	if sub, ok := p.files[key]; ok {
		return sub, nil
	}
	p.counter++
	name := filepath.Join(p.dir, fmt.Sprintf("standin-%d", p.counter))
	var err error
	switch kind {
	case standInCert:
		if p.cert == nil {
			if p.cert, err = newCertPair(); err != nil {
				return "", err
			}
		}
		if strings.HasSuffix(orig, "/") {
			// A directory of certificates.
			if err = os.Mkdir(name, 0o700); err == nil {
				err = os.WriteFile(filepath.Join(name, "cert.pem"), p.cert.combined(), 0o600)
			}
		} else {
			name += ".pem"
			err = os.WriteFile(name, p.cert.combined(), 0o600)
		}
	case standInCA:
		if p.cert == nil {
			if p.cert, err = newCertPair(); err != nil {
				return "", err
			}
		}
		name += ".pem"
		err = os.WriteFile(name, p.cert.certPEM, 0o600)
	case standInCrtList:
		var crt string
		if crt, err = p.standIn(orig+"\x00crt", standInCert, ""); err == nil {
			err = os.WriteFile(name, []byte(crt+"\n"), 0o600)
		}
	case standInErrorfile:
		status, _ := strconv.Atoi(code)
		reason := http.StatusText(status)
		if reason == "" {
			reason = "Error"
		}
		body := fmt.Sprintf("<html><body><h1>%d %s</h1></body></html>\n", status, reason)
		err = os.WriteFile(name, []byte(fmt.Sprintf("HTTP/1.0 %d %s\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s",
			status, reason, len(body), body)), 0o600)
	default: // standInEmpty
		err = os.WriteFile(name, nil, 0o600)
	}
	if err != nil {
		return "", fmt.Errorf("haproxycheck: writing a stand-in for %s: %w", orig, err)
	}
	p.files[key] = name
	p.back[name] = strings.TrimSuffix(orig, "\x00crt")
	return name, nil
}

// neutralise comments a line out, keeping it in place.
func neutralise(line string) string {
	return "# lbconf: left out of the check: " + line
}

// localFile reports whether an absolute path (or a relative one under an
// absolute base) exists on this machine.
func localFile(path, base string) bool {
	if !filepath.IsAbs(path) {
		if base == "" || !filepath.IsAbs(base) {
			return false
		}
		path = filepath.Join(base, path)
	}
	_, err := os.Stat(path)
	return err == nil
}

// hostOf returns the host name of a server address, or "" when the address
// is an IP address, a wildcard, a socket path or a variable.
func hostOf(addr string) string {
	a := haproxycfg.ParseAddress(addr)
	if a.Socket || strings.Contains(addr, "$") {
		return ""
	}
	host := a.Host
	if a.BareIP() {
		host = strings.TrimPrefix(addr, a.Family)
	}
	if host == "" || host == "*" {
		return ""
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return ""
	}
	return host
}
