package discord

import (
	"context"
	"strings"

	"github.com/chatplay/chatplay/engine"
)

// maxHintLine bounds, in runes before escaping, a hint's line and its
// translation as shown.
const maxHintLine = 300

// hint answers /hint, ephemerally: one or two lines the learner could say
// next in the current room, each with its translation into their language
// (the interaction's locale).
func (b *Bot) hint(ctx context.Context, x *exchange) {
	room, ok := b.enterCurrentRoom(ctx, x, true)
	if !ok {
		return
	}
	h, err := b.eng.HintFrom(ctx, x.user.ID, room.ID, engine.SourceDiscord, string(x.in.Locale))
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	b.replyParts(ctx, x, hintText(x.lang, h), nil)
}

// hintText returns a hint as the learner sees it, in lang: each line in
// bold with its translation under it, everything the model wrote escaped.
func hintText(lang string, h *engine.Hint) string {
	var sb strings.Builder
	for _, l := range h.Lines {
		line := plain(l.Text, maxHintLine)
		if line == "" {
			continue
		}
		sb.WriteString("\n• **" + line + "**")
		if tr := plain(l.Translation, maxHintLine); tr != "" {
			sb.WriteString("\n  " + tr)
		}
	}
	if sb.Len() == 0 {
		return text(lang, msgHintNone)
	}
	return text(lang, msgHintTitle) + sb.String()
}
