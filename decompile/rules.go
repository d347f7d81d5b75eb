package decompile

import "github.com/lbconf/lbconf/finding"

// RuleLoss names the findings for what the listener model cannot hold (a
// Loss): warnings, or errors when the caller asks for strictness
// (`lbconf decompile --strict`).
const RuleLoss = "decompile-loss"

// catalogue lists decompile's rule for `lbconf rules`.
var catalogue = finding.Catalogue{
	{Name: RuleLoss, Severity: finding.Warning, Basis: finding.LikelyMistake,
		Summary: "a haproxy.cfg line, word or section the listener model cannot hold (global, defaults and listen status are the prelude, not losses); an error with --strict",
		Why:     "the config is valid, but the listener document made from it drops the line, so pushing that document would silently change the instance"},
}

// Rules returns the catalogue of decompile's rules (input "cfg").
func Rules() []finding.Rule {
	return catalogue.WithInput("cfg")
}
