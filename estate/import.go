package estate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/config"
	"github.com/lbconf/lbconf/deploy"
	"github.com/lbconf/lbconf/internal/atomicfile"
	"github.com/lbconf/lbconf/model"
)

// ImportAPI is what [Import] needs of the API: listing instances and
// reading them. *cdsapi.Client implements it.
type ImportAPI interface {
	deploy.API
	DescribeLoadBalancers(ctx context.Context, req cdsapi.DescribeLoadBalancersRequest) ([]cdsapi.LoadBalancer, error)
}

var _ ImportAPI = (*cdsapi.Client)(nil)

// ImportOptions configure [Import].
type ImportOptions struct {
	// Tag keeps the instances with a tag of exactly that name (the API's
	// TagName filter, checked again on the answer).
	Tag string
	// NameMatch, if set, keeps the instances whose InstanceName it matches.
	NameMatch *regexp.Regexp
	// Endpoint is written into new entries when not "".
	Endpoint string
	// Concurrency is how many instances are read at once. Default
	// DefaultConcurrency.
	Concurrency int
}

// ImportResult says what an import did.
type ImportResult struct {
	// Config is the configuration file written or left alone.
	Config string
	// Instances is how many instances were selected.
	Instances int
	// Written are the files written (new or changed content), Unchanged
	// how many files already had the instance's state.
	Written   []string
	Unchanged int
	// Added are the UUIDs of new manifest entries, Switched those whose
	// entry changed mode (a new file, the old one left in place).
	Added    []string
	Switched []string
	// ManifestWritten is true when the configuration file was written.
	ManifestWritten bool
}

// Import snapshots every selected instance the API shows into dir, one
// file per instance in its current mode (NAME.cfg for a custom config,
// NAME.json for strategies), and adds the instances to the manifest of the
// configuration file configPath (created when missing). An instance the
// manifest already lists keeps its file. Files and the manifest are only
// written when their content changes, so a second run changes nothing
// when the instances did not change. Reading errors of any instance fail
// the import before anything is written.
func Import(ctx context.Context, api ImportAPI, configPath, dir string, opts ImportOptions) (*ImportResult, error) {
	res := &ImportResult{Config: configPath}
	list, err := api.DescribeLoadBalancers(ctx, cdsapi.DescribeLoadBalancersRequest{TagName: opts.Tag})
	if err != nil {
		return res, fmt.Errorf("listing the instances: %w", err)
	}
	var selected []cdsapi.LoadBalancer
	for _, lb := range list {
		if opts.Tag != "" && !lb.HasTag(opts.Tag) || opts.NameMatch != nil && !opts.NameMatch.MatchString(lb.InstanceName) {
			continue
		}
		selected = append(selected, lb)
	}
	res.Instances = len(selected)

	// The configuration is read by package config, as every command reads
	// it; the document is kept too, to be extended with its comments and
	// other keys.
	var doc yaml.Node
	m := &Manifest{Path: configPath}
	old, err := os.ReadFile(configPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		old = nil
	case err != nil:
		return res, fmt.Errorf("reading the configuration file: %w", err)
	default:
		c, err := config.Parse(configPath, old)
		if err != nil {
			return res, fmt.Errorf("fix the configuration file first: %w", err)
		}
		m = ManifestOf(c)
		if err := yaml.Unmarshal(old, &doc); err != nil {
			return res, fmt.Errorf("%s: %w", configPath, err)
		}
	}
	if m.Findings != nil {
		return res, fmt.Errorf("%s: fix the manifest first: %s", configPath, m.Findings[0].String())
	}
	existing := map[string]Entry{}
	claimed := map[string]bool{}
	for _, e := range m.Instances {
		existing[e.UUID] = e
		claimed[absPath(m.FilePath(e))] = true
	}

	// Name the files first, in a stable order, so that names do not depend
	// on which read ends first.
	type job struct {
		lb    cdsapi.LoadBalancer
		entry Entry
		path  string
		isNew bool
		live  *live
	}
	jobs := make([]*job, len(selected))
	for i, lb := range selected {
		j := &job{lb: lb}
		mode := modeOf(lb)
		if e, ok := existing[lb.InstanceUuid]; ok && e.Mode == mode {
			j.entry, j.path = e, m.FilePath(e)
		} else {
			j.path = freeName(dir, lb, mode, claimed)
			claimed[absPath(j.path)] = true
			rel, err := relTo(m.Dir(), j.path)
			if err != nil {
				return res, err
			}
			j.entry = Entry{UUID: lb.InstanceUuid, Name: lb.InstanceName, Endpoint: opts.Endpoint, File: rel, Mode: mode}
			j.isNew = true
			if old, ok := existing[lb.InstanceUuid]; ok {
				j.entry.Name, j.entry.Endpoint = old.Name, old.Endpoint
			}
		}
		jobs[i] = j
	}
	errs := make([]error, len(jobs))
	forEach(ctx, len(jobs), concurrency(opts.Concurrency), func(ctx context.Context, i int) {
		if ctx.Err() != nil {
			errs[i] = ctx.Err()
			return
		}
		jobs[i].live, errs[i] = readActive(ctx, api, jobs[i].lb)
	})
	if err := errors.Join(errs...); err != nil {
		return res, fmt.Errorf("nothing was written: %w", err)
	}

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, err
	}
	for _, j := range jobs {
		wrote, err := writeState(j.path, j.live)
		if err != nil {
			return res, err
		}
		if wrote {
			res.Written = append(res.Written, j.path)
		} else {
			res.Unchanged++
		}
	}

	// The manifest.
	var added []Entry
	for _, j := range jobs {
		if !j.isNew {
			continue
		}
		if _, ok := existing[j.entry.UUID]; ok {
			res.Switched = append(res.Switched, j.entry.UUID)
		} else {
			res.Added = append(res.Added, j.entry.UUID)
		}
		added = append(added, j.entry)
	}
	if len(added) == 0 && old != nil {
		return res, nil
	}
	out, err := updateManifest(&doc, added)
	if err != nil {
		return res, fmt.Errorf("updating %s: %w", configPath, err)
	}
	if bytes.Equal(out, old) {
		return res, nil
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(configPath); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := atomicfile.Write(configPath, out, mode); err != nil {
		return res, err
	}
	res.ManifestWritten = true
	return res, nil
}

