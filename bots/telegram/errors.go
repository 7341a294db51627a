package telegram

import (
	"context"
	"strings"
	"time"

	"github.com/chatplay/chatplay/engine"
)

// replyError tells the user, in one short message in their language, what
// went wrong; the detail goes to the log only. It is the one place where an
// engine error code becomes words.
func (b *Bot) replyError(ctx context.Context, req *request, err error) {
	b.say(ctx, req, b.errorText(req.lang, err), nil)
}

// errorText returns the message for err in l.
func (b *Bot) errorText(l lang, err error) string {
	e := engine.AsError(err)
	lim := b.eng.Config().Limits
	switch e.Code {
	case engine.CodeNotFound:
		return l.t("errNotFound")
	case engine.CodeInvalid:
		return invalidText(l, e, lim)
	case engine.CodeRateLimited:
		if e.RetryAfter > time.Hour {
			return l.t("errDailyLimit", int((e.RetryAfter+time.Hour-1)/time.Hour))
		}
		return l.t("errRateLimited", max(1, int((e.RetryAfter+time.Second-1)/time.Second)))
	case engine.CodeModelUnavailable:
		return l.t("errModelDown")
	case engine.CodeModelRejected:
		return l.t("errModelRejected")
	case engine.CodeModelNotConfigured:
		return l.t("errNoModel")
	case engine.CodeConflict:
		switch e.Reason {
		case engine.ReasonRoomLimit:
			return l.t("errTooManyRooms")
		case engine.ReasonSceneStarted:
			return l.t("errSceneStarted")
		case engine.ReasonLinkedElsewhere:
			return l.t("errLinkedElsewhere")
		case engine.ReasonProviderLinked:
			return l.t("errProviderLinked")
		case engine.ReasonNotWebAccount:
			return l.t("errNotWebAccount")
		}
		return l.t("errBusy")
	case engine.CodeUnavailable:
		return l.t("errUnavailable")
	}
	b.log.Error("telegram: internal error", "err", err)
	return l.t("errInternal")
}

// linkErrorText returns the message for err from redeeming or making a link
// code in l: too many attempts are counted in minutes, codes tried (not
// messages sent); anything else is as errorText says.
func (b *Bot) linkErrorText(l lang, err error) string {
	if e := engine.AsError(err); e.Code == engine.CodeRateLimited {
		return l.t("errLinkAttempts", max(1, int((e.RetryAfter+time.Minute-1)/time.Minute)))
	}
	return b.errorText(l, err)
}

// invalidText explains an invalid input by the field at fault.
func invalidText(l lang, e *engine.Error, lim engine.Limits) string {
	if e.Reason == engine.ReasonLinkCode {
		return l.t("errLinkCode", int(engine.LinkCodeTTL/time.Minute))
	}
	switch e.Field {
	case "content":
		switch e.Reason {
		case engine.ReasonTooLong: // the limit, or the model's context
			return l.t("errTooLong", lim.MaxMessageRunes)
		case engine.ReasonRequired:
			return l.t("errEmpty")
		}
		return l.t("errInvalid")
	case "language":
		names := make([]string, 0, len(engine.LanguageCodes()))
		for _, c := range engine.LanguageCodes() {
			names = append(names, c+" ("+l.languageName(c)+")")
		}
		return l.t("errLanguage", strings.Join(names, ", "))
	case "level":
		names := make([]string, 0, len(engine.Levels()))
		for _, lv := range engine.Levels() {
			names = append(names, string(lv))
		}
		return l.t("errLevel", strings.Join(names, ", "))
	}
	if f, ok := roomFields[e.Field]; ok {
		return l.t("errField", l.t(f.label), f.max(lim))
	}
	return l.t("errInvalid")
}
