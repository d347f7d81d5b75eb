package check

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

// certPair is a throwaway self-signed certificate and its key, in PEM.
type certPair struct {
	certPEM, keyPEM []byte
}

// combined is the certificate followed by its key, the form `crt` loads.
func (c *certPair) combined() []byte {
	return append(append([]byte{}, c.certPEM...), c.keyPEM...)
}

// newCertPair makes a self-signed P-256 certificate for localhost, valid
// for a day, that can also serve as a CA file.
func newCertPair() (*certPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("haproxycheck: generating a throwaway key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, fmt.Errorf("haproxycheck: generating a serial number: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "localhost", Organization: []string{"lbconf haproxy -c stand-in"}},
		DNSNames:              []string{"localhost"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("haproxycheck: making a throwaway certificate: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("haproxycheck: encoding the throwaway key: %w", err)
	}
	var certBuf, keyBuf bytes.Buffer
	_ = pem.Encode(&certBuf, &pem.Block{Type: "CERTIFICATE", Bytes: der})
	_ = pem.Encode(&keyBuf, &pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	return &certPair{certPEM: certBuf.Bytes(), keyPEM: keyBuf.Bytes()}, nil
}

// ThrowawayCertificate returns a fresh self-signed certificate for
// localhost, valid for a day, followed by its private key: the combined PEM
// form that HAProxy's `crt` loads. Checks and tests use it where a real
// certificate is out of reach.
func ThrowawayCertificate() ([]byte, error) {
	c, err := newCertPair()
	if err != nil {
		return nil, err
	}
	return c.combined(), nil
}
