package telegram

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/width"

	"github.com/chatplay/chatplay/engine"
)

// subject is the request's sender as the engine names a Telegram identity:
// their Telegram user id.
func (r *request) subject() string { return strconv.FormatInt(r.from.ID, 10) }

// linkCommand handles /link: with a code (made on the web) it links the
// sender's Telegram identity to that web account; without one it answers a
// code to enter on the web. Codes are secrets: in a group it only sends the
// user to the private chat (and, when a code was typed there, asks for a new
// one: the group has seen it).
func (b *Bot) linkCommand(ctx context.Context, req *request) {
	l := req.lang
	if !req.private {
		key := "linkPrivate"
		if req.args != "" {
			key = "linkPrivateCode"
		}
		b.say(ctx, req, l.t(key, b.me.Load().Username), nil)
		return
	}
	if req.args == "" {
		b.offerLinkCode(ctx, req)
		return
	}
	id, err := b.eng.RedeemLinkCode(ctx, engine.ProviderTelegram, req.subject(), linkCodeArg(req.args))
	if err != nil {
		b.say(ctx, req, b.linkErrorText(l, err), nil)
		return
	}
	acct, err := b.eng.FindUser(ctx, id.UserID)
	if err != nil {
		b.replyError(ctx, req, err)
		return
	}
	b.say(ctx, req, l.t("linked", accountName(acct)), nil)
}

// offerLinkCode answers /link without a code: a code the web account enters
// to take this identity, with its expiry; an identity already linked is told
// to which account instead.
func (b *Bot) offerLinkCode(ctx context.Context, req *request) {
	l := req.lang
	if req.user.Email != nil {
		b.say(ctx, req, l.t("linkAlready", accountName(req.user)), nil)
		return
	}
	code, expires, err := b.eng.CreateIdentityLinkCode(ctx, engine.ProviderTelegram, req.subject())
	if err != nil {
		b.say(ctx, req, b.linkErrorText(l, err), nil)
		return
	}
	b.say(ctx, req, l.t("linkCode", code, int(engine.LinkCodeTTL/time.Minute), expires.UTC().Format("15:04")), nil)
}

// unlinkCommand handles /unlink: the sender's Telegram identity leaves the
// web account it is linked to and becomes a user of its own, without the
// account's rooms.
func (b *Bot) unlinkCommand(ctx context.Context, req *request) {
	l := req.lang
	if req.user.Email == nil { // a bot-only user: nothing to unlink from
		b.say(ctx, req, l.t("notLinked"), nil)
		return
	}
	_, err := b.eng.UnlinkIdentity(ctx, req.user.ID, engine.ProviderTelegram)
	switch e := engine.AsError(err); {
	case err == nil:
		b.say(ctx, req, l.t("unlinked", accountName(req.user)), nil)
	case e.Code == engine.CodeNotFound || e.Reason == engine.ReasonNotWebAccount: // unlinked meanwhile
		b.say(ctx, req, l.t("notLinked"), nil)
	default:
		b.replyError(ctx, req, err)
	}
}

// accountName is how the bot names a web account to its owner: the display
// name and the email.
func accountName(u *engine.User) string {
	if u.Email == nil || *u.Email == "" {
		return u.DisplayName
	}
	if u.DisplayName == "" {
		return *u.Email
	}
	return u.DisplayName + " (" + *u.Email + ")"
}

// linkCodeArg returns the code of /link's argument as the engine reads it,
// forgiving how people type and paste: full-width letters and digits (a
// Japanese or Korean keyboard) become ASCII, lower case becomes upper case,
// and every space, dash (of any kind, the long vowel mark ー included) and
// invisible formatting character is dropped.
func linkCodeArg(s string) string {
	var b strings.Builder
	for _, r := range width.Fold.String(s) {
		switch {
		case unicode.IsSpace(r), unicode.Is(unicode.Pd, r), unicode.Is(unicode.Cf, r), r == '−', r == 'ー':
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}
