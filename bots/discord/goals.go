package discord

import (
	"context"
	"unicode/utf16"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine"
)

// Discord's bounds on an embed, in characters (counted as UTF-16 units, the
// stricter count).
const (
	maxEmbedFields     = 25
	maxEmbedTitle      = 256
	maxEmbedFieldName  = 256
	maxEmbedFieldValue = 1024
	maxEmbedTotal      = 6000
)

// units returns the length of s as Discord counts it.
func units(s string) int { return len(utf16.Encode([]rune(s))) }

// cutUnits returns s cut to at most max units ("…" marks a cut).
func cutUnits(s string, max int) string {
	if units(s) <= max {
		return s
	}
	n := 0
	for i, r := range s {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		if n+w > max-1 {
			return s[:i] + "…"
		}
		n += w
	}
	return s
}

// goalsEmbed shows the progress of a room's goals: a field named "🎯 2/3"
// holding the checklist; with done, a line that says every goal is achieved
// and invites the learner to /end. nil without goals.
func goalsEmbed(lang string, goals []engine.Goal, done bool) *discordgo.MessageEmbed {
	if len(goals) == 0 {
		return nil
	}
	e := &discordgo.MessageEmbed{Fields: []*discordgo.MessageEmbedField{{Name: goalProgress(goals),
		Value: cutUnits(goalChecklist(goals, maxGoalShown), maxEmbedFieldValue)}}}
	if done {
		e.Description = text(lang, msgAllGoals)
	}
	return e
}

// completedBy reports whether every goal is achieved and the learner line
// messageID achieved one of them: the moment to say so, once.
func completedBy(goals []engine.Goal, messageID int64) bool {
	if !engine.AllGoalsAchieved(goals) {
		return false
	}
	for _, g := range goals {
		if g.MessageID != nil && *g.MessageID == messageID {
			return true
		}
	}
	return false
}

// turnGoals waits (bounded by the coach's timeout) for the coach on a turn's
// line, and returns its feedback (nil when the room has feedback off) and
// the room's goals after it (nil when it has none), and whether the line
// achieved the last open goal.
func (b *Bot) turnGoals(ctx context.Context, res *engine.TurnResult) (*engine.Feedback, []engine.Goal, bool) {
	if res == nil {
		return nil, nil, false
	}
	timeout := b.eng.Config().Coach.Timeout
	if timeout <= 0 {
		timeout = engine.DefaultCoachConfig().Timeout
	}
	wctx, cancel := context.WithTimeout(ctx, timeout+feedbackWaitMargin)
	defer cancel()
	var fb *engine.Feedback
	if res.Feedback != nil {
		fb = res.WaitFeedback(wctx)
	}
	goals := res.WaitGoals(wctx)
	done := res.UserMessage != nil && completedBy(goals, res.UserMessage.ID)
	return fb, goals, done
}

// announceGoals says in a channel (a thread, a DM) that the line of res
// achieved the last open goal of its room, and invites the learner to /end:
// there is no interaction there to tell them alone.
func (b *Bot) announceGoals(ctx context.Context, out *channelOutlet, lang string, room *engine.Room, res *engine.TurnResult) {
	if len(room.Goals) == 0 || engine.AllGoalsAchieved(room.Goals) {
		return // no goals, or all achieved before this line
	}
	if _, _, done := b.turnGoals(ctx, res); done && ctx.Err() == nil {
		b.answerMessage(ctx, out, text(lang, msgAllGoals))
	}
}
