// Command chatplay runs the role-play service: the HTTP API and the bots over
// one engine, and the database migrations.
//
//	chatplay serve [-config FILE] [-only SURFACES]    start the service
//	chatplay migrate [-config FILE] up|down|status [-yes]
//	chatplay version
//	chatplay help [COMMAND]
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
	"path/filepath"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// cli runs the command line and returns the exit status: 0 when the command
// succeeded (help included), 1 when it failed, 2 when the command line is
// wrong (an unknown command or flag, a missing argument).
func cli(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	err := run(ctx, args, getenv, stdout, stderr)
	var usageErr *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &usageErr):
		fmt.Fprintf(stderr, "chatplay: %v\n%s", err, usageErr.usageLine())
		return 2
	default:
		fmt.Fprintln(stderr, "chatplay:", err)
		return 1
	}
}

// defaultConfigPath is the config file read when -config is not given, if
// it exists.
const defaultConfigPath = "config.yaml"

// run parses the command line and runs one command until ctx ends. A wrong
// command line is a *usageError; help asked for is written to stdout.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var o options
	top := flag.NewFlagSet("chatplay", flag.ContinueOnError)
	configFlag(top, &o) // before the command too, as in chatplay -config FILE serve
	top.SetOutput(io.Discard)
	top.Usage = func() {}
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeUsage(stdout)
			return nil
		}
		return &usageError{err: err}
	}
	if top.NArg() == 0 {
		return &usageError{err: errors.New("no command given")}
	}
	c, ok := findCommand(top.Arg(0))
	if !ok {
		return &usageError{err: fmt.Errorf("unknown command %q", top.Arg(0))}
	}
	positional, err := parseCommand(c, top.Args()[1:], &o, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}

	switch c.name {
	case "help":
		return helpCommand(positional, stdout)
	case "version":
		if len(positional) > 0 {
			return &usageError{err: fmt.Errorf("unexpected argument %q", positional[0]), command: c.name}
		}
		fmt.Fprintln(stdout, "chatplay", currentBuild())
		return nil
	case "serve":
		if len(positional) > 0 {
			return &usageError{err: fmt.Errorf("unexpected argument %q", positional[0]), command: c.name}
		}
	case "migrate":
		if err := checkMigrateArgs(positional, o.yes); err != nil {
			return &usageError{err: err, command: c.name}
		}
	}

	cfg, log, err := setup(o.config, getenv, stderr)
	if err != nil {
		return err
	}
	if c.name == "serve" {
		if o.only != nil {
			cfg.Server.Surfaces = o.only // the flag over the config
		}
		return serve(ctx, cfg, log)
	}
	return migrateCommand(ctx, cfg, positional[0], o.yes, stdout)
}

// helpCommand runs `chatplay help [COMMAND]`.
func helpCommand(args []string, stdout io.Writer) error {
	switch len(args) {
	case 0:
		writeUsage(stdout)
		return nil
	case 1:
		c, ok := findCommand(args[0])
		if !ok {
			return &usageError{err: fmt.Errorf("unknown command %q", args[0]), command: "help"}
		}
		c.writeHelp(stdout)
		return nil
	}
	return &usageError{err: fmt.Errorf("unexpected argument %q", args[1]), command: "help"}
}

// setup loads the config (configPath, or config.yaml if present) and returns
// it with the logger it asks for, having logged which file was read and
// warned about CHATPLAY_ variables that are no setting.
func setup(configPath string, getenv func(string) string, stderr io.Writer) (Config, *slog.Logger, error) {
	path, mustExist := configPath, true
	if path == "" {
		path, mustExist = defaultConfigPath, false
	}
	cfg, err := loadConfig(path, mustExist, getenv)
	logCfg := cfg.Log
	if err != nil {
		logCfg = defaultConfig().Log // the config's own may be what is wrong
	}
	log := newLogger(logCfg, stderr)
	for _, warning := range unknownEnv(os.Environ()) {
		log.Warn(warning) // also when the config is invalid: a misspelt variable may be why
	}
	if err != nil {
		return cfg, nil, err
	}
	abs, absErr := filepath.Abs(path)
	if absErr != nil {
		abs = path
	}
	if _, statErr := os.Stat(path); mustExist || statErr == nil {
		log.Info("config file read", "file", abs)
	} else {
		log.Info("no config file: built-in defaults and the environment", "looked_for", abs)
	}
	return cfg, log, nil
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
