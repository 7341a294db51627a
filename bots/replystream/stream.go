package replystream

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/chatplay/chatplay/engine"
)

// Stream is one reply being shown. Start it, feed Sink to the engine's turn,
// then call Finish; defer Close so that the writer stops however the turn
// ends (a panic included).
//
//	st := replystream.Start(ctx, platform, opts)
//	defer st.Close()
//	_, err := eng.SendMessage(ctx, in, st.Sink)
//	res := st.Finish(err == nil)
type Stream struct {
	p     Platform
	typer Typer // p as a Typer, or nil
	opt   Options

	mu   sync.Mutex
	text strings.Builder // the reply so far

	kick     chan struct{} // a delta came (one slot: kicks coalesce)
	end      chan struct{} // closed by Finish or Close
	endOnce  sync.Once
	finalize bool          // set before end is closed by Finish: show the whole reply
	ok       bool          // the turn ended well (Finish's argument)
	done     chan struct{} // closed when the writer has returned

	// Owned by the writer until done is closed.
	sent   []part    // the messages shown so far, one per part
	next   time.Time // no write before this (interval, retry-after)
	result Result
}

// part is a message of the reply and the raw text it shows.
type part struct {
	id   string
	text string
}

// Result is what a finished stream showed.
type Result struct {
	// Shown is the text of the reply's messages, joined (notes excluded).
	Shown string
	// Complete reports whether the whole reply is shown.
	Complete bool
}

// Start shows "typing…" when p can, and starts the writer that shows the
// reply on p as Sink receives it, until Finish or Close, or until ctx ends.
func Start(ctx context.Context, p Platform, opt Options) *Stream {
	s := &Stream{p: p, opt: opt.withDefaults(), kick: make(chan struct{}, 1), end: make(chan struct{}),
		done: make(chan struct{})}
	s.typer, _ = p.(Typer)
	if s.typer != nil {
		s.typer.Typing(ctx)
	}
	go s.run(ctx)
	return s
}

