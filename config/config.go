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
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/lbconf/lbconf/finding"
)

// FileName is the name of the configuration file.
const FileName = ".lbconf.yaml"

// RuleConfig is the rule of the configuration file's own problems, as
// `lbconf lint .lbconf.yaml` reports them.
const RuleConfig = "config"

// Rules is the catalogue of the configuration file's checks.
var Rules = finding.Catalogue{
	{Name: RuleConfig, Severity: finding.Error, Input: "config", Basis: finding.Misbehaves,
		Why:     "every command that reads the configuration refuses to run with a broken one, and a misspelt key or rule name would otherwise silently configure nothing",
		Summary: "the configuration's keys are target, disable, override (error, warning), ignore-paths and instances, with values of their type, and every rule it names exists"},
}

// Error is a problem of the configuration file, at a line (0: unknown).
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Finding is the error as a finding of rule RuleConfig.
func (e *Error) Finding() finding.Finding {
	return finding.Finding{File: e.File, Line: e.Line, Col: e.Col, Severity: Rules.Severity(RuleConfig), Rule: RuleConfig, Message: e.Msg}
}

// yamlLineRE finds the line in the messages of gopkg.in/yaml.v3.
var yamlLineRE = regexp.MustCompile(`line (\d+): `)

// yamlError is a YAML parsing or decoding error as an [Error].
func yamlError(path string, err error) *Error {
	msg := err.Error()
	line := 0
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
	return &Error{File: path, Line: line, Msg: msg}
}

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

	// lines gives the line and column of each rule name, for error
	// messages.
	lines map[string][2]int
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
// unknown severities are errors with the file's line (an *[Error]).
func Parse(path string, data []byte) (*Config, error) {
	c := &Config{File: path, Dir: filepath.Dir(path), Override: map[string]finding.Severity{}, lines: map[string][2]int{}}
	if len(bytes.TrimSpace(data)) == 0 {
		return c, nil
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(path, err)
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
		return nil, yamlError(path, err)
	}
	c.Target, c.Disable, c.IgnorePaths, c.Instances = f.Target, f.Disable, f.IgnorePaths, f.Instances
	recordLines(&root, c.lines)
	for _, r := range f.Override.Error {
		c.Override[r] = finding.Error
	}
	for _, r := range f.Override.Warning {
		if _, dup := c.Override[r]; dup {
			return nil, &Error{File: path, Line: c.lines[r][0], Col: c.lines[r][1], Msg: fmt.Sprintf("override: rule %s is both error and warning", r)}
		}
		c.Override[r] = finding.Warning
	}
	for _, p := range c.IgnorePaths {
		if _, err := matchGlob(p, ""); err != nil {
			return nil, &Error{File: path, Line: c.lines[p][0], Col: c.lines[p][1], Msg: fmt.Sprintf("ignore-paths: %q: %v", p, err)}
		}
	}
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
		return &Error{File: path, Line: doc.Line, Col: doc.Column, Msg: "the configuration must be a mapping of target, disable, override, ignore-paths and instances"}
	}
	allowed := map[string][]string{"": {"target", "disable", "override", "ignore-paths", "instances"}, "override": {"error", "warning"}}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k := doc.Content[i]
		if !contains(allowed[""], k.Value) {
			return &Error{File: path, Line: k.Line, Col: k.Column, Msg: fmt.Sprintf("unknown key %q: use %s", k.Value, strings.Join(allowed[""], ", "))}
		}
		if v := doc.Content[i+1]; k.Value == "override" && v.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(v.Content); j += 2 {
				if kk := v.Content[j]; !contains(allowed["override"], kk.Value) {
					return &Error{File: path, Line: kk.Line, Col: kk.Column, Msg: fmt.Sprintf("override: unknown severity %q: use error or warning", kk.Value)}
				}
			}
		}
	}
	return nil
}

// recordLines remembers the line of every scalar outside instances.
func recordLines(root *yaml.Node, lines map[string][2]int) {
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode {
			if _, ok := lines[n.Value]; !ok {
				lines[n.Value] = [2]int{n.Line, n.Column}
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
	for _, e := range c.UnknownRules(known) {
		bad = append(bad, e.Error())
	}
	if len(bad) > 0 {
		return errors.New(strings.Join(bad, "; "))
	}
	return nil
}

// UnknownRules returns an error for each rule name of disable and override
// that the catalogue does not hold, by line.
func (c *Config) UnknownRules(known func(rule string) bool) []*Error {
	var bad []*Error
	check := func(r string) {
		if !known(r) {
			bad = append(bad, &Error{File: c.File, Line: c.lines[r][0], Col: c.lines[r][1], Msg: fmt.Sprintf("unknown rule %q (lbconf rules lists them)", r)})
		}
	}
	for _, r := range c.Disable {
		check(r)
	}
	for r := range c.Override {
		check(r)
	}
	sort.Slice(bad, func(i, j int) bool {
		if bad[i].Line != bad[j].Line {
			return bad[i].Line < bad[j].Line
		}
		return bad[i].Msg < bad[j].Msg
	})
	return bad
}

// Lint checks the configuration file path (data is its content) as
// `lbconf lint` does: the error of parsing it, or its unknown rule names,
// as findings of rule RuleConfig. It returns the configuration when it
// could be parsed, for the checks of its manifest.
func Lint(path string, data []byte, known func(rule string) bool) (*Config, []finding.Finding) {
	c, err := Parse(path, data)
	if err != nil {
		var ce *Error
		if !errors.As(err, &ce) {
			ce = &Error{File: path, Msg: err.Error()}
		}
		return nil, []finding.Finding{ce.Finding()}
	}
	var fs []finding.Finding
	for _, e := range c.UnknownRules(known) {
		fs = append(fs, e.Finding())
	}
	return c, fs
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

# Rules that never report in lint, plan and apply (lbconf rules lists them).
# --enable RULE turns one back on for a run; --disable RULE turns another off.
disable: []
#  - stats-port

# Rule severities in lint, plan and apply: an error fails them; a warning
# only fails lint --strict. (compile, push and strategies keep the rules' own.)
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
