// Package e2e proves that the configs lbconf compiles do what the listener
// JSON promises, by running them.
//
// Its tests compile listener models with compiler.Compile (target 2.6, bind
// address 127.0.0.1, test certificates in a temporary directory), start the
// real haproxy on the result in the foreground, put backends written in Go
// behind it on 127.0.0.1, and check the documented meaning of every field:
// schedulers and weights, cookie persistence and its modes and timers,
// health checks, source whitelists, TLS and the forwarded headers, the
// keep-alive header, the PROXY protocol switches of TCP listeners, the three
// timeouts and MaxConn, and finally the pull-style round trip through the
// API client and its fake server.
//
// The listener sections are exactly what Compile generates; only the prelude
// is a test one (haproxytest.ServePrelude): no daemon, chroot or user
// switch, and the stats socket in the test's directory.
//
// The tests need Linux (every address of 127.0.0.0/8 is local there; clients
// bind 127.0.0.2 and up to be "another host") and the haproxy binary. Without
// haproxy they are skipped with the reason, unless LBCONF_REQUIRE_HAPROXY=1,
// which makes them fail. No test talks to an address outside 127.0.0.0/8.
package e2e
