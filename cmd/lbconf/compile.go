package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg"
	haproxyver "github.com/lbconf/lbconf/haproxycfg/version"
	"github.com/lbconf/lbconf/internal/atomicfile"
	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/validate"
)

// statsAuthEnv is the environment default of --stats-auth.
const statsAuthEnv = "LBCONF_STATS_AUTH"

func compileCommand() *cli.Command {
	return &cli.Command{
		Name:      "compile",
		Usage:     "compile a listener document (JSON or YAML) into haproxy.cfg",
		ArgsUsage: "PATH (a listener JSON/YAML document; - reads standard input)",
		Description: "Writes the documented layout: global, defaults and listen status (or those of --base), " +
			"then a frontend/backend pair per HTTP listener and a listen section per TCP listener, in input order. " +
			"Findings go to standard error as FILE:LINE:COL: SEVERITY RULE: MESSAGE (POINTER); " +
			"with errors nothing is written. " +
			"Exit status: 0 written (warnings allowed), 1 errors in the input, 2 usage or I/O errors.",
		Flags: append(outputFlags(),
			&cli.StringFlag{Name: "target", Value: haproxyver.DefaultTarget,
				Usage: "HAProxy version to write for: " + haproxyver.AllowedTargets + "; without it, the configuration's target if it has one"},
			&cli.StringFlag{Name: "base", Usage: "keep the global, defaults, other non-proxy sections and listen status " +
				"of this haproxy.cfg verbatim (e.g. a pulled config); its other proxies are replaced", TakesFile: true},
			// No EnvVars: urfave/cli would print the environment's value as
			// the flag's default in --help. The environment is read in
			// statsAuth instead.
			&cli.StringFlag{Name: "stats-auth", Usage: "user:password for the status page's stats auth line " +
				"(default $" + statsAuthEnv + "; without either there is no stats auth line)"},
			&cli.StringFlag{Name: "bind-address", Value: compiler.DefaultBindAddress,
				Usage: "IPv4 or IPv6 address every listener binds"},
			&cli.StringFlag{Name: "cert-dir", Value: compiler.DefaultCertDir,
				Usage: "absolute directory holding <CertificateId>.pem for HTTPS listeners"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, TakesFile: true,
				Usage: "write the config to `FILE`, atomically (default: standard output)"},
			configFileFlag(),
		),
		Action: compileAction,
	}
}

func compileAction(c *cli.Context) error {
	if err := checkOutputFlags(c); err != nil {
		return err
	}
	if c.NArg() != 1 {
		return usageErr("compile takes exactly one PATH (a listener JSON/YAML document, or - for standard input)")
	}
	path := c.Args().First()
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	target, err := configTarget(c, cfg)
	if err != nil {
		return err
	}
	auth, authFrom := statsAuth(c)
	if auth != "" {
		if err := compiler.CheckStatsAuth(auth); err != nil {
			return usageErr("%s: %v", authFrom, err)
		}
	}
	opts := compiler.Options{
		Target:      target,
		StatsAuth:   auth,
		BindAddress: c.String("bind-address"),
		CertDir:     c.String("cert-dir"),
	}
	if base := c.String("base"); base != "" {
		if path == "-" && base == "-" {
			return usageErr("PATH and --base cannot both be standard input (-)")
		}
		data, err := model.ReadInput(base, c.App.Reader)
		if err != nil {
			return &exitErr{code: exitError, err: fmt.Errorf("--base: %w", err)}
		}
		opts.Base, opts.BaseName = data, base
	}

	// Errors are about the input itself (missing, unreadable, empty,
	// binary); problems inside it are the document's findings.
	doc, err := model.DecodeFile(path, c.App.Reader)
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	// Validate the document itself, so that findings carry file positions;
	// Compile uses these instead of validating again.
	opts.Validated = append([]finding.Finding{}, validate.Document(doc)...)
	var warnings []finding.Finding
	opts.Warnings = func(f finding.Finding) { warnings = append(warnings, locate(doc, f)) }

	// The config is written as it is rendered (compiler.CompileTo runs
	// every check first): standard output, or a temporary file renamed
	// over --output. A file that will hold a password (a stats auth, or a
	// --base with one) is created 0600, never wider, before anything is
	// written to it.
	dest := c.String("output")
	if dest == "" || dest == "-" {
		err = compiler.CompileTo(c.App.Writer, &doc.Listeners, opts)
	} else {
		private := auth != "" || (opts.Base != nil && haproxycfg.HoldsSecret(string(opts.Base)))
		err = atomicfile.WriteStream(dest, 0o644, private, func(w io.Writer) error {
			return compiler.CompileTo(w, &doc.Listeners, opts)
		})
	}
	var invalid *compiler.InvalidError
	var optErr *compiler.OptionError
	switch {
	case errors.As(err, &invalid):
		all := warnings
		for _, f := range invalid.Findings {
			all = append(all, locate(doc, f))
		}
		printFindings(c, all)
		return findingsExit()
	case errors.As(err, &optErr):
		if optErr.Option == "stats-auth" {
			return usageErr("%s: %v", authFrom, optErr.Err)
		}
		return usageErr("--%s: %v", optErr.Option, optErr.Err)
	case err != nil:
		return &exitErr{code: exitError, err: err}
	}
	printFindings(c, warnings)
	return nil
}

// statsAuth returns --stats-auth, else $LBCONF_STATS_AUTH, and where it came
// from (for messages, which never show the value).
func statsAuth(c *cli.Context) (value, from string) {
	if c.IsSet("stats-auth") {
		return c.String("stats-auth"), "--stats-auth"
	}
	return os.Getenv(statsAuthEnv), statsAuthEnv
}

// locate gives a finding from the compiler, which knows only listener
// pointers, the document's file, pointer prefix and position.
func locate(doc *model.Document, f finding.Finding) finding.Finding {
	if f.File != "" {
		return f
	}
	f.File = doc.File
	f.Pointer = doc.Base + f.Pointer
	pos := doc.Position(f.Pointer)
	f.Line, f.Col = pos.Line, pos.Col
	return f
}

// printFindings reports a command's findings on standard error in its
// --format; a failure to write there has nowhere to be reported.
func printFindings(c *cli.Context, fs []finding.Finding) {
	_ = reportFindings(c, c.App.ErrWriter, fs)
}
