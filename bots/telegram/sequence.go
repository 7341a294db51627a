package telegram

import (
	"context"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

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
// reports whether it did: not once drain has begun.
func (b *Bot) enqueue(upd *models.Update) bool {
	key := seqKeyOf(upd)
	b.seqMu.Lock()
	if b.draining { // shutting down: drain is waiting, no Add may follow
		b.seqMu.Unlock()
		return false
	}
	b.inflight.Add(1)
	q, running := b.queues[key]
	b.queues[key] = append(q, upd)
	b.seqMu.Unlock()
	if !running {
		go b.drainQueue(key)
	}
	return true
}

// drainQueue handles the updates queued under key until there are none.
func (b *Bot) drainQueue(key seqKey) {
	for {
		b.seqMu.Lock()
		q := b.queues[key]
		if len(q) == 0 {
			delete(b.queues, key)
			b.seqMu.Unlock()
			return
		}
		upd := q[0]
		b.queues[key] = q[1:]
		b.seqMu.Unlock()
		b.handleOne(upd)
	}
}

// handleOne handles one update, never letting a panic take the process down.
func (b *Bot) handleOne(upd *models.Update) {
	defer b.inflight.Done()
	if b.handled != nil {
		defer b.handled(upd.ID)
	}
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("telegram: panic handling update", "update", upd.ID, "panic", p)
		}
	}()
	b.handle(b.work, upd)
}
