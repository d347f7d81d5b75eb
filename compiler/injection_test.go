package compiler_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg"
	"github.com/lbconf/lbconf/model"
)

// validDoc is a document with every feature on, valid by every rule.
func validDoc() *model.Listeners {
	return &model.Listeners{
		HttpListeners: []model.HttpListener{{
			ListenerName: "web", ListenerPort: 443, ListenerMode: "http", MaxConn: 1000,
			ClientTimeout: "30", ClientTimeoutUnit: "s", ConnectTimeout: "5", ConnectTimeoutUnit: "s",
			ServerTimeout: "30000", ServerTimeoutUnit: "ms", Scheduler: "leastconn", StickySession: "on",
			AclWhiteList:   []string{"10.0.0.0/8", "192.168.1.2"},
			CertificateIds: []model.Certificate{{CertificateId: "c1", CertificateName: "证书"}},
			BackendServer:  []model.BackendServer{{IP: "10.0.0.5", Port: 8080, Weight: "10", MaxConn: 100}},
			SessionPersistence: &model.SessionPersistence{Key: "sid", Mode: 2,
				Timer: &model.Timer{MaxIdle: 600, MaxLife: 3600}},
			Option: &model.Option{Httpchk: &model.Httpchk{Method: "GET", Uri: "/health"}},
		}},
		TcpListeners: []model.TcpListener{{
			ListenerName: "db", ListenerPort: 3306, ListenerMode: "tcp", MaxConn: 2000,
			ClientTimeout: "60", ClientTimeoutUnit: "s", ConnectTimeout: "5", ConnectTimeoutUnit: "s",
			ServerTimeout: "60", ServerTimeoutUnit: "s", Scheduler: "leastconn",
			AclWhiteList:   []string{"10.0.0.0/8"},
			BackendServer:  []model.BackendServer{{IP: "10.2.0.7", Port: 3306, Weight: "1", MaxConn: 1000}},
			EnableSourceIp: "on", EnableRepeaterMode: "on",
		}},
	}
}

// injection sets one field of a valid document to a hostile value; pointer
// is where the refusal must point.
type injection struct {
	name    string
	pointer string
	set     func(l *model.Listeners)
}

func h(l *model.Listeners) *model.HttpListener { return &l.HttpListeners[0] }
func tl(l *model.Listeners) *model.TcpListener { return &l.TcpListeners[0] }

