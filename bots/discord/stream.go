package discord

import (
	"context"
	"time"

	"github.com/chatplay/chatplay/bots/replystream"
	"github.com/chatplay/chatplay/engine"
)

// streamTurn runs turn and shows its reply on out as it grows (replystream):
// messages of at most MaxMessageLen characters, each write at least
// Config.EditInterval after the last and after any wait Discord asked for,
// never a piece of only white space, and the final text tried again until it
// is shown. It returns what was shown and the turn's error. A turn that ends
// well with an empty reply shows the empty-reply sentence in lang, so that no
// deferred response stays pending; one that could not be shown whole says
// so. The writer stops however turn ends, a panic included.
func (b *Bot) streamTurn(ctx context.Context, lang string, out outlet,
	turn func(sink engine.Sink) (*engine.TurnResult, error)) (string, error) {
	st := replystream.Start(ctx, outletReply{out}, replystream.Options{
		Interval: b.cfg.EditInterval,
		Empty:    text(lang, msgEmptyReply),
		Unshown:  text(lang, msgReplyUnshown),
		Wait:     b.streamWait,
		Log:      b.log,
		Redact:   func(err error) string { return errAttr(err).Value.String() },
	})
	defer st.Close()
	_, err := turn(st.Sink)
	res := st.Finish(err == nil)
	return res.Shown, err
}

// outletReply shows a reply on an outlet: the replystream.Platform of
// Discord. Content is Discord markdown as the model wrote it.
type outletReply struct{ out outlet }

var _ replystream.Platform = outletReply{}

// Split cuts text at Discord's message length.
func (o outletReply) Split(text string) []string { return Split(text, MaxMessageLen) }

// Send writes text as a new message.
func (o outletReply) Send(ctx context.Context, text string) (string, error) {
	return o.out.post(ctx, text)
}

// Edit replaces the content of message id.
func (o outletReply) Edit(ctx context.Context, id, text string) error {
	return o.out.edit(ctx, id, text)
}

// RetryAfter reports Discord's 429 and the wait it asked for.
func (o outletReply) RetryAfter(err error) (time.Duration, bool) { return rateLimitWait(err) }