// writeState writes an instance's state to path unless the file already
// holds the same (by the fingerprint's meaning: a config with other line
// ends, listeners in YAML or in another order of keys).
func writeState(path string, l *live) (bool, error) {
	if data, err := os.ReadFile(path); err == nil {
		if d, err := parseDesired(path, l.mode, data); err == nil && d.fingerprint() == l.fingerprint() {
			return false, nil
		}
	}
	var data []byte
	if l.mode == ModeCustom {
		data = []byte(l.config)
	} else {
		data = model.MarshalIndent(&l.listeners)
		if !bytes.HasSuffix(data, []byte("\n")) {
			data = append(data, '\n')
		}
	}
	// 0600: a custom config may hold the status page's password.
	if err := atomicfile.Write(path, data, 0o600); err != nil {
		return false, err
	}
	return true, nil
}

// updateManifest adds or replaces entries (by uuid) in the instances list
// of doc, creating the document or the key when missing, and renders it.
func updateManifest(doc *yaml.Node, entries []Entry) ([]byte, error) {
	if doc.Kind == 0 {
		*doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the configuration file is not a YAML mapping")
	}
	list := instancesNode(doc)
	if list == nil || list.Kind != yaml.SequenceNode {
		if list != nil && !(list.Kind == yaml.ScalarNode && list.Tag == "!!null") {
			return nil, errors.New("instances is not a list")
		}
		top := doc.Content[0]
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		if list != nil {
			*list = *seq
			seq = list
		} else {
			top.Content = append(top.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: ManifestKey}, seq)
		}
		list = seq
	}
	for _, e := range entries {
		n := entryNode(e)
		replaced := false
		for i, item := range list.Content {
			if item.Kind == yaml.MappingNode && mapValue(item, keyUUID) == e.UUID {
				list.Content[i], replaced = n, true
				break
			}
		}
		if !replaced {
			list.Content = append(list.Content, n)
		}
	}
	return encodeYAML(doc)
}

func mapValue(n *yaml.Node, key string) string {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return strings.TrimSpace(n.Content[i+1].Value)
		}
	}
	return ""
}

// freeName picks dir/NAME.ext for an instance: its name made safe for a
// file, else its UUID; with the UUID appended when that file is claimed.
func freeName(dir string, lb cdsapi.LoadBalancer, mode Mode, claimed map[string]bool) string {
	ext := ".json"
	if mode == ModeCustom {
		ext = ".cfg"
	}
	base := safeFileName(lb.InstanceName)
	if base == "" {
		base = safeFileName(lb.InstanceUuid)
	}
	for _, b := range []string{base, base + "-" + safeFileName(lb.InstanceUuid)} {
		p := filepath.Join(dir, b+ext)
		if !claimed[absPath(p)] {
			return p
		}
	}
	// Two instances with the same UUID cannot both be listed.
	return filepath.Join(dir, safeFileName(lb.InstanceUuid)+"-"+fmt.Sprint(len(claimed))+ext)
}

// safeFileName keeps letters, digits, '-', '_' and '.'; other runs become
// one '-'.
func safeFileName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.TrimSpace(s) {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		switch {
		case ok:
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-.")
	if len(out) > 80 {
		out = out[:80]
	}
	return out
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// relTo returns path relative to base with forward slashes, as the
// manifest writes it.
func relTo(base, path string) (string, error) {
	rel, err := filepath.Rel(absPath(base), absPath(path))
	if err != nil {
		return "", err
	}
	return filepath.ToSlash(rel), nil
}
