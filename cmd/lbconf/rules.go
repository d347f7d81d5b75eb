package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/lbconf/lbconf/cfglint"
	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/decompile"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycheck"
	"github.com/lbconf/lbconf/validate"
)

// allRules is the whole catalogue: listener-document rules, the compiler's
// own, cfg rules, decompile's losses, and push's haproxy -c check.
func allRules() []finding.Rule {
	rules := append(validate.Rules(), compiler.Rules()...)
	rules = append(rules, cfglint.Rules()...)
	rules = append(rules, decompile.Rules()...)
	return append(rules, haproxycheck.Rules()...)
}

func rulesCommand() *cli.Command {
	return &cli.Command{
		Name:  "rules",
		Usage: "list every rule with its severity and what it allows",
		Flags: []cli.Flag{&cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"}},
		Action: func(c *cli.Context) error {
			rules := allRules()
			switch c.String("format") {
			case "json":
				enc := json.NewEncoder(c.App.Writer)
				enc.SetIndent("", "  ")
				return enc.Encode(rules)
			case "text":
				tw := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "RULE\tSEVERITY\tINPUT\tWHAT IT CHECKS")
				for _, r := range rules {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, r.Severity, r.Input, r.Summary)
				}
				return tw.Flush()
			}
			return usageErr("--format %q is not supported: use text or json", c.String("format"))
		},
	}
}
