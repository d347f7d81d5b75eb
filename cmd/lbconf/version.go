package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// Set by release builds:
//
//	go build -ldflags "-X main.buildVersion=v1.2.3 -X main.buildCommit=abc1234" ./cmd/lbconf
//
// Without them, the module version and VCS revision recorded by the Go
// toolchain are used (go install, or go build in a git checkout).
var (
	buildVersion string
	buildCommit  string
)

// buildInfo is what `lbconf version` reports.
type buildInfo struct {
	Version string
	Commit  string
	Dirty   bool
	Go      string
}

// readBuildInfo combines -ldflags values with the toolchain's build info.
func readBuildInfo() buildInfo {
	b := buildInfo{Version: buildVersion, Commit: buildCommit, Go: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" && bi.Main.Version != "" {
			b.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.modified":
				b.Dirty = s.Value == "true" && buildCommit == ""
			}
		}
	}
	if b.Version == "" {
		b.Version = "(devel)"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	return b
}

// String is the one line of `lbconf version` and `lbconf --version`.
func (b buildInfo) String() string {
	commit := b.Commit
	if b.Dirty {
		commit += "-dirty"
	}
	return fmt.Sprintf("lbconf %s (commit %s, %s)", b.Version, commit, b.Go)
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:      "version",
		Usage:     "print lbconf's version, commit and Go version",
		UsageText: "lbconf version",
		Description: "Prints the version (a release tag, the module version of `go install`, or (devel) in a source " +
			"checkout), the git commit it was built from and the Go version. `lbconf --version` prints the same.\n\n" +
			"Example:\n  $ lbconf version\n  lbconf v0.3.0 (commit 1a2b3c4, go1.26.8)",
		Action: func(c *cli.Context) error {
			_, err := fmt.Fprintln(c.App.Writer, readBuildInfo())
			return err
		},
	}
}

// version is lbconf's version, for SARIF tool metadata.
func version() string { return readBuildInfo().Version }
