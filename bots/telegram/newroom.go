package telegram

import (
	"context"
	"fmt"
	"strings"

	"github.com/chatplay/chatplay/engine"
)

// askLanguage starts /new step by step: the room's language, by buttons.
func (b *Bot) askLanguage(ctx context.Context, req *request) {
	id := b.say(ctx, req, req.lang.t("askLanguage"), languageKeyboard(0))
	if id != 0 {
		b.wizards.put(req.chatID, req.from.ID, wizard{step: "language", promptID: id})
	}
}

// chooseLanguage takes the language button of /new and asks for the situation.
func (b *Bot) chooseLanguage(ctx context.Context, req *request, code string) {
	w := b.wizards.get(req.chatID, req.from.ID)
	if w == nil || w.room != 0 || w.step != "language" {
		b.say(ctx, req, req.lang.t("expired"), nil)
		return
	}
	w.language = code
	if err := b.edit(ctx, req.chatID, req.keyboardMsg, req.lang.t("languageChosen", req.lang.languageName(code)), nil); err != nil {
		b.log.Warn("telegram: edit language question", "chat", req.chatID, "err", err)
	}
	b.advance(ctx, req, w)
}

// nextStep is the order of the questions of /new: the language, the level,
// then a ready scene (scenes.go) or one's own (situation and roles).
var nextStep = map[string]string{"language": "level", "level": "scenario", "situation": "user_role", "user_role": "bot_role"}

// advance asks the next question of /new, or creates the room once every
// field is answered (or the one the engine refused is answered again).
func (b *Bot) advance(ctx context.Context, req *request, w *wizard) {
	if next := nextStep[w.step]; next != "" && !w.fixing {
		b.ask(ctx, req, w, next)
		return
	}
	b.wizards.drop(req.chatID, req.from.ID)
	b.createRoom(ctx, req, w.input(req.from.LanguageCode), w)
}

// ask puts the question of /new for step (a room field) to the user and
// keeps the wizard open for the answer. In a group the question mentions
// the user, so that only they are asked to reply.
func (b *Bot) ask(ctx context.Context, req *request, w *wizard, step string) {
	switch step {
	case "language":
		w.promptID = b.say(ctx, req, req.lang.t("askLanguage"), languageKeyboard(0))
	case "level":
		w.promptID = b.say(ctx, req, req.lang.t("askLevel"), levelKeyboard(0, engine.DefaultLevel))
	case "scenario":
		b.askScene(ctx, req, w)
		return
	default:
		w.promptID = b.say(ctx, req, b.addressed(req, req.lang.t(roomFields[step].ask)), forceReply(req.lang))
	}
	w.step = step
	if w.promptID != 0 {
		b.wizards.put(req.chatID, req.from.ID, *w)
	}
}

// addressed prefixes text with a mention of the user in a group.
func (b *Bot) addressed(req *request, text string) string {
	if req.private {
		return text
	}
	return fmt.Sprintf(`<a href="tg://user?id=%d">%s</a>, %s`, req.from.ID, EscapeHTML(displayName(req.from)), text)
}

// answerWizard takes the user's answer to the open question.
func (b *Bot) answerWizard(ctx context.Context, req *request, w *wizard) {
	if w.room != 0 {
		b.answerEdit(ctx, req, w)
		return
	}
	switch w.step {
	case "language":
		w.language = parseLanguage(req.text)
	case "level":
		w.level = req.text
	case "scenario": // a situation typed instead of a scene chosen: one's own
		w.situation, w.step = req.text, "situation"
	case "situation":
		w.situation = req.text
	case "user_role":
		w.userRole = req.text
	default:
		w.botRole = req.text
	}
	b.advance(ctx, req, w)
}

// newRoomInOneLine takes /new <language> | <situation> | <user role> |
// <bot role>, and optionally | <level>.
func (b *Bot) newRoomInOneLine(ctx context.Context, req *request) {
	parts := strings.Split(req.args, "|")
	if len(parts) != 4 && len(parts) != 5 {
		b.say(ctx, req, req.lang.t("newUsage"), nil)
		return
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	in := engine.RoomInput{Language: parseLanguage(parts[0]), Situation: parts[1], UserRole: parts[2], BotRole: parts[3]}
	if len(parts) == 5 {
		in.Level = parts[4]
	}
	b.createRoom(ctx, req, in, nil)
}

// createRoom creates the room, makes it the user's active room in the chat
// and has the bot open the scene. When the engine refuses a field of a room
// made step by step (w not nil), that step is asked again.
func (b *Bot) createRoom(ctx context.Context, req *request, in engine.RoomInput, w *wizard) {
	room, err := b.eng.CreateRoom(ctx, req.user.ID, in)
	if err != nil {
		e := engine.AsError(err)
		switch {
		case e.Reason == engine.ReasonRoomLimit:
			b.say(ctx, req, req.lang.t("errTooManyRooms"), nil)
		case e.Code == engine.CodeInvalid && w != nil && (e.Field == "language" || e.Field == "level" || roomFields[e.Field].ask != ""):
			b.replyError(ctx, req, err)
			w.fixing = true
			b.ask(ctx, req, w, e.Field)
		default:
			b.replyError(ctx, req, err)
		}
		return
	}
	if err := b.eng.BindRoom(ctx, req.user.ID, room.ID, engine.ProviderTelegram, req.scope()); err != nil {
		b.replyError(ctx, req, err)
		return
	}
	b.say(ctx, req, req.lang.t("roomCreated", roomView(req.lang, room)), nil)
	b.openScene(ctx, req, room)
}
