package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/finding"
)

func TestParse(t *testing.T) {
	c, err := Parse("x/.lbconf.yaml", []byte(`target: "2.6"
disable: [stats-port]
override:
  error: [acl-host-bits]
  warning: [server-hostname]
ignore-paths: ["testdata/**", "*.bak.json"]
instances:
  - uuid: 1a2b
    custom: lb1.cfg
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Target != "2.6" || c.Dir != "x" || len(c.Disable) != 1 || c.Override["acl-host-bits"] != finding.Error ||
		c.Override["server-hostname"] != finding.Warning || len(c.IgnorePaths) != 2 {
		t.Errorf("%+v", c)
	}
	if c.Instances.Kind == 0 || c.Instances.Line != 8 {
		t.Errorf("instances not kept raw: %+v", c.Instances)
	}
	if err := c.CheckRules(func(r string) bool { return r != "server-hostname" }); err == nil ||
		err.Error() != `x/.lbconf.yaml:5: unknown rule "server-hostname" (lbconf rules lists them)` {
		t.Errorf("CheckRules: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{"targte: 2.4\n", `c.yaml:1: unknown key "targte": use target, disable, override, ignore-paths, instances`},
		{"override:\n  info: [x]\n", `c.yaml:2: override: unknown severity "info": use error or warning`},
		{"disable: stats-port\n", "cannot unmarshal"},
		{"- a\n", "must be a mapping"},
		{"override:\n  error: [a]\n  warning: [a]\n", "both error and warning"},
		{"ignore-paths: ['[']\n", "ignore-paths"},
		{"target: [\n", "c.yaml"},
	} {
		if _, err := Parse("c.yaml", []byte(tt.text)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.text, err, tt.want)
		}
	}
	if c, err := Parse("c.yaml", []byte("# only comments\n")); err != nil || c.Target != "" {
		t.Errorf("%v %v", c, err)
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if p, err := Find(deep); err != nil || p != "" {
		// A .lbconf.yaml above the temporary directory would be found;
		// none is expected on a test machine.
		t.Logf("found %q %v above the temporary directory", p, err)
	}
	want := filepath.Join(root, "a", FileName)
	if err := os.WriteFile(want, []byte("target: '2.6'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, err := Find(deep); err != nil || p != want {
		t.Errorf("Find: %q %v, want %q", p, err, want)
	}
}

func TestIgnoredAndApply(t *testing.T) {
	c := &Config{Dir: "repo", IgnorePaths: []string{"testdata/**", "*.bak.json", "vendor"}}
	for path, want := range map[string]bool{
		"repo/testdata/lint/x.json": true,
		"repo/testdata":             true,
		"repo/old.bak.json":         true,
		"repo/sub/old.bak.json":     false,
		"repo/vendor/a/b.cfg":       true,
		"repo/lb/web.json":          false,
		"other/testdata/x.json":     false,
	} {
		if got := c.Ignored(path); got != want {
			t.Errorf("Ignored(%s) = %v", path, got)
		}
	}
	c = &Config{Disable: []string{"a", "b"}, Override: map[string]finding.Severity{"c": finding.Error}}
	fs := []finding.Finding{{Rule: "a"}, {Rule: "b"}, {Rule: "c", Severity: finding.Warning}, {Rule: "d"}}
	got := c.Apply(fs, []string{"d"}, []string{"b"})
	if len(got) != 2 || got[0].Rule != "b" || got[1].Rule != "c" || got[1].Severity != finding.Error {
		t.Errorf("%+v", got)
	}
	var none *Config
	if len(none.Apply(fs, nil, nil)) != 4 || none.Ignored("x") {
		t.Error("a nil Config changes nothing")
	}
}

// TestTemplate: the file lbconf init writes parses.
func TestTemplate(t *testing.T) {
	c, err := Parse(FileName, []byte(Template))
	if err != nil || c.Target != "2.4" {
		t.Fatalf("%v %+v", err, c)
	}
}
