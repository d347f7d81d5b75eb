package estate_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/config"
	"github.com/lbconf/lbconf/estate"
)

func TestManifestChecks(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		// want are "LINE:COL RULE" of the findings, in order.
		want []string
		// msg is a substring of the first message.
		msg string
	}{
		{"clean", `target: "2.6"
instances:
  - uuid: u1
    name: web
    endpoint: asia
    custom: a.cfg
  - uuid: u2
    strategies: b.json
`, nil, ""},
		{"no instances key", "target: \"2.6\"\n", nil, ""},
		{"unknown key", "instances:\n  - uuid: u1\n    custom: a.cfg\n    regoin: asia\n", []string{"4:5 manifest-key"}, `unknown key "regoin"`},
		{"missing file", "instances:\n  - uuid: u1\n    custom: nope.cfg\n", []string{"3:13 manifest-file"}, "nope.cfg (of instance u1) does not exist"},
		{"file twice", "instances:\n  - uuid: u1\n    custom: a.cfg\n  - uuid: u2\n    custom: ./a.cfg\n", []string{"5:13 manifest-duplicate-file"}, "a.cfg is the desired state of instance u1 already (line 3)"},
		{"uuid twice", "instances:\n  - uuid: u1\n    custom: a.cfg\n  - uuid: u1\n    strategies: b.json\n", []string{"4:5 manifest-duplicate-uuid"}, "listed twice (first at line 2)"},
		{"both modes", "instances:\n  - uuid: u1\n    custom: a.cfg\n    strategies: b.json\n", []string{"4:17 manifest"}, "both custom and strategies"},
		{"no mode", "instances:\n  - uuid: u1\n", []string{"2:5 manifest"}, "neither custom"},
		{"no uuid", "instances:\n  - custom: a.cfg\n", []string{"2:5 manifest"}, "no uuid"},
		{"wrong extension", "instances:\n  - uuid: u1\n    strategies: a.cfg\n", []string{"3:17 manifest-extension"}, "must name a .json, .yaml or .yml file"},
		{"not a list", "instances:\n  uuid: u1\n", []string{"2:3 manifest"}, "must be a list"},
		{"entry not a mapping", "instances:\n  - u1\n", []string{"2:5 manifest"}, "must be a mapping"},
		{"value not a string", "instances:\n  - uuid: [u1]\n    custom: a.cfg\n", []string{"2:11 manifest"}, "uuid must be a non-empty string"},
		{"not yaml", "instances: [\n", []string{"1:0 config"}, "line 1: did not find expected node content"},
		// The rest of the file is checked by package config, as every
		// command reads it.
		{"unknown config key", "rules:\n  disable: [x]\ninstances: []\n", []string{"1:1 config"}, `unknown key "rules": use target, disable`},
		{"unknown rule", "disable: [listener-nmae]\ninstances:\n  - uuid: u1\n    custom: nope.cfg\n",
			[]string{"1:11 config", "4:13 manifest-file"}, `unknown rule "listener-nmae"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range []string{"a.cfg", "b.json"} {
				if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(dir, config.FileName)
			if err := os.WriteFile(path, []byte(tc.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			fs := estate.LintConfig(path, []byte(tc.yaml), func(r string) bool { return r != "listener-nmae" })
			var got []string
			for _, f := range fs {
				got = append(got, strings.Join([]string{strconv.Itoa(f.Line) + ":" + strconv.Itoa(f.Col), f.Rule}, " "))
				if f.File != path {
					t.Errorf("finding in %q, want %q", f.File, path)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("findings %v, want %v: %v", got, tc.want, fs)
			}
			if tc.msg != "" && (len(fs) == 0 || !strings.Contains(fs[0].Message, tc.msg)) {
				t.Errorf("message %v, want it to contain %q", fs, tc.msg)
			}
		})
	}
}

// The manifest is read from the configuration package config finds
// upwards; its paths are relative to the configuration file.
func TestManifestOfTheConfigFoundUpwards(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, config.FileName), []byte("target: \"2.6\"\ninstances:\n  - uuid: u1\n    custom: lb/x.cfg\n"), 0o600)
	path, err := config.Find(sub)
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	m := estate.ManifestOf(c)
	if len(m.Instances) != 1 || m.Path != path || m.Instances[0].Line != 3 {
		t.Fatalf("%+v", m)
	}
	if got, _ := filepath.Abs(m.FilePath(m.Instances[0])); got != filepath.Join(root, "lb", "x.cfg") {
		t.Errorf("file %s, want it relative to the configuration file", got)
	}
	if m := estate.ManifestOf(&config.Config{Dir: "."}); m.Path != "" || len(m.Instances) != 0 {
		t.Errorf("no configuration file: %+v", m)
	}
}
