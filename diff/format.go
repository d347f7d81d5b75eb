package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/lbconf/lbconf/haproxycfg"
	"github.com/lbconf/lbconf/internal/safetext"
	"github.com/lbconf/lbconf/model"
)

// escaped returns a copy of r whose texts (names and values quoted from
// the inputs) have their non-printable characters escaped, and their
// passwords masked unless r.ShowSecrets, for every format.
func (r *Result) escaped() *Result {
	out := *r
	out.A, out.B = safetext.Escape(r.A), safetext.Escape(r.B)
	out.Changes = make([]Change, len(r.Changes))
	for i, c := range r.Changes {
		if !r.ShowSecrets {
			c.Old, c.New = haproxycfg.MaskSecrets(c.Old), haproxycfg.MaskSecrets(c.New)
		}
		c.Listener, c.Field = safetext.Escape(c.Listener), safetext.Escape(c.Field)
		c.Old, c.New = safetext.Escape(c.Old), safetext.Escape(c.New)
		out.Changes[i] = c
	}
	return &out
}

// WriteJSON writes the result as indented JSON, control characters of
// the values escaped.
func (r *Result) WriteJSON(w io.Writer) error {
	r = r.escaped()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("writing the diff: %w", err)
	}
	return nil
}

// WriteText writes the result for a reviewer: a header naming A (-) and B
// (+), one block per listener that differs, the lines outside the listener
// model and the prelude lines that differ, and a summary line. "-" marks what
// only A has, "+" what only B has, "~" a value that changed.
func (r *Result) WriteText(w io.Writer) error {
	r = r.escaped()
	var b strings.Builder
	notes := func() {
		for _, n := range r.Notes {
			b.WriteString("note: " + n + "\n")
		}
	}
	if r.Same {
		fmt.Fprintf(&b, "%s and %s mean the same listeners\n", r.A, r.B)
		notes()
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "--- %s\n+++ %s\n", r.A, r.B)
	var counts struct{ added, removed, changed, extra, prelude int }
	sectionShown := map[string]bool{}
	for i, c := range r.Changes {
		switch c.Kind {
		case KindHTTP, KindTCP:
			kind := "HTTP"
			if c.Kind == KindTCP {
				kind = "TCP"
			}
			switch {
			case c.Field == "" && c.Op == OpAdd:
				counts.added++
				fmt.Fprintf(&b, "+ %s listener %s (%s)\n", kind, c.Listener, c.New)
				continue
			case c.Field == "" && c.Op == OpRemove:
				counts.removed++
				fmt.Fprintf(&b, "- %s listener %s (%s)\n", kind, c.Listener, c.Old)
				continue
			}
			if i == 0 || r.Changes[i-1].Kind != c.Kind || r.Changes[i-1].Listener != c.Listener || r.Changes[i-1].Field == "" {
				counts.changed++
				fmt.Fprintf(&b, "~ %s listener %s\n", kind, c.Listener)
			}
			b.WriteString("    " + fieldLine(c) + "\n")
		default:
			title := "lines the listener model cannot hold (compared as text):"
			if c.Kind == KindPrelude {
				title = "prelude (global, defaults, listen status):"
				counts.prelude++
			} else {
				counts.extra++
			}
			if !sectionShown[c.Kind] {
				sectionShown[c.Kind] = true
				b.WriteString(title + "\n")
			}
			file, mark, text := r.B, "+", c.New
			if c.Op == OpRemove {
				file, mark, text = r.A, "-", c.Old
			}
			fmt.Fprintf(&b, "    %s %s:%d %s: `%s`\n", mark, file, c.Line, c.Listener, text)
		}
	}
	var parts []string
	add := func(n int, one, many string) {
		if n > 0 {
			parts = append(parts, plural(n, one, many))
		}
	}
	add(counts.changed, "listener changed", "listeners changed")
	add(counts.added, "added", "added")
	add(counts.removed, "removed", "removed")
	add(counts.extra, "line outside the model differs", "lines outside the model differ")
	add(counts.prelude, "prelude line differs", "prelude lines differ")
	fmt.Fprintf(&b, "%s\n", strings.Join(parts, ", "))
	notes()
	_, err := io.WriteString(w, b.String())
	return err
}

// fieldLine renders one field change of a listener.
func fieldLine(c Change) string {
	switch c.Op {
	case OpAdd:
		if c.New == "" {
			return "+ " + c.Field
		}
		if c.Field == "AclWhiteList" || c.Field == "CertificateIds" {
			return "+ " + c.Field + " " + c.New
		}
		return fmt.Sprintf("+ %s (%s)", c.Field, c.New)
	case OpRemove:
		if c.Field == "AclWhiteList" || c.Field == "CertificateIds" {
			return "- " + c.Field + " " + c.Old
		}
		return fmt.Sprintf("- %s (%s)", c.Field, c.Old)
	case OpRename:
		return fmt.Sprintf("~ %s: %s -> %s (renamed: same port)", c.Field, show(c.Old), show(c.New))
	}
	return fmt.Sprintf("~ %s: %s -> %s", c.Field, meaning(c, c.Old), meaning(c, c.New))
}

// meaning shows value v of the changed field with the meaning the field
// table gives it: `1 (insert nocache)`. The field is found by its name in
// the change ("SessionPersistence Mode" is /SessionPersistence/Mode).
func meaning(c Change, v string) string {
	k := model.KindHTTP
	if c.Kind == KindTCP {
		k = model.KindTCP
	}
	if f, ok := model.FieldOf(k, "/"+strings.ReplaceAll(c.Field, " ", "/")); ok && v != "" {
		return f.Meaning(v)
	}
	return show(v)
}

// show makes an empty value visible.
func show(s string) string {
	if s == "" {
		return `""`
	}
	return s
}
