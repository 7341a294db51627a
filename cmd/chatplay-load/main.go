// Command chatplay-load plays chat turns against a running chatplay through
// its web API and reports what the service made of them: turns per second,
// latency percentiles, errors by status, messages lost (sent and
// acknowledged, yet missing from the room's history, out of order, or not
// followed by a complete reply), and, given the server's pid, its CPU
// seconds per turn and its memory.
//
// It signs up one account per sender (or, with -shared, one account whose
// one room every sender plays in), creates the rooms with feedback off, then
// has the senders play their turns at once. With -model-addr it also serves
// an instant OpenAI-compatible model on that address for the run: point
// chatplay's model.base_url at it. The service's limits must be off for a
// load run; docs/benchmarks.md ("Load tool") has the commands.
//
//	chatplay-load -url http://127.0.0.1:8080 -users 8 -turns 50 -model-addr 127.0.0.1:8099 -pid $(pgrep -n chatplay)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "chatplay-load:", err)
		if errors.Is(err, errFaults) {
			os.Exit(1)
		}
		os.Exit(2)
	}
}

// errFaults is a run that completed with failed turns or lost messages.
var errFaults = errors.New("the run had errors or lost messages")

// run parses args, plays the load and writes the report to stdout.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("chatplay-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "http://127.0.0.1:8080", "chatplay's address")
	users := fs.Int("users", 8, "senders playing at once")
	turns := fs.Int("turns", 50, "turns each sender plays")
	shared := fs.Bool("shared", false, "every sender plays in one shared room (of one account) instead of an account and a room each")
	mode := fs.String("mode", "json", "json (wait for the whole answer) or sse (read the stream to its reply event)")
	pid := fs.Int("pid", 0, "the server's pid: report its CPU seconds per turn and its memory, from /proc")
	modelAddr := fs.String("model-addr", "", "serve an instant OpenAI-compatible model on this address (host:port) during the run")
	asJSON := fs.Bool("json", false, "write the report as JSON instead of a table")
	prefix := fs.String("prefix", strconv.FormatInt(time.Now().UnixNano(), 36), "makes the run's emails and lines unique")
	pageSize := fs.Int("page-size", 100, "messages per page when reading a room's history (at most the server's limits.max_page_size)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	case *users < 1 || *turns < 1 || *pageSize < 1:
		return errors.New("-users, -turns and -page-size must be at least 1")
	case *mode != "json" && *mode != "sse":
		return fmt.Errorf("-mode %q: want json or sse", *mode)
	}
	if *modelAddr != "" {
		stopModel, err := serveModel(*modelAddr)
		if err != nil {
			return err
		}
		defer stopModel()
		fmt.Fprintf(stderr, "instant model at http://%s/v1\n", *modelAddr)
	}
	c := newAPIClient(*base, *users)
	c.pageSize = *pageSize
	r, err := runLoad(ctx, c, plan{Users: *users, Turns: *turns, Shared: *shared, Mode: *mode, PID: *pid, Prefix: *prefix})
	if err != nil {
		return err
	}
	if *asJSON {
		err = r.writeJSON(stdout)
	} else {
		err = r.writeTable(stdout)
	}
	if err != nil {
		return err
	}
	if len(r.Errors) > 0 || r.Loss.total() > 0 {
		return errFaults
	}
	return nil
}

// serveModel serves the instant model on addr until the returned func is called.
func serveModel(addr string) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("-model-addr: %w", err)
	}
	srv := &http.Server{Handler: &instantModel{}, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return func() { srv.Close() }, nil
}
