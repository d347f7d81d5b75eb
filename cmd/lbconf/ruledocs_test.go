package main

import (
	"strings"
	"testing"

	"github.com/lbconf/lbconf/docs"
	"github.com/lbconf/lbconf/internal/golden"
	"github.com/lbconf/lbconf/model"
)

// TestRulesDoc regenerates docs/rules.md from the catalogue and the rule
// test cases and fails when the committed file differs (-update rewrites
// it). Every rule with test cases gets a failing example that really fails
// with that rule.
func TestRulesDoc(t *testing.T) {
	t.Chdir("../..")
	examples := map[string]ruleExample{}
	for _, r := range allRules() {
		ex, ok, err := loadRuleExample(".", r)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			continue
		}
		if len(ex.Findings) == 0 && r.Name != "syntax" {
			t.Errorf("%s: the failing example %s has no %s finding", r.Name, ex.BadFile, r.Name)
		}
		examples[r.Name] = ex
	}
	if len(examples) < 40 {
		t.Errorf("only %d rules have examples", len(examples))
	}
	got := rulesMarkdown(allRules(), examples)
	golden.Check(t, "docs/rules.md", []byte(got))
	if !golden.Updating() && docs.RulesMarkdown != got {
		t.Error("the embedded docs.RulesMarkdown is stale: rebuild")
	}
}

func TestRulePage(t *testing.T) {
	code, out, errOut := runCLI(t, "", "rules", "listener-port")
	if code != 0 || !strings.HasPrefix(out, "## listener-port\n") || !strings.Contains(out, "Failing example") ||
		!strings.Contains(out, "Fixed example") || !strings.Contains(out, ruleHelpURI("listener-port")) ||
		strings.Contains(out, "## listener-name") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "", "rules", "listener-prot")
	if code != 2 || !strings.Contains(errOut, `did you mean "listener-port"?`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
	for _, r := range allRules() {
		if docs.RuleSection(r.Name) == "" {
			t.Errorf("docs/rules.md has no section for %s", r.Name)
		}
	}
}

// TestRuleFields: every rule the field table names is in the catalogue,
// and its section of docs/rules.md lists the field with the table's facts.
func TestRuleFields(t *testing.T) {
	known := map[string]bool{}
	for _, r := range allRules() {
		known[r.Name] = true
	}
	for _, f := range model.Fields() {
		for _, r := range f.Rules {
			if !known[r] {
				t.Errorf("%s: the field table names rule %s, which the catalogue does not have", f.Pointer, r)
				continue
			}
			if sec := docs.RuleSection(r); !strings.Contains(sec, "`"+strings.TrimPrefix(f.Pointer, "/")+"` ("+f.In.String()+")") {
				t.Errorf("docs/rules.md#%s does not list %s", r, f.Pointer)
			}
		}
	}
	sec := docs.RuleSection("cookie-mode")
	for _, want := range []string{model.MustField(model.KindHTTP, model.PtrCookieMode).Choices(true), "haproxy.cfg `cookie KEY`"} {
		if !strings.Contains(sec, want) {
			t.Errorf("docs/rules.md#cookie-mode lacks %q:\n%s", want, sec)
		}
	}
	if sec := docs.RuleSection("reserved-port"); !strings.Contains(sec, model.ReservedPortsText()+" reserved") {
		t.Errorf("docs/rules.md#reserved-port lacks the reserved ports:\n%s", sec)
	}
}
