package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/haproxycfg"
	"github.com/lbconf/lbconf/haproxycfg/check"
	"github.com/lbconf/lbconf/haproxycfg/lint"
	"github.com/lbconf/lbconf/internal/safetext"
)

// CheckFunc runs `haproxy -c` on a config for a target version, as
// check.Check does.
type CheckFunc func(ctx context.Context, file string, text []byte, target string) (*check.Result, error)

// LocalCheck is the default CheckFunc: check.Check with the binary
// it finds.
func LocalCheck(ctx context.Context, file string, text []byte, target string) (*check.Result, error) {
	return check.Check(ctx, file, text, check.Options{Target: target})
}

// PushOptions configure [Push].
type PushOptions struct {
	Common
	// File names the config in findings and in the diff.
	File string
	// Config is the haproxy.cfg to push.
	Config []byte
	// Check runs `haproxy -c`; nil means LocalCheck. SkipCheck skips it.
	Check     CheckFunc
	SkipCheck bool
	// ShowSecrets shows passwords (stats auth, userlist) in the diff;
	// by default they are masked.
	ShowSecrets bool
}

// Push sets the custom config of an instance to opts.Config, switching it
// to custom mode, through the steps of the package documentation. The
// Result says how far it got, also when the error is not nil. Errors
// wrapping [ErrRefused] mean nothing was sent because of the input or the
// operator; other errors say whether the instance may have changed and
// where the backup is.
func Push(ctx context.Context, api API, ui UI, opts PushOptions) (*Result, error) {
	opts.defaults()
	res := &Result{}
	uuid := opts.InstanceUuid
	if strings.TrimSpace(uuid) == "" {
		return res, errors.New("no instance UUID")
	}
	if strings.TrimSpace(string(opts.Config)) == "" {
		return res, fmt.Errorf("%s is empty; pushing it would leave instance %s without a config; nothing was sent", opts.File, uuid)
	}
	lb, err := readInstance(ctx, api, ui, uuid, res) // step 1
	if err != nil {
		return res, err
	}
	if err := lintConfig(ctx, ui, &opts, lb, res); err != nil { // step 2
		return res, err
	}
	current, raw, err := pullBoth(ctx, api, uuid) // step 3
	if err != nil {
		return res, err
	}
	if lb.CustomConf() && sameConfig(current, string(opts.Config)) {
		ui.Info(fmt.Sprintf("no changes: instance %s already runs %s", uuid, opts.File))
		return res, nil
	}
	res.Changed = true

	c := &change{opts: &opts.Common, ui: ui, client: api, instance: lb, verb: "push", what: opts.File,
		pullCmd: "lbconf pull --instance " + uuid}
	if err := c.backUp(res, current, raw, "backed up instance %[1]s: custom config to %[2]s, strategies to %[3]s"); err != nil { // step 4
		return res, err
	}
	showConfigChange(ui, &opts, c, current, res) // step 5
	sent := string(opts.Config)
	c.send = func(ctx context.Context) (cdsapi.TaskResult, error) {
		return api.ModifyHaproxyCustomConfig(ctx, uuid, sent)
	}
	c.applied = func(ctx context.Context, lb cdsapi.LoadBalancer) (bool, error) {
		if !lb.CustomConf() {
			return false, nil
		}
		got, err := api.DescribeHaproxyCustomConfig(ctx, uuid)
		return err == nil && sameConfig(got, sent), err
	}
	return res, c.confirmAndSend(ctx, res) // steps 6 to 9
}

// readInstance is step 1 of every change: the instance, for its HAProxy
// version (the lint target) and its mode.
func readInstance(ctx context.Context, api API, ui UI, uuid string, res *Result) (cdsapi.LoadBalancer, error) {
	lb, err := api.DescribeLoadBalancer(ctx, uuid)
	if err != nil {
		return lb, fmt.Errorf("reading instance %s: %w; nothing was sent", uuid, err)
	}
	res.Instance = lb
	res.Target = targetOf(ui, lb)
	return lb, nil
}

// lintConfig is step 2 of a push: lint, then haproxy -c; errors refuse.
func lintConfig(ctx context.Context, ui UI, opts *PushOptions, lb cdsapi.LoadBalancer, res *Result) error {
	fs, err := lint.Lint(opts.File, opts.Config, res.Target)
	if err != nil {
		return fmt.Errorf("linting %s: %w; nothing was sent", opts.File, err)
	}
	if !opts.SkipCheck {
		checkFn := opts.Check
		if checkFn == nil {
			checkFn = LocalCheck
		}
		more, err := runCheck(ctx, ui, checkFn, opts.File, opts.Config, res.Target)
		if err != nil {
			return err
		}
		fs = append(fs, more...)
	}
	fs = opts.adjust(fs)
	finding.Sort(fs)
	res.Findings = fs
	ui.Findings(fs)
	if finding.HasErrors(fs) {
		return fmt.Errorf("%w: %s has errors for HAProxy %s (instance %s runs %q); nothing was sent",
			ErrRefused, opts.File, res.Target, opts.InstanceUuid, lb.Version)
	}
	return nil
}

