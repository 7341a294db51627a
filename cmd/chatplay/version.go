package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Set at build time by scripts/release.sh and the Dockerfile:
//
//	go build -ldflags "-X main.version=v1.2.0 -X main.commit=$(git rev-parse HEAD) -X main.date=2026-12-03T10:00:00Z"
//
// When they are empty, the module's build information fills them in: the
// module version of `go install …@v1.2.0`, and the commit and its time when
// built from a git checkout (with -buildvcs, the default outside CI).
var (
	version string
	commit  string
	date    string
)

// build says which chatplay this is.
type build struct {
	Version  string // v1.2.0, or "dev"
	Commit   string // the full git commit, or ""
	Date     string // when it was built (or, from build info, committed), or ""
	Modified bool   // built from a checkout with uncommitted changes
	Go       string // the Go toolchain and platform
}

// currentBuild returns this binary's build, from the -ldflags variables and
// the module's build information.
func currentBuild() build {
	info, _ := debug.ReadBuildInfo()
	return readBuild(version, commit, date, info)
}

// readBuild returns the build the -ldflags values say, each one missing taken
// from info (which may be nil).
func readBuild(ldVersion, ldCommit, ldDate string, info *debug.BuildInfo) build {
	b := build{Version: ldVersion, Commit: ldCommit, Date: ldDate, Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH}
	if info != nil {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				if b.Date == "" {
					b.Date = s.Value
				}
			case "vcs.modified":
				b.Modified = s.Value == "true" && ldCommit == ""
			}
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	return b
}

// String returns the build in one line: v1.2.0 (commit 0123456789ab, built
// 2026-12-03T10:00:00Z, go1.26.8 linux/amd64).
func (b build) String() string {
	c, d := b.Commit, b.Date
	switch {
	case c == "":
		c = "unknown"
	case len(c) > 12:
		c = c[:12]
	}
	if b.Modified {
		c += "+changes"
	}
	if d == "" {
		d = "unknown"
	}
	return fmt.Sprintf("%s (commit %s, built %s, %s)", b.Version, c, d, b.Go)
}

// buildVersion returns the build in one line, for the log.
func buildVersion() string {
	return currentBuild().String()
}
