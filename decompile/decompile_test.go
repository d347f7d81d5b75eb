package decompile

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/lbconf/lbconf/internal/golden"
	"github.com/lbconf/lbconf/model"
)

// samplePath is the repository's copy of the documented custom config
// (shared/reference/documented-custom-config.cfg).
const samplePath = "../testdata/compile/documented-custom-config.cfg"

func readSample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDocumentedSample(t *testing.T) {
	m, losses, err := Decompile(readSample(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(losses) != 0 {
		t.Errorf("losses on the documented sample:\n%s", lossLines(losses))
	}
	golden.Check(t, filepath.Join("..", "testdata", "decompile", "documented.json"), model.MarshalIndent(m))
}

func TestHandEdited(t *testing.T) {
	for _, name := range []string{"hand-edited", "extra-sections"} {
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(filepath.Join("..", "testdata", "decompile", name+".cfg"))
			if err != nil {
				t.Fatal(err)
			}
			m, losses, err := Decompile(text, Options{})
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("..", "testdata", "decompile", name+".json"), model.MarshalIndent(m))
			golden.Check(t, filepath.Join("..", "testdata", "decompile", name+".losses"), []byte(lossLines(losses)))
			// Every loss points at a line that holds its text.
			lines := strings.Split(string(text), "\n")
			for _, l := range losses {
				if l.Line < 1 || l.Line > len(lines) {
					t.Errorf("loss at line %d outside the file", l.Line)
					continue
				}
				first := strings.Fields(l.Text)[0]
				if !strings.Contains(lines[l.Line-1], first) {
					t.Errorf("line %d %q does not hold %q", l.Line, lines[l.Line-1], first)
				}
			}
		})
	}
}

// base is a small prelude for the table tests.
const base = "global\n    daemon\ndefaults\n    mode http\n    timeout tunnel 1h\n"

// pair writes a frontend/backend pair with extra frontend and backend lines.
func pair(name, fe, be string) string {
	return "frontend " + name + "\n    default_backend " + name + "-abk\n    bind 0.0.0.0:80\n    mode http\n" + fe +
		"backend " + name + "-abk\n    balance roundrobin\n" + be
}

