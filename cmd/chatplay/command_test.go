package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// cancelled is a context that has ended: a command that would start the
// service returns at once instead of serving, so a test of the command line
// cannot hang on a command that ignored its flags.
func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// Each command parses its own flags: help on any of them prints that
// command's help on stdout and exits 0 without running it, and a wrong
// command line exits 2 with a usage line on stderr.
func TestCommandLine(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "cli.db")
	tests := []struct {
		args       []string
		code       int
		stdout     string // a part of what stdout must hold
		stderr     string // a part of what stderr must hold
		notStdout  string // what stdout must not hold ("" for no check)
		notStarted bool   // the command must not have run (nothing logged)
	}{
		{args: []string{"-h"}, code: 0, stdout: "usage: chatplay [-config FILE] COMMAND", notStarted: true},
		{args: []string{"--help"}, code: 0, stdout: "commands:", notStarted: true},
		{args: []string{"help"}, code: 0, stdout: "serve", notStarted: true},
		{args: []string{"help", "serve"}, code: 0, stdout: "usage: chatplay serve [-config FILE]", notStarted: true},
		{args: []string{"help", "migrate"}, code: 0, stdout: "-yes", notStarted: true},
		{args: []string{"help", "version"}, code: 0, stdout: "usage: chatplay version", notStarted: true},
		{args: []string{"help", "help"}, code: 0, stdout: "usage: chatplay help [COMMAND]", notStarted: true},
		{args: []string{"serve", "-h"}, code: 0, stdout: "usage: chatplay serve", notStarted: true},
		{args: []string{"serve", "--help"}, code: 0, stdout: "-config FILE", notStarted: true},
		{args: []string{"serve", "-config", "x.yaml", "--help"}, code: 0, stdout: "usage: chatplay serve", notStarted: true},
		{args: []string{"migrate", "-h"}, code: 0, stdout: "usage: chatplay migrate", notStarted: true},
		{args: []string{"migrate", "down", "--help"}, code: 0, stdout: "up|down|status", notStarted: true},
		{args: []string{"version", "-h"}, code: 0, stdout: "usage: chatplay version", notStarted: true},
		{args: []string{"version"}, code: 0, stdout: "chatplay ", notStarted: true},

		{args: nil, code: 2, stderr: "usage: chatplay", notStarted: true},
		{args: []string{"launch"}, code: 2, stderr: `unknown command "launch"`, notStarted: true},
		{args: []string{"-verbose", "serve"}, code: 2, stderr: "flag provided but not defined: -verbose", notStarted: true},
		{args: []string{"serve", "-port", "80"}, code: 2, stderr: "usage: chatplay serve [-config FILE]", notStarted: true},
		{args: []string{"serve", "now"}, code: 2, stderr: `unexpected argument "now"`, notStarted: true},
		{args: []string{"serve", "-config"}, code: 2, stderr: "flag needs an argument: -config", notStarted: true},
		{args: []string{"migrate"}, code: 2, stderr: "usage: chatplay migrate", notStarted: true},
		{args: []string{"migrate", "sideways"}, code: 2, stderr: `unknown migrate command "sideways"`, notStarted: true},
		{args: []string{"migrate", "up", "-yes"}, code: 2, stderr: "-yes is for migrate down only", notStarted: true},
		{args: []string{"migrate", "up", "down"}, code: 2, stderr: "usage: chatplay migrate", notStarted: true},
		{args: []string{"version", "now"}, code: 2, stderr: "usage: chatplay version", notStarted: true},
		{args: []string{"help", "launch"}, code: 2, stderr: `unknown command "launch"`, notStarted: true},
		{args: []string{"serve", "-config", filepath.Join(t.TempDir(), "none.yaml")}, code: 1, stderr: "none.yaml", notStarted: true},

		{args: []string{"migrate", "status"}, code: 0, stdout: "unapplied:"},
		{args: []string{"migrate", "status", "-config", filepath.Join(t.TempDir(), "none.yaml")}, code: 1, stderr: "none.yaml"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			ctx := cancelled()
			if len(tt.args) > 0 && tt.args[0] == "migrate" {
				ctx = context.Background() // migrate needs the database; it never serves
			}
			code := cli(ctx, tt.args, env(map[string]string{"CHATPLAY_DATABASE_URL": db}), &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit status %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.stdout) {
				t.Errorf("stdout %q, want it to hold %q", stdout.String(), tt.stdout)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q, want it to hold %q", stderr.String(), tt.stderr)
			}
			if tt.notStarted && strings.Contains(stderr.String(), "level=") {
				t.Errorf("the command ran (it logged):\n%s", stderr.String())
			}
		})
	}
}

// `serve -config FILE` reads FILE: the command's own flag is not ignored.
func TestServeReadsItsConfigFlag(t *testing.T) {
	path := writeFile(t, "log:\n  level: loud\n")
	for _, args := range [][]string{
		{"serve", "-config", path},
		{"serve", "--config=" + path},
		{"-config", path, "serve"}, // the flag before the command, as before
		{"migrate", "status", "-config", path},
		{"migrate", "-config", path, "status"},
	} {
		var out bytes.Buffer
		err := run(cancelled(), args, env(nil), &out, &out)
		if err == nil || !strings.Contains(err.Error(), "log.level") {
			t.Errorf("%q: error %v, want the one of %s's log.level", args, err, path)
		}
	}
}

// The log says which config file was read, or that none was.
func TestLogSaysWhichConfigFile(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "cli.db")
	path := writeFile(t, "log:\n  level: info\n")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate", "-config", path, "status"}, env(map[string]string{"CHATPLAY_DATABASE_URL": db}), &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "config file") || !strings.Contains(out.String(), path) {
		t.Errorf("the log does not name the config file %s:\n%s", path, out.String())
	}

	out.Reset()
	t.Chdir(t.TempDir()) // no config.yaml here
	if err := run(context.Background(), []string{"migrate", "status"}, env(map[string]string{"CHATPLAY_DATABASE_URL": db}), &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "no config file") {
		t.Errorf("the log does not say that no config file was read:\n%s", out.String())
	}
}

// An environment variable that looks like a setting but is none is warned
// about, with the closest real name.
func TestUnknownEnvironmentVariableIsWarned(t *testing.T) {
	t.Setenv("CHATPLAY_MODEL_TEMPRATURE", "0.2")
	t.Setenv("CHATPLAY_NOTHING_LIKE_IT_AT_ALL", "1")
	t.Setenv("CHATPLAY_TEST_POSTGRES_URL", "postgres://x") // the tests' own, not a setting: no warning
	db := "sqlite:" + filepath.Join(t.TempDir(), "cli.db")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate", "status"}, env(map[string]string{"CHATPLAY_DATABASE_URL": db}), &out, &out); err != nil {
		t.Fatal(err)
	}
	log := out.String()
	for _, want := range []string{
		"CHATPLAY_MODEL_TEMPRATURE: unknown; did you mean CHATPLAY_MODEL_TEMPERATURE?",
		"CHATPLAY_NOTHING_LIKE_IT_AT_ALL: unknown",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "CHATPLAY_TEST_POSTGRES_URL") {
		t.Errorf("a known variable was warned about:\n%s", log)
	}
}
