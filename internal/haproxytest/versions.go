package haproxytest

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/lbconf/lbconf/haproxycfg/check"
	"github.com/lbconf/lbconf/haproxycfg/version"
)

// VersionEnv returns the environment variable that names the binary of an
// extra HAProxy version CI fetches without installing it
// (.ci/fetch-haproxy: 2.2 from Debian bullseye, 3.0 from trixie), or "" for
// the version found the usual way (Debian's installed 2.6).
func VersionEnv(v version.Version) string {
	switch v {
	case version.Version{Major: 2, Minor: 2}:
		return "LBCONF_HAPROXY_22"
	case version.Version{Major: 3, Minor: 0}:
		return "LBCONF_HAPROXY_30"
	}
	return ""
}

// FindVersion returns a binary of HAProxy v (MAJOR.MINOR): from its
// VersionEnv variable, else the usual Find. The error says why there is
// none (unset variable, or a binary of another version).
func FindVersion(v version.Version) (string, error) {
	bin := ""
	if env := VersionEnv(v); env != "" {
		if bin = os.Getenv(env); bin == "" {
			return "", fmt.Errorf("no haproxy %s: %s is not set (.ci/fetch-haproxy fetches it and prints the variable)", v, env)
		}
	} else {
		p, err := Find()
		if err != nil {
			return "", err
		}
		bin = p
	}
	ctx, cancel := context.WithTimeout(context.Background(), CheckTimeout)
	defer cancel()
	out, err := check.BinaryVersion(ctx, bin)
	if err != nil {
		return "", err
	}
	if got, _ := version.Parse(out); got != v {
		return "", fmt.Errorf("no haproxy %s: %s is %s", v, bin, out)
	}
	return bin, nil
}

// RequireVersion returns a binary of HAProxy v, or skips the test with the
// reason; with LBCONF_REQUIRE_HAPROXY=1 it fails the test instead.
func RequireVersion(t testing.TB, v version.Version) string {
	t.Helper()
	bin, err := FindVersion(v)
	if err != nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("%v; %s=1 makes this a failure", err, RequireEnv)
		}
		t.Skipf("%v; set %s=1 to make this a failure", err, RequireEnv)
	}
	return bin
}
