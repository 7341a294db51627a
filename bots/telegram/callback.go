package telegram

import (
	"context"

	"github.com/chatplay/chatplay/engine"
)

// onCallback handles a button press. Every room id in callback data goes to
// the engine with the presser's own user: a room that is not theirs is not
// found.
func (b *Bot) onCallback(ctx context.Context, req *request) {
	l := req.lang
	c, ok := parseCallback(req.data)
	if ok && practiceVerbs[c.verb] {
		b.onPracticeButton(ctx, req, c) // answers the press itself
		return
	}
	b.answerCallback(ctx, req, "")
	if !ok {
		b.say(ctx, req, l.t("expired"), nil)
		return
	}
	switch c.verb {
	case cbNew:
		b.wizards.drop(req.chatID, req.from.ID)
		b.askLanguage(ctx, req)
	case cbLang:
		b.chooseLanguage(ctx, req, c.arg)
	case cbNewLevel:
		b.chooseLevel(ctx, req, c.arg)
	case cbScene:
		b.chooseScene(ctx, req, c.arg)
	case cbScenePage:
		b.turnScenePage(ctx, req, c.arg)
	case cbCustom:
		b.chooseCustom(ctx, req)
	case cbReport:
		b.openReport(ctx, req, c.room)
	case cbReports:
		b.listReports(ctx, req, c.arg)
	case cbSetLevel:
		b.setLevel(ctx, req, c.room, c.arg, true)
	case cbSetFbMode:
		b.setFeedbackMode(ctx, req, c.room, c.arg, true)
	case cbRooms:
		b.listRooms(ctx, req, c.arg)
	case cbCancel:
		b.wizards.drop(req.chatID, req.from.ID)
		b.editKeyboardMessage(ctx, req, l.t("cancelled"))
	case cbEnter, cbEdit, cbField, cbDelete:
		room, err := b.eng.FindRoom(ctx, req.user.ID, c.room)
		if err != nil {
			b.replyError(ctx, req, err)
			return
		}
		b.onRoomButton(ctx, req, c, room)
	case cbSetLang:
		room, err := b.eng.UpdateRoom(ctx, req.user.ID, c.room, engine.RoomUpdate{Language: &c.arg})
		if err != nil {
			b.replyError(ctx, req, err)
			return
		}
		b.editKeyboardMessage(ctx, req, l.t("updated", roomView(l, room)))
	case cbDelOK:
		if err := b.eng.DeleteRoom(ctx, req.user.ID, c.room); err != nil {
			b.replyError(ctx, req, err)
			return
		}
		b.editKeyboardMessage(ctx, req, l.t("deleted"))
	default:
		b.say(ctx, req, l.t("expired"), nil)
	}
}

// onRoomButton handles the buttons on one of the user's rooms, found.
func (b *Bot) onRoomButton(ctx context.Context, req *request, c callback, room *engine.Room) {
	l := req.lang
	switch c.verb {
	case cbEnter:
		if err := b.eng.BindRoom(ctx, req.user.ID, room.ID, engine.ProviderTelegram, req.scope()); err != nil {
			b.replyError(ctx, req, err)
			return
		}
		b.say(ctx, req, l.t("entered", roomView(l, room)), nil)
		b.showRecap(ctx, req, room)
	case cbEdit:
		b.say(ctx, req, l.t("editWhich", roomView(l, room)), fieldsKeyboard(l, room.ID))
	case cbDelete:
		b.say(ctx, req, l.t("confirmDelete", roomView(l, room)), confirmDeleteKeyboard(l, room.ID))
	case cbField:
		f, ok := fieldByCode(c.arg)
		switch {
		case !ok:
			b.say(ctx, req, l.t("expired"), nil)
		case f.name == "language":
			b.say(ctx, req, l.t("askLanguage"), languageKeyboard(room.ID))
		case f.name == "level":
			b.say(ctx, req, l.t("levelNow", levelName(l, room.Level)), levelKeyboard(room.ID, room.Level))
		case f.name == "feedback":
			b.say(ctx, req, l.t("feedbackNow", l.t("fbMode_"+feedbackMode(room))), feedbackKeyboard(l, room.ID, feedbackMode(room)))
		default:
			text := b.addressed(req, l.t("askNewValue", l.t(f.label), f.value(room)))
			if id := b.say(ctx, req, text, forceReply(l)); id != 0 {
				b.wizards.put(req.chatID, req.from.ID, wizard{promptID: id, room: room.ID, field: f.name})
			}
		}
	}
}

// answerEdit takes the new value of a field asked for by /edit. A value the
// engine refuses is explained and may be sent again.
func (b *Bot) answerEdit(ctx context.Context, req *request, w *wizard) {
	room, err := b.eng.UpdateRoom(ctx, req.user.ID, w.room, roomFields[w.field].update(req.text))
	if err != nil {
		if engine.ErrorCode(err) != engine.CodeInvalid {
			b.wizards.drop(req.chatID, req.from.ID)
		}
		b.replyError(ctx, req, err)
		return
	}
	b.wizards.drop(req.chatID, req.from.ID)
	b.say(ctx, req, req.lang.t("updated", roomView(req.lang, room)), nil)
}

// editKeyboardMessage replaces the message whose button was pressed (and
// its buttons) with text; if that fails, text is sent as a new message.
func (b *Bot) editKeyboardMessage(ctx context.Context, req *request, text string) {
	if req.keyboardMsg != 0 {
		err := b.edit(ctx, req.chatID, req.keyboardMsg, text, nil)
		if err == nil {
			return
		}
		b.log.Warn("telegram: edit message", "chat", req.chatID, "err", err)
	}
	b.say(ctx, req, text, nil)
}
