package cdsapi

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
)

// Names of the environment variables the CLI reads; they are the ones the
// rest of the Capital Online tooling uses.
const (
	// EnvSecretID holds the AccessKeyId.
	EnvSecretID = "CDS_SECRET_ID"
	// EnvSecretKey holds the secret key.
	EnvSecretKey = "CDS_SECRET_KEY"
	// EnvEndpoint optionally overrides the endpoint (see [ResolveEndpoint]).
	EnvEndpoint = "CDS_API_ENDPOINT"
)

// ErrNoCredentials is wrapped by the errors of [CredentialsFromEnv] and
// [NewClient] when the AccessKeyId or the secret key is missing.
var ErrNoCredentials = errors.New("no API credentials")

// redacted replaces secrets and signatures in every text this package
// produces.
const redacted = "REDACTED"

// Credentials are an AccessKeyId and its secret key. Build them with
// [NewCredentials] or [CredentialsFromEnv].
//
// The secret cannot be read back, and every way of printing Credentials
// (fmt verbs, slog) shows it as REDACTED and the AccessKeyId masked.
type Credentials struct {
	// AccessKeyID is the public half, sent with every request.
	AccessKeyID string
	// secret returns the secret key. It is a function rather than a string
	// so that even reflection-based printing of a struct that contains
	// Credentials (fmt's %+v of a Client, say) cannot show it.
	secret func() string
}

// NewCredentials returns credentials for an AccessKeyId and its secret key.
func NewCredentials(accessKeyID, secretKey string) Credentials {
	return Credentials{AccessKeyID: accessKeyID, secret: func() string { return secretKey }}
}

// CredentialsFromEnv reads the credentials from CDS_SECRET_ID and
// CDS_SECRET_KEY (surrounding white space is dropped). The error, which
// wraps [ErrNoCredentials], names both variables and says which is missing.
func CredentialsFromEnv() (Credentials, error) {
	id := strings.TrimSpace(os.Getenv(EnvSecretID))
	secret := strings.TrimSpace(os.Getenv(EnvSecretKey))
	var missing []string
	if id == "" {
		missing = append(missing, EnvSecretID)
	}
	if secret == "" {
		missing = append(missing, EnvSecretKey)
	}
	if len(missing) > 0 {
		return Credentials{}, fmt.Errorf("cdsapi: %w: set %s (AccessKeyId) and %s (secret key); not set: %s",
			ErrNoCredentials, EnvSecretID, EnvSecretKey, strings.Join(missing, ", "))
	}
	return NewCredentials(id, secret), nil
}

// check reports missing parts.
func (c Credentials) check() error {
	switch {
	case c.AccessKeyID == "" && c.secretKey() == "":
		return fmt.Errorf("cdsapi: %w: AccessKeyId and secret key are empty", ErrNoCredentials)
	case c.AccessKeyID == "":
		return fmt.Errorf("cdsapi: %w: AccessKeyId is empty", ErrNoCredentials)
	case c.secretKey() == "":
		return fmt.Errorf("cdsapi: %w: secret key is empty", ErrNoCredentials)
	}
	return nil
}

func (c Credentials) secretKey() string {
	if c.secret == nil {
		return ""
	}
	return c.secret()
}

// String shows the masked AccessKeyId and hides the secret.
func (c Credentials) String() string {
	return fmt.Sprintf("cdsapi.Credentials{AccessKeyID: %q, SecretKey: %q}", maskID(c.AccessKeyID), redacted)
}

// GoString is String, so that %#v redacts too.
func (c Credentials) GoString() string { return c.String() }

// Format makes every fmt verb print String.
func (c Credentials) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue makes log/slog print String.
func (c Credentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

// maskID keeps the first four characters of an AccessKeyId, enough to tell
// keys apart, and masks the rest.
func maskID(id string) string {
	if len(id) < 8 {
		return "****"
	}
	return id[:4] + "****"
}
