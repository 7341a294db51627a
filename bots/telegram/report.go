package telegram

import (
	"context"
	"strconv"
	"strings"

	"github.com/chatplay/chatplay/engine"
)

// Bounds of what a report shows of the model's answer, in characters (model
// output is untrusted): the summary at maxSummaryLen (split into blocks of
// maxSummaryBlock), each word's term at maxTermLen, meaning at
// maxMeaningLen and example at maxExampleLen, each next step at
// maxNextStepLen, and at most maxReportItems mistakes and words. Each line
// of a report is then far shorter than a message, so that a report is split
// between lines (reportMessages), never inside one, nor inside a tag.
const (
	maxSummaryLen   = 3000
	maxSummaryBlock = 1000
	maxTermLen      = 100
	maxMeaningLen   = 300
	maxExampleLen   = 600
	maxNextStepLen  = 400
	maxReportItems  = 15
)

// reportBlocks renders a report in l as Telegram HTML, a block per line
// (each block closes every tag it opens):
//
//	📋 <b>scene</b>
//	summary
//	🎯 <b>Goals</b> 1/2, then ☑/☐ text
//	✍️ <b>Mistakes</b>, then • <s>old</s> → <b>better</b> · kind, explanation
//	📚 <b>Words</b>, then • <b>term</b> — meaning, <i>example</i>
//	➡️ <b>Next</b>, then • a step
func reportBlocks(l lang, r *engine.Report) []string {
	blocks := []string{"📋 " + l.t("reportTitle", shorten(r.Scene, 80))}
	for _, part := range Split(shorten(strings.TrimSpace(r.Summary), maxSummaryLen), maxSummaryBlock) {
		blocks = append(blocks, EscapeHTML(part))
	}
	if len(r.Goals) > 0 {
		done := 0
		for _, g := range r.Goals {
			if g.Achieved {
				done++
			}
		}
		blocks = append(blocks, "\n🎯 "+l.t("goalsTitle")+" "+strconv.Itoa(done)+"/"+strconv.Itoa(len(r.Goals)))
		for _, g := range r.Goals {
			mark := "☐ "
			if g.Achieved {
				mark = "☑ "
			}
			blocks = append(blocks, mark+EscapeHTML(g.Text))
		}
	}
	if len(r.Mistakes) > 0 {
		blocks = append(blocks, "\n✍️ "+l.t("reportMistakes"))
		for _, m := range r.Mistakes[:min(len(r.Mistakes), maxReportItems)] {
			s := "• " + change(m.Original, m.Better)
			if key, ok := issueKeys[m.Kind]; ok {
				s += " · " + l.t(key)
			}
			if e := strings.TrimSpace(m.Explanation); e != "" {
				s += "\n   " + EscapeHTML(shorten(e, maxExplanationLen))
			}
			blocks = append(blocks, s)
		}
	}
	if len(r.Vocabulary) > 0 {
		blocks = append(blocks, "\n📚 "+l.t("reportWords"))
		for _, v := range r.Vocabulary[:min(len(r.Vocabulary), maxReportItems)] {
			s := "• <b>" + EscapeHTML(shorten(strings.TrimSpace(v.Term), maxTermLen)) + "</b>"
			if m := strings.TrimSpace(v.Meaning); m != "" {
				s += " — " + EscapeHTML(shorten(m, maxMeaningLen))
			}
			if ex := strings.TrimSpace(v.Example); ex != "" {
				s += "\n   <i>" + EscapeHTML(shorten(ex, maxExampleLen)) + "</i>"
			}
			blocks = append(blocks, s)
		}
	}
	if len(r.NextSteps) > 0 {
		blocks = append(blocks, "\n➡️ "+l.t("reportNext"))
		for _, n := range r.NextSteps[:min(len(r.NextSteps), maxReportItems)] {
			blocks = append(blocks, "• "+EscapeHTML(shorten(strings.TrimSpace(n), maxNextStepLen)))
		}
	}
	return append(blocks, "\n"+l.t("reportFooter"))
}

