package telegram

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/chatplay/chatplay/engine"
)

// play runs a chat turn and shows its reply as it streams: "typing…" first,
// the first part as a new message as soon as it comes, then edits as more
// arrives, paced per chat; a reply longer than a message goes on in new
// messages. run calls the engine with the sink to feed. An error ends with
// one short message saying what went wrong.
func (b *Bot) play(ctx context.Context, req *request, run func(sink engine.Sink) error) {
	s := &stream{b: b, req: req, kick: make(chan struct{}, 1), finished: make(chan struct{}), written: make(chan struct{})}
	b.typing(ctx, req.chatID)
	go s.write(ctx)
	err := run(s.sink)
	close(s.finished)
	<-s.written
	switch {
	case err != nil:
		b.replyError(ctx, req, err)
	case len(s.sent) == 0:
		b.say(ctx, req, req.lang.t("emptyReply"), nil)
	}
}

// stream is one reply being shown. The engine's goroutine feeds text
// through sink; the writer goroutine owns sent.
type stream struct {
	b   *Bot
	req *request

	mu   sync.Mutex
	text strings.Builder // the reply so far

	kick     chan struct{} // a delta came (one slot: kicks coalesce)
	finished chan struct{} // closed when the turn has ended
	written  chan struct{} // closed when the writer is done

	sent   []sentPart // the messages shown so far, one per part
	broken bool       // a message could not be sent: stop trying
}

// sentPart is a message of the reply and the raw text it shows.
type sentPart struct {
	id   int
	text string
}

// sink receives the turn's events; it never blocks.
func (s *stream) sink(ev engine.Event) {
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

// write shows the reply until the turn has ended and all of it is shown,
// repeating "typing…" while nothing is.
func (s *stream) write(ctx context.Context) {
	defer close(s.written)
	typing := time.NewTicker(s.b.typingEvery)
	defer typing.Stop()
	for {
		select {
		case <-s.kick:
			s.flush(ctx)
		case <-typing.C:
			if len(s.sent) == 0 {
				s.b.typing(ctx, s.req.chatID)
			}
		case <-s.finished:
			s.flush(ctx)
			return
		}
	}
}

// parts returns the reply so far cut into messages, leaving out parts with
// nothing to show (Telegram refuses blank messages).
func (s *stream) parts() []string {
	s.mu.Lock()
	text := s.text.String()
	s.mu.Unlock()
	var out []string
	for _, p := range Split(text, MaxMessageLen) {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}

// flush brings the messages up to the reply so far: each change (an edit of
// a part, a new message for a new part) waits for the chat's pace, except the
// reply's first message, and takes the newest text after waiting.
func (s *stream) flush(ctx context.Context) {
	chat := s.req.chatID
	paced := false
	for !s.broken {
		parts := s.parts()
		i := 0
		for i < len(parts) && i < len(s.sent) && s.sent[i].text == parts[i] {
			i++
		}
		if i == len(parts) {
			return
		}
		if !paced {
			d := s.b.pacer.reserve(chat)
			if len(s.sent) > 0 && d > 0 {
				if err := s.b.wait(ctx, d); err != nil {
					s.broken = true
					return
				}
				paced = true
				continue // the text may have grown meanwhile
			}
		}
		paced = false
		html := EscapeHTML(parts[i])
		if i < len(s.sent) {
			if err := s.b.edit(ctx, chat, s.sent[i].id, html, nil); err != nil {
				s.b.log.Warn("telegram: edit reply", "chat", chat, "err", err)
			}
			s.sent[i].text = parts[i] // not retried: the next change tries again
			continue
		}
		replyTo := 0
		if i == 0 && !s.req.private {
			replyTo = s.req.msgID
		}
		id, err := s.b.send(ctx, chat, replyTo, html, nil)
		if err != nil {
			s.b.log.Warn("telegram: send reply", "chat", chat, "err", err)
			s.broken = true
			return
		}
		s.sent = append(s.sent, sentPart{id: id, text: parts[i]})
	}
}
