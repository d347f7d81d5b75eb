package main

import (
	"github.com/lbconf/lbconf/cfglint"
	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/finding"
)

// lintConfig lints a haproxy.cfg file for the target HAProxy version.
func lintConfig(path string, data []byte, target string) ([]finding.Finding, error) {
	return cfglint.Lint(path, data, target)
}

// configRules is the catalogue of haproxy.cfg rules.
func configRules() []finding.Rule { return cfglint.Rules() }

// checkTarget validates a --target value.
func checkTarget(target string) error {
	_, err := compiler.ParseTarget(target)
	return err
}
