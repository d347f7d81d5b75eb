package estate

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Formats of a plan.
var Formats = []string{"text", "json", "markdown"}

// WritePlan writes the plan in a format: text (a table, then each diff),
// json (the plan as --out saves it) or markdown (a table and collapsible
// diffs, for a pull-request comment or a job summary).
func WritePlan(w io.Writer, p *Plan, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(p)
	case "text":
		return writeText(w, p)
	case "markdown":
		return writeMarkdown(w, p)
	}
	return fmt.Errorf("unknown format %q: use %s", format, strings.Join(Formats, ", "))
}

// row is one line of the summary table.
type row struct {
	instance, name, mode, change, counts, drift string
}

func rowOf(ip InstancePlan) row {
	r := row{instance: ip.UUID, name: ip.Name, mode: string(ip.Mode), change: string(ip.Change), drift: "-"}
	if ip.LiveMode != "" && ip.LiveMode != ip.Mode {
		r.mode = fmt.Sprintf("%s -> %s", ip.LiveMode, ip.Mode)
	}
	if ip.Changed() {
		r.counts = fmt.Sprintf("+%d -%d ~%d", ip.Counts.Added, ip.Counts.Removed, ip.Counts.Changed)
	}
	if ip.Drift != nil {
		r.drift = "no"
		if *ip.Drift {
			r.drift = "yes"
		}
	}
	if r.name == "" {
		r.name = "-"
	}
	return r
}

// summaryLine is the one-line total.
func summaryLine(p *Plan) string {
	s := p.Summary
	line := fmt.Sprintf("%d instances: %d unchanged, %d to update, %d to switch mode, %d errors",
		s.Instances, s.Unchanged, s.Updates, s.ModeSwitchs, s.Errors)
	if s.Drifted > 0 {
		line += fmt.Sprintf("; %d changed outside the repository", s.Drifted)
	}
	return line
}

func writeText(w io.Writer, p *Plan) error {
	var b strings.Builder
	for _, f := range p.ManifestFindings {
		b.WriteString(f.String() + "\n")
	}
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INSTANCE\tNAME\tMODE\tCHANGE\tCOUNTS\tDRIFT\tFILE")
	for _, ip := range p.Instances {
		r := rowOf(ip)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.instance, r.name, r.mode, r.change, r.counts, r.drift, ip.File)
	}
	tw.Flush()
	b.WriteString(summaryLine(p) + "\n")
	for _, ip := range p.Instances {
		if !ip.Changed() && ip.Error == "" && len(ip.Findings) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n== %s %s (%s): %s ==\n", ip.UUID, ip.Name, ip.File, ip.Change)
		for _, f := range ip.Findings {
			b.WriteString(f.String() + "\n")
		}
		if ip.Error != "" {
			b.WriteString("error: " + ip.Error + "\n")
		}
		writeDiffs(&b, ip)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeDiffs writes the semantic diff, then the line diff.
func writeDiffs(b *strings.Builder, ip InstancePlan) {
	if ip.Change == ChangeModeSwitch {
		fmt.Fprintf(b, "mode switch: the instance runs %s mode; applying switches it to %s mode (apply backs up what it replaces)\n", ip.LiveMode, ip.Mode)
	}
	if ip.Semantic != nil && !ip.Semantic.Same {
		ip.Semantic.WriteText(b)
	}
	if ip.Unified != "" {
		b.WriteString(ip.Unified)
		if !strings.HasSuffix(ip.Unified, "\n") {
			b.WriteString("\n")
		}
	}
}

func writeMarkdown(w io.Writer, p *Plan) error {
	var b strings.Builder
	b.WriteString("### lbconf plan\n\n" + summaryLine(p) + "\n\n")
	if len(p.ManifestFindings) > 0 {
		b.WriteString("Manifest:\n\n")
		for _, f := range p.ManifestFindings {
			b.WriteString("- " + mdCell(f.String()) + "\n")
		}
		b.WriteString("\n")
	}
	b.WriteString("| instance | name | mode | change | counts | drift | file |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, ip := range p.Instances {
		r := rowOf(ip)
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | `%s` |\n", mdCode(r.instance), mdCell(r.name), r.mode, mdChange(ip.Change), r.counts, r.drift, mdCode(ip.File))
	}
	for _, ip := range p.Instances {
		if !ip.Changed() && ip.Error == "" && len(ip.Findings) == 0 {
			continue
		}
		var body strings.Builder
		for _, f := range ip.Findings {
			body.WriteString(f.String() + "\n")
		}
		if ip.Error != "" {
			body.WriteString("error: " + ip.Error + "\n")
		}
		writeDiffs(&body, ip)
		fence := fenceFor(body.String())
		fmt.Fprintf(&b, "\n<details><summary><code>%s</code> %s: %s</summary>\n\n%sdiff\n%s%s\n\n</details>\n",
			htmlEscape(ip.UUID), htmlEscape(ip.Name), ip.Change, fence, body.String(), fence)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdChange(c Change) string {
	switch c {
	case ChangeError:
		return "**error**"
	case ChangeNone:
		return "none"
	}
	return "**" + string(c) + "**"
}

// mdCell escapes text for a table cell.
func mdCell(s string) string {
	s = strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;", "`", "'").Replace(s)
	return s
}

// mdCode makes s safe inside single backticks.
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "|", `\|`, "\n", " ").Replace(s)
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\n", " ").Replace(s)
}

// fenceFor returns a backtick fence longer than any run in s.
func fenceFor(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// WriteApply writes the final table of an apply: one line per instance
// with its outcome, whether something was sent and where the backup is,
// then the details of those that did not go well.
func WriteApply(w io.Writer, r *ApplyReport) error {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INSTANCE\tNAME\tCHANGE\tOUTCOME\tSENT\tBACKUP")
	for _, x := range r.Results {
		sent := "no"
		if x.Sent {
			sent = "yes"
		} else if x.Outcome == OutcomeUnknown {
			sent = "maybe"
		}
		backup := x.Backup.Config
		if x.Backup.Strategies != "" {
			backup += " " + x.Backup.Strategies
		}
		if backup == "" {
			backup = "-"
		}
		name := x.Name
		if name == "" {
			name = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", x.UUID, name, x.Change, x.Outcome, sent, backup)
	}
	tw.Flush()
	fmt.Fprintf(&b, "%d applied, %d sent, %d unchanged, %d refused, %d failed, %d unknown, %d skipped\n",
		r.Count(OutcomeApplied), r.Count(OutcomeSent), r.Count(OutcomeUnchanged), r.Count(OutcomeRefused),
		r.Count(OutcomeFailed), r.Count(OutcomeUnknown), r.Count(OutcomeSkipped))
	if r.Interrupted {
		b.WriteString("interrupted: each line above says whether its change was sent and where its backup is\n")
	}
	for _, x := range r.Results {
		if x.Detail != "" {
			fmt.Fprintf(&b, "\n%s (%s): %s: %s\n", x.UUID, x.File, x.Outcome, x.Detail)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ProgressLine is the one line apply prints as an instance ends.
func ProgressLine(x InstanceResult, done, total int) string {
	line := fmt.Sprintf("[%d/%d] %s", done, total, x.UUID)
	if x.Name != "" {
		line += " (" + x.Name + ")"
	}
	line += ": " + string(x.Outcome)
	if x.Detail != "" {
		first, _, _ := strings.Cut(x.Detail, "\n")
		line += ": " + first
	}
	return line
}
