package validate

import (
	"strings"
	"testing"

	"github.com/lbconf/lbconf/model"
)

// TestTableRulesInCatalogue: every rule the field table names as guarding
// a field is in the catalogue, and every enumerated field's catalogue
// summary lists exactly the table's values.
func TestTableRulesInCatalogue(t *testing.T) {
	for _, f := range model.Fields() {
		for _, r := range f.Rules {
			found := false
			for _, c := range catalogue {
				found = found || c.Name == r
			}
			if !found {
				t.Errorf("%s %s: rule %q is not in the catalogue", f.In, f.Pointer, r)
			}
		}
	}
	summary := func(name string) string {
		for _, c := range catalogue {
			if c.Name == name {
				return c.Summary
			}
		}
		return ""
	}
	for rule, f := range map[string]model.Field{"scheduler": schedulerField, "cookie-mode": cookieModeField, "httpchk-method": httpchkField} {
		for _, v := range f.Values {
			if !strings.Contains(summary(rule), v.Doc) {
				t.Errorf("%s summary %q does not list %q", rule, summary(rule), v.Doc)
			}
		}
	}
}
