package main

import (
	"bytes"
	"context"
	"runtime/debug"
	"strings"
	"testing"
)

// The version comes from the -ldflags variables, each missing one from the
// module's build information, and "dev" when neither says.
func TestReadBuild(t *testing.T) {
	vcs := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-12-01T09:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	installed := &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}
	tests := []struct {
		name                  string
		version, commit, date string
		info                  *debug.BuildInfo
		want                  build
		wantString            string
	}{
		{name: "ldflags", version: "v1.2.0", commit: "fedcba9876543210", date: "2026-12-03T10:00:00Z", info: vcs,
			want:       build{Version: "v1.2.0", Commit: "fedcba9876543210", Date: "2026-12-03T10:00:00Z"},
			wantString: "v1.2.0 (commit fedcba987654, built 2026-12-03T10:00:00Z, "},
		{name: "vcs", info: vcs,
			want:       build{Version: "dev", Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-12-01T09:00:00Z", Modified: true},
			wantString: "dev (commit 0123456789ab+changes, built 2026-12-01T09:00:00Z, "},
		{name: "go install", info: installed,
			want:       build{Version: "v1.4.0"},
			wantString: "v1.4.0 (commit unknown, built unknown, "},
		{name: "version only", version: "v2.0.0", info: vcs,
			want: build{Version: "v2.0.0", Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-12-01T09:00:00Z", Modified: true}},
		{name: "nothing", want: build{Version: "dev"}, wantString: "dev (commit unknown, built unknown, "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readBuild(tt.version, tt.commit, tt.date, tt.info)
			got.Go = ""
			if got != tt.want {
				t.Errorf("readBuild = %+v, want %+v", got, tt.want)
			}
			if s := readBuild(tt.version, tt.commit, tt.date, tt.info).String(); !strings.HasPrefix(s, tt.wantString) || !strings.Contains(s, "go1.") {
				t.Errorf("String = %q, want it to begin %q and name the Go version", s, tt.wantString)
			}
		})
	}
}

// `chatplay version` prints what -ldflags set.
func TestVersionCommand(t *testing.T) {
	defer func(v, c, d string) { version, commit, date = v, c, d }(version, commit, date)
	version, commit, date = "v9.8.7", "abcdef0123456789", "2026-12-03T10:00:00Z"
	var out bytes.Buffer
	if code := cli(context.Background(), []string{"version"}, env(nil), &out, &out); code != 0 {
		t.Fatalf("exit status %d: %s", code, out.String())
	}
	if want := "chatplay v9.8.7 (commit abcdef012345, built 2026-12-03T10:00:00Z, go"; !strings.HasPrefix(out.String(), want) {
		t.Fatalf("version printed %q, want %q…", out.String(), want)
	}
}