func TestTolerance(t *testing.T) {
	tests := []struct {
		name  string
		cfg   string
		check func(t *testing.T, l *model.Listeners)
	}{
		{"tabs and CRLF", "global\r\n\tdaemon\r\nfrontend w\r\n\tbind\t*:8080\r\n\tdefault_backend w-abk\r\nbackend w-abk\r\n\tserver s10.0.0.1:80\t10.0.0.1:80 check\r\n",
			func(t *testing.T, l *model.Listeners) {
				h := l.HttpListeners[0]
				if h.ListenerPort != 8080 || len(h.BackendServer) != 1 || h.BackendServer[0].IP != "10.0.0.1" {
					t.Errorf("got %+v", h)
				}
			}},
		{"bind :80", pair("w", "", "") + "listen t\n    bind :3306\n    mode tcp\n",
			func(t *testing.T, l *model.Listeners) {
				if l.TcpListeners[0].ListenerPort != 3306 {
					t.Errorf("port %d", l.TcpListeners[0].ListenerPort)
				}
			}},
		{"ipv4@ and comments", "# c\nlisten t # the db\n    bind ipv4@0.0.0.0:5432 # here\n    # mode http\n    mode tcp\n",
			func(t *testing.T, l *model.Listeners) {
				if len(l.TcpListeners) != 1 || l.TcpListeners[0].ListenerPort != 5432 {
					t.Errorf("got %+v", l.TcpListeners)
				}
			}},
		{"timeouts", pair("w", "    timeout client 1m\n", "    timeout connect 1h\n    timeout server 2500\n"),
			func(t *testing.T, l *model.Listeners) {
				h := l.HttpListeners[0]
				got := []string{h.ClientTimeout, h.ClientTimeoutUnit, h.ConnectTimeout, h.ConnectTimeoutUnit, h.ServerTimeout, h.ServerTimeoutUnit}
				want := []string{"60", "s", "3600", "s", "2500", "ms"}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("got %v, want %v", got, want)
				}
			}},
		{"upper-case IPv6 server", pair("w", "", "    server s2001:DB8::1:443 [2001:DB8::1]:443 maxconn 5 weight 2 check\n"),
			func(t *testing.T, l *model.Listeners) {
				want := []model.BackendServer{{IP: "2001:DB8::1", Port: 443, Weight: "2", MaxConn: 5}}
				if got := l.HttpListeners[0].BackendServer; !reflect.DeepEqual(got, want) {
					t.Errorf("got %+v", got)
				}
			}},
		{"cookie modes and timer units", pair("w", "", "    cookie k insert maxidle 30m\n    server s10.0.0.1:80 10.0.0.1:80 check cookie s10.0.0.1:80\n"),
			func(t *testing.T, l *model.Listeners) {
				want := &model.SessionPersistence{Key: "k", Mode: 0, Timer: &model.Timer{MaxIdle: 1800}}
				if got := l.HttpListeners[0].SessionPersistence; !reflect.DeepEqual(got, want) {
					t.Errorf("got %+v", got)
				}
			}},
		{"reordered, optional lines missing", "backend w-abk\n    server s10.0.0.1:80 10.0.0.1:80 weight 3 check\nfrontend w\n    maxconn 10\n    default_backend w-abk\n    bind 0.0.0.0:80\n",
			func(t *testing.T, l *model.Listeners) {
				h := l.HttpListeners[0]
				if h.MaxConn != 10 || h.StickySession != model.Off || h.BackendServer[0].Weight != "3" {
					t.Errorf("got %+v", h)
				}
			}},
		{"certificates",
			"frontend w\n    default_backend w-abk\n    bind *:443 ssl crt /etc/haproxy/certs/a-1.pem crt /etc/haproxy/certs/b.pem\n    http-request set-header X-Forwarded-Proto https\nbackend w-abk\n",
			func(t *testing.T, l *model.Listeners) {
				want := []model.Certificate{{CertificateId: "a-1"}, {CertificateId: "b"}}
				if got := l.HttpListeners[0].CertificateIds; !reflect.DeepEqual(got, want) {
					t.Errorf("got %+v", got)
				}
			}},
		{"whitelist over several lines, unless form", "listen t\n    mode tcp\n    bind :1\n    acl x src 10.0.0.0/8\n    acl x src 192.168.0.1\n    tcp-request connection reject unless x\n",
			func(t *testing.T, l *model.Listeners) {
				want := []string{"10.0.0.0/8", "192.168.0.1"}
				if got := l.TcpListeners[0].AclWhiteList; !reflect.DeepEqual(got, want) {
					t.Errorf("got %v", got)
				}
			}},
		{"listen without mode is tcp", "listen t\n    bind :1\n    server s1.2.3.4:5 1.2.3.4:5 check send-proxy\n",
			func(t *testing.T, l *model.Listeners) {
				if len(l.TcpListeners) != 1 || l.TcpListeners[0].EnableSourceIp != model.On {
					t.Errorf("got %+v", l.TcpListeners)
				}
			}},
		{"httpchk without method", pair("w", "", "    option httpchk /ping\n"),
			func(t *testing.T, l *model.Listeners) {
				want := &model.Option{Httpchk: &model.Httpchk{Method: "OPTIONS", Uri: "/ping"}}
				if got := l.HttpListeners[0].Option; !reflect.DeepEqual(got, want) {
					t.Errorf("got %+v", got)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, losses, err := Decompile([]byte(tt.cfg), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(losses) != 0 {
				t.Errorf("unexpected losses:\n%s", lossLines(losses))
			}
			tt.check(t, l)
		})
	}
}

// TestLosses checks the loss report for one input each: every kind of loss
// is named at its line.
func TestLosses(t *testing.T) {
	tests := []struct {
		name string
		cfg  string
		want []string
	}{
		{"unknown directive", base + pair("w", "    bogus 1\n", ""),
			[]string{"line 10: `bogus 1` in frontend w is not a directive the parser understands and would be lost"}},
		{"extra directive", base + pair("w", "    http-request deny if { path_beg /admin }\n", ""),
			[]string{"line 10: `http-request deny if { path_beg /admin }` in frontend w has no equivalent in the listener model and would be lost"}},
		{"repeated single keyword", base + pair("w", "    maxconn 100\n    maxconn 200\n", ""),
			[]string{"line 10: `maxconn 100` in frontend w is overridden by line 11 (only the last one counts) and would be lost"}},
		{"bind option", base + pair("w", "", "") + "listen t\n    mode tcp\n    bind :5 foo-opt 7 accept-proxy backlog 10\n",
			[]string{
				"line 14: `foo-opt` on the bind in listen t has no equivalent in the listener model and would be lost",
				"line 14: `7` on the bind in listen t has no equivalent in the listener model and would be lost",
				"line 14: `backlog 10` on the bind in listen t has no equivalent in the listener model and would be lost",
			}},
		{"server options and no check", base + pair("w", "", "    server s1.1.1.1:80 1.1.1.1:80 weight 2 inter 2s\n"),
			[]string{
				"line 12: `server s1.1.1.1:80 1.1.1.1:80 weight 2 inter 2s` in backend w-abk has no `check`; compile would add it (health checks on every server are part of the fixed shape)",
				"line 12: `inter 2s` on server s1.1.1.1:80 in backend w-abk has no equivalent in the listener model and would be lost",
			}},
		{"fixed line differs", base + pair("w", "    compression algo deflate\n", "    fullconn 10\n"),
			[]string{
				"line 10: `compression algo deflate` in frontend w would become `compression algo gzip`, the fixed line compile writes",
				"line 13: `fullconn 10` in backend w-abk would become `fullconn 2000`, the fixed line compile writes",
			}},
		{"bind address", base + "listen t\n    mode tcp\n    bind 10.0.0.1:5\n",
			[]string{"line 8: `10.0.0.1` (the bind address) in listen t would become 0.0.0.0 (the model keeps only the port; compile --bind-address sets one address for all listeners)"}},
		{"second bind", base + "listen t\n    mode tcp\n    bind :5\n    bind :6\n",
			[]string{"line 9: `bind :6` in listen t is a second bind (the model has one port, from line 8) and would be lost"}},
		{"frontend without backend", base + "frontend w\n    bind :80\n    default_backend other\n\n",
			[]string{"line 6: `frontend w` (lines 6-8) is not an HTTP listener (that needs `default_backend w-abk` and a `backend w-abk`) and would be lost"}},
		{"unused backend", base + "backend lonely\n    server a 1.1.1.1:1\n",
			[]string{"line 6: `backend lonely` (lines 6-7) is not the backend of an HTTP listener (the `N-abk` default_backend of a `frontend N`) and would be lost"}},
		{"listen in mode http", base + "listen web\n    bind :80\n    mode http\n",
			[]string{"line 6: `listen web` (lines 6-8) is not a TCP listener (it is in mode http) and would be lost"}},
		{"listen inheriting mode http", base + "listen web\n    bind :80\n",
			[]string{"line 6: `listen web` (lines 6-7) is not a TCP listener (it is in mode http) and would be lost"}},
		{"other sections", "userlist u\n    user a insecure-password b\nresolvers dns\n    nameserver d 1.1.1.1:53\n",
			[]string{
				"line 1: `userlist u` (lines 1-2) has no equivalent in the listener model and would be lost",
				"line 3: `resolvers dns` (lines 3-4) has no equivalent in the listener model and would be lost",
			}},
		{"prelude is not a loss", base + "listen status\n    bind 127.0.0.1:1081\n    stats uri /x\n", nil},
		{"before the first section", "daemon\n" + base, []string{
			"line 1: `daemon` in the lines before the first section has no equivalent in the listener model and would be lost"}},
		{"duplicate proxy", base + "listen t\n    mode tcp\n    bind :1\nlisten t\n    mode tcp\n    bind :2\n",
			[]string{"line 9: `listen t` (lines 9-11) repeats the name of the listen at line 6 (HAProxy refuses that) and would be lost"}},
		{"cookie options", base + pair("w", "", "    cookie sid insert nocache httponly domain .x.com\n"),
			[]string{
				"line 12: `httponly` (a cookie option) in backend w-abk has no equivalent in the listener model and would be lost",
				"line 12: `domain .x.com` (a cookie option) in backend w-abk has no equivalent in the listener model and would be lost",
			}},
		{"cookie without insert", base + pair("w", "", "    cookie sid prefix\n"),
			[]string{"line 12: `cookie sid prefix` in backend w-abk does not insert the cookie (`insert`): has no equivalent in the listener model and would be lost"}},
		{"server name and cookie value", base + pair("w", "", "    cookie sid insert\n    server web1 1.1.1.1:80 check cookie web1\n"),
			[]string{
				"line 13: `web1` (the server name) in backend w-abk would become `s1.1.1.1:80`, the name compile writes",
				"line 13: `cookie web1` on server web1 in backend w-abk would become `cookie s1.1.1.1:80`, the value compile writes",
			}},
		{"server without cookie value", base + pair("w", "", "    cookie sid insert\n    server s1.1.1.1:80 1.1.1.1:80 check\n"),
			[]string{"line 13: `server s1.1.1.1:80 1.1.1.1:80 check` in backend w-abk has no `cookie`; compile would add `cookie s1.1.1.1:80` (with a persistence cookie every server gets its value)"}},
		{"server without port", base + pair("w", "", "    server a 1.1.1.1 check\n"),
			[]string{"line 12: `server a 1.1.1.1 check` in backend w-abk has no port (the model needs one) and would be lost"}},
		{"send-proxy on some servers", base + "listen t\n    mode tcp\n    bind :1\n    server s1.1.1.1:1 1.1.1.1:1 check send-proxy\n    server s1.1.1.2:1 1.1.1.2:1 check\n",
			[]string{"line 10: `server s1.1.1.2:1 1.1.1.2:1 check` in listen t has no `send-proxy` while other servers have it; compile would add it (EnableSourceIp is one switch for all servers)"}},
		{"send-proxy on HTTP servers", base + pair("w", "", "    server s1.1.1.1:1 1.1.1.1:1 check send-proxy\n"),
			[]string{"line 12: `send-proxy` on server s1.1.1.1:1 in backend w-abk has no equivalent in the listener model and would be lost"}},
		{"proto header without certificates", base + pair("w", "    http-request set-header X-Forwarded-Proto https\n", ""),
			[]string{"line 10: `http-request set-header X-Forwarded-Proto https` in frontend w would become `http-request set-header X-Forwarded-Proto http`, as compile writes it for a listener without certificates"}},
		{"acl not enforced", base + pair("w", "    acl w_whitelist src 10.0.0.0/8\n", ""),
			[]string{"line 10: `acl w_whitelist src 10.0.0.0/8` in frontend w has no equivalent in the listener model and would be lost"}},
		{"timeout the model cannot hold", base + pair("w", "    timeout client 1.5s\n", ""),
			[]string{"line 10: `timeout client 1.5s` in frontend w has a value the model cannot express (a whole number of ms, s, m, h or d) and would be lost"}},
		{"certificate elsewhere", base + "frontend w\n    default_backend w-abk\n    bind :443 ssl crt /opt/c.pem\n    http-request set-header http_x_forwarded_proto https\nbackend w-abk\n",
			[]string{"line 8: `/opt/c.pem` on the bind in frontend w would become /etc/haproxy/certs/c.pem (compile writes certificates in its --cert-dir)"}},
		{"timeout in the wrong section", base + pair("w", "    timeout server 5s\n", ""),
			// config-parser has no `timeout server` for frontends.
			[]string{"line 10: `timeout server 5s` in frontend w is not a directive the parser understands and would be lost"}},
		{"from in the header", base + "listen t from other\n    mode tcp\n    bind :1\n",
			[]string{
				"line 6: `listen t from other` in listen t takes its defaults from no defaults section; compile writes every listener after the last defaults section (line 3), whose values would apply instead",
				"line 6: `from other` (in the section header) in listen t has no equivalent in the listener model (compile writes `listen t`) and would be lost",
			}},
		{"defaults before the last", "defaults\n    mode tcp\nlisten t\n    bind :1\ndefaults\n    mode http\n",
			[]string{"line 3: `listen t` in listen t takes its defaults from the defaults section at line 1; compile writes every listener after the last defaults section (line 5), whose values would apply instead"}},
		{"unknown section kind", base + "crt-store s\n    load crt a.pem\n",
			[]string{"line 6: `crt-store s` (lines 6-7) has no equivalent in the listener model and would be lost"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, losses, err := Decompile([]byte(tt.cfg), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range losses {
				got = append(got, l.String())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("losses:\n  got  %s\n  want %s", strings.Join(got, "\n       "), strings.Join(tt.want, "\n       "))
			}
		})
	}
}

func TestEmptyAndComments(t *testing.T) {
	for _, in := range []string{"", "\n\n", "# only a comment\n", "{\"HttpListeners\": []}\n", "HttpListeners: []\n"} {
		if _, _, err := Decompile([]byte(in), Options{}); !errors.Is(err, ErrNotConfig) {
			t.Errorf("%q: err %v, want ErrNotConfig", in, err)
		}
	}
	for _, in := range []string{"global\n", "# a comment\nglobal\n"} {
		l, losses, err := Decompile([]byte(in), Options{})
		if err != nil || len(losses) != 0 {
			t.Errorf("%q: err %v, losses %v", in, err, losses)
		}
		if l.HttpListeners == nil || l.TcpListeners == nil {
			t.Errorf("%q: nil lists", in)
		}
	}
}

func TestTooLongLine(t *testing.T) {
	in := "global\n    log " + strings.Repeat("x", 70000) + "\n"
	if _, _, err := Decompile([]byte(in), Options{}); err == nil {
		t.Fatal("want an error for a line config-parser cannot read")
	}
}

func TestTimeoutToModel(t *testing.T) {
	tests := []struct {
		in, v, u string
		ok       bool
	}{
		{"12333ms", "12333", "ms", true}, {"30s", "30", "s", true}, {"1m", "60", "s", true},
		{"1h", "3600", "s", true}, {"2d", "172800", "s", true}, {"500", "500", "ms", true},
		{"5000us", "5", "ms", true}, {"1500us", "", "", false}, {"1.5s", "", "", false},
		{"s", "", "", false}, {"10x", "", "", false}, {"", "", "", false},
	}
	for _, tt := range tests {
		v, u, ok := TimeoutToModel(tt.in)
		if v != tt.v || u != tt.u || ok != tt.ok {
			t.Errorf("TimeoutToModel(%q) = %q %q %v, want %q %q %v", tt.in, v, u, ok, tt.v, tt.u, tt.ok)
		}
	}
}

// TestConcurrent runs Decompile from many goroutines; with -race it proves
// the config-parser lock works.
func TestConcurrent(t *testing.T) {
	text := []byte(base + pair("w", "    maxconn 5\n", "    server s1.1.1.1:80 1.1.1.1:80 check\n") + "defaults named\n    mode tcp\n")
	want, _, err := Decompile(text, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				got, _, err := Decompile(text, Options{})
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("concurrent Decompile: %v %+v", err, got)
					return
				}
			}
		}()
	}
	wg.Wait()
}
