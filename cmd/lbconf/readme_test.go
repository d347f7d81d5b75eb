package main

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeExamples runs every README.md code block that starts with
// "$ lbconf ARGS" and compares what lbconf prints (standard output, then
// standard error) with the rest of the block, and checks that every
// `lbconf CMD --flag` the README mentions exists.
func TestReadmeExamples(t *testing.T) {
	t.Chdir("../..")
	t.Setenv("NO_COLOR", "")
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	ran := 0
	blocks := strings.Split(text, "```")
	for i := 1; i < len(blocks); i += 2 {
		block := blocks[i]
		_, body, _ := strings.Cut(block, "\n") // drop the info string
		cmdLine, want, ok := strings.Cut(body, "\n")
		args, isCmd := strings.CutPrefix(cmdLine, "$ lbconf ")
		if !ok || !isCmd {
			continue
		}
		ran++
		_, out, errOut := runCLI(t, "", strings.Fields(args)...)
		if got := out + errOut; got != want {
			t.Errorf("README example `lbconf %s` prints:\n%s\nthe README says:\n%s", args, got, want)
		}
	}
	if ran < 2 {
		t.Errorf("ran %d README examples", ran)
	}
	// The code of the README, inline and fenced, but the example of a
	// mistyped command.
	var code strings.Builder
	for i, part := range strings.Split(text, "`") {
		if i%2 == 1 && !strings.Contains(part, "lbconf lnit") {
			code.WriteString(part + "\n")
		}
	}
	if n := checkCalls(t, "README.md", code.String()); n < 20 {
		t.Errorf("only %d lbconf calls checked in README.md", n)
	}
}
