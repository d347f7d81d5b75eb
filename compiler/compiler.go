// Package compiler turns a listener model (the cloud API's basic strategies)
// into haproxy.cfg text, in the layout of the product's documented custom
// config.
//
// Compile validates the model (package validate) and refuses it when any
// finding is an error. It then prepares every line in Go, checking that each
// value that reaches the config has the shape it must have (defence in depth:
// no newline, '#', space or control character can get in even if validation
// missed it), and lays the result out with the templates of package render.
// The output is deterministic: the same input gives the same bytes.
//
// The prelude (global, defaults, listen status) is the documented one,
// adjusted to the target HAProxy version, or the non-proxy sections of a base
// config kept verbatim.
package compiler

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/render"
	"github.com/lbconf/lbconf/validate"
)

// Rules that Compile itself reports (validate's rules come on top).
const (
	// RuleUnsafeValue: a value failed the compiler's own check of what may
	// be written to haproxy.cfg (validation should have refused it first).
	RuleUnsafeValue = "unsafe-value"
	// RuleTargetDirective: the base config holds a directive the target
	// version refuses (nbproc on 2.5 and later).
	RuleTargetDirective = "target-directive"
	// RuleBaseProxyDropped: a proxy of the base config that no listener
	// compiles to is dropped.
	RuleBaseProxyDropped = "base-proxy-dropped"
)

// Rules describes the rules Compile reports, for rule catalogues.
func Rules() []finding.Rule {
	return []finding.Rule{
		{Name: RuleUnsafeValue, Severity: finding.Error, Input: "listeners", Basis: finding.Misbehaves,
			Summary: "a value cannot be written to haproxy.cfg safely (newline, '#', space, control character, wrong shape, or a proxy name written twice)",
			Why:     "such a value would break the config or inject directives into it; haproxy refuses two proxies with one name"},
		{Name: RuleTargetDirective, Severity: finding.Error, Input: "cfg", Basis: finding.HAProxyRefuses,
			Summary: "the base config holds a directive the target HAProxy version refuses (nbproc on 2.5+)",
			Why:     "the target's haproxy refuses the whole config"},
		{Name: RuleBaseProxyDropped, Severity: finding.Warning, Input: "cfg", Basis: finding.LikelyMistake,
			Summary: "a frontend, backend or listen of the base config is not compiled from any listener and is dropped",
			Why:     "compile replaces every proxy of the base by design, but a dropped proxy may be one the operator still needs"},
	}
}

// InvalidError is returned when the input has errors: the listeners (or the
// base config) cannot be compiled. Findings holds the errors, sorted;
// warnings go to Options.Warnings.
type InvalidError struct {
	Findings []finding.Finding
}

func (e *InvalidError) Error() string {
	if len(e.Findings) == 0 {
		return "compile: refused"
	}
	f := e.Findings[0]
	msg := f.Rule + ": " + f.Message
	if f.Pointer != "" {
		msg += " (" + f.Pointer + ")"
	}
	if n := len(e.Findings); n > 1 {
		return fmt.Sprintf("compile: refused with %d errors, the first: %s", n, msg)
	}
	return "compile: refused: " + msg
}

// Compile renders listeners as haproxy.cfg text.
//
// It returns an *OptionError for an unusable option, an *InvalidError when
// validation or the compiler's own checks find errors (nothing is rendered
// then), and calls opts.Warnings with each warning before returning.
// HTTP listeners come first, then TCP listeners, each in input order.
// Values are taken as given: a SessionPersistence Mode of 0 is "insert"
// (model's decoders apply the API's default of 1 to an absent Mode), and an
// empty Httpchk Method is GET.
func Compile(listeners *model.Listeners, opts Options) ([]byte, error) {
	size := 4096
	if listeners != nil {
		size += 1024 * (len(listeners.HttpListeners) + len(listeners.TcpListeners)) // about 1 KB each: allocate once
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	if err := CompileTo(buf, listeners, opts); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// CompileTo is Compile writing the text to w as it is rendered, without
// holding all of it. Every check runs before the first byte is written:
// on an error other than one writing to w, nothing is written.
func CompileTo(w io.Writer, listeners *model.Listeners, opts Options) error {
	if listeners == nil {
		return errors.New("compile: no listeners (nil *model.Listeners)")
	}
	s, err := opts.settings()
	if err != nil {
		return err
	}
	var errs, warnings []finding.Finding
	defer func() {
		if opts.Warnings != nil {
			finding.Sort(warnings)
			for _, w := range warnings {
				opts.Warnings(w)
			}
		}
	}()
	split := func(fs []finding.Finding) {
		for _, f := range fs {
			if f.Severity == finding.Error {
				errs = append(errs, f)
			} else {
				warnings = append(warnings, f)
			}
		}
	}
	// Defaults are the model's (one place decides them); the caller's
	// model is not changed: a model that needs them is copied first (a
	// decoded one has them already, and a copy of a large model costs as
	// much as rendering it).
	if !model.DefaultsApplied(listeners) {
		own := listeners.Clone()
		listeners = &own
		for _, c := range model.ApplyDefaults(listeners) {
			warnings = append(warnings, finding.Finding{Severity: finding.Warning, Rule: c.Rule, Pointer: c.Pointer, Message: c.Message})
		}
	}
	if opts.Validated != nil {
		split(opts.Validated)
	} else {
		split(validate.Listeners(listeners))
	}

	var base baseResult
	if opts.Base != nil {
		base, err = keepBase(opts.Base, s, generatedProxies(listeners))
		if err != nil {
			return err
		}
		split(base.errs)
		split(base.warnings)
	}
	if len(errs) > 0 {
		finding.Sort(errs)
		return &InvalidError{Findings: errs}
	}

	cfg, unsafe := prepare(listeners, s)
	if len(unsafe) > 0 {
		finding.Sort(unsafe)
		return &InvalidError{Findings: unsafe}
	}
	if opts.Base != nil {
		cfg.Prelude = base.prelude
	} else {
		cfg.Default = &render.Prelude{StatsAuth: s.statsAuth}
	}
	if err := render.Render(w, cfg); err != nil {
		return fmt.Errorf("compile: %w", err)
	}
	return nil
}

// generatedProxies names the sections the listeners compile to.
func generatedProxies(l *model.Listeners) map[proxyKey]bool {
	m := make(map[proxyKey]bool)
	for _, h := range l.HttpListeners {
		m[proxyKey{"frontend", h.ListenerName}] = true
		m[proxyKey{"backend", h.ListenerName + "-abk"}] = true
	}
	for _, t := range l.TcpListeners {
		m[proxyKey{"listen", t.ListenerName}] = true
	}
	return m
}

// IsGenerated reports whether a proxy section (kind "frontend", "backend" or
// "listen", and its name) is one Compile writes for a listener, as opposed
// to the prelude's listen status. Tools that compare compiled configs use it.
func IsGenerated(kind, name string) bool {
	switch kind {
	case "frontend", "backend":
		return true
	case "listen":
		return name != "status"
	}
	return false
}
