package estate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/deploy"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg/lint"
	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/validate"
)

// Clients returns the API of an endpoint (an entry's Endpoint; "" is the
// default one). Implementations share one rate limit across endpoints.
type Clients func(endpoint string) (deploy.API, error)

// state is the state of one instance, live or desired, in its mode.
type state struct {
	mode Mode
	// config is the custom config (ModeCustom).
	config string
	// listeners are the normalised strategies (ModeBasic).
	listeners model.Listeners
}

// canonical is the state as fingerprinted: what the instance would run.
func (s *state) canonical() []byte {
	if s.mode == ModeCustom {
		return []byte(deploy.NormalConfig(s.config))
	}
	return model.MarshalIndent(&s.listeners)
}

// fingerprint is "sha256:" and the hex digest of the mode and the
// canonical state: equal fingerprints mean the instance runs the same
// thing.
func (s *state) fingerprint() string {
	h := sha256.New()
	fmt.Fprintf(h, "lbconf-estate-1\n%s\n", s.mode)
	h.Write(s.canonical())
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// live is what an instance has now.
type live struct {
	lb cdsapi.LoadBalancer
	state
}

// modeOf is the mode an instance runs in.
func modeOf(lb cdsapi.LoadBalancer) Mode {
	if lb.CustomConf() {
		return ModeCustom
	}
	return ModeBasic
}

// readLive reads an instance and what it runs: two requests.
func readLive(ctx context.Context, api deploy.API, uuid string) (*live, error) {
	lb, err := api.DescribeLoadBalancer(ctx, uuid)
	if err != nil {
		return nil, fmt.Errorf("reading instance %s: %w", uuid, err)
	}
	return readActive(ctx, api, lb)
}

// readActive reads what an instance described by lb runs: one request.
func readActive(ctx context.Context, api deploy.API, lb cdsapi.LoadBalancer) (*live, error) {
	l := &live{lb: lb, state: state{mode: modeOf(lb)}}
	uuid := lb.InstanceUuid
	if l.mode == ModeCustom {
		cfg, err := api.DescribeHaproxyCustomConfig(ctx, uuid)
		if err != nil {
			return nil, fmt.Errorf("reading the custom config of instance %s: %w", uuid, err)
		}
		l.config = cfg
		return l, nil
	}
	raw, err := api.DescribeLoadBalancerStrategysRaw(ctx, uuid)
	if err != nil {
		return nil, fmt.Errorf("reading the strategies of instance %s: %w", uuid, err)
	}
	ls, _, err := deploy.DecodeStrategies(uuid, raw)
	if err != nil {
		return nil, err
	}
	l.listeners = ls
	return l, nil
}

// desired is the state a file describes.
type desired struct {
	state
	// name is the file's path as the process opens it.
	name string
	data []byte
	// doc is the decoded listener document (ModeBasic).
	doc *model.Document
}

// parseDesired reads the content of a file of mode; name labels findings.
// Problems of the file itself (empty, binary, not a listener document)
// are errors.
func parseDesired(name string, mode Mode, data []byte) (*desired, error) {
	d := &desired{state: state{mode: mode}, name: name, data: data}
	if mode == ModeCustom {
		d.config = string(data)
		return d, nil
	}
	doc, err := model.Decode(name, data)
	if err != nil {
		return nil, err
	}
	d.doc = doc
	d.listeners = doc.Listeners.Clone()
	d.listeners.Normalize()
	return d, nil
}

// readDesired reads the file of an entry.
func readDesired(m *Manifest, e Entry) (*desired, error) {
	name := m.FilePath(e)
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading the desired state of instance %s: %w", e.UUID, err)
	}
	return parseDesired(name, e.Mode, data)
}

// lint checks the desired state for an instance's HAProxy version target.
func (d *desired) lint(target string) ([]finding.Finding, error) {
	if d.mode == ModeCustom {
		return lint.Lint(d.name, d.data, target)
	}
	return validate.Document(d.doc), nil
}
