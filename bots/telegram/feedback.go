package telegram

import (
	"context"
	"strconv"
	"strings"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/chatplay/chatplay/engine"
)

// Bounds of what a correction shows of the coach's answer, in characters
// (model output is untrusted, and a correction is one Telegram message): at
// most maxFeedbackItems issues, each fragment cut at maxFragmentLen and each
// explanation at maxExplanationLen, the corrected line at
// maxCorrectedLen and the note at maxNoteLen. At their edge, in characters
// that count twice in UTF-16 (emoji), the message is about 3,800 of
// Telegram's 4,096 units.
const (
	maxFeedbackItems  = 5
	maxFragmentLen    = 60
	maxExplanationLen = 160
	maxCorrectedLen   = 300
	maxNoteLen        = 150
)

// issueKeys are the catalog keys of the issue kinds.
var issueKeys = map[engine.IssueKind]string{
	engine.IssueGrammar:     "issueGrammar",
	engine.IssueVocabulary:  "issueVocabulary",
	engine.IssueSpelling:    "issueSpelling",
	engine.IssueWordOrder:   "issueWordOrder",
	engine.IssueNaturalness: "issueNaturalness",
	engine.IssueRegister:    "issueRegister",
}

// feedbackText is the correction of a learner line, in Telegram HTML, the
// bot's own words in l and the coach's (escaped: model output) as written:
//
//	✍️ <b>the corrected line</b>
//	• <s>old</s> → <b>new</b> · kind
//	  explanation
//	<i>note</i>
//
// A line with no issues gets one quiet line: ✓ and the coach's note (praise,
// or a pointer when the line was not in the room's language).
func feedbackText(l lang, fb *engine.Feedback) string {
	note := strings.TrimSpace(fb.Note)
	if len(fb.Items) == 0 {
		if note == "" {
			return l.t("feedbackFine")
		}
		return "✓ " + EscapeHTML(shorten(note, maxNoteLen))
	}
	var sb strings.Builder
	sb.WriteString("✍️ ")
	if c := strings.TrimSpace(fb.Corrected); c != "" {
		sb.WriteString("<b>" + EscapeHTML(shorten(c, maxCorrectedLen)) + "</b>")
	} else {
		sb.WriteString(l.t("feedbackTitle"))
	}
	for i, it := range fb.Items {
		if i == maxFeedbackItems {
			sb.WriteString("\n…")
			break
		}
		sb.WriteString("\n• " + change(it.Original, it.Better))
		if key, ok := issueKeys[it.Kind]; ok {
			sb.WriteString(" · " + l.t(key))
		}
		if e := strings.TrimSpace(it.Explanation); e != "" {
			sb.WriteString("\n   " + EscapeHTML(shorten(e, maxExplanationLen)))
		}
	}
	if note != "" {
		sb.WriteString("\n<i>" + EscapeHTML(shorten(note, maxNoteLen)) + "</i>")
	}
	return sb.String()
}

// change marks one change: <s>old</s> → <b>new</b>; only the new words for
// words the learner left out, only the old ones for words to drop.
func change(original, better string) string {
	o := EscapeHTML(shorten(strings.TrimSpace(original), maxFragmentLen))
	n := EscapeHTML(shorten(strings.TrimSpace(better), maxFragmentLen))
	switch {
	case o == "":
		return "<b>" + n + "</b>"
	case n == "":
		return "<s>" + o + "</s>"
	}
	return "<s>" + o + "</s> → <b>" + n + "</b>"
}

// sendFeedback shows a learner line's feedback as a quiet reply to its
// message replyTo. Feedback not ready (unavailable: the coach failed or was
// too slow; pending: the bot is stopping) shows nothing: a notice per line
// that the learner cannot act on would be noise in the scene.
// A progress line (progressText, "" for none) goes under the correction.
func (b *Bot) sendFeedback(ctx context.Context, req *request, fb *engine.Feedback, replyTo int, progress string) {
	if fb == nil || fb.Status != engine.FeedbackReady {
		return
	}
	text := feedbackText(req.lang, fb)
	if progress != "" {
		text += "\n\n" + progress
	}
	if _, err := b.sendQuiet(ctx, req.chatID, replyTo, text); err != nil {
		b.log.Warn("telegram: send feedback", "chat", req.chatID, "err", err)
	}
}

// sendQuiet sends text as a reply to replyTo without a notification: a
// correction comes right after the reply, which has notified already.
func (b *Bot) sendQuiet(ctx context.Context, chatID int64, replyTo int, text string) (int, error) {
	p := &bot.SendMessageParams{ChatID: chatID, Text: text, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: noPreview, DisableNotification: true}
	if replyTo != 0 {
		p.ReplyParameters = &models.ReplyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
	}
	var id int
	err := b.call(ctx, chatID, "sendMessage", func(ctx context.Context) error {
		m, err := b.api.SendMessage(ctx, p)
		if err == nil {
			id = m.ID
		}
		return err
	})
	return id, err
}

