// Package estate manages many load balancer instances from one repository:
// the manifest (the `instances` key of .lbconf.yaml) says which file holds
// the desired state of which instance; [Import] snapshots instances into
// files and the manifest; [MakePlan] compares every instance with its file;
// [Apply] sends the changes through the push and apply flows of package
// deploy.
package estate

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/lbconf/lbconf/config"
	"github.com/lbconf/lbconf/finding"
)

// ManifestKey is the top-level key of the configuration file that holds
// the manifest. The other keys belong to the rest of the configuration.
const ManifestKey = "instances"

// Mode is how an instance is configured.
type Mode string

// Modes.
const (
	// ModeCustom: an advanced haproxy.cfg (IsCustomConf 1).
	ModeCustom Mode = "custom"
	// ModeBasic: basic strategies, listener JSON or YAML (IsCustomConf 0).
	ModeBasic Mode = "basic"
)

// Entry keys of the manifest.
const (
	keyUUID       = "uuid"
	keyName       = "name"
	keyEndpoint   = "endpoint"
	keyCustom     = "custom"
	keyStrategies = "strategies"
)

// entryKeys are the keys an entry may have, in the order import writes
// them.
var entryKeys = []string{keyUUID, keyName, keyEndpoint, keyCustom, keyStrategies}

// Entry is one instance of the manifest.
type Entry struct {
	// UUID is the InstanceUuid.
	UUID string
	// Name, if set, is the InstanceName the instance must have: a guard
	// against a mistyped UUID.
	Name string
	// Endpoint, if set, is the API endpoint of the instance: a region name
	// (mainland, asia, us) or a URL, as cdsapi.ResolveEndpoint takes it.
	Endpoint string
	// File is the desired state, as written in the manifest (relative to
	// the configuration file's directory, or absolute).
	File string
	// Mode is ModeCustom for `custom: FILE.cfg`, ModeBasic for
	// `strategies: FILE.json|yaml`.
	Mode Mode
	// Line and Col are the position of the entry in the configuration
	// file; FileLine and FileCol that of its file.
	Line, Col         int
	FileLine, FileCol int
}

// Manifest is the list of instances of an estate.
type Manifest struct {
	// Path is the configuration file; "" when there is none.
	Path string
	// Instances in the order of the file.
	Instances []Entry
	// Findings are the problems found while reading the manifest; [Check]
	// adds those that need the file system.
	Findings []finding.Finding
}

// Dir is the directory the manifest's paths are relative to.
func (m *Manifest) Dir() string {
	if m.Path == "" {
		return "."
	}
	return filepath.Dir(m.Path)
}

// FilePath returns the path of an entry's file as the process can open it.
func (m *Manifest) FilePath(e Entry) string {
	if filepath.IsAbs(e.File) {
		return e.File
	}
	return filepath.Join(m.Dir(), filepath.FromSlash(e.File))
}

// Rules of the manifest.
const (
	RuleManifest          = "manifest"
	RuleManifestKey       = "manifest-key"
	RuleManifestFile      = "manifest-file"
	RuleManifestDupFile   = "manifest-duplicate-file"
	RuleManifestDupUUID   = "manifest-duplicate-uuid"
	RuleManifestExtension = "manifest-extension"
)

// Rules is the catalogue of the manifest's checks.
var Rules = finding.Catalogue{
	{Name: RuleManifest, Severity: finding.Error, Input: "manifest", Basis: finding.Misbehaves,
		Why:     "a malformed entry leaves plan and apply unable to say which file is which instance's desired state",
		Summary: "instances is a list of entries, each with a uuid and exactly one of custom: FILE.cfg or strategies: FILE.json|yaml, every value a string"},
	{Name: RuleManifestKey, Severity: finding.Error, Input: "manifest", Basis: finding.Misbehaves,
		Why:     "a misspelt key (say, `strategy:`) would silently leave an instance unmanaged",
		Summary: "an entry's keys are uuid, name, endpoint, custom and strategies"},
	{Name: RuleManifestExtension, Severity: finding.Error, Input: "manifest", Basis: finding.Misbehaves,
		Why:     "the extension decides whether a file is pushed as a custom config or applied as strategies; a wrong one sends the wrong kind",
		Summary: "custom names a .cfg or .conf file; strategies a .json, .yaml or .yml file"},
	{Name: RuleManifestFile, Severity: finding.Error, Input: "manifest", Basis: finding.Misbehaves,
		Why:     "plan and apply cannot compare or push a file that is not there",
		Summary: "the file of an entry exists and is a regular file"},
	{Name: RuleManifestDupFile, Severity: finding.Error, Input: "manifest", Basis: finding.Misbehaves,
		Why:     "one file as two instances' desired state is almost always a copy-paste slip that would overwrite one instance with the other's listeners",
		Summary: "no file is the desired state of two instances"},
	{Name: RuleManifestDupUUID, Severity: finding.Error, Input: "manifest", Basis: finding.Misbehaves,
		Why:     "two entries for one instance give two desired states; apply would push both, the last one winning",
		Summary: "no instance is listed twice"},
}

