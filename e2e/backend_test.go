//go:build linux

package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// backendHeader is the response header in which an HTTP backend names
// itself.
const backendHeader = "X-Backend"

// seenRequest is a request as an HTTP backend received it.
type seenRequest struct {
	Method     string
	RequestURI string
	Header     http.Header
	RemoteAddr string
}

// headerValues returns the values of a header by case-insensitive name,
// including names Go does not canonicalise (http_x_forwarded_proto).
func (r seenRequest) headerValues(name string) []string {
	var out []string
	for k, vs := range r.Header {
		if strings.EqualFold(k, name) {
			out = append(out, vs...)
		}
	}
	return out
}

// httpBackend is an HTTP server on 127.0.0.1 that records what it gets and
// names itself in every answer. Paths:
//
//	checkPath      answers checkStatus (200 unless set)
//	/slow          waits until releaseSlow (or the end of the request)
//	/sleep?ms=N    waits N milliseconds (or until the request ends)
//	/cacheable/... answers with "Cache-Control: public, max-age=60"
//	anything else  answers 200 at once
//
// Every answer carries "X-Backend: <name>" and the body "<name>\n".
type httpBackend struct {
	name      string
	port      int
	checkPath string

	checkStatus atomic.Int32
	inFlight    atomic.Int32
	maxInFlight atomic.Int32

	mu   sync.Mutex
	seen []seenRequest
	// gate holds /slow requests until it is closed by releaseSlow;
	// closing is set at cleanup, after which /slow does not wait.
	gate    chan struct{}
	closing bool
	// arrived is signalled (without blocking) for every request that is
	// not a health check.
	arrived chan seenRequest

	srv *httptest.Server
}

// newHTTPBackend starts a backend; checkPath is the listener's health check
// URI, or "" when it has none (haproxy then only checks that it connects).
func newHTTPBackend(t *testing.T, name, checkPath string) *httpBackend {
	t.Helper()
	b := &httpBackend{name: name, checkPath: checkPath, gate: make(chan struct{}), arrived: make(chan seenRequest, 1024)}
	b.checkStatus.Store(http.StatusOK)
	b.srv = httptest.NewServer(http.HandlerFunc(b.serve))
	// Handlers that wait must not keep Close waiting.
	t.Cleanup(func() {
		b.mu.Lock()
		b.closing = true
		b.mu.Unlock()
		b.releaseSlow()
		b.srv.CloseClientConnections()
		b.srv.Close()
	})
	_, port, err := net.SplitHostPort(b.srv.Listener.Addr().String())
	if err != nil {
		t.Fatalf("backend %s address: %v", name, err)
	}
	b.port, _ = strconv.Atoi(port)
	return b
}

func (b *httpBackend) serve(w http.ResponseWriter, r *http.Request) {
	rec := seenRequest{Method: r.Method, RequestURI: r.RequestURI, Header: r.Header.Clone(), RemoteAddr: r.RemoteAddr}
	b.mu.Lock()
	b.seen = append(b.seen, rec)
	gate := b.gate
	b.mu.Unlock()
	w.Header().Set(backendHeader, b.name)
	if b.checkPath != "" && r.URL.Path == strings.SplitN(b.checkPath, "?", 2)[0] {
		w.WriteHeader(int(b.checkStatus.Load()))
		_, _ = io.WriteString(w, b.name+"\n")
		return
	}
	n := b.inFlight.Add(1)
	defer b.inFlight.Add(-1)
	for {
		m := b.maxInFlight.Load()
		if n <= m || b.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	select {
	case b.arrived <- rec:
	default:
	}
	if strings.HasPrefix(r.URL.Path, "/cacheable/") {
		w.Header().Set("Cache-Control", "public, max-age=60")
	}
	switch r.URL.Path {
	case "/slow":
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
	case "/sleep":
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
		case <-r.Context().Done():
			return
		}
	}
	_, _ = io.WriteString(w, b.name+"\n")
}

// releaseSlow lets every waiting /slow request answer; later ones wait
// again (until the backend is closed).
func (b *httpBackend) releaseSlow() {
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-b.gate: // already open (closed backend)
	default:
		close(b.gate)
	}
	if b.closing {
		b.gate = closedGate()
	} else {
		b.gate = make(chan struct{})
	}
}

func closedGate() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// requests returns the requests received so far.
func (b *httpBackend) requests() []seenRequest {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]seenRequest(nil), b.seen...)
}

