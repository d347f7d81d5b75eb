// Package config reads lbconf's configuration file, .lbconf.yaml: the
// HAProxy target, rules to disable, rule severity overrides, paths lint
// ignores, and the estate manifest (instances), which this package keeps
// raw for the estate commands to parse.
//
// The file is found upwards from the working directory (like .git, or
// hadolint's and actionlint's configuration), or named with --config:
//
//	target: "2.6"            # HAProxy version of lint and compile (default 2.4)
//	disable:                 # rules that never report
//	  - stats-port
//	override:                # rule severities, as hadolint's override
//	  error: [acl-host-bits]
//	  warning: [server-hostname]
//	ignore-paths:            # globs, relative to this file; ** crosses directories
//	  - testdata/**
//	instances: ...           # the estate manifest
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/lbconf/lbconf/finding"
)

// FileName is the name of the configuration file.
const FileName = ".lbconf.yaml"

// Config is a parsed configuration file.
type Config struct {
	// File is the path the configuration was read from ("" for none).
	File string
	// Dir is the directory ignore paths are relative to.
	Dir string
	// Target is the HAProxy version of lint and compile ("" for the
	// commands' default).
	Target string
	// Disable lists rules that never report.
	Disable []string
	// Override sets the severity of rules.
	Override map[string]finding.Severity
	// IgnorePaths are slash-separated globs relative to Dir; "**" matches
	// any number of directories.
	IgnorePaths []string
	// Instances is the estate manifest, unparsed (a zero Node when absent).
	Instances yaml.Node

	// lines gives the line of each rule name, for error messages.
	lines map[string]int
}

// file is the YAML shape of the file.
type file struct {
	Target      string    `yaml:"target"`
	Disable     []string  `yaml:"disable"`
	Override    override  `yaml:"override"`
	IgnorePaths []string  `yaml:"ignore-paths"`
	Instances   yaml.Node `yaml:"instances"`
}

type override struct {
	Error   []string `yaml:"error"`
	Warning []string `yaml:"warning"`
}

// Find looks for FileName in dir and its parents and returns its path, or
// "" when there is none.
func Find(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, FileName)
		fi, err := os.Stat(p)
		switch {
		case err == nil && !fi.IsDir():
			return p, nil
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return "", fmt.Errorf("looking for %s: %w", FileName, err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// Load reads and parses the configuration file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the configuration: %w", err)
	}
	return Parse(path, data)
}

// Parse parses a configuration file's text. Unknown keys, wrong types and
// unknown severities are errors with the file's line.
func Parse(path string, data []byte) (*Config, error) {
	c := &Config{File: path, Dir: filepath.Dir(path), Override: map[string]finding.Severity{}, lines: map[string]int{}}
	if len(bytes.TrimSpace(data)) == 0 {
		return c, nil
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(root.Content) == 0 {
		return c, nil // only comments
	}
	if err := checkKeys(path, &root); err != nil {
		return nil, err
	}
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.Target, c.Disable, c.IgnorePaths, c.Instances = f.Target, f.Disable, f.IgnorePaths, f.Instances
	for _, r := range f.Override.Error {
		c.Override[r] = finding.Error
	}
	for _, r := range f.Override.Warning {
		if _, dup := c.Override[r]; dup {
			return nil, fmt.Errorf("%s: override: rule %s is both error and warning", path, r)
		}
		c.Override[r] = finding.Warning
	}
	for _, p := range c.IgnorePaths {
		if _, err := matchGlob(p, ""); err != nil {
			return nil, fmt.Errorf("%s: ignore-paths: %q: %w", path, p, err)
		}
	}
	recordLines(&root, c.lines)
	return c, nil
}

// checkKeys reports an unknown top-level or override key with its line and
// the keys that are allowed.
func checkKeys(path string, root *yaml.Node) error {
	if len(root.Content) == 0 {
		return nil
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return fmt.Errorf("%s:%d: the configuration must be a mapping of target, disable, override, ignore-paths and instances", path, doc.Line)
	}
	allowed := map[string][]string{"": {"target", "disable", "override", "ignore-paths", "instances"}, "override": {"error", "warning"}}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k := doc.Content[i]
		if !contains(allowed[""], k.Value) {
			return fmt.Errorf("%s:%d: unknown key %q: use %s", path, k.Line, k.Value, strings.Join(allowed[""], ", "))
		}
		if v := doc.Content[i+1]; k.Value == "override" && v.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(v.Content); j += 2 {
				if kk := v.Content[j]; !contains(allowed["override"], kk.Value) {
					return fmt.Errorf("%s:%d: override: unknown severity %q: use error or warning", path, kk.Line, kk.Value)
				}
			}
		}
	}
	return nil
}

