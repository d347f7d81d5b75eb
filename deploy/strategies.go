package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/lbconf/lbconf/cdsapi"
	lbdiff "github.com/lbconf/lbconf/diff"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/validate"
)

// StrategiesOptions configure [ApplyStrategies] and [AddStrategies].
type StrategiesOptions struct {
	Common
	// Doc is the decoded listener document (model.Decode or DecodeFile).
	Doc *model.Document
}

// DiffFunc describes the change from one set of listeners to another for
// the operator, such as a semantic diff; "" means no difference.
type DiffFunc func(fromLabel, toLabel string, from, to *model.Listeners) string

// JSONDiff is a DiffFunc: a unified diff of the two listener documents.
func JSONDiff(fromLabel, toLabel string, from, to *model.Listeners) string {
	return UnifiedDiff(fromLabel, toLabel, string(model.MarshalIndent(from)), string(model.MarshalIndent(to)))
}

// SemanticDiff is the default DiffFunc: package diff's comparison by
// meaning (listeners added, removed, renamed, and each field changed).
// When the two mean the same listeners but are written differently ("30" s
// and "30000" ms), it shows JSONDiff, since the instance's data changes
// all the same.
func SemanticDiff(fromLabel, toLabel string, from, to *model.Listeners) string {
	a, b := from.Clone(), to.Clone()
	r := lbdiff.Compare(&lbdiff.Document{Name: fromLabel, Format: lbdiff.FormatDocument, Listeners: &a},
		&lbdiff.Document{Name: toLabel, Format: lbdiff.FormatDocument, Listeners: &b})
	if r.Same {
		if d := JSONDiff(fromLabel, toLabel, from, to); d != "" {
			return "the same listeners by meaning, written differently:\n" + d
		}
		return ""
	}
	var sb strings.Builder
	if err := r.WriteText(&sb); err != nil {
		return JSONDiff(fromLabel, toLabel, from, to)
	}
	return sb.String()
}

// ApplyStrategies replaces all listeners of an instance with those of
// opts.Doc (ModifyLoadBalancerStrategys), switching it to basic mode,
// through the steps of the package documentation. diff describes the
// change; nil means SemanticDiff.
func ApplyStrategies(ctx context.Context, api API, ui UI, opts StrategiesOptions, diff DiffFunc) (*Result, error) {
	return strategies(ctx, api, ui, opts, diff, false)
}

// AddStrategies adds the listeners of opts.Doc to those of an instance
// (AddLoadBalancerStrategys), switching it to basic mode. Listeners whose
// name or port the instance already has are refused before anything is
// sent.
func AddStrategies(ctx context.Context, api API, ui UI, opts StrategiesOptions, diff DiffFunc) (*Result, error) {
	return strategies(ctx, api, ui, opts, diff, true)
}

func strategies(ctx context.Context, api API, ui UI, opts StrategiesOptions, diff DiffFunc, add bool) (*Result, error) {
	opts.defaults()
	if diff == nil {
		diff = SemanticDiff
	}
	res := &Result{}
	uuid := opts.InstanceUuid
	verb := "apply"
	if add {
		verb = "add"
	}
	if strings.TrimSpace(uuid) == "" {
		return res, errors.New("no instance UUID")
	}
	doc := opts.Doc
	if doc == nil {
		return res, errors.New("no listener document")
	}
	if doc.Shape == model.ShapeRequest && doc.InstanceUuid != "" && doc.InstanceUuid != uuid {
		return res, fmt.Errorf("%w: %s is a request body for instance %s, not %s; nothing was sent",
			ErrRefused, doc.File, doc.InstanceUuid, uuid)
	}
	lb, err := readInstance(ctx, api, ui, uuid, res) // step 1
	if err != nil {
		return res, err
	}
	fs := opts.adjust(validate.Document(doc)) // step 2
	res.Findings = fs
	ui.Findings(fs)
	if finding.HasErrors(fs) {
		return res, fmt.Errorf("%w: %s has errors; nothing was sent", ErrRefused, doc.File)
	}
	config, raw, err := pullBoth(ctx, api, uuid) // step 3
	if err != nil {
		return res, err
	}
	current, want, err := wantedStrategies(uuid, raw, doc, add)
	if err != nil {
		return res, err
	}
	if !lb.CustomConf() && sameListeners(&current, &want) {
		ui.Info(fmt.Sprintf("no changes: instance %s already has the strategies of %s", uuid, doc.File))
		return res, nil
	}
	res.Changed = true

	c := &change{opts: &opts.Common, ui: ui, client: api, instance: lb, verb: verb,
		what: "the strategies of " + doc.File, pullCmd: "lbconf strategies pull --instance " + uuid}
	if err := c.backUp(res, config, raw, "backed up instance %[1]s: strategies to %[3]s, custom config to %[2]s"); err != nil { // step 4
		return res, err
	}
	showStrategiesChange(ui, diff, c, doc.File, add, &current, &want, res) // step 5
	sent := doc.Listeners.Clone()
	c.send = func(ctx context.Context) (cdsapi.TaskResult, error) {
		if add {
			return api.AddLoadBalancerStrategys(ctx, uuid, sent)
		}
		return api.ModifyLoadBalancerStrategys(ctx, uuid, sent)
	}
	c.applied = func(ctx context.Context, lb cdsapi.LoadBalancer) (bool, error) {
		if lb.CustomConf() {
			return false, nil
		}
		raw, err := api.DescribeLoadBalancerStrategysRaw(ctx, uuid)
		if err != nil {
			return false, err
		}
		got, _, err := decodeStrategies(uuid, raw)
		if err != nil {
			return false, err
		}
		return sameListeners(&got, &want), nil
	}
	return res, c.confirmAndSend(ctx, res) // steps 6 to 9
}

