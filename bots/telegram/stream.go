package telegram

import (
	"context"
	"strconv"
	"time"

	"github.com/chatplay/chatplay/bots/replystream"
	"github.com/chatplay/chatplay/engine"
)

// play runs a chat turn in room and shows its reply as it streams
// (replystream): "typing…" first, the first part as a new message as soon as
// it comes, then edits as more arrives, paced per chat; a reply longer than a
// message goes on in new messages, and the final text is tried again until it
// is shown. run calls the engine with the sink to feed. An error ends with one
// short message saying what went wrong. The stream stops however run ends, a
// panic included, so "typing…" never outlives the update. A reply shown whole
// then gets its buttons (💡, 🌐, and ✍️ when the room hides its feedback) and
// the learner's line its correction, even when the reply failed (afterReply).
func (b *Bot) play(ctx context.Context, req *request, room *engine.Room, run func(sink engine.Sink) (*engine.TurnResult, error)) {
	cr := &chatReply{b: b, chatID: req.chatID, replyTo: req.replyTarget()}
	st := replystream.Start(ctx, cr, replystream.Options{
		Pace:        func() time.Duration { return b.pacer.reserve(req.chatID) },
		Empty:       req.lang.t("emptyReply"),
		Unshown:     req.lang.t("replyUnshown"),
		TypingEvery: b.typingEvery,
		Wait:        b.wait,
		Ticker:      b.ticker,
		Log:         b.log.With("chat", req.chatID),
	})
	defer st.Close()
	res, err := run(st.Sink)
	shown := st.Finish(err == nil)
	last := 0
	if err != nil {
		b.replyError(ctx, req, err) // the learner's line, stored, still gets its correction
	} else if shown.Complete {
		last = cr.last
	}
	b.afterReply(ctx, req, room, res, last)
}

// replyTarget is the message a reply answers: the user's, in a group (so
// that it is clear whom it answers); none in a private chat.
func (r *request) replyTarget() int {
	if r.private {
		return 0
	}
	return r.msgID
}

// chatReply shows a reply in a chat: the replystream.Platform of Telegram.
// Texts are escaped as Telegram HTML; calls honour 429's retry_after (call).
type chatReply struct {
	b       *Bot
	chatID  int64
	replyTo int // the message the reply's first message answers, 0 for none
	last    int // the reply's last message so far, 0 before the first
}

var (
	_ replystream.Platform = (*chatReply)(nil)
	_ replystream.Typer    = (*chatReply)(nil)
)

// Split cuts text at Telegram's message length.
func (c *chatReply) Split(text string) []string { return Split(text, MaxMessageLen) }

// Send sends text in a new message.
func (c *chatReply) Send(ctx context.Context, text string) (string, error) {
	id, err := c.b.send(ctx, c.chatID, c.replyTo, EscapeHTML(text), nil)
	if err != nil {
		return "", err
	}
	c.replyTo, c.last = 0, id
	return strconv.Itoa(id), nil
}

// Edit replaces the text of message id.
func (c *chatReply) Edit(ctx context.Context, id, text string) error {
	msgID, err := strconv.Atoi(id)
	if err != nil {
		return err
	}
	return c.b.edit(ctx, c.chatID, msgID, EscapeHTML(text), nil)
}

// RetryAfter reports no rate limit: call has already waited out Telegram's
// retry_after (and held the chat's pace) before giving up.
func (c *chatReply) RetryAfter(error) (time.Duration, bool) { return 0, false }

// Typing shows "typing…" in the chat.
func (c *chatReply) Typing(ctx context.Context) { c.b.typing(ctx, c.chatID) }
