package discord

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine"
)

// maxStreamFailures is how many failed flushes (rate limits included) a
// streamed reply survives before the bot stops writing it.
const maxStreamFailures = 8

// streamer shows a reply as it grows: it collects the engine's deltas and,
// from its own goroutine, writes the text so far into messages of at most
// MaxMessageLen characters, editing each message at most once per interval
// and waiting longer when Discord answers 429.
type streamer struct {
	out      outlet
	interval time.Duration
	log      *slog.Logger

	mu    sync.Mutex
	text  strings.Builder
	dirty chan struct{} // holds a token when text changed since the last flush

	sent []sentPart // owned by run
}

// sentPart is one message of the reply as last written.
type sentPart struct {
	id      string
	content string
}

func newStreamer(out outlet, interval time.Duration, log *slog.Logger) *streamer {
	return &streamer{out: out, interval: interval, log: log, dirty: make(chan struct{}, 1)}
}

// sink is the engine.Sink of the turn: it never blocks.
func (s *streamer) sink(ev engine.Event) {
	if ev.Kind != engine.EventDelta || ev.Delta == "" {
		return
	}
	s.mu.Lock()
	s.text.WriteString(ev.Delta)
	s.mu.Unlock()
	s.touch()
}

// touch marks the text as changed.
func (s *streamer) touch() {
	select {
	case s.dirty <- struct{}{}:
	default:
	}
}

// run writes the reply until done is closed and the final text is written,
// or ctx ends, or writing keeps failing.
func (s *streamer) run(ctx context.Context, done <-chan struct{}) {
	var next time.Time
	finished, failures := false, 0
	for {
		if !finished {
			select {
			case <-s.dirty:
			case <-done:
				finished = true
			case <-ctx.Done():
				return
			}
		}
		if wait := time.Until(next); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return
			}
		}
		if !finished {
			select {
			case <-done:
				finished = true
			default:
			}
		}
		retryAfter, err := s.flush(ctx)
		next = time.Now().Add(max(s.interval, retryAfter))
		if err == nil {
			if finished {
				return
			}
			continue
		}
		failures++
		if _, limited := rateLimitWait(err); !limited || failures >= maxStreamFailures {
			s.log.Warn("discord: stop streaming a reply", errAttr(err))
			return
		}
		s.touch() // write again once the wait is over
	}
}

// flush writes the text so far: it edits the messages whose part changed and
// posts the parts that have no message yet. On a 429 it returns the wait
// Discord asked for.
func (s *streamer) flush(ctx context.Context) (time.Duration, error) {
	s.mu.Lock()
	text := s.text.String()
	s.mu.Unlock()
	for i, part := range Split(text, MaxMessageLen) {
		var err error
		if i < len(s.sent) {
			if s.sent[i].content == part {
				continue
			}
			if err = s.out.edit(ctx, s.sent[i].id, part); err == nil {
				s.sent[i].content = part
			}
		} else {
			var id string
			if id, err = s.out.post(ctx, part); err == nil {
				s.sent = append(s.sent, sentPart{id: id, content: part})
			}
		}
		if err != nil {
			wait, _ := rateLimitWait(err)
			return wait, err
		}
	}
	return 0, nil
}

// shown returns the text written so far, joined.
func (s *streamer) shown() string {
	var sb strings.Builder
	for _, p := range s.sent {
		sb.WriteString(p.content)
	}
	return sb.String()
}

// streamTurn runs turn with a streamer on out and returns what was shown and
// the turn's error. A turn that ends well with an empty reply shows the
// empty-reply sentence in lang, so that no deferred response stays pending.
func (b *Bot) streamTurn(ctx context.Context, lang string, out outlet,
	turn func(sink engine.Sink) (*engine.TurnResult, error)) (string, error) {
	st := newStreamer(out, b.cfg.EditInterval, b.log)
	done, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		st.run(ctx, done)
	}()
	_, err := turn(st.sink)
	close(done)
	<-ended
	if err == nil && len(st.sent) == 0 {
		placeholder := text(lang, msgEmptyReply)
		if perr := b.do(ctx, func(...discordgo.RequestOption) error { _, e := out.post(ctx, placeholder); return e }); perr != nil {
			b.log.Warn("discord: write empty reply", errAttr(perr))
		}
	}
	return st.shown(), err
}
