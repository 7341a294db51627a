// Package replystream shows a chat turn's reply on a chat platform as it
// streams: the first words as a new message as soon as they come, then edits
// as more arrives (paced), new messages when the reply outgrows one, and the
// final text retried until it is shown. Both bots use it; what differs per
// platform (how to send, edit and cut a message, what a rate limit says)
// comes in through Platform. It is not a surface: it imports engine only for
// the turn's events and no platform library.
//
// The rules it keeps, whatever the platform:
//   - a piece of only white space is never sent (platforms refuse it);
//   - a write that failed is never taken as shown: the final text is tried
//     again, with backoff or the platform's retry-after, FinalAttempts times;
//   - a reply that cannot be shown whole ends with a short note saying so
//     (Options.Unshown), and an empty reply with Options.Empty;
//   - the writer stops when the turn ends, however it ends (Close).
package replystream

import (
	"context"
	"log/slog"
	"time"
)

// Limits of a stream. Each one is also an Options field, which tests and
// platforms may set; zero there means these.
const (
	// FinalAttempts is how many times the final text (and a note) is tried
	// before the reply is given up as not shown.
	FinalAttempts = 5
	// FirstBackoff is the wait after the first failed final write; it
	// doubles after each further failure, up to MaxBackoff. A platform's
	// retry-after replaces it.
	FirstBackoff = 500 * time.Millisecond
	// MaxBackoff caps the wait between two final writes.
	MaxBackoff = 8 * time.Second
	// TypingEvery is how often "typing…" is repeated while nothing of the
	// reply is shown (platforms show it for about 5 seconds).
	TypingEvery = 4 * time.Second
)

// Platform is where a reply is shown: one conversation of a chat platform.
// Texts are raw reply text; a platform escapes them for its markup itself.
// A Platform is used by one stream's writer at a time.
type Platform interface {
	// Split cuts text into message-sized parts whose concatenation is text.
	Split(text string) []string
	// Send shows text in a new message and returns the message's id.
	Send(ctx context.Context, text string) (id string, err error)
	// Edit replaces the text of message id.
	Edit(ctx context.Context, id, text string) error
	// RetryAfter reports whether err is a rate limit and how long the
	// platform asked to wait before the next write.
	RetryAfter(err error) (time.Duration, bool)
}

// Typer is a Platform that can show "typing…". A stream shows it when it
// starts and then every Options.TypingEvery until something is shown.
type Typer interface {
	Typing(ctx context.Context)
}

// Options tune a stream. The zero value works: no pace, real time, the
// package's limits, no notes, the default logger.
type Options struct {
	// Interval is the least time between two writes of the stream (edit
	// throttling); zero means none.
	Interval time.Duration
	// Pace, when set, books the next write in a pace shared with other
	// streams (Telegram's per-chat pace) and returns how long to wait for
	// it. The stream's first message does not wait for it.
	Pace func() time.Duration
	// Empty is shown when a turn that ended well has no text to show.
	Empty string
	// Unshown is shown when the reply could not be shown whole.
	Unshown string

	// FinalAttempts, FirstBackoff, MaxBackoff and TypingEvery override the
	// package's constants when not zero.
	FinalAttempts int
	FirstBackoff  time.Duration
	MaxBackoff    time.Duration
	TypingEvery   time.Duration

	// Wait sleeps d or until ctx ends; nil means a timer.
	Wait func(ctx context.Context, d time.Duration) error
	// Now tells the time; nil means time.Now.
	Now func() time.Time
	// Ticker returns a channel ticking every d and its stop; nil means a
	// time.Ticker.
	Ticker func(d time.Duration) (<-chan time.Time, func())
	// Log receives the failed writes; nil means slog.Default().
	Log *slog.Logger
	// Redact returns err's text fit for the log (platform errors may carry
	// secrets in URLs); nil means err.Error().
	Redact func(err error) string
}

// withDefaults fills the zero fields.
func (o Options) withDefaults() Options {
	if o.FinalAttempts <= 0 {
		o.FinalAttempts = FinalAttempts
	}
	if o.FirstBackoff <= 0 {
		o.FirstBackoff = FirstBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = MaxBackoff
	}
	if o.TypingEvery <= 0 {
		o.TypingEvery = TypingEvery
	}
	if o.Wait == nil {
		o.Wait = sleep
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Ticker == nil {
		o.Ticker = func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTicker(d)
			return t.C, t.Stop
		}
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Redact == nil {
		o.Redact = func(err error) string { return err.Error() }
	}
	return o
}

// backoff returns the wait after the n-th failed final write (n ≥ 1).
func (o Options) backoff(n int) time.Duration {
	d := o.FirstBackoff
	for i := 1; i < n && d < o.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, o.MaxBackoff)
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