// reportMessages is a report in as few messages as fit: its blocks, a line
// each, packed into messages of at most max characters as Telegram counts
// them (visibleLen), cut only between blocks, so no tag is ever broken.
func reportMessages(l lang, r *engine.Report, max int) []string {
	var out []string
	cur, n := "", 0
	for _, b := range reportBlocks(l, r) {
		bl := visibleLen(b)
		if cur != "" && n+1+bl > max {
			out, cur, n = append(out, cur), "", 0
		}
		if cur != "" {
			cur, n = cur+"\n", n+1
		}
		if cur == "" {
			b = strings.TrimLeft(b, "\n") // a message does not begin with a blank line
			bl = visibleLen(b)
		}
		cur, n = cur+b, n+bl
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// visibleLen is the length of Telegram HTML text as Telegram counts it once
// parsed (TextLen of the text without tags, an entity one character): the
// length a message's limit applies to.
func visibleLen(html string) int {
	n := 0
	for i := 0; i < len(html); {
		switch html[i] {
		case '<':
			if j := strings.IndexByte(html[i:], '>'); j >= 0 {
				i += j + 1
				continue
			}
		case '&':
			if j := strings.IndexByte(html[i:], ';'); j >= 0 {
				n++
				i += j + 1
				continue
			}
		}
		j := i + 1
		for j < len(html) && html[j] != '<' && html[j] != '&' {
			j++
		}
		n += TextLen(html[i:j])
		i = j
	}
	return n
}

// endScene is /end: the active room's report, built by the engine, shown in
// as many messages as it takes.
func (b *Bot) endScene(ctx context.Context, req *request) {
	room := b.activeRoom(ctx, req)
	if room == nil {
		return
	}
	b.typing(ctx, req.chatID)
	r, err := b.eng.EndSceneFrom(ctx, req.user.ID, room.ID, engine.SourceTelegram, req.from.LanguageCode)
	if err != nil {
		if engine.AsError(err).Reason == engine.ReasonEmptyScene {
			b.say(ctx, req, req.lang.t("errEmptyScene"), nil)
			return
		}
		b.replyError(ctx, req, err)
		return
	}
	b.showReport(ctx, req, r)
}

// showReport sends a report, the first message answering req as say does.
func (b *Bot) showReport(ctx context.Context, req *request, r *engine.Report) {
	for _, text := range reportMessages(req.lang, r, MaxMessageLen) {
		if b.say(ctx, req, text, nil) == 0 {
			return // logged by say; the rest would read out of order
		}
	}
}

// reportsPage is how many reports /reports shows at a time.
const reportsPage = 8

// listReports is /reports: a page of the user's reports, newest first, a
// button each to show it, and one to the next page.
func (b *Bot) listReports(ctx context.Context, req *request, cursor string) {
	l := req.lang
	reports, next, err := b.eng.ListReports(ctx, req.user.ID, engine.Page{Limit: reportsPage, Cursor: cursor})
	if err != nil {
		b.replyError(ctx, req, err)
		return
	}
	if len(reports) == 0 {
		b.say(ctx, req, l.t("noReports"), nil)
		return
	}
	var sb strings.Builder
	var rows [][]inlineButton
	sb.WriteString(l.t("reportsTitle"))
	for _, r := range reports {
		date := r.CreatedAt.UTC().Format("2006-01-02")
		line := "\n📋 " + date + " · <b>" + EscapeHTML(shorten(r.Scene, 40)) + "</b>"
		if len(r.Goals) > 0 {
			done := 0
			for _, g := range r.Goals {
				if g.Achieved {
					done++
				}
			}
			line += " · 🎯 " + strconv.Itoa(done) + "/" + strconv.Itoa(len(r.Goals))
		}
		sb.WriteString(line)
		rows = append(rows, []inlineButton{button("📋 "+date+" · "+shorten(r.Scene, 24), callback{verb: cbReport, room: r.ID})})
	}
	if next != "" {
		rows = append(rows, []inlineButton{button(l.t("moreButton"), callback{verb: cbReports, arg: next})})
	}
	b.say(ctx, req, sb.String(), &inlineKeyboard{InlineKeyboard: rows})
}

// openReport is a report's button in /reports: the presser's own report, or
// not found (another user's report among them: the engine scopes it).
func (b *Bot) openReport(ctx context.Context, req *request, id int64) {
	r, err := b.eng.FindReport(ctx, req.user.ID, id)
	if engine.ErrorCode(err) == engine.CodeNotFound {
		b.say(ctx, req, req.lang.t("errReportNotFound"), nil)
		return
	}
	if err != nil {
		b.replyError(ctx, req, err)
		return
	}
	b.showReport(ctx, req, r)
}
