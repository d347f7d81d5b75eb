package cdsapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	"github.com/lbconf/lbconf/model"
)

func TestCredentialsFromEnv(t *testing.T) {
	tests := []struct {
		name, id, key string
		missing       string // "" when valid
	}{
		{"both set", "AKID0123456789", "s3cr3t-value", ""},
		{"white space trimmed", " AKID0123456789\n", "s3cr3t-value\n", ""},
		{"no id", "", "s3cr3t-value", "not set: CDS_SECRET_ID"},
		{"no key", "AKID0123456789", "  ", "not set: CDS_SECRET_KEY"},
		{"neither", "", "", "not set: CDS_SECRET_ID, CDS_SECRET_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(cdsapi.EnvSecretID, tt.id)
			t.Setenv(cdsapi.EnvSecretKey, tt.key)
			creds, err := cdsapi.CredentialsFromEnv()
			if tt.missing == "" {
				if err != nil || creds.AccessKeyID != "AKID0123456789" {
					t.Fatalf("got %v, %v", creds, err)
				}
				// The trimmed secret signs.
				c, err := cdsapi.NewClient(creds, cdsapi.Options{})
				if err != nil || c == nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, cdsapi.ErrNoCredentials) {
				t.Fatalf("err = %v, want ErrNoCredentials", err)
			}
			for _, want := range []string{"CDS_SECRET_ID", "CDS_SECRET_KEY", tt.missing} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%q lacks %q", err, want)
				}
			}
			if strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("error shows the secret: %v", err)
			}
		})
	}
}

func TestNewClientNeedsCredentials(t *testing.T) {
	for _, creds := range []cdsapi.Credentials{{}, cdsapi.NewCredentials("AKID", ""), cdsapi.NewCredentials("", "secret"), {AccessKeyID: "AKID"}} {
		if _, err := cdsapi.NewClient(creds, cdsapi.Options{}); !errors.Is(err, cdsapi.ErrNoCredentials) {
			t.Errorf("NewClient(%v) err = %v", creds, err)
		}
	}
}

// Every way of printing credentials, or a client holding them, hides the
// secret.
func TestCredentialsRedacted(t *testing.T) {
	const secret = "SKsuper-secret-value-42"
	creds := cdsapi.NewCredentials("AKIDEXAMPLE0123456789", secret)
	client, err := cdsapi.NewClient(creds, cdsapi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "creds", creds)
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "creds", creds)
	// Printing the credentials themselves masks the AccessKeyId too.
	masked := []string{logged.String()}
	holder := struct {
		C cdsapi.Credentials
		P *cdsapi.Credentials
	}{creds, &creds}
	// A client is printed by reflection: the AccessKeyId (not a secret)
	// shows, the secret must not.
	jsonBytes, _ := json.Marshal(creds)
	others := []string{string(jsonBytes)}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		masked = append(masked, fmt.Sprintf(verb, creds), fmt.Sprintf(verb, &creds), fmt.Sprintf(verb, holder))
		others = append(others, fmt.Sprintf(verb, client))
	}
	for _, out := range append(masked, others...) {
		if strings.Contains(out, secret) {
			t.Errorf("leaks the secret: %s", out)
		}
	}
	for _, out := range masked {
		if strings.Contains(out, "AKIDEXAMPLE0123456789") {
			t.Errorf("shows the AccessKeyId unmasked: %s", out)
		}
	}
	if got := creds.String(); got != `cdsapi.Credentials{AccessKeyID: "AKID****", SecretKey: "REDACTED"}` {
		t.Errorf("String() = %s", got)
	}
}

// leakCheck collects every error and all debug output of a client, and the
// signatures the client sent, and asserts that no secret is among them.
type leakCheck struct {
	secret string
	debug  syncBuffer
	mu     sync.Mutex
	errs   []error
	sigs   []string
}

func (l *leakCheck) addErr(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
}

func (l *leakCheck) addSig(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sigs = append(l.sigs, s)
}

func (l *leakCheck) verify(t *testing.T, accessKeyID string) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.sigs) < 5 || len(l.errs) < 5 {
		t.Fatalf("too little checked: %d signatures, %d errors", len(l.sigs), len(l.errs))
	}
	forbidden := []string{l.secret, accessKeyID}
	for _, sig := range l.sigs {
		forbidden = append(forbidden, sig, cdsapi.PercentEncode(sig), url.QueryEscape(sig))
	}
	texts := []string{l.debug.String()}
	for _, err := range l.errs {
		if err == nil {
			t.Error("a call that should fail succeeded")
			continue
		}
		t.Logf("error: %v", err)
		texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
			texts = append(texts, e.Error())
		}
	}
	for _, text := range texts {
		// Catches signatures the test never saw (the refused connection).
		for rest := text; strings.Contains(rest, "Signature="); {
			rest = rest[strings.Index(rest, "Signature=")+len("Signature="):]
			if !strings.HasPrefix(rest, "REDACTED") {
				t.Errorf("a signature appears in %q", text)
			}
		}
		for _, f := range forbidden {
			if strings.Contains(text, f) {
				t.Errorf("%q appears in %q", f, text)
			}
		}
	}
	if !strings.Contains(l.debug.String(), "Signature=REDACTED") || !strings.Contains(l.debug.String(), "AccessKeyId=AKID****") {
		t.Errorf("the debug log does not show the redacted URL:\n%s", l.debug.String())
	}
}

