package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is one sub-command of chatplay: its name, its synopsis and help,
// and the flags it takes (each command parses its own, with a FlagSet).
type command struct {
	name    string
	args    string // the synopsis after the name
	summary string // one line, for the list of commands
	help    string // what `chatplay help NAME` says after the synopsis
	flags   func(fs *flag.FlagSet, o *options)
}

// options are the values of every command's flags.
type options struct {
	config string   // -config: the config file; "" for config.yaml if present
	yes    bool     // migrate down -yes: roll back the initial schema too
	only   []string // serve -only: the surfaces to serve; nil for server.surfaces
}

func configFlag(fs *flag.FlagSet, o *options) {
	fs.StringVar(&o.config, "config", o.config, "read the config `FILE` (default: config.yaml in the working directory, if present)")
}

// commands are chatplay's sub-commands, in the order help lists them.
var commands = []command{
	{
		name: "serve", args: "[-config FILE] [-only SURFACES]",
		summary: "start the HTTP service (and the bots whose tokens are set)",
		help: `Start the HTTP service (the JSON API, the web app, /healthz and /readyz)
and the Telegram and Discord bots whose tokens are set, until SIGINT or
SIGTERM; then finish the replies in flight within server.shutdown_timeout.
With database.migrate_on_start (the default), pending migrations are applied
first.

With -only (or server.surfaces), the process serves only some surfaces, so
that each can run as its own process or deployment on one PostgreSQL: e.g.
-only api, or -only telegram,discord. Every process keeps /healthz, /readyz
and /metrics on its listener; one without api serves neither the JSON API
nor the web app there, only those and the bots' own endpoints (the Telegram
webhook, Discord's interactions).`,
		flags: func(fs *flag.FlagSet, o *options) {
			configFlag(fs, o)
			fs.Func("only", "serve only these `SURFACES`, comma-separated, of api, telegram and discord (default: server.surfaces, all of them)",
				func(s string) error {
					list, err := parseSurfaces(strings.Split(s, ","))
					o.only = list
					return err
				})
		},
	},
	{
		name: "migrate", args: "[-config FILE] up|down|status [-yes]",
		summary: "apply, roll back (the last group) or list database migrations",
		help: `  up      apply every pending migration, as one new group
  down    roll back the last group applied; the group holding the initial
          schema (which drops every table, and every row in them) only with -yes
  status  list the migrations, applied (with their group) or pending; it
          changes nothing in the database, and creates none

A group is the set of migrations one "migrate up" (or one start with
database.migrate_on_start) applied together; "migrate down" undoes exactly one.`,
		flags: func(fs *flag.FlagSet, o *options) {
			configFlag(fs, o)
			fs.BoolVar(&o.yes, "yes", false, "with down: roll back even the initial schema, dropping every table")
		},
	},
	{
		name: "version", args: "",
		summary: "print the version, the commit and the build date",
		help:    `Print the version, the commit and the date of this build, and the Go version.`,
		flags:   func(*flag.FlagSet, *options) {},
	},
	{
		name: "help", args: "[COMMAND]",
		summary: "show the help of chatplay or of one command",
		help:    `Show what chatplay's commands are, or what one of them does and its flags.`,
		flags:   func(*flag.FlagSet, *options) {},
	},
}

// usage is the help of chatplay itself.
const usage = `usage: chatplay [-config FILE] COMMAND [FLAGS] [ARGS]

Every config key can be overridden by CHATPLAY_<SECTION>_<KEY>, e.g.
CHATPLAY_DATABASE_URL; config.yaml documents them all.

commands:
`

// findCommand returns the command called name.
func findCommand(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// synopsis returns the usage line of c.
func (c command) synopsis() string {
	return strings.TrimSpace("usage: chatplay " + c.name + " " + c.args)
}

// writeHelp writes the help of c, its flags included, to w.
func (c command) writeHelp(w io.Writer) {
	fmt.Fprintf(w, "%s\n\n%s\n", c.synopsis(), c.help)
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.flags(fs, &options{})
	var flags strings.Builder
	fs.SetOutput(&flags)
	fs.PrintDefaults()
	if flags.Len() > 0 {
		fmt.Fprintf(w, "\nflags:\n%s", flags.String())
	}
}

// writeUsage writes the help of chatplay itself to w.
func writeUsage(w io.Writer) {
	fmt.Fprint(w, usage)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun 'chatplay help COMMAND' for a command's flags.\n")
}

// usageError is a wrong command line: it exits with status 2, after a line
// saying how the command is used.
type usageError struct {
	err     error
	command string // "" for chatplay itself
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usageLine returns how to use the command the error is about.
func (e *usageError) usageLine() string {
	if c, ok := findCommand(e.command); ok {
		return fmt.Sprintf("%s\nRun 'chatplay help %s' for details.\n", c.synopsis(), c.name)
	}
	return "usage: chatplay [-config FILE] COMMAND [FLAGS] [ARGS]\nRun 'chatplay help' for the commands.\n"
}

// parseFlags parses args with fs, letting flags come before, between and
// after the positional arguments (`chatplay migrate down -yes`), and returns
// the positional ones.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard) // errors are reported once, by the caller
	fs.Usage = func() {}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		positional, args = append(positional, rest[0]), rest[1:]
	}
}

// parseCommand parses the command line of command c (after its name) into o
// and returns its positional arguments; help asked for is written to stdout
// and reported as flag.ErrHelp.
func parseCommand(c command, args []string, o *options, stdout io.Writer) ([]string, error) {
	fs := flag.NewFlagSet("chatplay "+c.name, flag.ContinueOnError)
	c.flags(fs, o)
	positional, err := parseFlags(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		c.writeHelp(stdout)
		return nil, flag.ErrHelp
	case err != nil:
		return nil, &usageError{err: err, command: c.name}
	}
	return positional, nil
}
