package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// commandExamples are the examples at the end of each command's help,
// by command path. TestHelp checks that every command has some.
var commandExamples = map[string][]string{
	"lint": {
		"lbconf lint examples/listeners.json examples/listeners.yaml",
		"lbconf lint --format github lb/          # a directory: every listener document and .cfg in it",
		"lbconf lint --strict --target 2.6 pulled.cfg",
		"lbconf compile lb.json | lbconf lint --strict -",
	},
	"compile": {
		"lbconf compile examples/listeners.json -o haproxy.cfg",
		"lbconf compile --base pulled.cfg --target 2.6 lb.yaml -o new.cfg",
		"LBCONF_STATS_AUTH=admin:s3cret lbconf compile lb.json",
	},
	"decompile": {
		"lbconf decompile pulled.cfg -o listeners.json",
		"lbconf decompile --strict --format json pulled.cfg",
	},
	"diff": {
		"lbconf diff before.json after.json",
		"lbconf diff --format json listeners.json pulled.cfg",
	},
	"instances": {
		"lbconf instances",
		"lbconf instances --format json --endpoint asia",
	},
	"import": {
		"lbconf import lb/                               # every instance the credentials see",
		"lbconf import --tag prod --name-match '^shop-' lb/",
	},
	"plan": {
		"lbconf plan",
		"lbconf plan --format markdown --base origin/main >> \"$GITHUB_STEP_SUMMARY\"",
		"lbconf plan --out lbconf.plan",
	},
	"apply": {
		"lbconf apply lbconf.plan                        # the reviewed plan; refuses instances changed since",
		"lbconf apply --yes --keep-going --wait lbconf.plan",
	},
	"pull": {
		"lbconf pull --instance 1a2b3c4d-... -o current.cfg",
	},
	"push": {
		"lbconf push --instance 1a2b3c4d-... --dry-run new.cfg",
		"lbconf push --instance 1a2b3c4d-... --yes --wait new.cfg",
	},
	"strategies": {
		"lbconf strategies pull --instance 1a2b3c4d-... -o listeners.json",
		"lbconf strategies apply --instance 1a2b3c4d-... listeners.json",
	},
	"strategies pull": {
		"lbconf strategies pull --instance 1a2b3c4d-... -o listeners.json",
	},
	"strategies apply": {
		"lbconf strategies apply --instance 1a2b3c4d-... --dry-run listeners.json",
		"lbconf strategies apply --instance 1a2b3c4d-... --yes --wait listeners.yaml",
	},
	"strategies add": {
		"lbconf strategies add --instance 1a2b3c4d-... --dry-run more.json",
	},
}

// addExamples appends the examples of commandExamples to each command's
// description (those whose description has its own keep it).
func addExamples(cmds []*cli.Command, prefix string) {
	for _, cmd := range cmds {
		path := strings.TrimSpace(prefix + " " + cmd.Name)
		if ex := commandExamples[path]; len(ex) > 0 && !strings.Contains(cmd.Description, "Example") {
			var b strings.Builder
			b.WriteString(cmd.Description)
			if b.Len() > 0 {
				b.WriteString("\n\n")
			}
			b.WriteString("Examples:")
			for _, e := range ex {
				b.WriteString("\n  " + e)
			}
			cmd.Description = b.String()
		}
		addExamples(cmd.Subcommands, path)
	}
}
