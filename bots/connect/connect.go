// Package connect keeps a chat bot trying to reach its platform when it
// starts: a DNS failure, a refused connection or a 5xx at boot is retried
// with capped exponential backoff, each failure logged, instead of stopping
// the bot for good. Its State shows where the bot stands, for readiness.
//
// Both bots use it (Telegram's getMe and setup, Discord's REST checks and
// gateway). It is not a surface: it knows no platform and no engine.
package connect

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// Status is where a bot stands with its platform.
type Status string

// The statuses of a Link.
const (
	Starting  Status = "starting"  // the first try is under way
	Connected Status = "connected" // the platform answered and the bot is set up
	Retrying  Status = "retrying"  // the last try failed; another follows after a wait
	Disabled  Status = "disabled"  // the platform refused the bot (a bad token): no more tries
)

// Backoff bounds: the wait after the first failure, doubled after each
// further one up to the cap.
const (
	MinWait = time.Second
	MaxWait = time.Minute
)

// State is a snapshot of a Link.
type State struct {
	Status   Status
	Err      string    // the last failure, free of secrets; empty once connected
	Failures int       // failures since the last success
	Since    time.Time // when Status last changed
}

// Link is a bot's connection to its platform at start. Make one with New;
// it is safe for concurrent use.
type Link struct {
	name string
	log  *slog.Logger
	// Sleep waits d or until ctx ends; tests replace it before Establish.
	Sleep func(ctx context.Context, d time.Duration) error

	ready chan struct{} // closed once Connected

	mu    sync.Mutex
	state State
}

// New returns a Link of the bot name ("telegram", "discord"), logging to log.
func New(name string, log *slog.Logger) *Link {
	if log == nil {
		log = slog.Default()
	}
	return &Link{name: name, log: log, Sleep: sleep, ready: make(chan struct{}),
		state: State{Status: Starting, Since: time.Now()}}
}

// Ready is closed once the Link is Connected.
func (l *Link) Ready() <-chan struct{} { return l.ready }

// State returns where the bot stands.
func (l *Link) State() State {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state
}

// permanent marks an error retrying cannot mend.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err as one retrying cannot mend: the platform refused the
// bot (its token, its setup). Establish stops at it.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// Wait returns the wait after n consecutive failures (n >= 1): MinWait
// doubled n-1 times, at most MaxWait.
func Wait(n int) time.Duration {
	d := MinWait
	for i := 1; i < n && d < MaxWait; i++ {
		d *= 2
	}
	return min(d, MaxWait)
}

// Establish calls try until it succeeds (the Link is then Connected and
// Establish returns nil), returns a Permanent error (Disabled; that error is
// returned) or ctx ends (ctx's error is returned). Call it once. Each failure is logged
// with its count, the wait before the next try and its text, which must
// carry no secret: the bots redact their errors before returning them.
func (l *Link) Establish(ctx context.Context, try func(ctx context.Context) error) error {
	for n := 1; ; n++ {
		err := try(ctx)
		if err == nil {
			if n > 1 {
				l.log.Info(l.name+": connected", "after_failures", n-1)
			}
			l.set(State{Status: Connected})
			close(l.ready)
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var p permanent
		if errors.As(err, &p) {
			l.log.Error(l.name+": the platform refused the bot; not trying again", "err", err.Error())
			l.set(State{Status: Disabled, Err: err.Error(), Failures: n})
			return err
		}
		wait := Wait(n)
		l.log.Warn(l.name+": cannot reach the platform; trying again", "failures", n, "retry_in", wait, "err", err.Error())
		l.set(State{Status: Retrying, Err: err.Error(), Failures: n})
		if err := l.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// set records st as the state, from now.
func (l *Link) set(st State) {
	st.Since = time.Now()
	l.mu.Lock()
	l.state = st
	l.mu.Unlock()
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
