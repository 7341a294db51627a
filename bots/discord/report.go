package discord

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine"
)

// Bounds of what a report embed shows of each text the model wrote, in runes
// before escaping; the embed's own bounds (goals.go) cut what is left.
const (
	maxReportSummary = 1000
	maxReportItem    = 200 // a goal, a word, a fragment of a mistake, a step
	maxReportWhy     = 300 // an explanation, an example sentence
)

// reportColor is the colour bar of a report embed.
const reportColor = 0x5865F2

// endScene answers /end: the current room's scene ends with its report, an
// embed posted in the room's thread when /end is used there, else shown to
// the learner alone (a DM, another channel). Building the report calls the
// model, so the interaction is acknowledged first.
func (b *Bot) endScene(ctx context.Context, x *exchange) {
	room, err := b.currentRoom(ctx, x.user.ID, x.in.ChannelID)
	if err != nil {
		x.failNoRoom(ctx, err, "")
		return
	}
	public := false
	if x.in.GuildID != "" {
		bound, err := b.eng.BoundRoom(ctx, x.user.ID, engine.ProviderDiscord, threadScope(x.in.ChannelID))
		public = err == nil && bound.ID == room.ID
	}
	if err := x.deferReply(ctx, !public); err != nil {
		b.answer(ctx, x, err)
		return
	}
	rep, err := b.eng.EndSceneFrom(ctx, x.user.ID, room.ID, engine.SourceDiscord, string(x.in.Locale))
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	b.answer(ctx, x, x.replyWith(ctx, !public, "", nil, []*discordgo.MessageEmbed{reportEmbed(x.lang, rep)}))
}

// reportEmbed returns rep as an embed, its labels in lang: the scene as the
// title, the summary, and fields for the goals, the mistakes, the words and
// the next steps. Everything the model wrote is escaped, and the embed keeps
// within Discord's bounds: a section too long for one field goes on in the
// next, and what passes 25 fields or 6000 characters is left out, which a
// last field says.
func reportEmbed(lang string, rep *engine.Report) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Color: reportColor,
		Title:       cutUnits(text(lang, msgReportTitle, plain(rep.Scene, maxReportItem)), maxEmbedTitle),
		Description: plain(rep.Summary, maxReportSummary),
		Footer:      &discordgo.MessageEmbedFooter{Text: text(lang, msgReportFooter)}}
	if !rep.CreatedAt.IsZero() {
		e.Timestamp = rep.CreatedAt.UTC().Format(time.RFC3339)
	}
	var fields []*discordgo.MessageEmbedField
	if len(rep.Goals) > 0 {
		var lines []string
		done := 0
		for _, g := range rep.Goals {
			box := "⬜ "
			if g.Achieved {
				box, done = "✅ ", done+1
			}
			lines = append(lines, box+plain(g.Text, maxReportItem))
		}
		fields = append(fields, pack(text(lang, msgReportGoals, strconv.Itoa(done)+"/"+strconv.Itoa(len(rep.Goals))), lines)...)
	}
	if len(rep.Mistakes) > 0 {
		var lines []string
		for _, m := range rep.Mistakes {
			line := "•"
			if old := plain(m.Original, maxReportItem); old != "" {
				line += " ~~" + old + "~~"
			}
			if better := plain(m.Better, maxReportItem); better != "" {
				line += " → **" + better + "**"
			}
			if kind, ok := issueText[m.Kind][lang]; ok {
				line += " (" + kind + ")"
			}
			if why := plain(m.Explanation, maxReportWhy); why != "" {
				line += "\n  " + why
			}
			lines = append(lines, line)
		}
		fields = append(fields, pack(text(lang, msgReportMistakes), lines)...)
	}
	if len(rep.Vocabulary) > 0 {
		var lines []string
		for _, v := range rep.Vocabulary {
			line := "**" + plain(v.Term, maxReportItem) + "**"
			if meaning := plain(v.Meaning, maxReportItem); meaning != "" {
				line += " — " + meaning
			}
			if ex := plain(v.Example, maxReportWhy); ex != "" {
				line += "\n  _" + ex + "_"
			}
			lines = append(lines, line)
		}
		fields = append(fields, pack(text(lang, msgReportWords), lines)...)
	}
	if len(rep.NextSteps) > 0 {
		var lines []string
		for _, s := range rep.NextSteps {
			lines = append(lines, "→ "+plain(s, maxReportWhy))
		}
		fields = append(fields, pack(text(lang, msgReportNext), lines)...)
	}
	e.Fields = fitFields(e, fields, text(lang, msgReportCut))
	return e
}

// pack puts lines into fields named name (then "name (2)", …), as many lines
// in each as its value holds; a line too long for a field is cut.
func pack(name string, lines []string) []*discordgo.MessageEmbedField {
	var fields []*discordgo.MessageEmbedField
	var cur strings.Builder
	flush := func() {
		if cur.Len() == 0 {
			return
		}
		n := name
		if len(fields) > 0 {
			n += " (" + strconv.Itoa(len(fields)+1) + ")"
		}
		fields = append(fields, &discordgo.MessageEmbedField{Name: cutUnits(n, maxEmbedFieldName), Value: cur.String()})
		cur.Reset()
	}
	for _, l := range lines {
		l = cutUnits(l, maxEmbedFieldValue)
		if cur.Len() > 0 && units(cur.String())+1+units(l) > maxEmbedFieldValue {
			flush()
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(l)
	}
	flush()
	return fields
}

// embedUnits returns the characters of e that count towards Discord's total
// bound: title, description, footer, field names and values.
func embedUnits(e *discordgo.MessageEmbed) int {
	n := units(e.Title) + units(e.Description)
	if e.Footer != nil {
		n += units(e.Footer.Text)
	}
	for _, f := range e.Fields {
		n += units(f.Name) + units(f.Value)
	}
	return n
}

// fitFields returns the first of fields that e can hold within
// maxEmbedFields and maxEmbedTotal; when some are left out, a last field
// named "…" with cut says so.
func fitFields(e *discordgo.MessageEmbed, fields []*discordgo.MessageEmbedField, cut string) []*discordgo.MessageEmbedField {
	more := &discordgo.MessageEmbedField{Name: "…", Value: cut}
	reserve := units(more.Name) + units(more.Value)
	total := embedUnits(&discordgo.MessageEmbed{Title: e.Title, Description: e.Description, Footer: e.Footer})
	var kept []*discordgo.MessageEmbedField
	for i, f := range fields {
		size := units(f.Name) + units(f.Value)
		last := i == len(fields)-1
		room, slots := maxEmbedTotal-total, maxEmbedFields-len(kept)
		if !last {
			room, slots = room-reserve, slots-1
		}
		if size > room || slots < 1 {
			return append(kept, more)
		}
		kept = append(kept, f)
		total += size
	}
	return kept
}
