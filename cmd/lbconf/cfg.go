package main

import (
	"github.com/lbconf/lbconf/cfglint"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxyver"
)

// lintConfig lints a haproxy.cfg file for the target HAProxy version.
func lintConfig(path string, data []byte, target string) ([]finding.Finding, error) {
	return cfglint.Lint(path, data, target)
}

// configRules is the catalogue of haproxy.cfg rules.
func configRules() []finding.Rule { return cfglint.Rules() }

// checkTarget validates a --target value.
func checkTarget(target string) error {
	_, err := haproxyver.ParseTarget(target)
	return err
}