// checks returns the health check requests received so far.
func (b *httpBackend) checks() []seenRequest {
	var out []seenRequest
	for _, r := range b.requests() {
		if b.checkPath != "" && strings.SplitN(r.RequestURI, "?", 2)[0] == strings.SplitN(b.checkPath, "?", 2)[0] {
			out = append(out, r)
		}
	}
	return out
}

// waitArrival waits for the next non-check request to reach the backend.
func (b *httpBackend) waitArrival(t *testing.T, within time.Duration) seenRequest {
	t.Helper()
	select {
	case r := <-b.arrived:
		return r
	case <-time.After(within):
		t.Fatalf("backend %s: no request arrived within %v", b.name, within)
		return seenRequest{}
	}
}

// proxyHeader is a PROXY protocol header as a backend received it.
type proxyHeader struct {
	// Version is 1 (text) or 2 (binary).
	Version int
	// Proto is TCP4 or TCP6 (v1), or the family for v2.
	Proto            string
	SrcIP, DstIP     string
	SrcPort, DstPort int
}

// tcpConnRecord is what a TCP backend saw on one connection.
type tcpConnRecord struct {
	// Proxy is the PROXY header the connection started with, or nil.
	Proxy *proxyHeader
	// First is the first line of payload (after any PROXY header), without
	// its newline.
	First string
}

// tcpBackend is a line-echo TCP server on 127.0.0.1: for every line it
// reads it writes "<name> <line>\n". A connection that starts with a PROXY
// protocol header (v1 or v2) has it parsed and recorded.
type tcpBackend struct {
	name string
	port int
	ln   net.Listener

	mu    sync.Mutex
	conns []tcpConnRecord
	// accepted is signalled for every connection whose first line was
	// read.
	accepted chan tcpConnRecord

	wg     sync.WaitGroup
	closed chan struct{}
}

func newTCPBackend(t *testing.T, name string) *tcpBackend {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("tcp backend %s: %v", name, err)
	}
	b := &tcpBackend{name: name, port: ln.Addr().(*net.TCPAddr).Port, ln: ln,
		accepted: make(chan tcpConnRecord, 64), closed: make(chan struct{})}
	b.wg.Add(1)
	go b.acceptLoop()
	t.Cleanup(func() {
		close(b.closed)
		_ = ln.Close()
		b.wg.Wait()
	})
	return b
}

func (b *tcpBackend) acceptLoop() {
	defer b.wg.Done()
	var conns sync.WaitGroup
	defer conns.Wait()
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		conns.Add(1)
		go func() {
			defer conns.Done()
			b.handle(c)
		}()
	}
}

func (b *tcpBackend) handle(c net.Conn) {
	defer c.Close()
	go func() {
		<-b.closed
		_ = c.Close()
	}()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(c)
	ph, err := readProxyHeader(r)
	if err != nil {
		return
	}
	first := true
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			if first && line != "" {
				b.record(tcpConnRecord{Proxy: ph, First: line})
			}
			return
		}
		line = strings.TrimSuffix(line, "\n")
		if first {
			b.record(tcpConnRecord{Proxy: ph, First: line})
			first = false
		}
		if _, err := fmt.Fprintf(c, "%s %s\n", b.name, line); err != nil {
			return
		}
	}
}

func (b *tcpBackend) record(rec tcpConnRecord) {
	b.mu.Lock()
	b.conns = append(b.conns, rec)
	b.mu.Unlock()
	select {
	case b.accepted <- rec:
	default:
	}
}

// waitConn waits for the next connection's first line.
func (b *tcpBackend) waitConn(t *testing.T, within time.Duration) tcpConnRecord {
	t.Helper()
	select {
	case rec := <-b.accepted:
		return rec
	case <-time.After(within):
		t.Fatalf("tcp backend %s: no connection with a line within %v", b.name, within)
		return tcpConnRecord{}
	}
}

// proxyV2Sig starts a PROXY protocol v2 header.
const proxyV2Sig = "\r\n\r\n\x00\r\nQUIT\n"

// readProxyHeader reads a PROXY protocol header if the stream starts with
// one; it returns nil without consuming anything otherwise. It peeks one
// byte at a time, so a short payload that is no header is never waited on.
func readProxyHeader(r *bufio.Reader) (*proxyHeader, error) {
	switch {
	case hasPrefix(r, "PROXY "):
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("reading a PROXY v1 line: %w", err)
		}
		return parseProxyV1(line)
	case hasPrefix(r, proxyV2Sig):
		return readProxyV2(r)
	}
	return nil, nil
}

// hasPrefix reports whether the buffered stream starts with p, reading no
// further than the first byte that differs.
func hasPrefix(r *bufio.Reader, p string) bool {
	for i := 1; i <= len(p); i++ {
		b, err := r.Peek(i)
		if err != nil || b[i-1] != p[i-1] {
			return false
		}
	}
	return true
}

