package replystream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// errBlank is what the fake answers to a blank message, as the platforms do.
var errBlank = errors.New("fake: cannot send an empty message")

// rateLimited is the fake's 429.
type rateLimited struct{ wait time.Duration }

func (r rateLimited) Error() string { return fmt.Sprintf("fake: rate limited, retry after %v", r.wait) }

// call is one write the fake received.
type call struct {
	op   string // "send" or "edit"
	id   string
	text string
	err  error
}

// fake is a Platform that keeps its messages, cuts text every size bytes,
// refuses blank messages, and fails writes as scripted.
type fake struct {
	size int

	mu      sync.Mutex
	msgs    []string // by id (the index)
	calls   []call
	fails   map[string][]error // op → the errors of its next calls
	typing  int
	changed chan struct{} // closed and replaced at every write
}

var (
	_ Platform = (*fake)(nil)
	_ Typer    = (*fake)(nil)
)

func newFake(size int) *fake {
	return &fake{size: size, fails: map[string][]error{}, changed: make(chan struct{})}
}

func (f *fake) Split(text string) []string {
	var out []string
	for len(text) > f.size {
		out = append(out, text[:f.size])
		text = text[f.size:]
	}
	if text != "" {
		out = append(out, text)
	}
	return out
}

// fail makes the next n calls of op fail with err.
func (f *fake) fail(op string, n int, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.fails[op] = append(f.fails[op], err)
	}
}

// write records a write and returns its scripted outcome.
func (f *fake) write(op, id, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	var err error
	switch {
	case strings.TrimSpace(text) == "":
		err = errBlank
	case len(f.fails[op]) > 0:
		err, f.fails[op] = f.fails[op][0], f.fails[op][1:]
	}
	f.calls = append(f.calls, call{op: op, id: id, text: text, err: err})
	close(f.changed)
	f.changed = make(chan struct{})
	return err
}

func (f *fake) Send(_ context.Context, text string) (string, error) {
	f.mu.Lock()
	id := fmt.Sprint(len(f.msgs))
	f.mu.Unlock()
	if err := f.write("send", id, text); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = append(f.msgs, text)
	return id, nil
}

func (f *fake) Edit(_ context.Context, id, text string) error {
	if err := f.write("edit", id, text); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var i int
	fmt.Sscan(id, &i)
	f.msgs[i] = text
	return nil
}

func (f *fake) RetryAfter(err error) (time.Duration, bool) {
	var rl rateLimited
	if errors.As(err, &rl) {
		return rl.wait, true
	}
	return 0, false
}

func (f *fake) Typing(context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.typing++
}

// shown returns the messages as the chat shows them.
func (f *fake) shown() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.msgs...)
}

func (f *fake) writes() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

// waitWrites waits until the fake has received n writes.
func (f *fake) waitWrites(t *testing.T, n int) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		f.mu.Lock()
		got, changed := len(f.calls), f.changed
		f.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("%d writes, want %d: %+v", got, n, f.writes())
		}
	}
}

// clock is a frozen clock that moves only when the stream waits; it records
// the waits.
type clock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func newClock() *clock { return &clock{now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Wait(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

func (c *clock) waited() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// ticker is a typing ticker the test drives.
type ticker struct {
	c       chan time.Time
	stopped chan struct{}
	held    chan struct{} // when set, the writer waits for it before starting
}

func newTicker() *ticker { return &ticker{c: make(chan time.Time), stopped: make(chan struct{})} }

func (tk *ticker) start(time.Duration) (<-chan time.Time, func()) {
	if tk.held != nil {
		<-tk.held
	}
	return tk.c, func() { close(tk.stopped) }
}

// options returns Options on clock c and ticker tk, logging nowhere.
func options(c *clock, tk *ticker) Options {
	return Options{Wait: c.Wait, Now: c.Now, Ticker: tk.start, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Empty: "(empty)", Unshown: "(not shown)"}
}

// finishHeld starts a stream whose writer begins only after the deltas are
// all in and Finish has been called: every write it makes is a final one.
func finishHeld(t *testing.T, p Platform, opt Options, ok bool, deltas ...string) Result {
	t.Helper()
	tk := newTicker()
	tk.held = make(chan struct{})
	opt.Ticker = tk.start
	st := Start(context.Background(), p, opt)
	for _, d := range deltas {
		st.Sink(delta(d))
	}
	res := make(chan Result, 1)
	go func() { res <- st.Finish(ok) }()
	<-st.end
	close(tk.held)
	return <-res
}
