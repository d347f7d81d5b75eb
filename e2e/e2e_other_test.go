//go:build !linux

package e2e

import "testing"

// TestE2E explains why the suite does not run here.
func TestE2E(t *testing.T) {
	t.Skip("the end-to-end tests need Linux: clients bind 127.0.0.2 and up (all of 127.0.0.0/8 is local there), " +
		"and the connect-timeout test relies on Linux's accept-queue behaviour")
}