// backUp is step 4 of every change: both the custom config and the
// strategies, before anything is sent. said formats the message from the
// instance, the config's backup and the strategies' backup.
func (c *change) backUp(res *Result, config string, strategies json.RawMessage, said string) error {
	uuid := c.opts.InstanceUuid
	var err error
	if c.backup, err = writeBackup(c.opts.BackupDir, uuid, c.opts.Now(), config, strategies); err != nil {
		return fmt.Errorf("backing up instance %s: %w; nothing was sent", uuid, err)
	}
	res.Backup = c.backup
	c.ui.Info(fmt.Sprintf(said, uuid, c.backup.Config, c.backup.Strategies))
	return nil
}

// showConfigChange is step 5 of a push: the diff (passwords masked unless
// shown) and the switch to custom mode.
func showConfigChange(ui UI, opts *PushOptions, c *change, current string, res *Result) {
	uuid, lb := opts.InstanceUuid, c.instance
	from := fmt.Sprintf("instance %s (custom config", uuid)
	if !lb.CustomConf() {
		from += ", not active"
	}
	shownOld, shownNew := current, string(opts.Config)
	if !opts.ShowSecrets {
		shownOld, shownNew = haproxycfg.MaskSecrets(shownOld), haproxycfg.MaskSecrets(shownNew)
	}
	if d := UnifiedDiff(from+")", opts.File, shownOld, shownNew); d != "" {
		ui.Diff(d)
	} else if current != string(opts.Config) {
		ui.Info(fmt.Sprintf("%s differs from the custom config of instance %s only in a password (masked; --show-secrets shows it)", opts.File, uuid))
	} else {
		ui.Info(fmt.Sprintf("%s is the custom config instance %s keeps, but does not run", opts.File, uuid))
	}
	if !lb.CustomConf() {
		res.ModeSwitch = true
		ui.Info(fmt.Sprintf("instance %s runs basic strategies; pushing a custom config switches it to custom mode; its strategies were backed up to %s"+
			" (`lbconf push --instance %s %s` brings them back)", c.name(), c.backup.Strategies, uuid, c.backup.Strategies))
	}
}

// targetOf picks the lint target of an instance and says when its version
// is unknown.
func targetOf(ui UI, lb cdsapi.LoadBalancer) string {
	target, known := TargetFor(lb.Version)
	if !known {
		ui.Info(fmt.Sprintf("instance %s reports HAProxy version %q, which lbconf does not know; checking for %s",
			lb.InstanceUuid, lb.Version, target))
	}
	if lb.Status != "" && lb.Status != cdsapi.StatusRunning {
		ui.Info(fmt.Sprintf("instance %s is %s, not %s: the API refuses changes until its task ends",
			safetext.Network(lb.InstanceUuid), safetext.Network(lb.Status), cdsapi.StatusRunning))
	}
	return target
}

// runCheck runs haproxy -c and reports what it could not check. No binary
// is not an error: the check is skipped, and said so.
func runCheck(ctx context.Context, ui UI, checkFn CheckFunc, file string, text []byte, target string) ([]finding.Finding, error) {
	r, err := checkFn(ctx, file, text, target)
	switch {
	case errors.Is(err, check.ErrNoBinary):
		ui.Info(fmt.Sprintf("haproxy -c skipped: %v", err))
		return nil, nil
	case err != nil && ctx.Err() != nil:
		return nil, fmt.Errorf("interrupted while running haproxy -c: %w; nothing was sent", ctx.Err())
	case err != nil:
		return nil, fmt.Errorf("running haproxy -c on %s: %w; nothing was sent (--no-check skips haproxy -c)", file, err)
	}
	verdict := "accepts it"
	if !r.Valid() {
		verdict = "rejects it"
	}
	ui.Info(fmt.Sprintf("haproxy -c (%s, %s) %s", r.Binary, r.Version, verdict))
	if sum := r.PreludeSummary(); sum != "" {
		ui.Info(sum) // once, and never as findings
	}
	for _, n := range r.Notes {
		where := file
		if n.Line > 0 {
			where = fmt.Sprintf("%s:%d", file, n.Line)
		}
		ui.Info(fmt.Sprintf("%s: not checked by haproxy -c: %s", where, n.Text))
	}
	return r.Findings, nil
}

// pullBoth reads an instance's custom config and strategies.
func pullBoth(ctx context.Context, api API, uuid string) (string, []byte, error) {
	config, err := api.DescribeHaproxyCustomConfig(ctx, uuid)
	if err != nil {
		return "", nil, fmt.Errorf("reading the custom config of instance %s for the backup: %w; nothing was sent", uuid, err)
	}
	raw, err := api.DescribeLoadBalancerStrategysRaw(ctx, uuid)
	if err != nil {
		return "", nil, fmt.Errorf("reading the strategies of instance %s for the backup: %w; nothing was sent", uuid, err)
	}
	return config, raw, nil
}
