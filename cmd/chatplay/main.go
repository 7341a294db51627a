// Command chatplay runs the role-play service: the HTTP API and the bots over
// one engine, and the database migrations.
//
//	chatplay serve                 start the service
//	chatplay migrate up|down|status
//	chatplay version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "chatplay:", err)
		os.Exit(1)
	}
}

const usage = `usage: chatplay [-config FILE] COMMAND

commands:
  serve                    start the HTTP service (and the bots whose tokens are set)
  migrate up|down|status   apply, roll back (the last group) or list database migrations
  version                  print the version

Every config key can be overridden by CHATPLAY_<SECTION>_<KEY>, e.g. CHATPLAY_DATABASE_URL.
`

// run parses the command line and runs one command until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("chatplay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	configPath := fs.String("config", "", "config file (default: config.yaml, if present)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("no command given")
	}
	cmd, rest := fs.Arg(0), fs.Args()[1:]
	if cmd == "version" {
		fmt.Fprintln(stdout, "chatplay", buildVersion())
		return nil
	}

	path, mustExist := *configPath, true
	if path == "" {
		path, mustExist = "config.yaml", false
	}
	cfg, err := loadConfig(path, mustExist, getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg.Log, stderr)

	switch cmd {
	case "serve":
		return serve(ctx, cfg, log)
	case "migrate":
		return migrateCommand(ctx, cfg, rest, stdout)
	default:
		fs.Usage()
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// newLogger returns the structured logger config asks for.
func newLogger(c LogConfig, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level)) // validated with the config
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// buildVersion returns the version and, when built from a checkout, the commit.
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return version + " (" + s.Value[:12] + ")"
		}
	}
	return version
}
