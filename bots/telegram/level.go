package telegram

import (
	"context"
	"strings"

	"github.com/chatplay/chatplay/engine"
)

// levelKeyboard offers the CEFR levels, current marked; room is 0 for /new.
func levelKeyboard(room int64, current engine.Level) *inlineKeyboard {
	var rows [][]inlineButton
	var row []inlineButton
	for _, lv := range engine.Levels() {
		text := string(lv)
		if lv == current {
			text = "✅ " + text
		}
		c := callback{verb: cbNewLevel, arg: string(lv)}
		if room != 0 {
			c = callback{verb: cbSetLevel, room: room, arg: string(lv)}
		}
		row = append(row, button(text, c))
		if len(row) == 3 {
			rows, row = append(rows, row), nil
		}
	}
	return &inlineKeyboard{InlineKeyboard: rows}
}

// levelName is a level with its name in l: "B1 · intermediate".
func levelName(l lang, lv engine.Level) string {
	if _, ok := catalog["level"+string(lv)]; !ok {
		return string(lv)
	}
	return string(lv) + " · " + l.t("level"+string(lv))
}

// levelCommand is /level: with a level (b2) it sets the active room's; alone
// it shows the level with a button for each.
func (b *Bot) levelCommand(ctx context.Context, req *request, room *engine.Room) {
	l := req.lang
	if req.args == "" {
		b.say(ctx, req, l.t("levelNow", levelName(l, room.Level)), levelKeyboard(room.ID, room.Level))
		return
	}
	b.setLevel(ctx, req, room.ID, req.args, false)
}

// setLevel changes a room's level; edited: the answer replaces the message
// whose button was pressed. A level the engine refuses is explained.
func (b *Bot) setLevel(ctx context.Context, req *request, roomID int64, level string, edited bool) {
	l := req.lang
	level = strings.TrimSpace(level)
	room, err := b.eng.UpdateRoom(ctx, req.user.ID, roomID, engine.RoomUpdate{Level: &level})
	if err != nil {
		b.replyError(ctx, req, err)
		return
	}
	text := l.t("levelSet", levelName(l, room.Level))
	if edited {
		b.editKeyboardMessage(ctx, req, text)
		return
	}
	b.say(ctx, req, text, nil)
}

// chooseLevel takes the level button of /new and offers the scenes.
func (b *Bot) chooseLevel(ctx context.Context, req *request, level string) {
	w := b.wizards.get(req.chatID, req.from.ID)
	if w == nil || w.room != 0 || w.step != "level" {
		b.say(ctx, req, req.lang.t("expired"), nil)
		return
	}
	w.level = level
	if err := b.edit(ctx, req.chatID, req.keyboardMsg, req.lang.t("levelChosen", levelName(req.lang, engine.Level(level))), nil); err != nil {
		b.log.Warn("telegram: edit level question", "chat", req.chatID, "err", err)
	}
	b.advance(ctx, req, w)
}
