package lint

import "github.com/lbconf/lbconf/finding"

// policy records, for every rule of the catalogue, its basis under the
// severity policy (README.md, "Severity policy") and why; Rules merges it into the
// catalogue entries.
var policy = map[string]struct {
	basis finding.Basis
	why   string
}{
	RuleSyntax:           {finding.HAProxyRefuses, "haproxy stops on a line it cannot tokenise (an unmatched quote, an unclosed ${, over 64 words; from 2.3 a NUL or a missing final newline)"},
	RuleConditional:      {finding.HAProxyRefuses, "haproxy before 2.4 refuses .if blocks, every version refuses a malformed or unclosed one, and an active .alert stops it"},
	RuleDiagnostic:       {finding.LikelyMistake, "an active .warning is the config's author warning whoever loads it; haproxy still starts"},
	RuleWrongSection:     {finding.HAProxyRefuses, "haproxy refuses a keyword in a section that cannot hold it (measured on 2.2, 2.6 and 3.0 where it only warns: see cfg-ignored-directive)"},
	RuleProxyAddress:     {finding.HAProxyRefuses, "haproxy 2.x refuses an address on a frontend or listen line; bind lines carry addresses"},
	RuleBindAddress:      {finding.HAProxyRefuses, "haproxy refuses a bind address it cannot parse, or an address family the target does not have"},
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
