package discord

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine"
)

// Bounds of what the bot shows of the coach's answer, in runes of one field
// before escaping: a correction stays short whatever the model wrote.
const (
	maxFeedbackLine = 400 // the corrected line, a note
	maxFeedbackPart = 200 // an item's original and better fragments
	maxFeedbackWhy  = 300 // an item's explanation
)

// feedbackWaitMargin is how much longer than the coach's timeout /say waits
// for the feedback of its line: the engine settles a late coach as
// unavailable at the timeout, and the margin lets that settled state, not
// a pending one, be what is shown.
const feedbackWaitMargin = 2 * time.Second

// actFeedback is the action of the "✍️ Feedback" button under a reply in a
// thread: "room:fb:<room id>:<user message id>".
const actFeedback = "fb"

// feedbackID returns the custom id of the feedback button of a user message.
func feedbackID(roomID, messageID int64) string {
	return customID(actFeedback, strconv.FormatInt(roomID, 10)+":"+strconv.FormatInt(messageID, 10))
}

// feedbackText returns the learner's view of fb in lang: the changed parts
// marked (~~old~~ → **new**) with their kind and explanation, or a short note
// for a fine line. Everything the model wrote is escaped.
func feedbackText(lang string, fb *engine.Feedback) string {
	if fb == nil || fb.Status != engine.FeedbackReady {
		return text(lang, msgFeedbackNA)
	}
	var sb strings.Builder
	sb.WriteString("**" + text(lang, msgFeedbackButton) + "**")
	if len(fb.Items) == 0 {
		note := plain(fb.Note, maxFeedbackLine)
		if note == "" {
			note = text(lang, msgFeedbackFine)
		}
		sb.WriteString("\n✅ " + note)
		return sb.String()
	}
	if c := plain(fb.Corrected, maxFeedbackLine); c != "" {
		sb.WriteString("\n" + text(lang, msgFeedbackBetter) + "\n> " + c)
	}
	for _, it := range fb.Items {
		old, better := plain(it.Original, maxFeedbackPart), plain(it.Better, maxFeedbackPart)
		sb.WriteString("\n•")
		if old != "" {
			sb.WriteString(" ~~" + old + "~~")
		}
		if better != "" {
			sb.WriteString(" → **" + better + "**")
		}
		if kind, ok := issueText[it.Kind][lang]; ok {
			sb.WriteString(" (" + kind + ")")
		} else if kind, ok := issueText[it.Kind]["en"]; ok {
			sb.WriteString(" (" + kind + ")")
		}
		if why := plain(it.Explanation, maxFeedbackWhy); why != "" {
			sb.WriteString("\n  " + why)
		}
	}
	if note := plain(fb.Note, maxFeedbackLine); note != "" {
		sb.WriteString("\n" + note)
	}
	return sb.String()
}

// followFeedback shows the learner, and only them, the feedback on the line
// of a /say turn and the progress of the room's goals (an embed on the last
// message; when the line achieved the last open goal, it says so and invites
// them to /end): it waits for the coach (bounded by its timeout) and sends
// ephemeral followups. Nothing is shown when the room has feedback off and
// no goals, or when the bot stops meanwhile.
func (b *Bot) followFeedback(ctx context.Context, x *exchange, res *engine.TurnResult) {
	if res == nil {
		return
	}
	fb, goals, done := b.turnGoals(ctx, res)
	if ctx.Err() != nil || (res.Feedback == nil && goals == nil) {
		return
	}
	var parts []string
	if res.Feedback != nil {
		parts = Split(feedbackText(x.lang, fb), MaxMessageLen)
	} else {
		parts = []string{""}
	}
	for i, part := range parts {
		params := &discordgo.WebhookParams{Content: part, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions()}
		if e := goalsEmbed(x.lang, goals, done); e != nil && i == len(parts)-1 {
			params.Embeds = []*discordgo.MessageEmbed{e}
		}
		err := b.do(ctx, func(opts ...discordgo.RequestOption) error {
			_, err := b.session.FollowupMessageCreate(x.in, true, params, opts...)
			return err
		})
		if err != nil {
			b.log.Warn("discord: feedback followup", "interaction", x.in.ID, errAttr(err))
			return
		}
	}
}

// addFeedbackButton puts the "✍️ Feedback" button under the last message of
// a reply in a channel (a thread, a DM), when the turn's room has feedback
// on: there is no interaction there to answer the learner alone, so the
// button does, when they press it.
func (b *Bot) addFeedbackButton(ctx context.Context, out *channelOutlet, lang string, res *engine.TurnResult) {
	if res == nil || res.Feedback == nil || res.UserMessage == nil || out.last == "" {
		return
	}
	row := []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: text(lang, msgFeedbackButton), Style: discordgo.SecondaryButton,
			CustomID: feedbackID(res.UserMessage.RoomID, res.UserMessage.ID)},
	}}}
	err := b.do(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := b.session.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: out.last, Channel: out.channelID,
			Components: &row, AllowedMentions: noMentions()}, opts...)
		return err
	})
	if err != nil {
		b.log.Warn("discord: feedback button", "channel", out.channelID, errAttr(err))
	}
}

// showFeedback answers the feedback button, ephemerally, to the room's owner
// alone: anyone else is refused, whatever ids the button carries.
func (b *Bot) showFeedback(ctx context.Context, x *exchange, arg string) {
	rawRoom, rawMsg, _ := strings.Cut(arg, ":")
	roomID, err := parseRoomID(rawRoom)
	msgID, perr := strconv.ParseInt(rawMsg, 10, 64)
	if err != nil || perr != nil || msgID <= 0 {
		b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgOwnerOnly), nil))
		return
	}
	room, err := b.eng.FindRoom(ctx, x.user.ID, roomID)
	if err != nil {
		if engine.ErrorCode(err) == engine.CodeNotFound {
			b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgOwnerOnly), nil))
			return
		}
		x.fail(ctx, err, "")
		return
	}
	fb, err := b.eng.FindFeedback(ctx, x.user.ID, roomID, msgID)
	var content string
	switch {
	case engine.ErrorCode(err) == engine.CodeNotFound:
		content = text(x.lang, msgFeedbackNone)
	case err != nil:
		x.fail(ctx, err, "")
		return
	case fb.Status == engine.FeedbackPending:
		content = text(x.lang, msgFeedbackWait)
	default:
		content = feedbackText(x.lang, fb)
	}
	b.replyParts(ctx, x, content, goalsEmbed(x.lang, room.Goals, false))
}

// replyParts answers ephemerally with content, in as many messages as its
// length needs, the first one with embed (when not nil).
func (b *Bot) replyParts(ctx context.Context, x *exchange, content string, embed *discordgo.MessageEmbed) {
	parts := Split(content, MaxMessageLen)
	var embeds []*discordgo.MessageEmbed
	if embed != nil {
		embeds = []*discordgo.MessageEmbed{embed}
	}
	if err := x.replyWith(ctx, true, parts[0], nil, embeds); err != nil {
		b.answer(ctx, x, err)
		return
	}
	for _, part := range parts[1:] {
		err := b.do(ctx, func(opts ...discordgo.RequestOption) error {
			_, err := b.session.FollowupMessageCreate(x.in, true, &discordgo.WebhookParams{Content: part,
				Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions()}, opts...)
			return err
		})
		if err != nil {
			b.answer(ctx, x, err)
			return
		}
	}
}
