package replystream

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
)

func delta(s string) engine.Event { return engine.Event{Kind: engine.EventDelta, Delta: s} }

// checkNoBlank fails if a write carried a blank text.
func checkNoBlank(t *testing.T, f *fake) {
	t.Helper()
	for _, c := range f.writes() {
		if errors.Is(c.err, errBlank) {
			t.Errorf("a blank %s was written: %q", c.op, c.text)
		}
	}
}

// A piece of only white space is never sent: not a first piece of the reply,
// not a part of it between others; what is shown adds up to the rest.
func TestBlankPiecesAreNeverSent(t *testing.T) {
	t.Run("first pieces", func(t *testing.T) {
		f := newFake(100)
		st := Start(context.Background(), f, options(newClock(), newTicker()))
		for _, d := range []string{"\n", " ", "\n\n", "Hello", " there"} {
			st.Sink(delta(d))
		}
		res := st.Finish(true)
		checkNoBlank(t, f)
		if got := f.shown(); !slices.Equal(got, []string{"\n \n\nHello there"}) || !res.Complete || res.Shown != got[0] {
			t.Fatalf("shown %q, result %+v", got, res)
		}
	})
	t.Run("a blank part", func(t *testing.T) {
		f := newFake(5)
		st := Start(context.Background(), f, options(newClock(), newTicker()))
		for _, d := range []string{"Hello", "     ", "World"} {
			st.Sink(delta(d))
		}
		res := st.Finish(true)
		checkNoBlank(t, f)
		if got := f.shown(); !slices.Equal(got, []string{"Hello", "World"}) || !res.Complete {
			t.Fatalf("shown %q, result %+v", got, res)
		}
	})
	t.Run("only white space", func(t *testing.T) {
		f := newFake(100)
		res := finishHeld(t, f, options(newClock(), newTicker()), true, " ", "\n", "\t")
		checkNoBlank(t, f)
		if got := f.shown(); !slices.Equal(got, []string{"(empty)"}) || res.Shown != "" || !res.Complete {
			t.Fatalf("shown %q, result %+v; want the empty-reply note", got, res)
		}
	})
}

// A failed final edit is not taken as shown: it is tried again after a
// backoff until the chat shows the whole reply.
func TestFailedFinalEditIsRetried(t *testing.T) {
	f := newFake(100)
	c := newClock()
	st := Start(context.Background(), f, options(c, newTicker()))
	st.Sink(delta("Hello "))
	f.waitWrites(t, 1)
	f.fail("edit", 1, errors.New("502 Bad Gateway"))
	st.Sink(delta("world."))
	res := st.Finish(true)

	if got := f.shown(); !slices.Equal(got, []string{"Hello world."}) || !res.Complete || res.Shown != "Hello world." {
		t.Fatalf("shown %q, result %+v", got, res)
	}
	var ops []string
	for _, w := range f.writes() {
		ops = append(ops, w.op)
	}
	if !slices.Equal(ops, []string{"send", "edit", "edit"}) {
		t.Fatalf("writes %v, want the failed edit tried again", f.writes())
	}
}

// The platform's retry-after is honoured, in place of the backoff.
func TestRetryAfterIsHonoured(t *testing.T) {
	f := newFake(100)
	c := newClock()
	f.fail("send", 1, rateLimited{7 * time.Second})
	res := finishHeld(t, f, options(c, newTicker()), true, "Hi")
	if got := f.shown(); !slices.Equal(got, []string{"Hi"}) || !res.Complete {
		t.Fatalf("shown %q, result %+v", got, res)
	}
	if w := c.waited(); !slices.Equal(w, []time.Duration{7 * time.Second}) {
		t.Fatalf("waits %v, want retry-after's 7s only", w)
	}
}

