package render

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"
	"text/template"
)

// randomConfig builds a Config that takes every branch of the templates
// sometimes: no prelude or the default one (with or without stats auth) or
// a verbatim one, listeners with and without ACLs, keep-alive, cookies,
// health checks and servers.
func randomConfig(r *rand.Rand) *Config {
	word := func() string {
		const chars = "abcdefghijklmnopqrstuvwxyz0123456789_.:-/ "
		b := make([]byte, 1+r.IntN(12))
		for i := range b {
			b[i] = chars[r.IntN(len(chars))]
		}
		return string(b)
	}
	maybe := func(s string) string {
		if r.IntN(2) == 0 {
			return ""
		}
		return s
	}
	list := func() []string {
		var out []string
		for range r.IntN(4) {
			out = append(out, word())
		}
		return out
	}
	acl := func() *ACL {
		if r.IntN(3) == 0 {
			return nil
		}
		return &ACL{Name: word(), Sources: list()}
	}
	c := &Config{}
	switch r.IntN(3) {
	case 0:
		c.Default = &Prelude{StatsAuth: maybe("u:p")}
	case 1:
		c.Prelude = "global\n    maxconn 10\n\n"
	}
	for range r.IntN(4) {
		c.HTTP = append(c.HTTP, HTTPListener{
			Name: word(), Backend: word(), Bind: word(), ACL: acl(), KeepAlive: r.IntN(2) == 0,
			Proto: word(), ClientTimeout: word(), ConnectTimeout: word(), ServerTimeout: word(),
			MaxConn: r.IntN(100000) - 10, Balance: word(), Cookie: maybe(word()), Httpchk: maybe(word()), Servers: list(),
		})
	}
	for range r.IntN(4) {
		c.TCP = append(c.TCP, TCPListener{
			Name: word(), Bind: word(), Balance: word(), MaxConn: r.IntN(100000),
			ClientTimeout: word(), ConnectTimeout: word(), ServerTimeout: word(), ACL: acl(), Servers: list(),
		})
	}
	return c
}

// TestProgramMatchesTemplate: the compiled program writes what
// text/template writes, byte for byte, and Bytes uses it.
func TestProgramMatchesTemplate(t *testing.T) {
	p, err := rootProgram()
	if err != nil {
		t.Fatalf("the templates do not compile to a program, so Bytes runs text/template: %v", err)
	}
	tmpl, err := templates()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		c := randomConfig(r)
		var want, got bytes.Buffer
		if err := tmpl.ExecuteTemplate(&want, rootTemplate, c); err != nil {
			t.Fatal(err)
		}
		bw := bufio.NewWriter(&got)
		if err := p.run(bw, reflect.ValueOf(c)); err != nil {
			t.Fatal(err)
		}
		bw.Flush()
		if got.String() != want.String() {
			t.Fatalf("config %d (%+v):\nprogram:\n%s\ntemplate:\n%s", i, c, got.String(), want.String())
		}
	}
}

// TestProgramRefuses: a template with a construct the program does not
// run is refused when the program is built (Bytes then runs the template).
func TestProgramRefuses(t *testing.T) {
	type data struct {
		Name  string
		Items []string
		Inner *struct{ X []int }
	}
	for _, text := range []string{
		`{{.Name | printf "%q"}}`,
		`{{printf "%s" .Name}}`,
		`{{range $i, $x := .Items}}{{$x}}{{end}}`,
		`{{$x := .Name}}{{$x}}`,
		`{{.Missing}}`,
		`{{.Items}}`,
		`{{range .Name}}{{end}}`,
		`{{template "other"}}`,
		`{{.Inner.X}}`,
	} {
		set := template.Must(template.New("t").Parse(text))
		template.Must(set.New("other").Parse("x"))
		if _, err := compileProgram(set, "t", reflect.TypeOf(data{})); err == nil {
			t.Errorf("%s: compiled", text)
		}
	}
	set := template.Must(template.New("t").Parse(`{{if .Name}}{{.Name}}{{else}}-{{end}}{{range .Items}}[{{.}}]{{else}}none{{end}}{{with .Inner}}{{$.Name}}{{end}}`))
	p, err := compileProgram(set, "t", reflect.TypeOf(data{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []data{{}, {Name: "n", Items: []string{"a", "b"}, Inner: &struct{ X []int }{}}} {
		var got, want bytes.Buffer
		bw := bufio.NewWriter(&got)
		if err := p.run(bw, reflect.ValueOf(d)); err != nil {
			t.Fatal(err)
		}
		bw.Flush()
		if err := set.Execute(&want, d); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%+v: program %q, template %q", d, got.String(), want.String())
		}
	}
}