// parseProxyV1 parses "PROXY TCP4 src dst sport dport\r\n".
func parseProxyV1(line string) (*proxyHeader, error) {
	if !strings.HasSuffix(line, "\r\n") {
		return nil, fmt.Errorf("PROXY v1 line %q does not end with CRLF", line)
	}
	f := strings.Fields(strings.TrimSuffix(line, "\r\n"))
	if len(f) != 6 || f[0] != "PROXY" || (f[1] != "TCP4" && f[1] != "TCP6") {
		return nil, fmt.Errorf("malformed PROXY v1 line %q", line)
	}
	sp, err1 := strconv.Atoi(f[4])
	dp, err2 := strconv.Atoi(f[5])
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("PROXY v1 ports in %q: %w", line, err)
	}
	return &proxyHeader{Version: 1, Proto: f[1], SrcIP: f[2], DstIP: f[3], SrcPort: sp, DstPort: dp}, nil
}

// readProxyV2 reads a binary PROXY v2 header (TCP over IPv4 or IPv6).
func readProxyV2(r *bufio.Reader) (*proxyHeader, error) {
	hdr := make([]byte, 16)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, fmt.Errorf("reading a PROXY v2 header: %w", err)
	}
	n := int(hdr[14])<<8 | int(hdr[15])
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("reading a PROXY v2 body: %w", err)
	}
	ph := &proxyHeader{Version: 2}
	switch hdr[13] >> 4 {
	case 1:
		if n < 12 {
			return nil, errors.New("short PROXY v2 IPv4 block")
		}
		ph.Proto = "TCP4"
		ph.SrcIP, ph.DstIP = net.IP(body[0:4]).String(), net.IP(body[4:8]).String()
		ph.SrcPort, ph.DstPort = int(body[8])<<8|int(body[9]), int(body[10])<<8|int(body[11])
	case 2:
		if n < 36 {
			return nil, errors.New("short PROXY v2 IPv6 block")
		}
		ph.Proto = "TCP6"
		ph.SrcIP, ph.DstIP = net.IP(body[0:16]).String(), net.IP(body[16:32]).String()
		ph.SrcPort, ph.DstPort = int(body[32])<<8|int(body[33]), int(body[34])<<8|int(body[35])
	default:
		ph.Proto = "LOCAL/UNSPEC"
	}
	return ph, nil
}

// blackhole is a 127.0.0.1 port whose accept queue is full and never
// drained: the kernel drops further SYNs, so a connect to it neither
// succeeds nor fails until the connecting side gives up.
type blackhole struct {
	port int
}

// newBlackhole makes a listening socket with backlog 0 that never accepts,
// and fills its accept queue.
func newBlackhole(t *testing.T) *blackhole {
	t.Helper()
	fd, err := sysListenBacklog0()
	if err != nil {
		t.Fatalf("blackhole listener: %v", err)
	}
	t.Cleanup(func() { sysClose(fd) })
	port, err := sysPort(fd)
	if err != nil {
		t.Fatalf("blackhole port: %v", err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	// Fill the queue: connections complete until it is full; the first
	// that times out proves it is.
	var fill []net.Conn
	t.Cleanup(func() {
		for _, c := range fill {
			_ = c.Close()
		}
	})
	for i := 0; ; i++ {
		if i == 8 {
			t.Fatalf("blackhole %s: the accept queue did not fill after %d connections", addr, i)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp4", addr)
		cancel()
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
				break
			}
			t.Fatalf("blackhole %s: filling the queue: %v", addr, err)
		}
		fill = append(fill, c)
	}
	return &blackhole{port: port}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// sysListenBacklog0 opens a TCP socket on 127.0.0.1 (a free port) that
// listens with backlog 0: its accept queue holds one connection.
func sysListenBacklog0() (int, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("socket: %w", err)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		syscall.Close(fd)
		return -1, fmt.Errorf("bind 127.0.0.1:0: %w", err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		syscall.Close(fd)
		return -1, fmt.Errorf("listen: %w", err)
	}
	return fd, nil
}

func sysPort(fd int) (int, error) {
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		return 0, fmt.Errorf("getsockname: %w", err)
	}
	in4, ok := sa.(*syscall.SockaddrInet4)
	if !ok {
		return 0, fmt.Errorf("getsockname: unexpected address %T", sa)
	}
	return in4.Port, nil
}

func sysClose(fd int) { _ = syscall.Close(fd) }
