package telegram

import (
	"context"
	"strconv"
	"strings"

	"github.com/chatplay/chatplay/engine"
)

// progressText is the 🎯 line of a room's goals after a learner line: how
// many are achieved (🎯 2/3), then each goal the line achieved (☑ text: in
// after, open in before) and, when that line achieved the last open one, the
// invitation to end the scene. "" when the room has no goals, or when always
// is false and the line achieved nothing.
func progressText(l lang, before, after []engine.Goal, always bool) string {
	if len(after) == 0 {
		return ""
	}
	open := make(map[int64]bool)
	for _, g := range before {
		if !g.Achieved {
			open[g.ID] = true
		}
	}
	done := 0
	var newly []string
	for _, g := range after {
		if !g.Achieved {
			continue
		}
		done++
		if open[g.ID] {
			newly = append(newly, g.Text)
		}
	}
	if len(newly) == 0 && !always {
		return ""
	}
	var sb strings.Builder
	sb.WriteString("🎯 " + strconv.Itoa(done) + "/" + strconv.Itoa(len(after)))
	for _, t := range newly {
		sb.WriteString("\n☑ " + EscapeHTML(t))
	}
	if len(newly) > 0 && engine.AllGoalsAchieved(after) {
		sb.WriteString("\n\n" + l.t("allGoalsDone"))
	}
	return sb.String()
}

// sendProgress shows the 🎯 line alone, as a quiet reply to the learner's
// line, when the room has goals and the line achieved one of them (once the
// coach is done: WaitGoals). A line that achieved nothing shows nothing: in
// a room without corrections, a line per turn that only repeats the count
// would be noise in the scene.
func (b *Bot) sendProgress(ctx context.Context, req *request, before []engine.Goal, res *engine.TurnResult) {
	if len(before) == 0 || engine.AllGoalsAchieved(before) {
		return
	}
	text := progressText(req.lang, before, res.WaitGoals(ctx), false)
	if text == "" {
		return
	}
	if _, err := b.sendQuiet(ctx, req.chatID, req.msgID, text); err != nil {
		b.log.Warn("telegram: send goals", "chat", req.chatID, "err", err)
	}
}
