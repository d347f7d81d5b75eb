package haproxycfg

import "testing"

// TestParseAddress is the one table of how bind and server addresses read:
// lint's port rules, decompile's bind and server ports and check's host
// names all read them through ParseAddress.
func TestParseAddress(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Address
		bare bool
		lo   int // first port, 0 when Ports fails
		hi   int
	}{
		{"10.0.0.5:8080", Address{Host: "10.0.0.5", HasPort: true, Port: "8080"}, false, 8080, 8080},
		{"*:80", Address{Host: "*", HasPort: true, Port: "80"}, false, 80, 80},
		{":443", Address{HasPort: true, Port: "443"}, false, 443, 443},
		{"0.0.0.0:8000-8010", Address{Host: "0.0.0.0", HasPort: true, Port: "8000-8010"}, false, 8000, 8010},
		{"[2001:db8::1]:80", Address{Host: "2001:db8::1", HasPort: true, Port: "80"}, false, 80, 80},
		{"[::1]", Address{Host: "::1"}, false, 0, 0},
		{"[::1", Address{Host: "[::1", Err: "an unclosed '['"}, false, 0, 0},
		{"[::1]80", Address{Host: "::1", Err: "no ':' between ']' and the port"}, false, 0, 0},
		// HAProxy reads the last group of an unbracketed IPv6 address as its port.
		{"::1", Address{Host: ":", HasPort: true, Port: "1"}, true, 1, 1},
		{"2001:db8::1", Address{Host: "2001:db8:", HasPort: true, Port: "1"}, true, 1, 1},
		{"ipv6@:::80", Address{Family: "ipv6@", Host: "::", HasPort: true, Port: "80"}, false, 80, 80},
		{"ipv4@app.internal:8080", Address{Family: "ipv4@", Host: "app.internal", HasPort: true, Port: "8080"}, false, 8080, 8080},
		{"app.internal", Address{Host: "app.internal"}, false, 0, 0},
		{"unix@/run/x.sock", Address{Family: "unix@", Socket: true}, false, 0, 0},
		{"abnsz@x", Address{Family: "abnsz@", Socket: true}, false, 0, 0},
		{"/run/x.sock", Address{Socket: true}, false, 0, 0},
		{"/run/a@b.sock", Address{Socket: true}, false, 0, 0},
		{"x:0", Address{Host: "x", HasPort: true, Port: "0"}, false, 0, 0},
		{"x:65536", Address{Host: "x", HasPort: true, Port: "65536"}, false, 0, 0},
		{"x:+80", Address{Host: "x", HasPort: true, Port: "+80"}, false, 0, 0},
		{"x:90-80", Address{Host: "x", HasPort: true, Port: "90-80"}, false, 0, 0},
		{"x:80-", Address{Host: "x", HasPort: true, Port: "80-"}, false, 0, 0},
		{"x:", Address{Host: "x", HasPort: true}, false, 0, 0},
	} {
		tc.want.Text = tc.in
		got := ParseAddress(tc.in)
		if got != tc.want {
			t.Errorf("ParseAddress(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
		if b := got.BareIP(); b != tc.bare {
			t.Errorf("ParseAddress(%q).BareIP() = %v, want %v", tc.in, b, tc.bare)
		}
		lo, hi, ok := got.Ports()
		if ok != (tc.lo > 0) || lo != tc.lo || hi != tc.hi {
			t.Errorf("ParseAddress(%q).Ports() = %d, %d, %v, want %d, %d", tc.in, lo, hi, ok, tc.lo, tc.hi)
		}
	}
	if got := SplitAddresses("*:80,[::]:80,unix@/x"); len(got) != 3 || got[1].Host != "::" || !got[2].Socket {
		t.Errorf("SplitAddresses = %+v", got)
	}
}
