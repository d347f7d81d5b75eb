package main

import (
	"fmt"

	"github.com/lbconf/lbconf/finding"
)

// lintConfig lints a haproxy.cfg file.
func lintConfig(path string, data []byte, target string) ([]finding.Finding, error) {
	_, _, _ = path, data, target
	return nil, fmt.Errorf("%s: linting haproxy.cfg files is not available yet", path)
}

// configRules is the catalogue of haproxy.cfg rules.
func configRules() []finding.Rule { return nil }

// checkTarget validates a --target value.
func checkTarget(target string) error {
	switch target {
	case "1.8", "2.4", "2.6":
		return nil
	}
	return fmt.Errorf("--target %q is not supported: use 1.8, 2.4 or 2.6", target)
}