// ManifestOf returns the manifest of a configuration read by package
// config, which finds the file (upwards from the working directory, or
// --config) and keeps its instances raw. A configuration without a file
// gives an empty manifest whose Path is "".
func ManifestOf(c *config.Config) *Manifest {
	if c == nil || c.File == "" {
		return &Manifest{}
	}
	return ParseManifest(c.File, &c.Instances)
}

// instancesNode returns the value of the top-level instances key, or nil.
func instancesNode(doc *yaml.Node) *yaml.Node {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	top := doc.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value == ManifestKey {
			return top.Content[i+1]
		}
	}
	return nil
}

// ParseManifest reads the value of the instances key (nil or a zero Node
// when absent) of the configuration file path. Problems become findings;
// entries that are unusable (no uuid, no file) are left out.
func ParseManifest(path string, node *yaml.Node) *Manifest {
	m := &Manifest{Path: path}
	if node == nil || node.Kind == 0 || node.Kind == yaml.ScalarNode && node.Tag == "!!null" {
		return m
	}
	add := func(n *yaml.Node, rule, format string, args ...any) {
		m.Findings = append(m.Findings, finding.Finding{File: path, Line: n.Line, Col: n.Column,
			Severity: Rules.Severity(rule), Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	if node.Kind != yaml.SequenceNode {
		add(node, RuleManifest, "instances must be a list of entries (- uuid: ...), not %s", kindName(node))
		return m
	}
	for _, item := range node.Content {
		if item.Kind != yaml.MappingNode {
			add(item, RuleManifest, "an entry of instances must be a mapping with uuid and custom or strategies, not %s", kindName(item))
			continue
		}
		e := Entry{Line: item.Line, Col: item.Column}
		ok := true
		var fileNodes []*yaml.Node
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			if !isKnownKey(k.Value) {
				add(k, RuleManifestKey, "unknown key %q in an entry of instances: use %s", k.Value, strings.Join(entryKeys, ", "))
				continue
			}
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" || strings.TrimSpace(v.Value) == "" {
				add(v, RuleManifest, "%s must be a non-empty string, not %s", k.Value, kindName(v))
				ok = false
				continue
			}
			val := strings.TrimSpace(v.Value)
			switch k.Value {
			case keyUUID:
				e.UUID = val
			case keyName:
				e.Name = val
			case keyEndpoint:
				e.Endpoint = val
			case keyCustom, keyStrategies:
				fileNodes = append(fileNodes, v)
				e.File, e.FileLine, e.FileCol = val, v.Line, v.Column
				e.Mode = ModeCustom
				if k.Value == keyStrategies {
					e.Mode = ModeBasic
				}
			}
		}
		switch {
		case e.UUID == "" && ok:
			add(item, RuleManifest, "an entry of instances has no uuid")
			ok = false
		case len(fileNodes) == 0 && ok:
			add(item, RuleManifest, "instance %s has neither custom: FILE.cfg (custom mode) nor strategies: FILE.json|yaml (basic mode)", e.UUID)
			ok = false
		case len(fileNodes) > 1:
			add(fileNodes[1], RuleManifest, "instance %s has both custom and strategies: give exactly one, the mode it should run in", e.UUID)
			ok = false
		}
		if ok && !extensionFits(e.Mode, e.File) {
			want := ".cfg or .conf"
			if e.Mode == ModeBasic {
				want = ".json, .yaml or .yml"
			}
			add(fileNodes[0], RuleManifestExtension, "%s: %s of instance %s must name a %s file", e.File, keyOf(e.Mode), e.UUID, want)
		}
		if ok {
			m.Instances = append(m.Instances, e)
		}
	}
	return m
}

func keyOf(m Mode) string {
	if m == ModeBasic {
		return keyStrategies
	}
	return keyCustom
}

func isKnownKey(k string) bool {
	for _, known := range entryKeys {
		if k == known {
			return true
		}
	}
	return false
}

func extensionFits(m Mode, file string) bool {
	switch strings.ToLower(filepath.Ext(file)) {
	case ".cfg", ".conf":
		return m == ModeCustom
	case ".json", ".yaml", ".yml":
		return m == ModeBasic
	}
	return false
}

func kindName(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.AliasNode:
		return "an alias"
	case n.Tag == "!!null":
		return "empty"
	}
	return fmt.Sprintf("%q", n.Value)
}

