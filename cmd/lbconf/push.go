package main

import (
	"github.com/urfave/cli/v2"

	"github.com/lbconf/lbconf/deploy"
	"github.com/lbconf/lbconf/haproxycfg/check"
	"github.com/lbconf/lbconf/model"
)

func pushCommand() *cli.Command {
	return &cli.Command{
		Name:      "push",
		Usage:     "set the custom (advanced) haproxy.cfg of an instance, switching it to custom mode",
		ArgsUsage: "PATH.cfg (- reads standard input, which then needs --yes)",
		Description: "Lints PATH for the instance's own HAProxy version (its Version: 1.8.x -> 1.8, 2.4.x -> 2.4, " +
			"2.6 and later as they are, anything else 2.4), runs `haproxy -c` when a local haproxy exists (" +
			check.BinaryEnv + ", PATH or /usr/sbin) and says what it could not check, backs up the instance's " +
			"custom config and strategies to timestamped 0600 files, shows the diff on standard output, does nothing " +
			"when nothing changes, asks unless --yes, stops at --dry-run, sends, and with --wait polls until the " +
			"instance is RUNNING with the config that was sent. Credentials come from CDS_SECRET_ID and CDS_SECRET_KEY. " +
			"Exit status: 0 pushed (or nothing to do, or a dry run), 1 refused (lint or haproxy -c errors, not " +
			"confirmed), 2 usage, I/O or API errors, or a --wait that timed out.",
		Flags: append(append(changeFlags(),
			&cli.BoolFlag{Name: "no-check", Usage: "do not run haproxy -c (the lint still runs)"},
			&cli.BoolFlag{Name: "show-secrets", Usage: "show passwords (stats auth, userlist) in the diff instead of masking them"},
		), apiFlags()...),
		Action: pushAction,
	}
}

func pushAction(c *cli.Context) error {
	if err := checkOutputFlags(c); err != nil {
		return err
	}
	if c.NArg() != 1 {
		return usageErr("push takes exactly one PATH (a haproxy.cfg, or - for standard input)")
	}
	uuid, err := requireInstance(c)
	if err != nil {
		return err
	}
	common, err := commonOptions(c, uuid)
	if err != nil {
		return err
	}
	path := c.Args().First()
	data, err := model.ReadInput(path, c.App.Reader)
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	client, err := apiClient(c)
	if err != nil {
		return err
	}
	ctx, stop := interruptible(c)
	defer stop()
	ui := newCLIUI(c, path == "-")
	_, err = deploy.Push(ctx, client, ui, deploy.PushOptions{
		Common:      common,
		File:        path,
		Config:      data,
		SkipCheck:   c.Bool("no-check"),
		ShowSecrets: c.Bool("show-secrets"),
	})
	return apiExit(err)
}
