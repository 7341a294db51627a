package telegram

import (
	"context"
	"strconv"
	"strings"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/chatplay/chatplay/engine"
)

// Bounds of what the practice layer shows of a model's answer, in
// characters: a hint line and its translation. With maxHintLines they keep a
// hint well inside one Telegram message.
const (
	maxHintLines    = 3
	maxHintLineLen  = 600
	maxHintTransLen = 600
)

// afterReply finishes a turn whose reply is shown: the reply's last message
// (last, 0 when the reply failed or is not shown whole) gets the buttons 💡 and 🌐,
// and ✍️ when the room hides its feedback; in a room that shows it, the
// learner's line then gets its correction as a reply, once the coach is done
// (WaitFeedback, bounded by the coach's timeout), with the 🎯 progress of
// the room's goals; without a correction shown, the progress comes alone
// when the line achieved a goal (sendProgress).
func (b *Bot) afterReply(ctx context.Context, req *request, room *engine.Room, res *engine.TurnResult, last int) {
	if res == nil || room == nil {
		return
	}
	hidden := room.Feedback && room.FeedbackHidden && res.UserMessage != nil
	if last != 0 && res.Reply != nil && res.Reply.Status == engine.StatusComplete {
		ref := ""
		switch {
		case hidden && res.Feedback != nil: // a new line: req's message shows it
			ref = feedbackRef(res.UserMessage.ID, req.msgID)
		case hidden: // /retry: the line was shown by an earlier update
			ref = feedbackRef(res.UserMessage.ID, 0)
		}
		b.setKeyboard(ctx, req.chatID, last, replyKeyboard(req.lang, room.ID, res.Reply.ID, ref))
	}
	if res.UserMessage == nil {
		return
	}
	if res.Feedback != nil && room.Feedback && !hidden {
		if fb := res.WaitFeedback(ctx); fb != nil && fb.Status == engine.FeedbackReady {
			b.sendFeedback(ctx, req, fb, req.msgID, progressText(req.lang, room.Goals, fb.Goals, true))
			return
		}
	}
	b.sendProgress(ctx, req, room.Goals, res)
}

// replyKeyboard is the row under a bot reply: 💡 a hint, 🌐 the reply's
// translation and, when fbRef is not empty, ✍️ the hidden feedback on the
// learner's line it answers.
func replyKeyboard(l lang, room, reply int64, fbRef string) *inlineKeyboard {
	row := []inlineButton{
		button(l.t("hintButton"), callback{verb: cbHint, room: room}),
		button(l.t("translateButton"), callback{verb: cbTranslate, room: room, arg: strconv.FormatInt(reply, 10)}),
	}
	if fbRef != "" {
		row = append(row, button(l.t("feedbackButton"), callback{verb: cbFeedback, room: room, arg: fbRef}))
	}
	return &inlineKeyboard{InlineKeyboard: [][]inlineButton{row}}
}

// setKeyboard puts markup under the bot's message msgID. A failure is logged:
// the reply stands without its buttons.
func (b *Bot) setKeyboard(ctx context.Context, chatID int64, msgID int, markup models.ReplyMarkup) {
	err := b.call(ctx, chatID, "editMessageReplyMarkup", func(ctx context.Context) error {
		_, err := b.api.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: chatID, MessageID: msgID, ReplyMarkup: markup})
		return err
	})
	if err != nil {
		b.log.Warn("telegram: reply buttons", "chat", chatID, "err", err)
	}
}

// practiceVerbs are the buttons under bot replies, which answer their press
// themselves: a refusal as a short notice to the presser alone.
var practiceVerbs = map[string]bool{cbHint: true, cbTranslate: true, cbFeedback: true}

// onPracticeButton handles 💡, 🌐 and ✍️ under a bot reply. The presser must
// own the room (in a group anyone can press them): anyone else gets a short
// notice that only they see, and nothing else happens.
func (b *Bot) onPracticeButton(ctx context.Context, req *request, c callback) {
	l := req.lang
	room, err := b.eng.FindRoom(ctx, req.user.ID, c.room)
	if err != nil {
		if engine.ErrorCode(err) == engine.CodeNotFound {
			b.answerCallback(ctx, req, l.t("notYours"))
			return
		}
		b.answerCallback(ctx, req, "")
		b.replyError(ctx, req, err)
		return
	}
	switch c.verb {
	case cbHint:
		b.answerCallback(ctx, req, "")
		b.hint(ctx, req, room.ID, req.keyboardMsg)
	case cbTranslate:
		b.answerCallback(ctx, req, "")
		id, err := strconv.ParseInt(c.arg, 10, 64)
		if err != nil || id <= 0 {
			b.say(ctx, req, l.t("expired"), nil)
			return
		}
		b.translate(ctx, req, room.ID, id, req.keyboardMsg)
	case cbFeedback:
		b.revealFeedback(ctx, req, room.ID, c.arg)
	}
}

