package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/config"
	"github.com/lbconf/lbconf/decompile"
	"github.com/lbconf/lbconf/docs"
	"github.com/lbconf/lbconf/estate"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg/check"
	"github.com/lbconf/lbconf/haproxycfg/lint"
	"github.com/lbconf/lbconf/suppress"
	"github.com/lbconf/lbconf/validate"
)

// allRules is the whole catalogue: listener-document rules, the compiler's
// own, cfg rules, decompile's losses, and push's haproxy -c check.
func allRules() []finding.Rule {
	rules := append(validate.Rules(), compiler.Rules()...)
	rules = append(rules, lint.Rules()...)
	rules = append(rules, decompile.Rules()...)
	rules = append(rules, check.Rules()...)
	rules = append(rules, config.Rules...)
	rules = append(rules, estate.Rules...)
	rules = append(rules, suppress.Rules()...)
	return append(rules, finding.Rules()...)
}

func rulesCommand() *cli.Command {
	return &cli.Command{
		Name:      "rules",
		Usage:     "list every rule, or print the documentation of one",
		ArgsUsage: "[RULE]",
		Description: "Without RULE, lists every rule with its severity, input and what it checks. With RULE, prints its " +
			"section of docs/rules.md: meaning, why it is an error or a warning, and a failing and a fixed example.\n\n" +
			"Examples:\n  lbconf rules\n  lbconf rules listener-name\n  lbconf rules --format json",
		Flags: []cli.Flag{&cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"}},
		Action: func(c *cli.Context) error {
			rules := allRules()
			format := c.String("format")
			if format != "text" && format != "json" {
				return usageErr("--format %q is not supported: use text or json", format)
			}
			if c.NArg() > 1 {
				return usageErr("rules takes at most one RULE")
			}
			if c.NArg() == 1 {
				return printRule(c.App.Writer, rules, c.Args().First(), format)
			}
			if format == "json" {
				enc := json.NewEncoder(c.App.Writer)
				enc.SetIndent("", "  ")
				return enc.Encode(rules)
			}
			tw := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "RULE\tSEVERITY\tINPUT\tWHAT IT CHECKS")
			for _, r := range rules {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, r.Severity, r.Input, r.Summary)
			}
			return tw.Flush()
		},
	}
}

// printRule prints one rule: its docs/rules.md section, or as JSON its
// catalogue entry.
func printRule(w io.Writer, rules []finding.Rule, name, format string) error {
	var rule *finding.Rule
	var names []string
	for i := range rules {
		names = append(names, rules[i].Name)
		if rules[i].Name == name {
			rule = &rules[i]
		}
	}
	if rule == nil {
		msg := fmt.Sprintf("no rule %q (lbconf rules lists them)", name)
		if s := closestName(names, name); s != "" {
			msg = fmt.Sprintf("no rule %q; did you mean %q? (lbconf rules lists them)", name, s)
		}
		return usageErr("%s", msg)
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rule)
	}
	page := docs.RuleSection(name)
	if page == "" {
		// A rule newer than the embedded page: the catalogue still knows it.
		page = fmt.Sprintf("## %s\n\n%s\n\n- Severity: %s.\n", name, rule.Summary, severityMeaning(rule.Severity))
	}
	_, err := io.WriteString(w, page+"\nOnline: "+ruleHelpURI(name)+"\n")
	return err
}

// explainFlag is --explain of the commands that report findings.
func explainFlag() *cli.BoolFlag {
	return &cli.BoolFlag{Name: "explain", Usage: "end text output with where each rule that fired is explained (docs/rules.md)"}
}

// writeExplain ends text output with a "see docs/rules.md#RULE" line per
// rule that fired.
func writeExplain(w io.Writer, fs []finding.Finding) error {
	seen := map[string]bool{}
	var rules []string
	for _, f := range fs {
		if !seen[f.Rule] {
			seen[f.Rule] = true
			rules = append(rules, f.Rule)
		}
	}
	sort.Strings(rules)
	var b strings.Builder
	for _, r := range rules {
		fmt.Fprintf(&b, "see docs/rules.md#%s (lbconf rules %s)\n", r, r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
