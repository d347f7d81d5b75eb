package haproxycfg

import "testing"

// TestIsConfig is the one table of what lint, diff and decompile take for a
// haproxy.cfg, over inputs where a name or the first lines could mislead.
func TestIsConfig(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		cfg        bool
	}{
		// The extension decides when it names a kind, whatever the text.
		{"a.cfg", `{"HttpListeners": []}`, true},
		{"a.CONF", "", true},
		{"a.haproxy", "global\n", true},
		{"a.json", "frontend web\n", false},
		{"a.yml", "global\n", false},
		{"a.YAML", "listen db\n", false},
		// Otherwise (standard input, other names) the content does.
		{"-", "global\n    daemon\n", true},
		{"-", "# pulled\n\n\tdefaults # tab-indented\r\n", true},
		{"-", "daemon\nfrontend web\n", true}, // a stray line, then a section: decompile's loss, lint's finding
		{"a.txt", "listen db\n    mode tcp\n", true},
		{"-", "", false},
		{"-", "\n# only comments\n", false},
		{"-", `{"HttpListeners": []}`, false},
		{"-", "[]\n", false},
		{"-", "HttpListeners: []\n", false},
		{"-", "---\nHttpListeners: []\n", false},
		{"-", "- a\n", false},
		{"-", "\"TcpListeners\": []\n", false},
		// A YAML document that holds cfg-like text in a block scalar, or a
		// key named like a section, is still a document.
		{"-", "HttpListeners:\n  - Comment: |\n      frontend web\n", false},
		{"-", "# lbconf\nglobal: true\nfrontend web\n", false},
		{"-", "frontend:\n  web\n", false},
		// A section keyword must be a word of its own, outside comments.
		{"-", "# global\n", false},
		{"-", "globals\n", false},
		{"-", `"global"` + "\n", false},
	} {
		if got := IsConfig(tc.name, []byte(tc.text)); got != tc.cfg {
			t.Errorf("IsConfig(%q, %q) = %v, want %v", tc.name, tc.text, got, tc.cfg)
		}
	}
}

// TestSniff checks what decompile's refusals quote: the first word, its
// line, the first section and what the text looks like.
func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		text string
		want Sniffed
	}{
		{"", Sniffed{}},
		{"# c\n\nglobal\n", Sniffed{First: "global", FirstLine: 3, Section: 3}},
		{"daemon\nlisten x\n", Sniffed{First: "daemon", FirstLine: 1, Section: 2}},
		{"{\n}\n", Sniffed{First: "{", FirstLine: 1, Looks: "JSON"}},
		{"\nHttpListeners:\nfrontend a\n", Sniffed{First: "HttpListeners:", FirstLine: 2, Section: 3, Looks: "YAML"}},
	} {
		if got := Sniff([]byte(tc.text)); got != tc.want {
			t.Errorf("Sniff(%q) = %+v, want %+v", tc.text, got, tc.want)
		}
	}
}
