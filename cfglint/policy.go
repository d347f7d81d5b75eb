package cfglint

import "github.com/lbconf/lbconf/finding"

// policy records, for every rule of the catalogue, its basis under the
// severity policy (SPEC section 2) and why; Rules merges it into the
// catalogue entries.
var policy = map[string]struct {
	basis finding.Basis
	why   string
}{
	RuleUnknownDirective: {finding.HAProxyRefuses, "haproxy refuses a keyword it does not know in that section"},
	RuleUnknownOption:    {finding.HAProxyRefuses, "haproxy refuses a bind or server option it does not know"},
	RuleArguments:        {finding.HAProxyRefuses, "haproxy refuses extra arguments to these directives, which the parser would drop silently"},
	RuleMissingBackend:   {finding.HAProxyRefuses, "haproxy refuses a default_backend or use_backend naming no backend"},
	RuleDuplicateProxy:   {finding.HAProxyRefuses, "haproxy refuses two proxies with one name where their roles overlap"},
	RuleDuplicateBind:    {finding.Misbehaves, "both proxies bind the port and the kernel spreads connections between two different configurations"},
	RuleReservedPort:     {finding.APIRefuses, "the platform's own services hold these ports; the platform refuses configs that bind them"},
	RuleTarget:           {finding.HAProxyRefuses, "the target's haproxy refuses the directive, so the instance could not reload"},
	RuleDeprecated:       {finding.LikelyMistake, "the target still accepts it, but the next versions refuse it"},
	RuleTimeouts:         {finding.LikelyMistake, "haproxy warns and runs without the timeout; idle connections then pile up"},
	RuleStatsPort:        {finding.LikelyMistake, "the status page binds 127.0.0.1:1081; another proxy there works but shadows it"},
	RuleRepeated:         {finding.LikelyMistake, "haproxy keeps only the last line; the earlier one, which a reviewer may read, does nothing"},
	RuleIgnored:          {finding.LikelyMistake, "haproxy ignores it (with a warning); it does not do what it says"},
	RulePublicPassword:   {finding.LikelyMistake, "it works, but anyone who read the public documentation can log in to the status page"},
}
