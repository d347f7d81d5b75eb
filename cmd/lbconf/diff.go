package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/diff"
	"github.com/lbconf/lbconf/model"
)

func diffCommand() *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "compare two listener documents or haproxy.cfg files by meaning",
		ArgsUsage: "A B (JSON or YAML listener documents or haproxy.cfg files, in any mix; one may be - for standard input)",
		Description: "Reports listeners added (+), removed (-) and renamed, and every field changed (~) with its old and new " +
			"value: servers by IP:Port, whitelist entries, certificates, cookie and health check fields. Equal meaning " +
			"is equal (\"30\" s and \"30000\" ms). A haproxy.cfg is decompiled; the lines the listener model cannot " +
			"hold, and between two cfgs the prelude (global, defaults, listen status), are compared as text. " +
			"Exit status: 0 same, 1 different, 2 usage or I/O errors.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: text or json"},
			colorFlag(),
			&cli.StringFlag{Name: "bind-address", Value: compiler.DefaultBindAddress,
				Usage: "the address the cfg inputs' listeners bind"},
			&cli.StringFlag{Name: "cert-dir", Value: compiler.DefaultCertDir,
				Usage: "the directory of the cfg inputs' <CertificateId>.pem files"},
			&cli.BoolFlag{Name: "show-secrets", Usage: "show passwords (stats auth, userlist) in the lines quoted instead of masking them"},
		},
		Action: diffAction,
	}
}

func diffAction(c *cli.Context) error {
	if c.NArg() != 2 {
		return usageErr("diff takes exactly two paths, A and B (options go before them)")
	}
	format := c.String("format")
	if format != "text" && format != "json" {
		return usageErr("--format %q: want text or json", format)
	}
	if m := c.String("color"); !contains(colorModes, m) {
		return usageErr("--color %q is not supported: use %s", m, strings.Join(colorModes, ", "))
	}
	a, b := c.Args().Get(0), c.Args().Get(1)
	if a == "-" && b == "-" {
		return usageErr("A and B cannot both be standard input (-)")
	}
	opts, err := decompileOptions(c)
	if err != nil {
		return err
	}
	var docs [2]*diff.Document
	for i, path := range []string{a, b} {
		data, err := model.ReadInput(path, c.App.Reader)
		if err != nil {
			return &exitErr{code: exitError, err: err}
		}
		if docs[i], err = diff.Load(path, data, opts); err != nil {
			return &exitErr{code: exitError, err: err}
		}
	}
	r := diff.Compare(docs[0], docs[1])
	r.ShowSecrets = c.Bool("show-secrets")
	if format == "json" {
		err = r.WriteJSON(c.App.Writer)
	} else {
		var text strings.Builder
		if err = r.WriteText(&text); err == nil {
			out := text.String()
			if useColor(c, c.App.Writer) {
				out = colorDiff(out)
			}
			_, err = io.WriteString(c.App.Writer, out)
		}
	}
	if err != nil {
		return &exitErr{code: exitError, err: fmt.Errorf("writing standard output: %w", err)}
	}
	if !r.Same {
		return findingsExit()
	}
	return nil
}
