package discord

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine"
)

// Binding scopes: a thread bound to a room, and the user's active room (the
// one /say uses outside a bound thread, in DMs among others).
const scopeActive = "active"

// threadScope returns the binding scope of a thread.
func threadScope(channelID string) string { return "thread:" + channelID }

// currentRoom returns the room a command in channelID speaks to: the room
// bound to that thread, else the user's active room.
func (b *Bot) currentRoom(ctx context.Context, userID int64, channelID string) (*engine.Room, error) {
	if channelID != "" {
		r, err := b.eng.BoundRoom(ctx, userID, engine.ProviderDiscord, threadScope(channelID))
		if err == nil || engine.ErrorCode(err) != engine.CodeNotFound {
			return r, err
		}
	}
	r, err := b.eng.BoundRoom(ctx, userID, engine.ProviderDiscord, scopeActive)
	if engine.ErrorCode(err) == engine.CodeNotFound {
		return nil, &engine.Error{Code: engine.CodeNotFound, Message: "No room here.", Err: err}
	}
	return r, err
}

// noRoom reports whether err is the absence of a current room.
func noRoom(err error) bool { return engine.ErrorCode(err) == engine.CodeNotFound }

// failNoRoom explains that there is no room here, or err.
func (x *exchange) failNoRoom(ctx context.Context, err error, typed string) {
	if noRoom(err) {
		content := text(x.lang, msgNoRoom)
		if typed != "" {
			content = Split(content+"\n"+text(x.lang, msgYourText)+"\n"+quote(typed), MaxMessageLen)[0]
		}
		x.b.answer(ctx, x, x.reply(ctx, true, content, nil))
		return
	}
	x.fail(ctx, err, typed)
}

// say answers /say: a chat turn in the current room, streamed into the
// response (after a recap of what was played elsewhere, when something was).
func (b *Bot) say(ctx context.Context, x *exchange, said string) {
	room, err := b.currentRoom(ctx, x.user.ID, x.in.ChannelID)
	if err != nil {
		x.failNoRoom(ctx, err, said)
		return
	}
	if err := x.deferReply(ctx, false); err != nil {
		b.answer(ctx, x, err)
		return
	}
	// What was played elsewhere since, if anything, comes first; the reply
	// then follows it.
	out := &interactionOutlet{s: b.session, in: x.in}
	if recap := b.lineRecap(ctx, x.lang, x.user.ID, room); recap != "" {
		if _, err := out.post(ctx, recap); err != nil {
			b.log.Warn("discord: recap", errAttr(err))
		}
	}
	var res *engine.TurnResult
	err = x.streamOn(ctx, out, func(sink engine.Sink) (*engine.TurnResult, error) {
		var err error
		res, err = b.eng.SendMessage(ctx, engine.TurnInput{UserID: x.user.ID, RoomID: room.ID, Content: said,
			Source: engine.SourceDiscord, Locale: string(x.in.Locale)}, sink)
		return res, err
	})
	if err != nil {
		typed := said
		if res != nil && res.UserMessage != nil && res.UserMessage.ID != 0 {
			typed = "" // kept in the room's history
		}
		x.fail(ctx, err, typed)
		return
	}
	b.followFeedback(ctx, x, res)
}

// retry answers /retry: the last reply of the current room is written again.
func (b *Bot) retry(ctx context.Context, x *exchange) {
	room, ok := b.enterCurrentRoom(ctx, x, false)
	if !ok {
		return
	}
	err := x.stream(ctx, func(sink engine.Sink) (*engine.TurnResult, error) {
		return b.eng.Regenerate(ctx, x.user.ID, room.ID, engine.SourceDiscord, sink)
	})
	if err != nil {
		x.fail(ctx, err, "")
	}
}

// reset answers /reset: the current room's conversation is cleared. It waits
// for a reply in flight, so it is acknowledged first.
func (b *Bot) reset(ctx context.Context, x *exchange) {
	room, ok := b.enterCurrentRoom(ctx, x, true)
	if !ok {
		return
	}
	if err := b.eng.ResetRoom(ctx, x.user.ID, room.ID); err != nil {
		x.fail(ctx, err, "")
		return
	}
	b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgRoomReset, roomName(room)), nil))
}

// postError writes err in lang as a message of out (a channel, where no
// message is private).
func (b *Bot) postError(ctx context.Context, out outlet, lang string, err error) {
	if engine.ErrorCode(err) == engine.CodeInternal {
		b.log.Error("discord: turn failed", errAttr(err))
	}
	b.answerMessage(ctx, out, errorMessage(lang, err))
}

// answerMessage writes content as a new message of out.
func (b *Bot) answerMessage(ctx context.Context, out outlet, content string) {
	if err := b.do(ctx, func(...discordgo.RequestOption) error { _, e := out.post(ctx, content); return e }); err != nil {
		b.log.Warn("discord: write message", errAttr(err))
	}
}

// enterCurrentRoom finds the room an interaction speaks to (this thread's,
// or the caller's active one) and defers the answer (ephemeral or not), as
// every command that plays in a room starts. It has answered already when ok
// is false.
func (b *Bot) enterCurrentRoom(ctx context.Context, x *exchange, ephemeral bool) (room *engine.Room, ok bool) {
	room, err := b.currentRoom(ctx, x.user.ID, x.in.ChannelID)
	if err != nil {
		x.failNoRoom(ctx, err, "")
		return nil, false
	}
	if err := x.deferReply(ctx, ephemeral); err != nil {
		b.answer(ctx, x, err)
		return nil, false
	}
	return room, true
}
