package render

import (
	"strings"
	"testing"
)

func tcpConfig() *Config {
	return &Config{
		Prelude: "global\n    daemon\n\n",
		TCP: []TCPListener{{
			Name: "db", Bind: "0.0.0.0:3306", Balance: "roundrobin", MaxConn: 10,
			ClientTimeout: "1s", ConnectTimeout: "2s", ServerTimeout: "3ms",
			ACL:     &ACL{Name: "db_whitelist", Sources: []string{"10.0.0.0/8 10.1.0.0/16", "10.2.0.0/16"}},
			Servers: []string{"s1:1 1.1.1.1:1 maxconn 1 weight 1 check"},
		}},
	}
}

func TestRenderLayout(t *testing.T) {
	got, err := Bytes(tcpConfig())
	if err != nil {
		t.Fatal(err)
	}
	want := "global\n    daemon\n\n" +
		"listen db\n" +
		"    bind 0.0.0.0:3306\n" +
		"    mode tcp\n" +
		"    balance roundrobin\n" +
		"    maxconn 10\n" +
		"    timeout client 1s\n" +
		"    timeout connect 2s\n" +
		"    timeout server 3ms\n" +
		"    acl db_whitelist src 10.0.0.0/8 10.1.0.0/16\n" +
		"    acl db_whitelist src 10.2.0.0/16\n" +
		"    tcp-request connection reject if !db_whitelist\n" +
		"    server s1:1 1.1.1.1:1 maxconn 1 weight 1 check\n" +
		"\n\n"
	if string(got) != want {
		t.Errorf("got:\n%q\nwant:\n%q", got, want)
	}
}

func TestRenderDefaultPrelude(t *testing.T) {
	for _, p := range []Prelude{{}, {StatsAuth: "u:p"}} {
		got, err := Bytes(&Config{Default: &p, Prelude: "ignored"})
		if err != nil {
			t.Fatal(err)
		}
		s := string(got)
		if strings.Contains(s, "ignored") || !strings.HasPrefix(s, "global\n") {
			t.Errorf("%+v: bad prelude:\n%s", p, s)
		}
		if strings.Contains(s, "nbproc") {
			t.Errorf("%+v: nbproc line wrong:\n%s", p, s)
		}
		if strings.Contains(s, "stats auth") != (p.StatsAuth != "") {
			t.Errorf("%+v: stats auth line wrong:\n%s", p, s)
		}
	}
}

// TestRenderRefusesUnsafeFields checks the last line of defence: a field
// that could end a line or start a comment is refused before anything is
// written, without echoing a stats password.
func TestRenderRefusesUnsafeFields(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(c *Config)
		want string // the field the error names
	}{
		{"name newline", func(c *Config) { c.TCP[0].Name = "db\n    bind :1" }, "TCP listener 0 name holds byte 0x0a at offset 2"},
		{"bind hash", func(c *Config) { c.TCP[0].Bind = "0.0.0.0:1 # x" }, "TCP listener 0 bind holds byte 0x23 at offset 10"},
		{"server CR", func(c *Config) { c.TCP[0].Servers[0] += "\r" }, "TCP listener 0 server holds byte 0x0d"},
		{"acl tab", func(c *Config) { c.TCP[0].ACL.Sources[1] = "\t10.0.0.0/8" }, "TCP listener 0 acl sources holds byte 0x09"},
		{"timeout non-ASCII", func(c *Config) { c.TCP[0].ClientTimeout = "1ｓ" }, "TCP listener 0 client timeout holds byte 0xef"},
		{"stats auth newline", func(c *Config) { c.Default = &Prelude{StatsAuth: "u:secret\nx"} }, "render: stats auth holds byte 0x0a"},
		{"http cookie", func(c *Config) { c.HTTP = []HTTPListener{{Name: "w", Cookie: "k\x00"}} }, "HTTP listener 0 cookie holds byte 0x00"},
	} {
		c := tcpConfig()
		tc.set(c)
		var b strings.Builder
		err := Render(&b, c)
		if err == nil {
			t.Errorf("%s: rendered:\n%s", tc.name, b.String())
			continue
		}
		if b.Len() != 0 {
			t.Errorf("%s: wrote %d bytes before failing", tc.name, b.Len())
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want it to say %q", tc.name, err, tc.want)
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: error echoes the value: %v", tc.name, err)
		}
	}
	if _, err := Bytes(nil); err == nil {
		t.Error("Bytes(nil) succeeded")
	}
}
