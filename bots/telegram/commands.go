package telegram

import (
	"context"
	"strings"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/chatplay/chatplay/engine"
)

// commandList is the command menu, in the order Telegram shows it, with the
// catalog key of each description.
var commandList = []struct{ name, desc string }{
	{"new", "cmdNew"},
	{"rooms", "cmdRooms"},
	{"room", "cmdRoom"},
	{"hint", "cmdHint"},
	{"translate", "cmdTranslate"},
	{"level", "cmdLevel"},
	{"feedback", "cmdFeedback"},
	{"end", "cmdEnd"},
	{"reports", "cmdReports"},
	{"edit", "cmdEdit"},
	{"delete", "cmdDelete"},
	{"reset", "cmdReset"},
	{"retry", "cmdRetry"},
	{"link", "cmdLink"},
	{"unlink", "cmdUnlink"},
	{"help", "cmdHelp"},
	{"start", "cmdStart"},
}

// commands returns the command menu in l.
func commands(l lang) []models.BotCommand {
	out := make([]models.BotCommand, 0, len(commandList))
	for _, c := range commandList {
		out = append(out, models.BotCommand{Command: c.name, Description: l.t(c.desc)})
	}
	return out
}

// setCommands registers the command menu: English for everyone, and
// Korean, English and Japanese for users with those languages. A failure is
// logged; the bot works without a menu.
func (b *Bot) setCommands(ctx context.Context) {
	params := []*bot.SetMyCommandsParams{{Commands: commands(langEn)}}
	for _, l := range langs {
		params = append(params, &bot.SetMyCommandsParams{Commands: commands(l), LanguageCode: string(l)})
	}
	for _, p := range params {
		if _, err := b.api.SetMyCommands(ctx, p); err != nil {
			b.log.Warn("telegram: setMyCommands", "language", p.LanguageCode, "err", b.redact(err))
		}
	}
}

// onCommand handles a command. Any command closes an open question.
func (b *Bot) onCommand(ctx context.Context, req *request) {
	b.wizards.drop(req.chatID, req.from.ID)
	l := req.lang
	switch req.command {
	case "/start":
		b.say(ctx, req, l.t("welcome"), newRoomKeyboard(l))
	case "/help":
		group := ""
		if !req.private {
			group = l.t("helpGroup")
		}
		b.say(ctx, req, l.t("help", safeHTML(group)), nil)
	case "/new":
		if req.args == "" {
			b.askLanguage(ctx, req)
			return
		}
		b.newRoomInOneLine(ctx, req)
	case "/rooms":
		b.listRooms(ctx, req, "")
	case "/room":
		if room := b.activeRoom(ctx, req); room != nil {
			b.say(ctx, req, l.t("activeRoom", roomView(l, room)), roomKeyboard(l, room.ID))
		}
	case "/edit":
		if room := b.activeRoom(ctx, req); room != nil {
			b.say(ctx, req, l.t("editWhich", roomView(l, room)), fieldsKeyboard(l, room.ID))
		}
	case "/delete":
		if room := b.activeRoom(ctx, req); room != nil {
			b.say(ctx, req, l.t("confirmDelete", roomView(l, room)), confirmDeleteKeyboard(l, room.ID))
		}
	case "/reset":
		if room := b.activeRoom(ctx, req); room != nil {
			if err := b.eng.ResetRoom(ctx, req.user.ID, room.ID); err != nil {
				b.replyError(ctx, req, err)
				return
			}
			b.say(ctx, req, l.t("resetDone"), nil)
			b.openScene(ctx, req, room)
		}
	case "/retry":
		if room := b.activeRoom(ctx, req); room != nil {
			b.play(ctx, req, room, func(sink engine.Sink) (*engine.TurnResult, error) {
				return b.eng.Regenerate(ctx, req.user.ID, room.ID, engine.SourceTelegram, sink)
			})
		}
	case "/hint":
		if room := b.activeRoom(ctx, req); room != nil {
			b.hint(ctx, req, room.ID, req.msgID)
		}
	case "/translate":
		b.translateCommand(ctx, req)
	case "/end":
		b.endScene(ctx, req)
	case "/reports":
		b.listReports(ctx, req, "")
	case "/level":
		if room := b.activeRoom(ctx, req); room != nil {
			b.levelCommand(ctx, req, room)
		}
	case "/feedback":
		if room := b.activeRoom(ctx, req); room != nil {
			b.feedbackCommand(ctx, req, room)
		}
	case "/link":
		b.linkCommand(ctx, req)
	case "/unlink":
		b.unlinkCommand(ctx, req)
	default:
		b.say(ctx, req, l.t("unknownCommand"), nil)
	}
}

// activeRoom returns the user's active room in the chat; when there is none
// it says so (or what went wrong) and returns nil.
func (b *Bot) activeRoom(ctx context.Context, req *request) *engine.Room {
	room, err := b.eng.BoundRoom(ctx, req.user.ID, engine.ProviderTelegram, req.scope())
	switch {
	case engine.ErrorCode(err) == engine.CodeNotFound:
		b.say(ctx, req, req.lang.t("noActiveRoom"), newRoomKeyboard(req.lang))
		return nil
	case err != nil:
		b.replyError(ctx, req, err)
		return nil
	}
	return room
}

// roomsPage is how many rooms /rooms shows at a time.
const roomsPage = 8

// listRooms shows a page of the user's rooms, the active one marked, with
// buttons to enter, edit and delete each.
func (b *Bot) listRooms(ctx context.Context, req *request, cursor string) {
	l := req.lang
	rooms, next, err := b.eng.ListRooms(ctx, req.user.ID, engine.Page{Limit: roomsPage, Cursor: cursor})
	if err != nil {
		b.replyError(ctx, req, err)
		return
	}
	if len(rooms) == 0 {
		b.say(ctx, req, l.t("noRooms"), newRoomKeyboard(l))
		return
	}
	var active int64
	if r, err := b.eng.BoundRoom(ctx, req.user.ID, engine.ProviderTelegram, req.scope()); err == nil {
		active = r.ID
	}
	var sb strings.Builder
	sb.WriteString(l.t("roomsTitle"))
	for _, r := range rooms {
		mark := "▫️"
		if r.ID == active {
			mark = "✅"
		}
		sb.WriteString("\n" + mark + " <b>" + EscapeHTML(roomName(r)) + "</b> · " + EscapeHTML(l.languageName(r.Language)) +
			"\n    " + EscapeHTML(shorten(r.UserRole, 30)) + " ↔ " + EscapeHTML(shorten(r.BotRole, 30)))
	}
	b.say(ctx, req, sb.String(), roomsKeyboard(l, rooms, next))
}

// openScene has the bot say the first line of a room's scene.
func (b *Bot) openScene(ctx context.Context, req *request, room *engine.Room) {
	b.play(ctx, req, room, func(sink engine.Sink) (*engine.TurnResult, error) {
		return b.eng.OpenScene(ctx, req.user.ID, room.ID, engine.SourceTelegram, sink)
	})
}
