package discord

import (
	"context"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine"
)

// Discord's bounds on an autocomplete answer.
const (
	maxChoices    = 25  // choices in one answer
	maxChoiceName = 100 // characters of a choice's name
)

// maxGoalShown is how much of a goal a checklist shows, in runes before
// escaping: five goals, escaped, stay well within a message.
const maxGoalShown = 120

// scenarioChoices returns the built-in scenarios that suit level (any level
// when it is empty or unknown) and whose title, description or id contains
// typed (lower case), named in lang: at most maxChoices of them.
func (b *Bot) scenarioChoices(lang, typed, level string) []*discordgo.ApplicationCommandOptionChoice {
	list, err := b.eng.ListScenarios(level, "")
	if err != nil {
		list, _ = b.eng.ListScenarios("", "")
	}
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	for _, s := range list {
		t := s.In(lang)
		if typed != "" && !strings.Contains(strings.ToLower(t.Title+"\n"+t.Description+"\n"+t.ID), typed) {
			continue
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: scenarioChoiceName(t), Value: s.ID})
		if len(choices) == maxChoices {
			break
		}
	}
	return choices
}

// scenarioChoiceName names a scenario in an autocomplete list: its title,
// its levels and its description, cut to maxChoiceName.
func scenarioChoiceName(t engine.ScenarioText) string {
	levels := ""
	if n := len(t.Levels); n > 0 {
		levels = " (" + string(t.Levels[0])
		if n > 1 {
			levels += "–" + string(t.Levels[n-1])
		}
		levels += ")"
	}
	return oneLine(t.Title+levels+" — "+t.Description, maxChoiceName)
}

// roomNew answers /room new: the room is made from the scenario option, or
// from the situation and roles, which are then all required (feedback: the
// boolean option, nil when not given), and its scene starts at once, as
// /room enter would start it (enterRoom): in the thread the bot opens for it
// in a server, or in the DM. A scenario's texts are in the interaction's
// language.
func (b *Bot) roomNew(ctx context.Context, x *exchange, opts map[string]string, feedback *bool) {
	in := engine.RoomInput{Title: opts[optTitle], Language: opts[optLanguage], Situation: opts[optSituation],
		UserRole: opts[optUserRole], BotRole: opts[optBotRole], Level: opts[optLevel], Feedback: feedback,
		ScenarioID: strings.TrimSpace(opts[optScenario]), Locale: string(x.in.Locale)}
	if in.ScenarioID == "" && (strings.TrimSpace(in.Situation) == "" || strings.TrimSpace(in.UserRole) == "" ||
		strings.TrimSpace(in.BotRole) == "") {
		b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgNeedScene), nil))
		return
	}
	r, err := b.eng.CreateRoom(ctx, x.user.ID, in)
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	b.enterRoom(ctx, x, r, true, true)
}

// goalProgress returns "🎯 achieved/all" of goals ("" without goals).
func goalProgress(goals []engine.Goal) string {
	if len(goals) == 0 {
		return ""
	}
	done := 0
	for _, g := range goals {
		if g.Achieved {
			done++
		}
	}
	return "🎯 " + strconv.Itoa(done) + "/" + strconv.Itoa(len(goals))
}

// goalChecklist returns goals as a checklist, one line each (✅ achieved,
// ⬜ open), each goal escaped and cut to max runes; "" without goals.
func goalChecklist(goals []engine.Goal, max int) string {
	lines := make([]string, 0, len(goals))
	for _, g := range goals {
		box := "⬜ "
		if g.Achieved {
			box = "✅ "
		}
		lines = append(lines, box+plain(g.Text, max))
	}
	return strings.Join(lines, "\n")
}

// roomGoals returns a room's goals for its description: the progress and the
// checklist on lines of their own, after a newline; "" without goals.
func roomGoals(r *engine.Room, max int) string {
	if len(r.Goals) == 0 {
		return ""
	}
	return "\n" + goalProgress(r.Goals) + "\n" + goalChecklist(r.Goals, max)
}

// followup sends content as followups of the interaction, in as many
// messages as its length needs (ephemeral: seen by the user alone).
func (b *Bot) followup(ctx context.Context, x *exchange, ephemeral bool, content string) {
	var flags discordgo.MessageFlags
	if ephemeral {
		flags = discordgo.MessageFlagsEphemeral
	}
	for _, part := range Split(content, MaxMessageLen) {
		err := b.do(ctx, func(opts ...discordgo.RequestOption) error {
			_, err := b.session.FollowupMessageCreate(x.in, true, &discordgo.WebhookParams{Content: part, Flags: flags,
				AllowedMentions: noMentions()}, opts...)
			return err
		})
		if err != nil {
			b.log.Warn("discord: followup", "interaction", x.in.ID, errAttr(err))
			return
		}
	}
}
