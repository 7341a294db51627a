package discord

import (
	"context"
	"strings"

	"github.com/chatplay/chatplay/engine"
)

// maxTranslateScan bounds how many of a room's newest messages the
// context-menu Translate looks through for the line a Discord message shows.
const maxTranslateScan = 500

// translateLast answers /translate, ephemerally: the current room's last bot
// line in the learner's language (the interaction's locale).
func (b *Bot) translateLast(ctx context.Context, x *exchange) {
	room, ok := b.enterCurrentRoom(ctx, x, true)
	if !ok {
		return
	}
	last, err := b.eng.LastReply(ctx, x.user.ID, room.ID)
	if engine.ErrorCode(err) == engine.CodeNotFound {
		b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgNothingToTrans), nil))
		return
	}
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	b.showTranslation(ctx, x, room.ID, last.ID)
}

// translateMessage answers the message context-menu command "Translate",
// ephemerally and to the owner of the room played here alone: the bot line
// the message shows, in the learner's language. The room is the one bound
// to this thread for the caller (in a DM, their active room): anyone else in
// the thread has none, and is refused.
func (b *Bot) translateMessage(ctx context.Context, x *exchange) {
	data := x.in.ApplicationCommandData()
	var target string
	mine := false
	if data.Resolved != nil {
		if m := data.Resolved.Messages[data.TargetID]; m != nil && m.Author != nil {
			self, err := b.self(ctx)
			mine = err == nil && m.Author.ID == self
			target = strings.TrimSpace(m.Content)
		}
	}
	if !mine || target == "" {
		b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgNotMyLine), nil))
		return
	}
	scope := scopeActive
	if x.in.GuildID != "" {
		scope = threadScope(x.in.ChannelID)
	}
	room, err := b.eng.BoundRoom(ctx, x.user.ID, engine.ProviderDiscord, scope)
	if engine.ErrorCode(err) == engine.CodeNotFound {
		b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgOwnerOnly), nil))
		return
	}
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	if err := x.deferReply(ctx, true); err != nil {
		b.answer(ctx, x, err)
		return
	}
	msgID, err := b.shownReply(ctx, x.user.ID, room.ID, target)
	if engine.ErrorCode(err) == engine.CodeNotFound {
		b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgNotMyLine), nil))
		return
	}
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	b.showTranslation(ctx, x, room.ID, msgID)
}

// shownReply returns the id of the stored bot line that a Discord message
// of the bot shows: the newest reply of the room that holds its text (a
// long reply is shown in several messages, each a piece of it). The bot
// keeps no table of its Discord messages: the stored conversation is the
// mapping, and it outlives restarts.
func (b *Bot) shownReply(ctx context.Context, userID, roomID int64, shown string) (int64, error) {
	cursor := ""
	for seen := 0; seen < maxTranslateScan; {
		msgs, next, err := b.eng.ListMessages(ctx, userID, roomID, engine.Page{Limit: 100, Cursor: cursor})
		if err != nil {
			return 0, err
		}
		for i := len(msgs) - 1; i >= 0; i-- {
			if m := msgs[i]; m.Role == engine.RoleAssistant && strings.Contains(m.Content, shown) {
				return m.ID, nil
			}
		}
		seen += len(msgs)
		if next == "" || len(msgs) == 0 {
			break
		}
		cursor = next
	}
	return 0, &engine.Error{Code: engine.CodeNotFound, Message: "Message not found."}
}

// showTranslation answers with message msgID of roomID in the learner's
// language.
func (b *Bot) showTranslation(ctx context.Context, x *exchange, roomID, msgID int64) {
	tr, err := b.eng.TranslateFrom(ctx, x.user.ID, roomID, msgID, engine.SourceDiscord, string(x.in.Locale))
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	b.replyParts(ctx, x, text(x.lang, msgTranslation)+"\n"+escapeMarkdown(strings.TrimSpace(tr.Text)), nil)
}
