package deploy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/internal/safetext"
)

// change describes one change for the shared steps: asking, sending,
// explaining failures and waiting.
type change struct {
	opts     *Common
	ui       UI
	client   API
	instance cdsapi.LoadBalancer
	// what is "the config my.cfg" or "the strategies of rules.json".
	what string
	// verb is "push" or "apply" or "add", for the question and messages.
	verb string
	// pullCmd is the command that shows the instance's state.
	pullCmd string
	backup  Backup
	// send sends the change.
	send func(ctx context.Context) (cdsapi.TaskResult, error)
	// applied reports whether the instance reads back what was sent.
	applied func(ctx context.Context, lb cdsapi.LoadBalancer) (bool, error)
}

// name is how messages name the instance.
func (c *change) name() string {
	if c.instance.InstanceName != "" {
		return fmt.Sprintf("%s (%s)", c.instance.InstanceUuid, c.instance.InstanceName)
	}
	return c.instance.InstanceUuid
}

// backupNote is the part of messages that says where the backup is.
func (c *change) backupNote() string {
	return fmt.Sprintf("your backup is at %s and %s", c.backup.Config, c.backup.Strategies)
}

// confirmAndSend runs the steps after the diff: dry run, question, send,
// wait.
func (c *change) confirmAndSend(ctx context.Context, res *Result) error {
	if c.opts.DryRun {
		c.ui.Info("dry run: nothing was sent")
		return nil
	}
	if !c.opts.Yes {
		ok, err := c.ui.Confirm(ctx, fmt.Sprintf("%s %s to instance %s?", c.verb, c.what, c.name()))
		switch {
		case errors.Is(err, ErrNotInteractive):
			return fmt.Errorf("%w: %w: standard input is not a terminal, so lbconf cannot ask before it changes instance %s; pass --yes to %s without asking; nothing was sent; the only backup is the one taken before asking: %s and %s",
				ErrRefused, ErrNotConfirmed, c.instance.InstanceUuid, c.verb, c.backup.Config, c.backup.Strategies)
		case err != nil && ctx.Err() != nil:
			return fmt.Errorf("interrupted before sending: %w; nothing was sent", ctx.Err())
		case err != nil:
			return fmt.Errorf("asking for confirmation: %w; nothing was sent", err)
		case !ok:
			return fmt.Errorf("%w: %w; nothing was sent; the only backup is the one taken before asking: %s and %s", ErrRefused, ErrNotConfirmed, c.backup.Config, c.backup.Strategies)
		}
	}
	task, err := c.send(ctx)
	if err != nil {
		return c.sendError(ctx, err)
	}
	res.Sent, res.Task = true, task
	msg := "sent"
	if task.TaskId != "" {
		msg += "; task " + task.TaskId
	}
	if task.Message != "" {
		msg += "; the API says: " + task.Message
	}
	c.ui.Info(msg)
	if !c.opts.Wait {
		return nil
	}
	if err := c.wait(ctx); err != nil {
		return err
	}
	res.Applied = true
	return nil
}

// sendError explains a failed send: whether the change may have been
// applied, what to do, and where the backup is.
func (c *change) sendError(ctx context.Context, err error) error {
	var apiErr *cdsapi.APIError
	switch {
	case errors.Is(err, cdsapi.ErrOutcomeUnknown):
		return fmt.Errorf("%w\nthe request may have been applied; run `%s` to see; %s", err, c.pullCmd, c.backupNote())
	case ctx.Err() != nil:
		// Interrupted before the request could reach the API.
		return fmt.Errorf("interrupted: %w\nthe request was not sent; nothing was applied; %s", err, c.backupNote())
	case errors.As(err, &apiErr) && apiErr.Code == cdsapi.CodeResourceInUse:
		return fmt.Errorf("%w\nthe instance is busy with another task, so the change was not applied; try again when it is %s; %s",
			err, cdsapi.StatusRunning, c.backupNote())
	case errors.As(err, &apiErr) && apiErr.HTTPStatus >= 500:
		return fmt.Errorf("%w\nthe API failed; the change was most likely not applied, but run `%s` to make sure before sending it again; %s",
			err, c.pullCmd, c.backupNote())
	case errors.As(err, &apiErr):
		return fmt.Errorf("%w\nthe API refused the change; nothing was applied; %s", err, c.backupNote())
	}
	return fmt.Errorf("%w\nthe request did not reach the API; nothing was applied; %s", err, c.backupNote())
}

// wait polls until the instance is RUNNING and reads back what was sent.
func (c *change) wait(ctx context.Context) error {
	start := time.Now()
	deadline := start.Add(c.opts.WaitTimeout)
	uuid := c.instance.InstanceUuid
	status := "waiting"
	var lastErr error
	defer c.ui.EndProgress()
	// Polls end at the deadline too, so that a slow answer cannot outlast
	// the wait.
	pctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	for {
		lb, err := c.client.DescribeLoadBalancer(pctx, uuid)
		switch {
		case err == nil && lb.Status == cdsapi.StatusRunning:
			ok, aerr := c.applied(pctx, lb)
			if aerr == nil && ok {
				c.ui.EndProgress()
				c.ui.Info(fmt.Sprintf("instance %s is %s with what was sent (%s)", c.name(), cdsapi.StatusRunning, time.Since(start).Round(100*time.Millisecond)))
				return nil
			}
			status, lastErr = fmt.Sprintf("%s, but it does not read back what was sent yet", safetext.Network(lb.Status)), aerr
		case err == nil:
			status, lastErr = safetext.Network(lb.Status), nil
		default:
			lastErr = err
		}
		line := "instance " + uuid + ": " + status
		if lastErr != nil {
			line += " (last poll failed: " + shorten(lastErr.Error(), 120) + ")"
		}
		c.ui.Progress(line, time.Since(start))

		if ctx.Err() != nil {
			c.ui.EndProgress()
			return fmt.Errorf("stopped waiting (%w): the change was accepted but lbconf did not see it applied (last seen: %s); run `%s` to see; %s",
				ctx.Err(), status, c.pullCmd, c.backupNote())
		}
		wait := c.opts.PollInterval
		if left := time.Until(deadline); left <= 0 {
			c.ui.EndProgress()
			return fmt.Errorf("%w: instance %s did not read back what was sent within %s (last seen: %s); the change was accepted; run `%s` to see; %s",
				ErrWaitTimeout, uuid, c.opts.WaitTimeout, status, c.pullCmd, c.backupNote())
		} else if left < wait {
			wait = left
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
	}
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "..."
}