// wantedStrategies is the rest of step 3 of applying or adding
// strategies: the instance's strategies now (from raw) and what it should
// have afterwards: the document's, or for add the two together, refused
// when the added names or ports are taken.
func wantedStrategies(uuid string, raw json.RawMessage, doc *model.Document, add bool) (current, want model.Listeners, err error) {
	current, _, err = decodeStrategies(uuid, raw)
	if err != nil {
		return current, want, fmt.Errorf("%w; nothing was sent", err)
	}
	want = doc.Listeners.Clone()
	if add {
		if err := addConflicts(&current, &want, doc.File, uuid); err != nil {
			return current, want, err
		}
		merged := model.Listeners{
			HttpListeners: append(append([]model.HttpListener{}, current.HttpListeners...), want.HttpListeners...),
			TcpListeners:  append(append([]model.TcpListener{}, current.TcpListeners...), want.TcpListeners...),
		}
		want = merged.Clone()
	}
	want.Normalize()
	return current, want, nil
}

// showStrategiesChange is step 5 of applying or adding strategies: the
// diff and the switch to basic mode.
func showStrategiesChange(ui UI, diff DiffFunc, c *change, file string, add bool, current, want *model.Listeners, res *Result) {
	uuid, lb := c.opts.InstanceUuid, c.instance
	action := "applying"
	if add {
		action = "adding"
	}
	from := fmt.Sprintf("instance %s (strategies", uuid)
	if lb.CustomConf() {
		from += ", not active"
	}
	to := file
	if add {
		to += " added"
	}
	if d := diff(from+")", to, current, want); d != "" {
		ui.Diff(d)
	} else {
		ui.Info(fmt.Sprintf("the strategies instance %s keeps, but does not run, are those of %s", uuid, file))
	}
	if lb.CustomConf() {
		res.ModeSwitch = true
		ui.Info(fmt.Sprintf("instance %s runs a custom config; %s strategies switches it to basic mode; its custom config was backed up to %s"+
			" (`lbconf push --instance %s %s` brings it back)", c.name(), action, c.backup.Config, uuid, c.backup.Config))
	}
}

// addConflicts refuses listeners whose names or ports the instance already
// uses.
func addConflicts(current, added *model.Listeners, file, uuid string) error {
	names, ports := map[string]bool{}, map[int]string{}
	for _, h := range current.HttpListeners {
		names[h.ListenerName], ports[h.ListenerPort] = true, h.ListenerName
	}
	for _, t := range current.TcpListeners {
		names[t.ListenerName], ports[t.ListenerPort] = true, t.ListenerName
	}
	var problems []string
	check := func(name string, port int) {
		if names[name] {
			problems = append(problems, fmt.Sprintf("listener %s already exists", name))
		}
		if other, ok := ports[port]; ok {
			problems = append(problems, fmt.Sprintf("port %d of listener %s is already used by listener %s", port, name, other))
		}
	}
	for _, h := range added.HttpListeners {
		check(h.ListenerName, h.ListenerPort)
	}
	for _, t := range added.TcpListeners {
		check(t.ListenerName, t.ListenerPort)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: instance %s: %s; use `lbconf strategies apply` to change existing listeners; nothing was sent",
			ErrRefused, uuid, strings.Join(problems, "; "))
	}
	return nil
}

// sameListeners compares two normalised listener sets.
func sameListeners(a, b *model.Listeners) bool {
	return bytes.Equal(model.MarshalIndent(a), model.MarshalIndent(b))
}