var injections = []injection{
	{"http name newline directive", "/HttpListeners/0/ListenerName", func(l *model.Listeners) { h(l).ListenerName = "web\n    bind :9999" }},
	{"http name space", "/HttpListeners/0/ListenerName", func(l *model.Listeners) { h(l).ListenerName = "web x" }},
	{"http name hash", "/HttpListeners/0/ListenerName", func(l *model.Listeners) { h(l).ListenerName = "web#x" }},
	{"http name NUL", "/HttpListeners/0/ListenerName", func(l *model.Listeners) { h(l).ListenerName = "web\x00" }},
	{"http name line separator", "/HttpListeners/0/ListenerName", func(l *model.Listeners) { h(l).ListenerName = "web\u2028bind" }},
	{"http name non-ASCII", "/HttpListeners/0/ListenerName", func(l *model.Listeners) { h(l).ListenerName = "wéb" }},
	{"http name empty", "/HttpListeners/0/ListenerName", func(l *model.Listeners) { h(l).ListenerName = "" }},
	{"tcp name CR", "/TcpListeners/0/ListenerName", func(l *model.Listeners) { tl(l).ListenerName = "db\r\n    bind :1" }},
	{"uri space", "/HttpListeners/0/Option/Httpchk/Uri", func(l *model.Listeners) { h(l).Option.Httpchk.Uri = "/ x" }},
	{"uri newline", "/HttpListeners/0/Option/Httpchk/Uri", func(l *model.Listeners) { h(l).Option.Httpchk.Uri = "/x\n    bind :1" }},
	{"uri hash", "/HttpListeners/0/Option/Httpchk/Uri", func(l *model.Listeners) { h(l).Option.Httpchk.Uri = "/#x" }},
	{"uri quote", "/HttpListeners/0/Option/Httpchk/Uri", func(l *model.Listeners) { h(l).Option.Httpchk.Uri = `/"x` }},
	{"uri backslash", "/HttpListeners/0/Option/Httpchk/Uri", func(l *model.Listeners) { h(l).Option.Httpchk.Uri = `/x\` }},
	{"uri relative", "/HttpListeners/0/Option/Httpchk/Uri", func(l *model.Listeners) { h(l).Option.Httpchk.Uri = "x" }},
	{"method CRLF", "/HttpListeners/0/Option/Httpchk/Method", func(l *model.Listeners) { h(l).Option.Httpchk.Method = "GET\r\n" }},
	{"method unknown", "/HttpListeners/0/Option/Httpchk/Method", func(l *model.Listeners) { h(l).Option.Httpchk.Method = "POST" }},
	{"server ip hash", "/HttpListeners/0/BackendServer/0/IP", func(l *model.Listeners) { h(l).BackendServer[0].IP = "1.2.3.4 #" }},
	{"server ip newline", "/HttpListeners/0/BackendServer/0/IP", func(l *model.Listeners) {
		h(l).BackendServer[0].IP = "1.2.3.4\n    server x 6.6.6.6"
	}},
	{"server ip zone", "/HttpListeners/0/BackendServer/0/IP", func(l *model.Listeners) { h(l).BackendServer[0].IP = "fe80::1%eth0" }},
	{"server ip octal-looking", "/TcpListeners/0/BackendServer/0/IP", func(l *model.Listeners) { tl(l).BackendServer[0].IP = "010.0.0.1" }},
	{"server host underscore", "/TcpListeners/0/BackendServer/0/IP", func(l *model.Listeners) { tl(l).BackendServer[0].IP = "a_b.example" }},
	{"server ip bracketed", "/TcpListeners/0/BackendServer/0/IP", func(l *model.Listeners) { tl(l).BackendServer[0].IP = "[::1]" }},
	{"server ip empty", "/TcpListeners/0/BackendServer/0/IP", func(l *model.Listeners) { tl(l).BackendServer[0].IP = "" }},
	{"server port", "/TcpListeners/0/BackendServer/0/Port", func(l *model.Listeners) { tl(l).BackendServer[0].Port = 70000 }},
	{"server weight option", "/HttpListeners/0/BackendServer/0/Weight", func(l *model.Listeners) { h(l).BackendServer[0].Weight = "1 backup" }},
	{"server weight newline", "/HttpListeners/0/BackendServer/0/Weight", func(l *model.Listeners) { h(l).BackendServer[0].Weight = "1\n" }},
	{"server weight negative", "/HttpListeners/0/BackendServer/0/Weight", func(l *model.Listeners) { h(l).BackendServer[0].Weight = "-1" }},
	{"server maxconn", "/HttpListeners/0/BackendServer/0/MaxConn", func(l *model.Listeners) { h(l).BackendServer[0].MaxConn = -1 }},
	{"cert id space", "/HttpListeners/0/CertificateIds/0/CertificateId", func(l *model.Listeners) { h(l).CertificateIds[0].CertificateId = "a b" }},
	{"cert id traversal", "/HttpListeners/0/CertificateIds/0/CertificateId", func(l *model.Listeners) {
		h(l).CertificateIds[0].CertificateId = "../../../etc/passwd"
	}},
	{"cert id dot", "/HttpListeners/0/CertificateIds/0/CertificateId", func(l *model.Listeners) { h(l).CertificateIds[0].CertificateId = ".." }},
	{"cookie key newline", "/HttpListeners/0/SessionPersistence/Key", func(l *model.Listeners) { h(l).SessionPersistence.Key = "k\nx" }},
	{"cookie key option", "/HttpListeners/0/SessionPersistence/Key", func(l *model.Listeners) { h(l).SessionPersistence.Key = "k prefix" }},
	{"cookie mode", "/HttpListeners/0/SessionPersistence/Mode", func(l *model.Listeners) { h(l).SessionPersistence.Mode = 3 }},
	{"cookie maxidle", "/HttpListeners/0/SessionPersistence/Timer/MaxIdle", func(l *model.Listeners) { h(l).SessionPersistence.Timer.MaxIdle = -5 }},
	{"acl newline directive", "/HttpListeners/0/AclWhiteList/1", func(l *model.Listeners) {
		h(l).AclWhiteList[1] = "10.0.0.0/8\nuse_backend x"
	}},
	{"acl two words", "/TcpListeners/0/AclWhiteList/0", func(l *model.Listeners) { tl(l).AclWhiteList[0] = "10.0.0.0/8 0.0.0.0/0" }},
	{"acl word", "/TcpListeners/0/AclWhiteList/0", func(l *model.Listeners) { tl(l).AclWhiteList[0] = "any" }},
	{"acl hash", "/TcpListeners/0/AclWhiteList/0", func(l *model.Listeners) { tl(l).AclWhiteList[0] = "#" }},
	{"timeout newline", "/HttpListeners/0/ClientTimeout", func(l *model.Listeners) { h(l).ClientTimeout = "5s\n" }},
	{"timeout with unit", "/HttpListeners/0/ServerTimeout", func(l *model.Listeners) { h(l).ServerTimeout = "5 s" }},
	{"timeout unit newline", "/TcpListeners/0/ConnectTimeoutUnit", func(l *model.Listeners) { tl(l).ConnectTimeoutUnit = "s\n    bind :1" }},
	{"timeout unit minutes", "/TcpListeners/0/ServerTimeoutUnit", func(l *model.Listeners) { tl(l).ServerTimeoutUnit = "m" }},
	{"timeout unit empty", "/TcpListeners/0/ClientTimeoutUnit", func(l *model.Listeners) { tl(l).ClientTimeoutUnit = "" }},
	{"scheduler directive", "/HttpListeners/0/Scheduler", func(l *model.Listeners) { h(l).Scheduler = "roundrobin\n    bind :1" }},
	{"scheduler unknown", "/TcpListeners/0/Scheduler", func(l *model.Listeners) { tl(l).Scheduler = "first" }},
	{"sticky session", "/HttpListeners/0/StickySession", func(l *model.Listeners) { h(l).StickySession = "on\n" }},
	{"source ip", "/TcpListeners/0/EnableSourceIp", func(l *model.Listeners) { tl(l).EnableSourceIp = "on #" }},
	{"repeater", "/TcpListeners/0/EnableRepeaterMode", func(l *model.Listeners) { tl(l).EnableRepeaterMode = "yes" }},
	{"listener port", "/HttpListeners/0/ListenerPort", func(l *model.Listeners) { h(l).ListenerPort = 0 }},
	{"listener maxconn", "/TcpListeners/0/MaxConn", func(l *model.Listeners) { tl(l).MaxConn = -1 }},
}

// TestInjection feeds values that would inject directives straight to the
// library (no CLI, no decoder) and checks that Compile refuses them, points
// at the field and renders nothing: once with validation, and once with the
// compiler's own checks alone (an empty Validated skips validation), which
// must refuse every one of them by themselves.
func TestInjection(t *testing.T) {
	for _, mode := range []struct {
		name      string
		validated []finding.Finding
		rule      string // every finding must have this rule, if set
	}{
		{"validate", nil, ""},
		{"defence only", []finding.Finding{}, compiler.RuleUnsafeValue},
	} {
		if _, err := compiler.Compile(validDoc(), compiler.Options{Validated: mode.validated}); err != nil {
			t.Fatalf("%s: the valid document is refused: %v", mode.name, err)
		}
		for _, in := range injections {
			t.Run(mode.name+"/"+in.name, func(t *testing.T) {
				l := validDoc()
				in.set(l)
				out, err := compiler.Compile(l, compiler.Options{Validated: mode.validated})
				if out != nil {
					t.Fatalf("rendered:\n%s", out)
				}
				var ie *compiler.InvalidError
				if !errors.As(err, &ie) {
					t.Fatalf("got %v (%T), want *InvalidError", err, err)
				}
				found := false
				for _, f := range ie.Findings {
					if f.Severity != finding.Error {
						t.Errorf("non-error finding in InvalidError: %v", f)
					}
					if mode.rule != "" && f.Rule != mode.rule {
						t.Errorf("finding with rule %s, want %s: %v", f.Rule, mode.rule, f)
					}
					if strings.ContainsAny(f.Message, "\n\r") {
						t.Errorf("message holds a raw line break: %q", f.Message)
					}
					found = found || f.Pointer == in.pointer
				}
				if !found {
					t.Errorf("no finding points at %s: %v", in.pointer, ie.Findings)
				}
			})
		}
	}
}

// FuzzCompileLayout sets one field of a valid document to any string and
// compiles it with the compiler's own checks only. If Compile accepts it, the output must have exactly the layout of the valid
// document: the same sections, the same number of lines, and no comment
// outside the prelude. So no value can add a directive or a section.
func FuzzCompileLayout(f *testing.F) {
	setters := []func(l *model.Listeners, v string){
		func(l *model.Listeners, v string) { h(l).ListenerName = v },
		func(l *model.Listeners, v string) { tl(l).ListenerName = v },
		func(l *model.Listeners, v string) { h(l).Option.Httpchk.Uri = v },
		func(l *model.Listeners, v string) { h(l).Option.Httpchk.Method = v },
		func(l *model.Listeners, v string) { h(l).BackendServer[0].IP = v },
		func(l *model.Listeners, v string) { tl(l).BackendServer[0].IP = v },
		func(l *model.Listeners, v string) { h(l).BackendServer[0].Weight = v },
		func(l *model.Listeners, v string) { h(l).CertificateIds[0].CertificateId = v },
		func(l *model.Listeners, v string) { h(l).SessionPersistence.Key = v },
		func(l *model.Listeners, v string) { h(l).AclWhiteList[0] = v },
		func(l *model.Listeners, v string) { tl(l).AclWhiteList[0] = v },
		func(l *model.Listeners, v string) { h(l).ClientTimeout = v },
		func(l *model.Listeners, v string) { h(l).ClientTimeoutUnit = v },
		func(l *model.Listeners, v string) { tl(l).ServerTimeout = v },
		func(l *model.Listeners, v string) { h(l).Scheduler = v },
	}
	// The on/off switches add or remove a line; they may only be on or off.
	switches := []func(l *model.Listeners, v string){
		func(l *model.Listeners, v string) { h(l).StickySession = v },
		func(l *model.Listeners, v string) { tl(l).EnableSourceIp = v },
		func(l *model.Listeners, v string) { tl(l).EnableRepeaterMode = v },
	}
	baseline, err := compiler.Compile(validDoc(), compiler.Options{})
	if err != nil {
		f.Fatal(err)
	}
	shape := func(out []byte) (sections []string, lines int) {
		for _, s := range haproxycfg.Split(string(out)) {
			sections = append(sections, s.Kind)
		}
		return sections, strings.Count(string(out), "\n")
	}
	wantSections, wantLines := shape(baseline)
	seeds := []string{"web\n    bind :9999", "/ x", "1.2.3.4 #", "a b", "k\nx", "10.0.0.0/8\nuse_backend x",
		"5s\n", "GET\r\n", "on", "off", "2001:db8::1", "example.com", "ms", "s", "static-rr", "/ok", "HEAD", "web2"}
	for i, s := range seeds {
		for j := range len(setters) + len(switches) {
			if (i+j)%3 == 0 {
				f.Add(j, s)
			}
		}
	}
	f.Fuzz(func(t *testing.T, which int, v string) {
		which = ((which % (len(setters) + len(switches))) + len(setters) + len(switches)) % (len(setters) + len(switches))
		l := validDoc()
		if which >= len(setters) {
			switches[which-len(setters)](l, v)
			if _, err := compiler.Compile(l, compiler.Options{Validated: []finding.Finding{}}); err == nil && v != "on" && v != "off" && v != "" {
				t.Fatalf("switch %d accepted %q", which-len(setters), v)
			}
			return
		}
		setters[which](l, v)
		out, err := compiler.Compile(l, compiler.Options{Validated: []finding.Finding{}})
		if err != nil {
			return
		}
		sections, lines := shape(out)
		if strings.Join(sections, "|") != strings.Join(wantSections, "|") || lines != wantLines {
			t.Fatalf("value %q in field %d changed the layout:\n%s", v, which, out)
		}
		prelude := len(baseline) - len(baseline[strings.Index(string(baseline), "\nfrontend "):])
		if strings.ContainsAny(string(out[prelude:]), "#\r\t") {
			t.Fatalf("value %q in field %d put '#', CR or tab in a generated section:\n%s", v, which, out)
		}
	})
}
