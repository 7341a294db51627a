package telegram

import (
	"context"
	"strings"
	"sync"

	"github.com/chatplay/chatplay/engine"
)

// Bounds of a recap, in characters: each line is cut to maxRecapLineLen
// and the bot's role, its label, to maxRecapLabelLen. With engine.RecapTurns
// turns (at most 6 lines of at most 2 UTF-16 units a character, plus labels)
// a recap stays far inside one message of MaxMessageLen.
const (
	maxRecapLineLen  = 200
	maxRecapLabelLen = 24
)

// maxRecapped bounds the rooms whose last recapped message the bot
// remembers; past it, it forgets them all (a recap may then be shown again).
const maxRecapped = 4096

// recapKey is a room as shown in a chat.
type recapKey struct{ chat, room int64 }

// recapped remembers, per room in a chat, the newest message a recap
// showed there, so that a recap shown when the room was entered is not
// shown again before the first line played here (Engine.Recap counts only
// the messages that came through Telegram). It keeps room ids, never user
// ids: linking and unlinking change whose room it is, not its id.
type recapped struct {
	mu sync.Mutex
	m  map[recapKey]int64
}

// since returns how far the recaps of key have shown.
func (r *recapped) since(k recapKey) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m[k]
}

// shown records that a recap of key showed up to message id.
func (r *recapped) shown(k recapKey, id int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil || len(r.m) >= maxRecapped {
		r.m = make(map[recapKey]int64)
	}
	r.m[k] = max(r.m[k], id)
}

// showRecap shows, as one compact message, the turns played in room
// elsewhere (the web, Discord) since it was last played or recapped in this
// chat, if any: when the room is entered, and before a learner line is
// played. A recap that cannot be read is logged and skipped: the turn goes
// on without it.
func (b *Bot) showRecap(ctx context.Context, req *request, room *engine.Room) {
	msgs, err := b.eng.Recap(ctx, req.user.ID, room.ID, engine.SourceTelegram)
	if err != nil {
		b.log.Warn("telegram: recap", "room", room.ID, "err", err)
		return
	}
	k := recapKey{req.chatID, room.ID}
	seen := b.recapped.since(k)
	for len(msgs) > 0 && msgs[0].ID <= seen {
		msgs = msgs[1:]
	}
	if len(msgs) == 0 {
		return
	}
	b.say(ctx, req, recapText(req.lang, room, msgs), nil)
	b.recapped.shown(k, msgs[len(msgs)-1].ID)
}

// recapText is a recap in Telegram HTML: a title, then a line per message,
// oldest first, labelled with who said it (you, or the bot's role), each cut
// to one short line. All the stored text is escaped.
func recapText(l lang, room *engine.Room, msgs []*engine.Message) string {
	var sb strings.Builder
	sb.WriteString(l.t("recapTitle"))
	bot := shorten(oneLine(room.BotRole), maxRecapLabelLen)
	if bot == "" {
		bot = l.t("recapBot")
	}
	for _, m := range msgs {
		label := l.t("recapYou")
		if m.Role == engine.RoleAssistant {
			label = EscapeHTML(bot)
		}
		sb.WriteString("\n<b>" + label + ":</b> " + EscapeHTML(shorten(oneLine(m.Content), maxRecapLineLen)))
	}
	return sb.String()
}

// oneLine returns s with its runs of white space (new lines included) made
// single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
