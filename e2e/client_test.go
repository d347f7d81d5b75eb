//go:build linux

package e2e

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// defaultClientTimeout bounds one client exchange unless a request says
// otherwise.
const defaultClientTimeout = 10 * time.Second

// request is one HTTP/1.1 request sent over a fresh connection by do.
type request struct {
	// Src is the client's source address ("127.0.0.2"); "" lets the kernel
	// choose (127.0.0.1).
	Src string
	// Method defaults to GET, Path to "/".
	Method, Path string
	// Headers are extra header lines ("Cookie: a=b").
	Headers []string
	// TLS, when set, wraps the connection.
	TLS *tls.Config
	// Timeout bounds the whole exchange; 0 means defaultClientTimeout.
	Timeout time.Duration
	// Raw, when set, is sent instead of a request built from the fields
	// above, and exactly one response is read (the connection may stay
	// open).
	Raw string
}

// response is what came back, read raw: the Go HTTP client would hide
// headers such as Connection.
type response struct {
	Status int
	// Header holds the header lines as sent, in order, duplicates kept.
	Header []string
	Body   string
	// Local is the client's end of the connection.
	Local *net.TCPAddr
	// Elapsed is the time from dialing to the end of the response.
	Elapsed time.Duration
	// TLS is the connection state of an HTTPS exchange.
	TLS *tls.ConnectionState
}

// values returns the values of the header lines named name (any case).
func (r *response) values(name string) []string {
	var out []string
	for _, h := range r.Header {
		k, v, ok := strings.Cut(h, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), name) {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}

// get returns the first value of a header, or "".
func (r *response) get(name string) string {
	if v := r.values(name); len(v) > 0 {
		return v[0]
	}
	return ""
}

// backend returns the name the backend gave in X-Backend.
func (r *response) backend() string { return r.get(backendHeader) }

// dial connects to addr from src (if set), bounded by timeout.
func dial(addr, src string, timeout time.Duration) (net.Conn, error) {
	d := net.Dialer{Timeout: timeout}
	if src != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(src)}
	}
	c, err := d.Dial("tcp4", addr)
	if err != nil {
		return nil, fmt.Errorf("dialing %s from %q: %w", addr, src, err)
	}
	return c, nil
}

// do sends one request with "Connection: close" and reads the answer until
// haproxy closes the connection.
func do(addr string, req request) (*response, error) {
	timeout := req.Timeout
	if timeout == 0 {
		timeout = defaultClientTimeout
	}
	start := time.Now()
	conn, err := dial(addr, req.Src, timeout)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(start.Add(timeout))
	resp := &response{Local: conn.LocalAddr().(*net.TCPAddr)}
	var rw io.ReadWriter = conn
	if req.TLS != nil {
		tc := tls.Client(conn, req.TLS)
		if err := tc.Handshake(); err != nil {
			return nil, fmt.Errorf("TLS handshake with %s: %w", addr, err)
		}
		st := tc.ConnectionState()
		resp.TLS = &st
		rw = tc
	}
	if req.Raw != "" {
		if _, err := io.WriteString(rw, req.Raw); err != nil {
			return nil, fmt.Errorf("sending to %s: %w", addr, err)
		}
		one, err := readOne(bufio.NewReader(rw))
		if err != nil {
			return nil, fmt.Errorf("answer from %s: %w", addr, err)
		}
		one.Local, one.TLS, one.Elapsed = resp.Local, resp.TLS, time.Since(start)
		return one, nil
	}
	method, path := req.Method, req.Path
	if method == "" {
		method = "GET"
	}
	if path == "" {
		path = "/"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", method, path, addr)
	for _, h := range req.Headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n")
	if _, err := io.WriteString(rw, b.String()); err != nil {
		return nil, fmt.Errorf("sending to %s: %w", addr, err)
	}
	raw, err := io.ReadAll(rw)
	resp.Elapsed = time.Since(start)
	if err != nil && len(raw) == 0 {
		return nil, fmt.Errorf("reading from %s after %v: %w", addr, resp.Elapsed, err)
	}
	if err := parseResponse(raw, resp); err != nil {
		return nil, fmt.Errorf("answer from %s: %w", addr, err)
	}
	return resp, nil
}

// parseResponse fills resp from raw HTTP/1.x response bytes.
func parseResponse(raw []byte, resp *response) error {
	head, body, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ok {
		return fmt.Errorf("no end of headers in %q", raw)
	}
	lines := strings.Split(string(head), "\r\n")
	f := strings.Fields(lines[0])
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/1.") {
		return fmt.Errorf("bad status line %q", lines[0])
	}
	st, err := strconv.Atoi(f[1])
	if err != nil {
		return fmt.Errorf("bad status line %q", lines[0])
	}
	resp.Status = st
	resp.Header = lines[1:]
	if cl := resp.get("Content-Length"); cl != "" {
		if n, err := strconv.Atoi(cl); err == nil && n <= len(body) {
			body = body[:n]
		}
	}
	resp.Body = string(body)
	return nil
}

