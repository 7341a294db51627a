package telegram

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// maxAttempts bounds how often one Bot API call is tried when Telegram
// answers 429.
const maxAttempts = 4

// noPreview keeps links in replies from unfolding into previews.
var noPreview = &models.LinkPreviewOptions{IsDisabled: bot.True()}

// call runs one Bot API call for chatID, honouring a 429's retry_after: it
// waits that long (and holds the chat's pace as long) and tries again.
// "message is not modified" is not an error.
func (b *Bot) call(ctx context.Context, chatID int64, method string, fn func(ctx context.Context) error) error {
	for attempt := 1; ; attempt++ {
		err := fn(ctx)
		var tooMany *bot.TooManyRequestsError
		switch {
		case err == nil || notModified(err):
			return nil
		case errors.As(err, &tooMany) && attempt < maxAttempts:
			d := time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
			b.pacer.hold(chatID, d)
			b.log.Info("telegram: rate limited, retrying", "method", method, "chat", chatID, "retry_after", d)
			if werr := b.wait(ctx, d); werr != nil {
				return errors.New(b.redact(err))
			}
		default:
			return errors.New(b.redact(err))
		}
	}
}

// notModified reports whether err is Telegram's answer to an edit that
// changes nothing.
func notModified(err error) bool {
	return errors.Is(err, bot.ErrorBadRequest) && strings.Contains(err.Error(), "message is not modified")
}

// send sends text (Telegram HTML) to chatID with markup (may be nil), as a
// reply to message replyTo when it is not 0, and returns the new message's id.
func (b *Bot) send(ctx context.Context, chatID int64, replyTo int, text string, markup models.ReplyMarkup) (int, error) {
	p := &bot.SendMessageParams{ChatID: chatID, Text: text, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: noPreview, ReplyMarkup: markup}
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

// edit replaces the text (Telegram HTML) and markup of the bot's message.
func (b *Bot) edit(ctx context.Context, chatID int64, msgID int, text string, markup models.ReplyMarkup) error {
	p := &bot.EditMessageTextParams{ChatID: chatID, MessageID: msgID, Text: text, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: noPreview, ReplyMarkup: markup}
	return b.call(ctx, chatID, "editMessageText", func(ctx context.Context) error {
		_, err := b.api.EditMessageText(ctx, p)
		return err
	})
}

// say answers a request with a new message: in a group, as a reply to the
// user's message (so that it is clear whom it answers). Failures are logged:
// there is no one else to tell.
func (b *Bot) say(ctx context.Context, req *request, text string, markup models.ReplyMarkup) int {
	replyTo := 0
	if !req.private {
		replyTo = req.msgID
	}
	id, err := b.send(ctx, req.chatID, replyTo, text, markup)
	if err != nil {
		b.log.Warn("telegram: send message", "chat", req.chatID, "err", err)
	}
	return id
}

// answerCallback stops the spinner on a pressed button.
func (b *Bot) answerCallback(ctx context.Context, req *request) { b.answerCallbackText(ctx, req, "") }

// answerCallbackText stops the spinner on a pressed button, showing text
// (when not empty) to the presser alone.
func (b *Bot) answerCallbackText(ctx context.Context, req *request, text string) {
	err := b.call(ctx, req.chatID, "answerCallbackQuery", func(ctx context.Context) error {
		_, err := b.api.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: req.callbackID, Text: text})
		return err
	})
	if err != nil {
		b.log.Warn("telegram: answer callback", "chat", req.chatID, "err", err)
	}
}

// typing shows "typing…" in a chat.
func (b *Bot) typing(ctx context.Context, chatID int64) {
	_, err := b.api.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: chatID, Action: models.ChatActionTyping})
	if err != nil && ctx.Err() == nil {
		b.log.Debug("telegram: chat action", "chat", chatID, "err", b.redact(err))
	}
}
