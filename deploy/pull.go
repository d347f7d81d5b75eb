package deploy

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/model"
)

// Pulled is what a pull read.
type Pulled struct {
	// Instance is the instance as DescribeLoadBalancers showed it.
	Instance cdsapi.LoadBalancer
	// Config is the custom config (PullConfig).
	Config string
	// Listeners are the strategies (PullStrategies), normalised.
	Listeners model.Listeners
	// Findings are what decoding the API's strategies found odd (fields
	// the model does not have, numbers where strings are documented).
	Findings []finding.Finding
	// Inactive is true when what was pulled is not what the instance runs:
	// a custom config while it runs basic strategies, or the reverse.
	Inactive bool
}

// PullConfig reads an instance and its custom config. When the instance
// runs basic strategies the config is what DescribeHaproxyCustomConfig
// returns all the same, and Inactive is set.
func PullConfig(ctx context.Context, api API, instanceUuid string) (*Pulled, error) {
	lb, err := api.DescribeLoadBalancer(ctx, instanceUuid)
	if err != nil {
		return nil, fmt.Errorf("reading instance %s: %w", instanceUuid, err)
	}
	config, err := api.DescribeHaproxyCustomConfig(ctx, instanceUuid)
	if err != nil {
		return nil, fmt.Errorf("reading the custom config of instance %s: %w", instanceUuid, err)
	}
	return &Pulled{Instance: lb, Config: config, Inactive: !lb.CustomConf()}, nil
}

// PullStrategies reads an instance and its strategies. When the instance
// runs a custom config, Inactive is set.
func PullStrategies(ctx context.Context, api API, instanceUuid string) (*Pulled, error) {
	lb, err := api.DescribeLoadBalancer(ctx, instanceUuid)
	if err != nil {
		return nil, fmt.Errorf("reading instance %s: %w", instanceUuid, err)
	}
	raw, err := api.DescribeLoadBalancerStrategysRaw(ctx, instanceUuid)
	if err != nil {
		return nil, fmt.Errorf("reading the strategies of instance %s: %w", instanceUuid, err)
	}
	l, fs, err := decodeStrategies(instanceUuid, raw)
	if err != nil {
		return nil, err
	}
	return &Pulled{Instance: lb, Listeners: l, Findings: fs, Inactive: lb.CustomConf()}, nil
}

// decodeStrategies decodes DescribeLoadBalancerStrategys' Data as a
// listener document, leniently: numbers where strings are documented (and
// the reverse) are taken, and fields the model does not have are dropped
// and reported. The listeners are normalised.
func decodeStrategies(instanceUuid string, raw json.RawMessage) (model.Listeners, []finding.Finding, error) {
	name := "instance " + instanceUuid + " strategies"
	doc, err := model.Decode(name+".json", raw)
	if err != nil {
		return model.Listeners{}, nil, fmt.Errorf("reading the strategies of instance %s: %w", instanceUuid, err)
	}
	for _, f := range doc.Findings {
		if f.Rule == model.RuleSyntax || f.Rule == model.RuleType {
			return model.Listeners{}, nil, fmt.Errorf("reading the strategies of instance %s: the API's answer does not match the listener model: %s",
				instanceUuid, f.String())
		}
	}
	l := doc.Listeners
	l.Normalize()
	return l, doc.Findings, nil
}