// recordLines remembers the line of every scalar outside instances.
func recordLines(root *yaml.Node, lines map[string]int) {
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode {
			if _, ok := lines[n.Value]; !ok {
				lines[n.Value] = n.Line
			}
		}
		for _, ch := range n.Content {
			walk(ch)
		}
	}
	if len(root.Content) == 0 {
		return
	}
	doc := root.Content[0]
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value != "instances" {
			walk(doc.Content[i+1])
		}
	}
}

// CheckRules reports rule names of disable and override that the
// catalogue does not hold.
func (c *Config) CheckRules(known func(rule string) bool) error {
	var bad []string
	check := func(r string) {
		if !known(r) {
			bad = append(bad, fmt.Sprintf("%s:%d: unknown rule %q (lbconf rules lists them)", c.File, c.lines[r], r))
		}
	}
	for _, r := range c.Disable {
		check(r)
	}
	for r := range c.Override {
		check(r)
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return errors.New(strings.Join(bad, "; "))
	}
	return nil
}

// Ignored reports whether path (as the user gave it, relative to the
// working directory or absolute) matches an ignore path.
func (c *Config) Ignored(path string) bool {
	if c == nil || len(c.IgnorePaths) == 0 {
		return false
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(dir, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return false
	}
	rel = filepath.ToSlash(rel)
	for _, p := range c.IgnorePaths {
		if ok, _ := matchGlob(p, rel); ok {
			return true
		}
	}
	return false
}

// Apply drops the findings of disabled rules (those of c.Disable and
// disable, unless in enable) and sets overridden severities.
func (c *Config) Apply(fs []finding.Finding, disable, enable []string) []finding.Finding {
	off := map[string]bool{}
	var override map[string]finding.Severity
	if c != nil {
		for _, r := range c.Disable {
			off[r] = true
		}
		override = c.Override
	}
	for _, r := range disable {
		off[r] = true
	}
	for _, r := range enable {
		delete(off, r)
	}
	out := fs[:0:0]
	for _, f := range fs {
		if off[f.Rule] {
			continue
		}
		if s, ok := override[f.Rule]; ok {
			f.Severity = s
		}
		out = append(out, f)
	}
	return out
}

// matchGlob matches a slash-separated path against a pattern where "**"
// is any number of directories and the other parts are path.Match
// patterns. A pattern naming a directory matches everything under it.
func matchGlob(pattern, name string) (bool, error) {
	pat := strings.Split(strings.Trim(pattern, "/"), "/")
	for _, p := range pat {
		if p == "**" {
			continue
		}
		if _, err := filepath.Match(p, ""); err != nil {
			return false, err
		}
	}
	return matchParts(pat, strings.Split(name, "/")), nil
}

func matchParts(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if matchParts(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := filepath.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return true // the rest of name is under a matched directory
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Template is the commented starting file `lbconf init` writes.
const Template = `# lbconf configuration (https://github.com/lbconf/lbconf#configuration).
# lbconf finds this file in the working directory or a parent; --config names another.

# HAProxy version of the instances: lint and compile check and write for it.
# 1.8, 2.4 (what the product sells, the default) or 2.6 and later.
target: "2.4"

# Rules that never report (lbconf rules lists them). --enable RULE turns one
# back on for a run; --disable RULE turns another off.
disable: []
#  - stats-port

# Rule severities: error fails lint, compile and push; warning only fails
# lint --strict.
override:
  error: []
  warning: []
#  error: [acl-host-bits]

# Paths lint skips when it walks a directory or expands a pattern: globs
# relative to this file, ** for any number of directories.
ignore-paths: []
#  - testdata/**

# One line or a section can be silenced in YAML and haproxy.cfg files:
#   MaxConn: 200000   # lbconf-disable-line maxconn-over-global
#   # lbconf-disable cfg-deprecated       (to the end of the section)
`
