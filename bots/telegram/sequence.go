package telegram

import (
	"context"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/chatplay/chatplay/bots/sequence"
)

// maxQueuedUpdates bounds the updates of one user in one chat that wait to
// be handled, the one being handled included. An update past it is not
// handled: a message is answered "slow down", a button press has its
// spinner stopped with that text. A flood costs no more memory than this.
const maxQueuedUpdates = 10

// maxSlowDowns bounds the "slow down" answers of one user in one chat not
// yet sent. An update refused past it is dropped with only a log line: a
// flood is not answered line by line, and costs no more goroutines than this.
const maxSlowDowns = 2

// seqKey is whose updates must be handled in order: one user in one chat.
type seqKey struct{ chat, user int64 }

// seqKeyOf returns the key of an update (zero for kinds the bot ignores).
func seqKeyOf(upd *models.Update) seqKey {
	switch {
	case upd.Message != nil && upd.Message.From != nil:
		return seqKey{upd.Message.Chat.ID, upd.Message.From.ID}
	case upd.CallbackQuery != nil:
		k := seqKey{user: upd.CallbackQuery.From.ID}
		if m := upd.CallbackQuery.Message.Message; m != nil {
			k.chat = m.Chat.ID
		} else if m := upd.CallbackQuery.Message.InaccessibleMessage; m != nil {
			k.chat = m.Chat.ID
		}
		return k
	}
	return seqKey{}
}

// newQueues returns the bot's queues: its users' updates, and the answers to
// those refused.
func newQueues() (lines, slowDowns *sequence.Queues[seqKey]) {
	return sequence.New[seqKey](maxQueuedUpdates), sequence.New[seqKey](maxSlowDowns)
}

// onUpdate is the library's handler for every update, called by its one
// worker in the order updates arrive. It only queues: each user's updates in
// a chat are handled in order (a /reset before the next line, the answers of
// /new in turn), one at a time, while other users and chats go on in
// parallel.
func (b *Bot) onUpdate(_ context.Context, _ *bot.Bot, upd *models.Update) {
	if !b.enqueue(upd) {
		b.log.Warn("telegram: update dropped at shutdown", "update_id", upd.ID)
	}
}

// enqueue queues upd behind its user's earlier updates in its chat and
// reports whether it took it: not once drain has begun. An update the bot
// does not act on (group chatter, other kinds) is taken and forgotten; one
// past its user's bound is taken and answered "slow down", not handled.
func (b *Bot) enqueue(upd *models.Update) bool {
	b.seqMu.Lock()
	if b.draining { // shutting down: drain is waiting, no Add may follow
		b.seqMu.Unlock()
		return false
	}
	b.inflight.Add(1)
	b.seqMu.Unlock()
	var req *request
	if me := b.me.Load(); me != nil { // without it, handle logs the update
		if req = readUpdate(upd, me); req == nil {
			b.finish(upd)
			return true
		}
	}
	key := seqKeyOf(upd)
	if b.lines.Push(key, func() { b.handleOne(upd) }) {
		return true
	}
	if req == nil || !b.slowDowns.Push(key, func() { defer b.finish(upd); b.slowDown(b.work, req) }) {
		b.log.Warn("telegram: update dropped: its user's queue is full", "update_id", upd.ID, "chat", key.chat)
		b.finish(upd)
	}
	return true
}

// finish ends an update's handling: drain stops waiting for it.
func (b *Bot) finish(upd *models.Update) {
	if b.handled != nil {
		b.handled(upd.ID)
	}
	b.inflight.Done()
}

// handleOne handles one update, never letting a panic take the process down.
func (b *Bot) handleOne(upd *models.Update) {
	defer b.finish(upd)
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("telegram: panic handling update", "update", upd.ID, "panic", p)
		}
	}()
	b.handle(b.work, upd)
}

// slowDown answers an update refused because its user's queue is full, in
// their language: a message with a message, a button press by stopping its
// spinner with the same words. The update is not handled (nor claimed: a
// copy delivered again later is handled).
func (b *Bot) slowDown(ctx context.Context, req *request) {
	defer func() { // a job must not panic: its queue's goroutine would take the process down
		if p := recover(); p != nil {
			b.log.Error("telegram: panic answering slow down", "update", req.updateID, "panic", p)
		}
	}()
	b.observe(req.kind(), outcomeThrottled)
	b.log.Warn("telegram: updates coming faster than they are handled", "update_id", req.updateID,
		"chat", req.chatID, "max_queued", maxQueuedUpdates)
	text := req.lang.t("slowDown") // plain text too: a callback answer takes no markup
	if req.callbackID != "" {
		b.answerCallback(ctx, req, text)
		return
	}
	b.say(ctx, req, text, nil)
}