// The final text is tried FinalAttempts times, with a doubling backoff: a
// reply shown on the last attempt is whole; one that fails every attempt
// ends with a note saying it could not be shown, and the result says so.
func TestFinalAttemptsAreBounded(t *testing.T) {
	boom := errors.New("502 Bad Gateway")
	t.Run("shown on the last attempt", func(t *testing.T) {
		f, c := newFake(100), newClock()
		f.fail("send", FinalAttempts-1, boom)
		res := finishHeld(t, f, options(c, newTicker()), true, "Hello")
		if got := f.shown(); !slices.Equal(got, []string{"Hello"}) || !res.Complete {
			t.Fatalf("shown %q, result %+v", got, res)
		}
		if w := c.waited(); !slices.Equal(w, []time.Duration{FirstBackoff, 2 * FirstBackoff, 4 * FirstBackoff, 8 * FirstBackoff}) {
			t.Fatalf("waits %v", w)
		}
	})
	t.Run("never shown", func(t *testing.T) {
		f, c := newFake(100), newClock()
		f.fail("send", FinalAttempts, boom)
		res := finishHeld(t, f, options(c, newTicker()), true, "Hello")
		if res.Complete || res.Shown != "" {
			t.Fatalf("result %+v, want nothing shown", res)
		}
		if got := f.shown(); !slices.Equal(got, []string{"(not shown)"}) {
			t.Fatalf("shown %q, want the note", got)
		}
		if n := len(f.writes()); n != FinalAttempts+1 {
			t.Fatalf("%d writes, want %d attempts and the note", n, FinalAttempts)
		}
	})
	t.Run("a failed turn has no note", func(t *testing.T) {
		f := newFake(100)
		f.fail("send", FinalAttempts, boom)
		res := finishHeld(t, f, options(newClock(), newTicker()), false, "Hello")
		if len(f.shown()) != 0 || res.Complete {
			t.Fatalf("shown %q, result %+v", f.shown(), res)
		}
	})
	t.Run("an edit failing every attempt", func(t *testing.T) {
		f := newFake(100)
		st := Start(context.Background(), f, options(newClock(), newTicker()))
		st.Sink(delta("Hello "))
		f.waitWrites(t, 1)
		f.fail("edit", FinalAttempts+2, boom) // the final attempts, and up to two streamed edits before them
		st.Sink(delta("world."))
		res := st.Finish(true)
		if res.Complete || res.Shown != "Hello " {
			t.Fatalf("result %+v, want only the first words shown", res)
		}
		if got := f.shown(); !slices.Equal(got, []string{"Hello ", "(not shown)"}) {
			t.Fatalf("shown %q", got)
		}
	})
}

func TestBackoff(t *testing.T) {
	o := Options{}.withDefaults()
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, MaxBackoff, MaxBackoff}
	for n, w := range want {
		if got := o.backoff(n + 1); got != w {
			t.Errorf("backoff(%d) = %v, want %v", n+1, got, w)
		}
	}
}

// Writes are throttled: the stream's own interval between any two, a shared
// pace between all but before the first message, and the newest text is
// written after the wait.
func TestWritesArePaced(t *testing.T) {
	t.Run("interval", func(t *testing.T) {
		f, c := newFake(100), newClock()
		opt := options(c, newTicker())
		opt.Interval = time.Second
		st := Start(context.Background(), f, opt)
		st.Sink(delta("a"))
		f.waitWrites(t, 1)
		st.Sink(delta("b"))
		f.waitWrites(t, 2)
		st.Finish(true)
		if w := c.waited(); !slices.Equal(w, []time.Duration{time.Second}) {
			t.Fatalf("waits %v, want the interval once", w)
		}
		if got := f.shown(); !slices.Equal(got, []string{"ab"}) {
			t.Fatalf("shown %q", got)
		}
	})
	t.Run("shared pace", func(t *testing.T) {
		f, c := newFake(100), newClock()
		opt := options(c, newTicker())
		booked := 0
		opt.Pace = func() time.Duration { booked++; return 700 * time.Millisecond }
		st := Start(context.Background(), f, opt)
		st.Sink(delta("a"))
		f.waitWrites(t, 1)
		st.Sink(delta("b"))
		f.waitWrites(t, 2)
		st.Finish(true)
		if w := c.waited(); !slices.Equal(w, []time.Duration{700 * time.Millisecond}) || booked != 2 {
			t.Fatalf("waits %v after %d bookings, want one wait (not for the first message)", w, booked)
		}
	})
}

// "typing…" shows at the start and at each tick while nothing is shown,
// and stops with the stream, even one that is only closed (a turn that
// panicked): its ticker is stopped and nothing reads it any more.
func TestTypingStopsWithTheStream(t *testing.T) {
	f, tk := newFake(100), newTicker()
	st := Start(context.Background(), f, options(newClock(), tk))
	tk.c <- time.Now() // taken by the writer
	tk.c <- time.Now() // the first tick has been handled
	st.Close()
	select {
	case <-tk.stopped:
	default:
		t.Fatal("the typing ticker was not stopped")
	}
	select {
	case tk.c <- time.Now():
		t.Fatal("the writer still runs after Close")
	default:
	}
	f.mu.Lock()
	typing := f.typing
	f.mu.Unlock()
	if typing != 3 {
		t.Fatalf("typing shown %d times, want 3: at the start and at each tick", typing)
	}
	st.Close() // twice is fine
	if res := st.Finish(true); res.Complete || len(f.writes()) != 0 {
		t.Fatalf("Finish after Close wrote: %+v %v", res, f.writes())
	}
}