// mustDo is do that fails the test on error.
func mustDo(t *testing.T, addr string, req request) *response {
	t.Helper()
	r, err := do(addr, req)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// refused reports whether the listener at addr closes a connection from
// src without answering (a whitelist reject) rather than answering a
// request (over TLS when tlsCfg is set). Anything else (the dial failing,
// no close within the time limit, a partial answer) is an error.
func refused(addr, src string, tlsCfg ...*tls.Config) (bool, error) {
	conn, err := dial(addr, src, 5*time.Second)
	if errors.Is(err, syscall.ECONNRESET) {
		return true, nil // rejected before connect() even returned
	}
	if err != nil {
		return false, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	var rw io.ReadWriter = conn
	if len(tlsCfg) > 0 && tlsCfg[0] != nil {
		tc := tls.Client(conn, tlsCfg[0])
		if err := tc.Handshake(); err != nil {
			if isTimeout(err) {
				return false, fmt.Errorf("no TLS handshake and no close from %s to %s within 5s", addr, src)
			}
			return true, nil
		}
		rw = tc
	}
	// A rejected connection may be closed before the request is written:
	// a write error is part of being refused.
	_, _ = io.WriteString(rw, "GET / HTTP/1.1\r\nHost: e2e\r\nConnection: close\r\n\r\n")
	raw, rerr := io.ReadAll(rw)
	switch {
	case len(raw) > 0:
		var r response
		if err := parseResponse(raw, &r); err != nil {
			return false, fmt.Errorf("partial answer from %s to %s: %w", addr, src, err)
		}
		return false, nil
	case isTimeout(rerr):
		return false, fmt.Errorf("no answer and no close from %s to %s within 5s", addr, src)
	default:
		return true, nil // EOF or reset: closed without an answer
	}
}

// tcpExchange connects to a TCP listener from src, writes prefix (e.g. a
// PROXY header) followed by each line, reads one echoed line per line, and
// returns the echoed lines and the client's local address.
func tcpExchange(addr, src, prefix string, lines ...string) ([]string, *net.TCPAddr, error) {
	conn, err := dial(addr, src, 5*time.Second)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	local := conn.LocalAddr().(*net.TCPAddr)
	if prefix != "" {
		if _, err := io.WriteString(conn, prefix); err != nil {
			return nil, local, fmt.Errorf("writing the prefix: %w", err)
		}
	}
	var got []string
	buf := make([]byte, 0, 256)
	one := make([]byte, 1)
	for _, l := range lines {
		if _, err := io.WriteString(conn, l+"\n"); err != nil {
			return got, local, fmt.Errorf("writing %q: %w", l, err)
		}
		buf = buf[:0]
		for {
			if _, err := conn.Read(one); err != nil {
				return got, local, fmt.Errorf("reading the echo of %q (got %q so far): %w", l, buf, err)
			}
			if one[0] == '\n' {
				break
			}
			buf = append(buf, one[0])
		}
		got = append(got, string(buf))
	}
	return got, local, nil
}

// readOne reads exactly one HTTP/1.x response (headers raw, body by
// Content-Length) from br, leaving the connection usable for the next.
func readOne(br *bufio.Reader) (*response, error) {
	var head bytes.Buffer
	for {
		line, err := br.ReadString('\n')
		head.WriteString(line)
		if err != nil {
			return nil, fmt.Errorf("reading a response head (got %q): %w", head.String(), err)
		}
		if line == "\r\n" {
			break
		}
	}
	resp := &response{}
	if err := parseResponse(head.Bytes(), resp); err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(resp.get("Content-Length"))
	if err != nil {
		return nil, fmt.Errorf("response without a usable Content-Length: %q", resp.Header)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(br, body); err != nil {
		return nil, fmt.Errorf("reading a %d-byte body: %w", n, err)
	}
	resp.Body = string(body)
	return resp, nil
}

// tcpRefused is refused for TCP listeners: it writes a line and reports
// whether the connection is closed without any byte coming back.
func tcpRefused(addr, src string) (bool, error) {
	conn, err := dial(addr, src, 5*time.Second)
	if errors.Is(err, syscall.ECONNRESET) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.WriteString(conn, "hello\n")
	buf := make([]byte, 64)
	n, rerr := conn.Read(buf)
	switch {
	case n > 0:
		return false, nil
	case isTimeout(rerr):
		return false, fmt.Errorf("no answer and no close from %s to %s within 5s", addr, src)
	default:
		return true, nil
	}
}