// hint shows one or two lines the learner could say next in room, with
// their translations, as a reply to message replyTo (0: as say does). Each
// line is code, which Telegram copies with a tap.
func (b *Bot) hint(ctx context.Context, req *request, roomID int64, replyTo int) {
	l := req.lang
	b.typing(ctx, req.chatID)
	h, err := b.eng.HintFrom(ctx, req.user.ID, roomID, engine.SourceTelegram, req.from.LanguageCode)
	if err != nil {
		b.practiceError(ctx, req, err)
		return
	}
	var sb strings.Builder
	sb.WriteString(l.t("hintTitle"))
	n := 0
	for _, line := range h.Lines {
		if strings.TrimSpace(line.Text) == "" || n == maxHintLines {
			continue
		}
		n++
		sb.WriteString("\n\n<code>" + EscapeHTML(shorten(line.Text, maxHintLineLen)) + "</code>")
		if t := strings.TrimSpace(line.Translation); t != "" {
			sb.WriteString("\n<i>" + EscapeHTML(shorten(t, maxHintTransLen)) + "</i>")
		}
	}
	if n == 0 {
		b.sayTo(ctx, req, replyTo, l.t("hintNone"), nil)
		return
	}
	b.sayTo(ctx, req, replyTo, sb.String(), nil)
}

// translateCommand is /translate: as a reply to a bot reply, that reply
// (named by its 🌐 button); otherwise the active room's last bot line.
func (b *Bot) translateCommand(ctx context.Context, req *request) {
	if room, msg, ok := translateTarget(req.replyMarkup); ok {
		b.translate(ctx, req, room, msg, req.replyTo)
		return
	}
	room := b.activeRoom(ctx, req)
	if room == nil {
		return
	}
	last, err := b.eng.LastReply(ctx, req.user.ID, room.ID)
	if engine.ErrorCode(err) == engine.CodeNotFound {
		b.say(ctx, req, req.lang.t("nothingToTranslate"), nil)
		return
	}
	if err != nil {
		b.replyError(ctx, req, err)
		return
	}
	b.translate(ctx, req, room.ID, last.ID, 0)
}

// translateTarget reads the stored reply a bot message shows from its
// keyboard: the room and message of its 🌐 button.
func translateTarget(k *models.InlineKeyboardMarkup) (room, msg int64, ok bool) {
	if k == nil {
		return 0, 0, false
	}
	for _, row := range k.InlineKeyboard {
		for _, btn := range row {
			c, ok := parseCallback(btn.CallbackData)
			if !ok || c.verb != cbTranslate || c.room == 0 {
				continue
			}
			id, err := strconv.ParseInt(c.arg, 10, 64)
			if err == nil && id > 0 {
				return c.room, id, true
			}
		}
	}
	return 0, 0, false
}

// translate shows message msgID of room in the learner's language, as a
// reply to message replyTo (0: as say does); a long one goes on in new
// messages.
func (b *Bot) translate(ctx context.Context, req *request, roomID, msgID int64, replyTo int) {
	b.typing(ctx, req.chatID)
	tr, err := b.eng.TranslateFrom(ctx, req.user.ID, roomID, msgID, engine.SourceTelegram, req.from.LanguageCode)
	if err != nil {
		b.practiceError(ctx, req, err)
		return
	}
	text := strings.TrimSpace(tr.Text)
	if text == "" {
		b.sayTo(ctx, req, replyTo, req.lang.t("errModelRejected"), nil)
		return
	}
	const mark, markLen = "🌐 ", 3 // markLen: the mark in UTF-16 code units
	for i, part := range Split(text, MaxMessageLen-markLen) {
		html := EscapeHTML(part)
		if i == 0 {
			html = mark + html
		} else {
			replyTo = 0
		}
		b.sayTo(ctx, req, replyTo, html, nil)
	}
}

// practiceError tells the user why a hint or translation failed: a room or
// message that is not theirs is refused as such.
func (b *Bot) practiceError(ctx context.Context, req *request, err error) {
	if engine.ErrorCode(err) == engine.CodeNotFound {
		b.say(ctx, req, req.lang.t("notYours"), nil)
		return
	}
	b.replyError(ctx, req, err)
}

// sayTo sends text as a reply to message replyTo, or as say does when it is 0.
func (b *Bot) sayTo(ctx context.Context, req *request, replyTo int, text string, markup models.ReplyMarkup) int {
	if replyTo == 0 {
		return b.say(ctx, req, text, markup)
	}
	id, err := b.send(ctx, req.chatID, replyTo, text, markup)
	if err != nil {
		b.log.Warn("telegram: send message", "chat", req.chatID, "err", err)
	}
	return id
}