func TestSecretsNeverLeak(t *testing.T) {
	const accessKeyID = "AKIDLEAKTEST0123456789"
	l := &leakCheck{secret: "SKleak-test-secret-0123456789"}

	// 1. Against the fake, with failures of every kind.
	srv := fakecds.NewServer(fakecds.Options{AccessKeyID: accessKeyID, SecretKey: l.secret})
	defer srv.Close()
	seed(srv)
	newClient := func(endpoint, secret string) *cdsapi.Client {
		c, err := cdsapi.NewClient(cdsapi.NewCredentials(accessKeyID, secret), cdsapi.Options{
			Endpoint: endpoint, Debug: &l.debug, Timeout: 100 * time.Millisecond,
			Sleep: func(ctx context.Context, d time.Duration) error { return nil },
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ctx := t.Context()
	good := newClient(srv.URL, l.secret)
	_, err := newClient(srv.URL, l.secret+"x").DescribeLoadBalancers(ctx, cdsapi.DescribeLoadBalancersRequest{})
	l.addErr(err)
	_, err = good.DescribeHaproxyCustomConfig(ctx, "missing")
	l.addErr(err)
	for _, kind := range []fakecds.FaultKind{fakecds.FaultInternalError, fakecds.FaultMalformedJSON, fakecds.FaultCutConnection, fakecds.FaultCutAfterApply} {
		srv.InjectFault("", fakecds.Fault{Kind: kind, Times: 4})
		_, err = good.DescribeLBInstanceListeners(ctx, basicUuid)
		l.addErr(err)
		_, err = good.ModifyLoadBalancerStrategys(ctx, basicUuid, model.Listeners{})
		l.addErr(err)
		srv.ClearFaults()
	}
	srv.InjectFault("", fakecds.Fault{Delay: time.Second, Times: 1})
	_, err = good.ModifyHaproxyCustomConfig(ctx, customUuid, "x\n")
	l.addErr(err)
	for _, r := range srv.Requests() {
		l.addSig(r.Params.Get("Signature"))
	}

	// 2. Against a server that echoes the request everywhere it can.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		l.addSig(q.Get("Signature"))
		echoed := r.URL.String() + " " + q.Get("Signature")
		switch q.Get("Action") {
		case cdsapi.ActionDescribeLoadBalancers: // an envelope that quotes it
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]string{"Code": "SignatureDoesNotMatch " + echoed, "Message": echoed})
		case cdsapi.ActionDescribeHaproxyCustomConfig: // a gateway page
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, "<html>"+echoed+"</html>")
		default: // not JSON at 200
			_, _ = io.WriteString(w, echoed)
		}
	}))
	defer echo.Close()
	bad := newClient(echo.URL, l.secret)
	_, err = bad.DescribeLoadBalancers(ctx, cdsapi.DescribeLoadBalancersRequest{})
	l.addErr(err)
	_, err = bad.DescribeHaproxyCustomConfig(ctx, basicUuid)
	l.addErr(err)
	_, err = bad.ModifyHaproxyCustomConfig(ctx, basicUuid, "x")
	l.addErr(err)

	// 3. Nobody listening: net/http's *url.Error quotes the whole URL.
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + ln.Addr().String()
	ln.Close()
	_, err = newClient(closedURL, l.secret).DescribeLoadBalancers(ctx, cdsapi.DescribeLoadBalancersRequest{})
	l.addErr(err)

	// 4. Not an HTTP server: it sends the request line back, which
	// net/http quotes in its "malformed HTTP" error.
	raw, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	go func() {
		for {
			conn, err := raw.Accept()
			if err != nil {
				return
			}
			line, _ := bufio.NewReader(conn).ReadString('\n')
			if _, target, ok := strings.Cut(line, " "); ok {
				if u, err := url.Parse(strings.Fields(target)[0]); err == nil {
					l.addSig(u.Query().Get("Signature"))
				}
			}
			_, _ = io.WriteString(conn, line)
			conn.Close()
		}
	}()
	notHTTP := newClient("http://"+raw.Addr().String(), l.secret)
	_, err = notHTTP.DescribeLoadBalancers(ctx, cdsapi.DescribeLoadBalancersRequest{})
	l.addErr(err)
	_, err = notHTTP.ModifyHaproxyCustomConfig(ctx, basicUuid, "x")
	l.addErr(err)
	if !errors.Is(err, cdsapi.ErrOutcomeUnknown) {
		t.Errorf("POST answered with garbage: err = %v, want ErrOutcomeUnknown", err)
	}

	l.verify(t, accessKeyID)
}

// TestSuccessAnswerScrubbed: a gateway that echoes the request in the
// Message, TaskId and RequestId of a successful answer puts neither the
// Signature nor the AccessKeyId into what the caller prints; each string is
// cut at a bounded length with its control characters escaped (issue 12).
func TestSuccessAnswerScrubbed(t *testing.T) {
	const id, secret = "AKIDEXAMPLE0123456789", "SKsuper-secret-value-42"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		echo := r.URL.RawQuery + " " + r.URL.Query().Get("Signature") + " \x1b[2J" + strings.Repeat("x", 5000)
		json.NewEncoder(w).Encode(map[string]string{"Code": "Success", "Message": echo, "TaskId": echo, "RequestId": echo})
	}))
	defer srv.Close()
	c, err := cdsapi.NewClient(cdsapi.NewCredentials(id, secret), cdsapi.Options{Endpoint: srv.URL, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.ModifyHaproxyCustomConfig(context.Background(), "0f5c4a5e-6a4d-4b2a-9f1e-0c7d1b2a3e4f", "global\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{res.Message, res.TaskId} {
		if strings.Contains(s, id) || strings.Contains(s, "Signature=") && !strings.Contains(s, "Signature=REDACTED") {
			t.Errorf("credentials in %.300q", s)
		}
		if strings.Contains(s, "\x1b") || !strings.Contains(s, `\x1b[2J`) {
			t.Errorf("control characters not escaped in %.300q", s)
		}
		if len(s) > 400 {
			t.Errorf("%d bytes: not bounded", len(s))
		}
	}
}
