//go:build linux

package e2e

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/lbconf/lbconf/model"
)

// writeCert writes <dir>/<id>.pem, a self-signed certificate for names
// followed by its key (the combined file `crt` loads), and returns the
// certificate.
func writeCert(t *testing.T, dir, id string, names ...string) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("certificate %s: %v", id, err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatalf("certificate %s: %v", id, err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: names[0], Organization: []string{"lbconf e2e " + id}},
		DNSNames:              names,
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("certificate %s: %v", id, err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatalf("certificate %s key: %v", id, err)
	}
	var buf bytes.Buffer
	_ = pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: der})
	_ = pem.Encode(&buf, &pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	if err := os.WriteFile(filepath.Join(dir, id+".pem"), buf.Bytes(), 0o600); err != nil {
		t.Fatalf("writing certificate %s: %v", id, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("certificate %s: %v", id, err)
	}
	return cert
}

// tlsFor trusts exactly certs and asks for serverName.
func tlsFor(serverName string, certs ...*x509.Certificate) *tls.Config {
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return &tls.Config{RootCAs: pool, ServerName: serverName, MinVersion: tls.VersionTLS12}
}

// TestForwardedHeaders: a listener without certificates is plain HTTP and
// tells the backend X-Forwarded-Proto http; one with CertificateIds serves
// TLS with that certificate and says https. Both pass the listener's port in
// X-Forwarded-Port and the client's source port in
// X-Forwarded-Client-srcport.
func TestForwardedHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cert := writeCert(t, e.certDir, "web-cert-1", "localhost")
	be := newHTTPBackend(t, "app", "")
	plain := httpListener("plain", server(be.port, 1))
	secure := httpListener("secure", server(be.port, 1))
	secure.CertificateIds = []model.Certificate{{CertificateId: "web-cert-1", CertificateName: "test"}}
	lb := e.start(model.Listeners{HttpListeners: []model.HttpListener{plain, secure}})

	cases := []struct {
		listener string
		tls      *tls.Config
		proto    string
	}{
		{"plain", nil, "http"},
		{"secure", tlsFor("localhost", cert), "https"},
	}
	for _, c := range cases {
		t.Run(c.listener, func(t *testing.T) {
			r := mustDo(t, lb.addr(c.listener), request{TLS: c.tls, Path: "/fwd-" + c.listener})
			if r.Status != 200 {
				t.Fatalf("status %d, want 200", r.Status)
			}
			if c.tls != nil {
				if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 || !r.TLS.PeerCertificates[0].Equal(cert) {
					t.Fatalf("the listener did not present certificate web-cert-1")
				}
			}
			got := be.waitArrival(t, 5*time.Second)
			if got.RequestURI != "/fwd-"+c.listener {
				t.Fatalf("backend saw %s, want /fwd-%s", got.RequestURI, c.listener)
			}
			want := map[string]string{
				"X-Forwarded-Proto":          c.proto,
				"http_x_forwarded_proto":     c.proto,
				"X-Forwarded-Port":           strconv.Itoa(lb.port(c.listener)),
				"X-Forwarded-Client-srcport": strconv.Itoa(r.Local.Port),
			}
			for h, v := range want {
				if vs := got.headerValues(h); len(vs) != 1 || vs[0] != v {
					t.Errorf("backend saw %s = %q, want exactly %q", h, vs, v)
				}
			}
		})
	}
	t.Run("plain-http-on-tls-listener", func(t *testing.T) {
		// The https listener must not answer cleartext HTTP.
		if r, err := do(lb.addr("secure"), request{Timeout: 3 * time.Second}); err == nil && r.Status == 200 {
			t.Errorf("cleartext request to the TLS listener answered %d", r.Status)
		}
	})
}

// TestMultipleCertificates: every CertificateId is loaded (`crt` once per
// certificate): the client's SNI picks the matching one, and a client
// without SNI gets the first.
func TestMultipleCertificates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	first := writeCert(t, e.certDir, "cert-a", "a.e2e.test")
	second := writeCert(t, e.certDir, "cert-b", "b.e2e.test")
	be := newHTTPBackend(t, "app", "")
	l := httpListener("sni", server(be.port, 1))
	l.CertificateIds = []model.Certificate{{CertificateId: "cert-a"}, {CertificateId: "cert-b"}}
	lb := e.start(model.Listeners{HttpListeners: []model.HttpListener{l}})

	for _, c := range []struct {
		sni  string
		want *x509.Certificate
	}{
		{"a.e2e.test", first},
		{"b.e2e.test", second},
	} {
		t.Run(c.sni, func(t *testing.T) {
			r := mustDo(t, lb.addr("sni"), request{TLS: tlsFor(c.sni, c.want)})
			if r.Status != 200 || !r.TLS.PeerCertificates[0].Equal(c.want) {
				t.Errorf("SNI %s: status %d, certificate %v; want 200 and %v", c.sni, r.Status,
					r.TLS.PeerCertificates[0].Subject, c.want.Subject)
			}
		})
	}
	t.Run("no-sni", func(t *testing.T) {
		cfg := tlsFor("a.e2e.test", first)
		cfg.ServerName = ""
		cfg.InsecureSkipVerify = true // no name to verify against; the certificate is compared below
		r := mustDo(t, lb.addr("sni"), request{TLS: cfg})
		if !r.TLS.PeerCertificates[0].Equal(first) {
			t.Errorf("without SNI got %v, want the first certificate %v", r.TLS.PeerCertificates[0].Subject, first.Subject)
		}
	})
}
