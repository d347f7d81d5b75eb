package deploy

import (
	"encoding/json"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/model"
)

// NormalConfig is a config as the flows compare it: line ends as \n and no
// trailing white space at the end. Two configs are the same for an
// instance when their NormalConfig are equal.
func NormalConfig(s string) string { return normalConfig(s) }

// DecodeStrategies decodes DescribeLoadBalancerStrategys' Data as the
// flows do: leniently, normalised, with findings for fields the model does
// not have.
func DecodeStrategies(instanceUuid string, raw json.RawMessage) (model.Listeners, []finding.Finding, error) {
	return decodeStrategies(instanceUuid, raw)
}
