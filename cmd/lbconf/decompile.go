package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/decompile"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/internal/atomicfile"
	"github.com/lbconf/lbconf/internal/safetext"
	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/validate"
)

// ruleDecompileLoss names the findings decompile prints for what the
// listener model cannot hold (declared, with its catalogue entry, in
// package decompile).
const ruleDecompileLoss = decompile.RuleLoss

func decompileCommand() *cli.Command {
	return &cli.Command{
		Name:      "decompile",
		Usage:     "turn a haproxy.cfg back into a listener document (JSON)",
		ArgsUsage: "PATH.cfg (- reads standard input)",
		Description: "A frontend N with default_backend N-abk plus backend N-abk is an HTTP listener; a listen N in mode tcp " +
			"(not listen status) is a TCP listener. Writes the bare listeners document, indented JSON. " +
			"Everything the listener model cannot hold (an extra directive, option or section) is reported on standard " +
			"error as FILE:LINE:COL: warning decompile-loss: MESSAGE; global, defaults and listen status are the prelude " +
			"(compile --base keeps them) and are not losses. With --strict losses are errors and nothing is written. " +
			"Give --bind-address and --cert-dir as the config was compiled with. " +
			"Exit status: 0 written (losses are warnings), 1 losses with --strict, 2 usage or I/O errors.",
		Flags: append(outputFlags(),
			&cli.BoolFlag{Name: "strict", Usage: "treat every loss as an error: exit 1 and write nothing"},
			&cli.StringFlag{Name: "bind-address", Value: compiler.DefaultBindAddress,
				Usage: "the address the config's listeners bind (another address is a loss)"},
			&cli.StringFlag{Name: "cert-dir", Value: compiler.DefaultCertDir,
				Usage: "the directory of the config's <CertificateId>.pem files (another directory is a loss)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, TakesFile: true,
				Usage: "write the document to `FILE`, atomically (default: standard output)"},
		),
		Action: decompileAction,
	}
}

func decompileAction(c *cli.Context) error {
	if err := checkOutputFlags(c); err != nil {
		return err
	}
	if c.NArg() != 1 {
		return usageErr("decompile takes exactly one PATH (a haproxy.cfg, or - for standard input)")
	}
	path := c.Args().First()
	opts, err := decompileOptions(c)
	if err != nil {
		return err
	}
	data, err := model.ReadInput(path, c.App.Reader)
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	res, err := decompile.Explain(data, opts)
	if err != nil {
		return &exitErr{code: exitError, err: fmt.Errorf("%s: %w", path, err)}
	}
	l, losses := res.Listeners, res.Losses
	strict := c.Bool("strict")
	for _, n := range res.Notes {
		fmt.Fprintf(c.App.ErrWriter, "%s:%d: note: %s\n", safetext.Escape(path), n.Line, safetext.Escape(n.Text))
	}
	ruleFindings := decompiledFindings(path, res)
	printFindings(c, append(lossFindings(path, losses, strict), ruleFindings...))
	if strict && len(losses) > 0 {
		return findingsExit()
	}
	out := model.MarshalIndent(l)
	if dest := c.String("output"); dest != "" && dest != "-" {
		if err := atomicfile.Write(dest, out, 0o644); err != nil {
			return &exitErr{code: exitError, err: err}
		}
		return nil
	}
	if _, err := c.App.Writer.Write(out); err != nil {
		return &exitErr{code: exitError, err: fmt.Errorf("writing standard output: %w", err)}
	}
	if finding.HasErrors(ruleFindings) {
		return findingsExit() // the document was written, but lbconf would refuse it as it is
	}
	return nil
}

// decompiledFindings runs the listener rules on the decompiled listeners
// and places every finding at the config line its value came from.
func decompiledFindings(file string, res *decompile.Result) []finding.Finding {
	fs := validate.Listeners(res.Listeners)
	for i := range fs {
		f := &fs[i]
		f.File, f.Line, f.Col = file, res.Line(f.Pointer), 1
		if f.Line == 0 {
			f.Col = 0
		}
		f.Message += " (in the decompiled document at " + f.Pointer + ")"
		f.Pointer = ""
	}
	return fs
}

// decompileOptions checks --bind-address and --cert-dir (of decompile and
// diff), which say how a cfg input was compiled.
func decompileOptions(c *cli.Context) (decompile.Options, error) {
	if _, err := compiler.ParseBindAddress(c.String("bind-address")); err != nil {
		return decompile.Options{}, usageErr("--bind-address: %v", err)
	}
	certDir, err := compiler.ParseCertDir(c.String("cert-dir"))
	if err != nil {
		return decompile.Options{}, usageErr("--cert-dir: %v", err)
	}
	return decompile.Options{BindAddress: c.String("bind-address"), CertDir: certDir}, nil
}

// lossFindings turns losses into findings of file: warnings, or errors
// with strict.
func lossFindings(file string, losses []decompile.Loss, strict bool) []finding.Finding {
	sev := finding.Warning
	if strict {
		sev = finding.Error
	}
	out := make([]finding.Finding, len(losses))
	for i, l := range losses {
		out[i] = finding.Finding{File: file, Line: l.Line, Col: l.Col, Severity: sev, Rule: ruleDecompileLoss, Message: l.Message()}
	}
	return out
}