// Sink is the engine.Sink of the turn: it takes the reply's deltas and never
// blocks.
func (s *Stream) Sink(ev engine.Event) {
	if ev.Kind != engine.EventDelta || ev.Delta == "" {
		return
	}
	s.mu.Lock()
	s.text.WriteString(ev.Delta)
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Finish ends the stream once the turn is over: it waits until the whole
// reply is shown, or its final writes have failed FinalAttempts times. When
// ok (the turn ended well) an empty reply shows Options.Empty and one that
// could not be shown whole Options.Unshown. After Close it only returns
// what was shown.
func (s *Stream) Finish(ok bool) Result {
	s.endOnce.Do(func() {
		s.finalize, s.ok = true, ok
		close(s.end)
	})
	<-s.done
	return s.result
}

// Close stops the writer, when Finish has not, without showing more, and
// waits for it. It is safe to call more than once.
func (s *Stream) Close() {
	s.endOnce.Do(func() { close(s.end) })
	<-s.done
}

// run is the writer: it shows the reply until the stream ends, repeating
// "typing…" while nothing is shown.
func (s *Stream) run(ctx context.Context) {
	defer close(s.done)
	defer func() { s.result.Shown = s.shown() }()
	var tick <-chan time.Time
	if s.typer != nil {
		c, stop := s.opt.Ticker(s.opt.TypingEvery)
		defer stop()
		tick = c
	}
	for {
		select {
		case <-s.end: // the end first: its final write shows all the kicks would
			s.stop(ctx)
			return
		default:
		}
		select {
		case <-s.kick:
			if err := s.flush(ctx); err != nil && ctx.Err() == nil {
				s.opt.Log.Warn("reply stream: write failed, the next one tries again", "err", s.opt.Redact(err))
			}
		case <-tick:
			if len(s.sent) == 0 {
				s.typer.Typing(ctx)
			}
		case <-s.end:
			s.stop(ctx)
			return
		case <-ctx.Done():
			return
		}
	}
}

// stop ends the writer's work: after Finish, the final writes.
func (s *Stream) stop(ctx context.Context) {
	if s.finalize {
		s.finish(ctx)
	}
}

// finish shows the whole reply, trying again after a failure, then the note
// an empty or unshown reply calls for.
func (s *Stream) finish(ctx context.Context) {
	for attempt := 1; ; attempt++ {
		err := s.flush(ctx)
		if err == nil {
			s.result.Complete = true
			break
		}
		if ctx.Err() != nil {
			return
		}
		if attempt >= s.opt.FinalAttempts {
			s.opt.Log.Warn("reply stream: the reply could not be shown whole", "attempts", attempt, "err", s.opt.Redact(err))
			break
		}
		s.opt.Log.Info("reply stream: final write failed, retrying", "attempt", attempt, "err", s.opt.Redact(err))
		if err := s.backoff(ctx, attempt, err); err != nil {
			return
		}
	}
	if !s.ok {
		return // the surface tells the turn's error
	}
	switch {
	case len(s.parts()) == 0:
		s.note(ctx, s.opt.Empty)
	case !s.result.Complete:
		s.note(ctx, s.opt.Unshown)
	}
}

// backoff waits before the attempt after the n-th failed one: the
// exponential backoff, unless err is a rate limit, whose retry-after the
// next write's pace already holds.
func (s *Stream) backoff(ctx context.Context, n int, err error) error {
	if _, limited := s.p.RetryAfter(err); limited {
		return nil
	}
	return s.opt.Wait(ctx, s.opt.backoff(n))
}

// note sends text in a new message, within the same bounded attempts.
func (s *Stream) note(ctx context.Context, text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	for attempt := 1; ; attempt++ {
		err := s.pace(ctx, len(s.sent) == 0)
		if err == nil {
			_, err = s.p.Send(ctx, text)
			s.wrote(err)
		}
		if err == nil || ctx.Err() != nil {
			return
		}
		if attempt >= s.opt.FinalAttempts {
			s.opt.Log.Warn("reply stream: could not send a note", "err", s.opt.Redact(err))
			return
		}
		if err := s.backoff(ctx, attempt, err); err != nil {
			return
		}
	}
}

// parts returns the reply so far cut into messages, leaving out the parts
// with nothing to show.
func (s *Stream) parts() []string {
	s.mu.Lock()
	text := s.text.String()
	s.mu.Unlock()
	var out []string
	for _, p := range s.p.Split(text) {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}

// flush brings the messages up to the reply so far, one write per change
// (an edit of a part, a new message for a new part), each after its pace;
// after waiting it takes the newest text. A write that fails is not taken
// as shown; flush returns its error.
func (s *Stream) flush(ctx context.Context) error {
	paced := false
	for {
		parts := s.parts()
		i := 0
		for i < len(parts) && i < len(s.sent) && s.sent[i].text == parts[i] {
			i++
		}
		if i == len(parts) {
			return nil
		}
		if !paced {
			if d := s.delay(len(s.sent) == 0); d > 0 {
				if err := s.opt.Wait(ctx, d); err != nil {
					return err
				}
				paced = true
				continue // the text may have grown meanwhile
			}
		}
		paced = false
		if i < len(s.sent) {
			err := s.p.Edit(ctx, s.sent[i].id, parts[i])
			s.wrote(err)
			if err != nil {
				return err
			}
			s.sent[i].text = parts[i]
			continue
		}
		id, err := s.p.Send(ctx, parts[i])
		s.wrote(err)
		if err != nil {
			return err
		}
		s.sent = append(s.sent, part{id: id, text: parts[i]})
	}
}

// pace waits for the next write's turn.
func (s *Stream) pace(ctx context.Context, first bool) error {
	if d := s.delay(first); d > 0 {
		return s.opt.Wait(ctx, d)
	}
	return nil
}

// delay books the next write and returns how long to wait for it: the
// shared pace (but not for the reply's first message), the stream's own
// interval and any retry-after.
func (s *Stream) delay(first bool) time.Duration {
	var d time.Duration
	if s.opt.Pace != nil {
		d = s.opt.Pace()
	}
	if first {
		d = 0
	}
	return max(d, s.next.Sub(s.opt.Now()))
}

// wrote records a write's end: the next waits the interval, or longer when
// the platform asked for it.
func (s *Stream) wrote(err error) {
	now := s.opt.Now()
	s.next = now.Add(s.opt.Interval)
	if err == nil {
		return
	}
	if d, limited := s.p.RetryAfter(err); limited && now.Add(d).After(s.next) {
		s.next = now.Add(d)
	}
}

// shown returns the text of the messages shown, joined.
func (s *Stream) shown() string {
	var sb strings.Builder
	for _, p := range s.sent {
		sb.WriteString(p.text)
	}
	return sb.String()
}