// feedbackRef is the ✍️ button's reference to a learner line: its stored
// message and the Telegram message that shows it.
func feedbackRef(msgID int64, tgMsgID int) string {
	return strconv.FormatInt(msgID, 10) + "." + strconv.Itoa(tgMsgID)
}

// parseFeedbackRef reads feedbackRef.
func parseFeedbackRef(s string) (msgID int64, tgMsgID int, ok bool) {
	a, b, found := strings.Cut(s, ".")
	id, err1 := strconv.ParseInt(a, 10, 64)
	tg, err2 := strconv.Atoi(b)
	if !found || err1 != nil || err2 != nil || id <= 0 || tg < 0 {
		return 0, 0, false
	}
	return id, tg, true
}

// revealFeedback is the ✍️ button of a room that hides its feedback: the
// correction as a reply to the learner's line, or a short notice to the
// presser while it is not ready.
func (b *Bot) revealFeedback(ctx context.Context, req *request, roomID int64, ref string) {
	l := req.lang
	msgID, tgMsgID, ok := parseFeedbackRef(ref)
	if !ok {
		b.answerCallback(ctx, req, l.t("expired"))
		return
	}
	fb, err := b.eng.FindFeedback(ctx, req.user.ID, roomID, msgID)
	switch {
	case engine.ErrorCode(err) == engine.CodeNotFound:
		b.answerCallback(ctx, req, l.t("feedbackUnavailable"))
		return
	case err != nil:
		b.answerCallback(ctx, req, "")
		b.replyError(ctx, req, err)
		return
	case fb.Status == engine.FeedbackPending:
		b.answerCallback(ctx, req, l.t("feedbackPending"))
		return
	case fb.Status != engine.FeedbackReady:
		b.answerCallback(ctx, req, l.t("feedbackUnavailable"))
		return
	}
	b.answerCallback(ctx, req, "")
	if tgMsgID == 0 {
		tgMsgID = req.keyboardMsg
	}
	b.sendFeedback(ctx, req, fb, tgMsgID, "")
}

// The feedback modes of a room, as /feedback names them.
const (
	fbOn     = "on"
	fbHidden = "hidden"
	fbOff    = "off"
)

// feedbackMode returns a room's feedback mode.
func feedbackMode(r *engine.Room) string {
	switch {
	case !r.Feedback:
		return fbOff
	case r.FeedbackHidden:
		return fbHidden
	}
	return fbOn
}

// feedbackUpdate returns the room update that sets mode, false for an
// unknown mode.
func feedbackUpdate(mode string) (engine.RoomUpdate, bool) {
	on, hidden := true, false
	switch strings.ToLower(strings.TrimSpace(mode)) {
	case fbOn:
	case fbHidden:
		hidden = true
	case fbOff:
		on = false
	default:
		return engine.RoomUpdate{}, false
	}
	return engine.RoomUpdate{Feedback: &on, FeedbackHidden: &hidden}, true
}

// feedbackCommand is /feedback: with on, off or hidden it sets the active
// room's mode; alone it shows the mode with a button for each.
func (b *Bot) feedbackCommand(ctx context.Context, req *request, room *engine.Room) {
	l := req.lang
	if req.args == "" {
		b.say(ctx, req, l.t("feedbackNow", l.t("fbMode_"+feedbackMode(room))), feedbackKeyboard(l, room.ID, feedbackMode(room)))
		return
	}
	b.setFeedbackMode(ctx, req, room.ID, req.args, false)
}

// setFeedbackMode changes a room's feedback mode; edited: the answer
// replaces the message whose button was pressed.
func (b *Bot) setFeedbackMode(ctx context.Context, req *request, roomID int64, mode string, edited bool) {
	l := req.lang
	u, ok := feedbackUpdate(mode)
	if !ok {
		b.say(ctx, req, l.t("feedbackUsage"), nil)
		return
	}
	room, err := b.eng.UpdateRoom(ctx, req.user.ID, roomID, u)
	if err != nil {
		b.replyError(ctx, req, err)
		return
	}
	text := l.t("feedbackSet", l.t("fbMode_"+feedbackMode(room)))
	if edited {
		b.editKeyboardMessage(ctx, req, text)
		return
	}
	b.say(ctx, req, text, nil)
}

// feedbackKeyboard offers the feedback modes, the current one marked.
func feedbackKeyboard(l lang, room int64, current string) *inlineKeyboard {
	var row []inlineButton
	for _, m := range []string{fbOn, fbHidden, fbOff} {
		text := l.t("fbMode_" + m)
		if m == current {
			text = "✅ " + text
		}
		row = append(row, button(text, callback{verb: cbSetFbMode, room: room, arg: m}))
	}
	return &inlineKeyboard{InlineKeyboard: [][]inlineButton{row}}
}
