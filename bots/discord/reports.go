package discord

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine"
)

// reportPageSize is how many reports one /reports page lists (and its menu
// offers; Discord allows 25 options).
const reportPageSize = 10

// Custom ids of /reports: the menu to show a report ("room:report:"), and
// the next-page button ("room:reports:<cursor>").
const (
	actReport  = "report"
	actReports = "reports"
)

// reportList answers /reports, and its next-page button (update: replace the
// list's message), to the learner alone: their reports, newest first, with a
// menu to show one.
func (b *Bot) reportList(ctx context.Context, x *exchange, cursor string, update bool) {
	reps, next, err := b.eng.ListReports(ctx, x.user.ID, engine.Page{Limit: reportPageSize, Cursor: cursor})
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	var sb strings.Builder
	var rows []discordgo.MessageComponent
	if len(reps) == 0 {
		sb.WriteString(text(x.lang, msgReportsNone))
	} else {
		sb.WriteString(text(x.lang, msgReportsHeader))
		menu := discordgo.SelectMenu{MenuType: discordgo.StringSelectMenu, CustomID: customID(actReport, ""),
			Placeholder: text(x.lang, msgReportPick)}
		for i, r := range reps {
			name, date := oneLine(r.Scene, 80), r.CreatedAt.UTC().Format("2006-01-02")
			progress := reportProgress(r)
			fmt.Fprintf(&sb, "\n%d. **%s** · %s%s", i+1, escapeMarkdown(name), date, progress)
			menu.Options = append(menu.Options, discordgo.SelectMenuOption{Label: fmt.Sprintf("%d. %s", i+1, name),
				Value: strconv.FormatInt(r.ID, 10), Description: date + progress})
		}
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{menu}})
	}
	if next != "" {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: text(x.lang, msgMore), Style: discordgo.SecondaryButton, CustomID: customID(actReports, next)},
		}})
	}
	content := Split(sb.String(), MaxMessageLen)[0]
	if update {
		b.answer(ctx, x, x.update(ctx, content, rows))
		return
	}
	b.answer(ctx, x, x.reply(ctx, true, content, rows))
}

// reportProgress returns " · 🎯 2/3" for a report with goals, else "".
func reportProgress(r *engine.Report) string {
	if len(r.Goals) == 0 {
		return ""
	}
	done := 0
	for _, g := range r.Goals {
		if g.Achieved {
			done++
		}
	}
	return " · 🎯 " + strconv.Itoa(done) + "/" + strconv.Itoa(len(r.Goals))
}

// showReport answers the /reports menu: the chosen report as an embed, to
// the learner alone. Only the caller's own reports are found, whatever id
// the menu sends.
func (b *Bot) showReport(ctx context.Context, x *exchange, values []string) {
	var id int64 = -1
	if len(values) == 1 {
		if n, err := strconv.ParseInt(strings.TrimSpace(values[0]), 10, 64); err == nil && n > 0 {
			id = n
		}
	}
	if id <= 0 {
		b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgNoReport), nil))
		return
	}
	rep, err := b.eng.FindReport(ctx, x.user.ID, id)
	if engine.ErrorCode(err) == engine.CodeNotFound {
		b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgNoReport), nil))
		return
	}
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	b.answer(ctx, x, x.replyWith(ctx, true, "", nil, []*discordgo.MessageEmbed{reportEmbed(x.lang, rep)}))
}
