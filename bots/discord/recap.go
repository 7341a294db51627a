package discord

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/chatplay/chatplay/engine"
)

// Bounds of a recap, in runes before escaping.
const (
	maxRecapLine  = 160 // one message of the recap
	maxRecapLabel = 30  // the bot's role, as the label of its lines
)

// maxRecapRooms bounds the rooms whose last recap before a line the bot
// remembers (recaps); past it the memory starts afresh, which at worst shows
// a recap twice.
const maxRecapRooms = 10000

// recaps remembers, per room, the newest message a recap has shown, so that
// the line played right after a room is entered does not repeat the recap
// its thread opened with. It holds room and message ids only, never a user's:
// rooms keep their ids when they move with a link.
type recaps struct {
	mu    sync.Mutex
	shown map[int64]int64 // room id → the newest message id shown
}

// seen reports whether msgs (a recap) ends with a message a recap of room
// has shown already.
func (r *recaps) seen(roomID int64, msgs []*engine.Message) bool {
	if len(msgs) == 0 {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return msgs[len(msgs)-1].ID <= r.shown[roomID]
}

// show records that msgs (a recap) of room were shown.
func (r *recaps) show(roomID int64, msgs []*engine.Message) {
	if len(msgs) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.shown == nil || len(r.shown) >= maxRecapRooms {
		r.shown = map[int64]int64{}
	}
	r.shown[roomID] = max(r.shown[roomID], msgs[len(msgs)-1].ID)
}

// roomRecap returns the recap of userID's room: what was played in it
// elsewhere since its last Discord message (engine.Recap), none when nothing
// was. A failure is logged and gives none: a recap never holds a turn back.
func (b *Bot) roomRecap(ctx context.Context, userID, roomID int64) []*engine.Message {
	msgs, err := b.eng.Recap(ctx, userID, roomID, engine.SourceDiscord)
	if err != nil {
		b.log.Warn("discord: recap", "room", roomID, errAttr(err))
		return nil
	}
	return msgs
}

// lineRecap returns the recap to show before a learner line is played in
// room: what was played elsewhere since the last Discord message, unless the
// thread's or the DM's entry showed it already ("" then, and when nothing
// was). It is called once per turn, before the turn.
func (b *Bot) lineRecap(ctx context.Context, lang string, userID int64, room *engine.Room) string {
	msgs := b.roomRecap(ctx, userID, room.ID)
	if b.recaps.seen(room.ID, msgs) {
		return ""
	}
	b.recaps.show(room.ID, msgs)
	return recapText(lang, room, msgs, "")
}

// entryRecap returns the message that opens a room's thread (or the DM's
// answer) when the room is entered and has a conversation: the recap of
// what was played elsewhere followed by tail, or tail alone when nothing was.
func (b *Bot) entryRecap(ctx context.Context, lang string, userID int64, room *engine.Room, tail string) string {
	msgs := b.roomRecap(ctx, userID, room.ID)
	if len(msgs) == 0 {
		return tail
	}
	b.recaps.show(room.ID, msgs)
	return recapText(lang, room, msgs, tail)
}

// recapText returns msgs (a recap, oldest first) as one Discord message in
// lang: a header naming where they were played, then each message on a line
// of its own after its speaker's label (you, or the bot's role), on one line,
// shortened and escaped; then tail (the bot's own sentence), after a blank
// line, when it is not "". The oldest messages are left out ("…") until it
// fits in MaxMessageLen. It is "" without messages.
func recapText(lang string, room *engine.Room, msgs []*engine.Message, tail string) string {
	if len(msgs) == 0 {
		return tail
	}
	var sources []string
	lines := make([]string, len(msgs))
	bot := plain(room.BotRole, maxRecapLabel)
	if bot == "" {
		bot = "🤖"
	}
	for i, m := range msgs {
		label := text(lang, msgRecapYou)
		if m.Role == engine.RoleAssistant {
			label = bot
		}
		lines[i] = "**" + label + ":** " + plain(m.Content, maxRecapLine)
		if name := sourceName(lang, m.Source); !slices.Contains(sources, name) {
			sources = append(sources, name)
		}
	}
	head := text(lang, msgRecapHeader, strings.Join(sources, ", "))
	if tail != "" {
		tail = "\n\n" + tail
	}
	for from := 0; ; from++ {
		body := lines[from:]
		if from > 0 {
			body = append([]string{"…"}, body...)
		}
		s := head + "\n" + strings.Join(body, "\n") + tail
		if textLen(s) <= MaxMessageLen || from == len(lines)-1 {
			return Split(s, MaxMessageLen)[0]
		}
	}
}

// sourceName names the surface a message came through, in lang.
func sourceName(lang string, s engine.Source) string {
	switch s {
	case engine.SourceWeb:
		return text(lang, msgSourceWeb)
	case engine.SourceTelegram:
		return "Telegram"
	case engine.SourceDiscord:
		return "Discord"
	}
	return string(s)
}
