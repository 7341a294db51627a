package telegram

import (
	"context"
	"strconv"

	"github.com/go-telegram/bot/models"

	"github.com/chatplay/chatplay/engine"
)

// handle gives an update its one effect: it reads it, claims its update_id
// (a duplicate delivery, even a concurrent one, stops here), makes sure its
// sender is a chatplay user, and dispatches it.
func (b *Bot) handle(ctx context.Context, upd *models.Update) {
	kind, outcome := kindOther, outcomeIgnored
	defer func() { b.observe(kind, outcome) }()
	me := b.me.Load()
	if me == nil {
		b.log.Error("telegram: update before getMe", "update", upd.ID)
		return
	}
	req := readUpdate(upd, me)
	if req == nil {
		return
	}
	kind = req.kind()
	claimed, err := b.eng.ClaimEvent(ctx, engine.ProviderTelegram, b.eventID(upd.ID))
	if err != nil {
		outcome = outcomeFailed
		b.log.Error("telegram: claim update", "update", upd.ID, "err", err)
		b.replyError(ctx, req, err)
		return
	}
	if !claimed {
		outcome = outcomeDuplicate
		b.log.Info("telegram: duplicate update ignored", "update", upd.ID)
		return
	}
	req.user, err = b.eng.EnsureIdentityUser(ctx, engine.ProviderTelegram, strconv.FormatInt(req.from.ID, 10),
		req.from.Username, displayName(req.from), req.from.LanguageCode)
	if err != nil {
		outcome = outcomeFailed
		b.replyError(ctx, req, err)
		return
	}
	outcome = outcomeHandled
	switch {
	case req.callbackID != "":
		b.onCallback(ctx, req)
	case req.command != "":
		b.onCommand(ctx, req)
	default:
		b.onText(ctx, req)
	}
}

// eventID is the key an update is claimed under: update_ids are counted per
// bot, so the bot's id (the token's public part) comes with it, and several
// bots may share one database.
func (b *Bot) eventID(updateID int64) string {
	return strconv.FormatInt(b.api.ID(), 10) + ":" + strconv.FormatInt(updateID, 10)
}

// onText handles a message that is not a command: the answer to a question
// the bot asked (a step of /new or /edit), or a line in the active room,
// after a recap of the turns played in it elsewhere meanwhile (showRecap).
func (b *Bot) onText(ctx context.Context, req *request) {
	if req.text == "" {
		b.say(ctx, req, req.lang.t("textOnly"), nil)
		return
	}
	if w := b.wizards.get(req.chatID, req.from.ID); w != nil && (req.private || req.replyTo == w.promptID) {
		b.answerWizard(ctx, req, w)
		return
	}
	room, err := b.eng.BoundRoom(ctx, req.user.ID, engine.ProviderTelegram, req.scope())
	if engine.ErrorCode(err) == engine.CodeNotFound {
		b.say(ctx, req, req.lang.t("noActiveRoom"), newRoomKeyboard(req.lang))
		return
	}
	if err != nil {
		b.replyError(ctx, req, err)
		return
	}
	b.showRecap(ctx, req, room)
	b.play(ctx, req, room, func(sink engine.Sink) (*engine.TurnResult, error) {
		return b.eng.SendMessage(ctx, engine.TurnInput{UserID: req.user.ID, RoomID: room.ID,
			Content: req.text, Source: engine.SourceTelegram, Locale: req.from.LanguageCode}, sink)
	})
}