// Check returns the manifest's findings: those of reading it, plus files
// that are missing, files claimed by two instances and instances listed
// twice. They are sorted.
func Check(m *Manifest) []finding.Finding {
	out := append([]finding.Finding(nil), m.Findings...)
	add := func(e Entry, line, col int, rule, format string, args ...any) {
		out = append(out, finding.Finding{File: m.Path, Line: line, Col: col,
			Severity: Rules.Severity(rule), Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	byUUID := map[string]Entry{}
	byFile := map[string]Entry{}
	for _, e := range m.Instances {
		if first, dup := byUUID[e.UUID]; dup {
			add(e, e.Line, e.Col, RuleManifestDupUUID, "instance %s is listed twice (first at line %d): one instance has one desired state", e.UUID, first.Line)
		} else {
			byUUID[e.UUID] = e
		}
		p := m.FilePath(e)
		key := filepath.Clean(p)
		if abs, err := filepath.Abs(p); err == nil {
			key = abs
		}
		if first, dup := byFile[key]; dup {
			add(e, e.FileLine, e.FileCol, RuleManifestDupFile, "%s is the desired state of instance %s already (line %d); give instance %s its own file",
				e.File, first.UUID, first.FileLine, e.UUID)
		} else {
			byFile[key] = e
		}
		switch fi, err := os.Stat(p); {
		case errors.Is(err, fs.ErrNotExist):
			add(e, e.FileLine, e.FileCol, RuleManifestFile, "%s (of instance %s) does not exist (paths are relative to %s; `lbconf import` writes it)",
				e.File, e.UUID, m.Dir())
		case err != nil:
			add(e, e.FileLine, e.FileCol, RuleManifestFile, "%s (of instance %s) cannot be read: %v", e.File, e.UUID, err)
		case !fi.Mode().IsRegular():
			add(e, e.FileLine, e.FileCol, RuleManifestFile, "%s (of instance %s) is not a regular file", e.File, e.UUID)
		}
	}
	finding.Sort(out)
	return out
}

// IsConfigFile reports whether path names a configuration file
// (config.FileName), which `lbconf lint` checks as one.
func IsConfigFile(path string) bool {
	return filepath.Base(path) == config.FileName
}

// LintConfig checks the configuration file path (data is its content):
// its keys, values and rule names (rule config, see config.Lint), then its
// manifest. known tells the rule names that exist.
func LintConfig(path string, data []byte, known func(rule string) bool) []finding.Finding {
	c, fs := config.Lint(path, data, known)
	if c != nil {
		fs = append(fs, Check(ManifestOf(c))...)
	}
	finding.Sort(fs)
	return fs
}

// entryNode builds the YAML of an entry.
func entryNode(e Entry) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	pair := func(k, v string) {
		if v == "" {
			return
		}
		n.Content = append(n.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v})
	}
	pair(keyUUID, e.UUID)
	pair(keyName, e.Name)
	pair(keyEndpoint, e.Endpoint)
	pair(keyOf(e.Mode), e.File)
	return n
}

// encodeYAML renders a document with two-space indents.
func encodeYAML(doc *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
