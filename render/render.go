// Package render lays out haproxy.cfg text from prepared data, through the
// text/template files in templates/ (embedded in the binary).
//
// The templates hold no logic beyond range and if over prepared fields: every
// name, bind line, cookie option and server line is built (and checked) in Go
// by the compiler package, which fills a Config. Render only writes it out,
// in the layout of the product's documented custom config. The same Config
// always gives the same bytes.
package render

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io"
	"reflect"
	"sync"
	"text/template"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// rootTemplate is the template that renders a whole Config.
const rootTemplate = "haproxy.cfg.tmpl"

// templates parses the embedded templates once.
var templates = sync.OnceValues(func() (*template.Template, error) {
	t, err := template.New(rootTemplate).Option("missingkey=error").ParseFS(templateFS, "templates/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("render: parse templates: %w", err)
	}
	return t, nil
})

// rootProgram is the root template compiled for Config (see program), or
// nil (and the reason) when the templates use what a program cannot run:
// Bytes then executes the templates themselves.
var rootProgram = sync.OnceValues(func() (*program, error) {
	t, err := templates()
	if err != nil {
		return nil, err
	}
	return compileProgram(t, rootTemplate, reflect.TypeOf(&Config{}))
})

// Config is everything one haproxy.cfg is made of.
type Config struct {
	// Default, when non-nil, selects the documented prelude (global,
	// defaults and listen status).
	Default *Prelude
	// Prelude is written verbatim before the proxies when Default is nil:
	// the kept sections of a base config. It should end with a blank line.
	Prelude string
	// HTTP holds the HTTP listeners, in order.
	HTTP []HTTPListener
	// TCP holds the TCP listeners, in order; they follow the HTTP ones.
	TCP []TCPListener
}

// Prelude selects the variable lines of the documented prelude.
type Prelude struct {
	// StatsAuth, when non-empty, writes "stats auth StatsAuth" in listen
	// status ("user:password").
	StatsAuth string
}

// ACL is the source whitelist of a listener.
type ACL struct {
	// Name is the ACL name, NAME_whitelist.
	Name string
	// Sources holds one entry per acl line: space-separated addresses and
	// networks.
	Sources []string
}

// HTTPListener is a frontend NAME / backend NAME-abk pair.
type HTTPListener struct {
	// Name is the frontend name; Backend the backend's (NAME-abk).
	Name, Backend string
	// Bind is everything after "bind ": address, port and options.
	Bind string
	// ACL is the whitelist, or nil.
	ACL *ACL
	// KeepAlive writes "http-response add-header Connection keep-alive".
	KeepAlive bool
	// Proto is "http" or "https", for the forwarded-proto headers.
	Proto string
	// ClientTimeout, ConnectTimeout and ServerTimeout carry their unit
	// ("30s", "12333ms").
	ClientTimeout, ConnectTimeout, ServerTimeout string
	// MaxConn is the frontend's maxconn.
	MaxConn int
	// Balance is the backend's balance algorithm.
	Balance string
	// Cookie is everything after "cookie ", or "" for no cookie line.
	Cookie string
	// Httpchk is everything after "option httpchk ", or "" for none.
	Httpchk string
	// Servers holds everything after "server ", one per server.
	Servers []string
}

// TCPListener is one listen section.
type TCPListener struct {
	// Name is the section name.
	Name string
	// Bind is everything after "bind ".
	Bind string
	// Balance is the balance algorithm.
	Balance string
	// MaxConn is the section's maxconn.
	MaxConn int
	// ClientTimeout, ConnectTimeout and ServerTimeout carry their unit.
	ClientTimeout, ConnectTimeout, ServerTimeout string
	// ACL is the whitelist, or nil.
	ACL *ACL
	// Servers holds everything after "server ", one per server.
	Servers []string
}

// Render writes c as haproxy.cfg text to w, as it goes (it holds no copy
// of the whole text). It refuses (before writing anything) a Config whose
// generated fields hold a character that could end a line or start a
// comment: fields are meant to be prepared and checked by the caller, and
// this is the last line of defence. An error writing to w is returned.
func Render(w io.Writer, c *Config) error {
	if c == nil {
		return fmt.Errorf("render: nil config")
	}
	if err := c.check(); err != nil {
		return err
	}
	t, err := templates()
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if p, perr := rootProgram(); perr == nil {
		err = p.run(bw, reflect.ValueOf(c))
	} else {
		err = t.ExecuteTemplate(bw, rootTemplate, c)
	}
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	return bw.Flush()
}

// Bytes renders c and returns the text. See Render.
func Bytes(c *Config) ([]byte, error) {
	size := 4096
	if c != nil {
		size += 1024 * (len(c.HTTP) + len(c.TCP)) // about 1 KB per listener: allocate once
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	if err := Render(buf, c); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// check verifies that every generated field is one line of printable ASCII
// without '#'. The verbatim Prelude is the caller's business. Fields are
// checked where they are, and a field's name is built only for the error.
func (c *Config) check() error {
	var ck fieldCheck
	if c.Default != nil {
		ck.field("", 0, "stats auth", c.Default.StatsAuth)
	}
	for i, l := range c.HTTP {
		ck.field("HTTP", i, "name", l.Name)
		ck.field("HTTP", i, "backend", l.Backend)
		ck.field("HTTP", i, "bind", l.Bind)
		ck.field("HTTP", i, "proto", l.Proto)
		ck.field("HTTP", i, "client timeout", l.ClientTimeout)
		ck.field("HTTP", i, "connect timeout", l.ConnectTimeout)
		ck.field("HTTP", i, "server timeout", l.ServerTimeout)
		ck.field("HTTP", i, "balance", l.Balance)
		ck.field("HTTP", i, "cookie", l.Cookie)
		ck.field("HTTP", i, "httpchk", l.Httpchk)
		ck.acl("HTTP", i, l.ACL)
		for _, s := range l.Servers {
			ck.field("HTTP", i, "server", s)
		}
	}
	for i, l := range c.TCP {
		ck.field("TCP", i, "name", l.Name)
		ck.field("TCP", i, "bind", l.Bind)
		ck.field("TCP", i, "balance", l.Balance)
		ck.field("TCP", i, "client timeout", l.ClientTimeout)
		ck.field("TCP", i, "connect timeout", l.ConnectTimeout)
		ck.field("TCP", i, "server timeout", l.ServerTimeout)
		ck.acl("TCP", i, l.ACL)
		for _, s := range l.Servers {
			ck.field("TCP", i, "server", s)
		}
	}
	return ck.err
}

// fieldCheck keeps the first unsafe field's error.
type fieldCheck struct{ err error }

// field checks value, what of listener index of kind ("HTTP", "TCP"; ""
// for a field of no listener).
func (ck *fieldCheck) field(kind string, index int, what, value string) {
	if ck.err != nil {
		return
	}
	for i := 0; i < len(value); i++ {
		if c := value[i]; c < 0x20 || c > 0x7e || c == '#' {
			name := what
			if kind != "" {
				name = fmt.Sprintf("%s listener %d %s", kind, index, what)
			}
			ck.err = fmt.Errorf("render: %s holds byte %#02x at offset %d: only printable ASCII without '#' can be written", name, c, i)
			return
		}
	}
}

func (ck *fieldCheck) acl(kind string, index int, a *ACL) {
	if a == nil {
		return
	}
	ck.field(kind, index, "acl name", a.Name)
	for _, s := range a.Sources {
		ck.field(kind, index, "acl sources", s)
	}
}
