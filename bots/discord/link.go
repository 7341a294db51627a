package discord

import (
	"context"
	"math"
	"strings"

	"github.com/chatplay/chatplay/engine"
)

// maxLinkCodeLen bounds the code option of /link: a code is ten characters,
// which people may type with dashes and spaces.
const maxLinkCodeLen = 32

// maxAccountName is how much of the account's name the answers show, in
// runes.
const maxAccountName = 60

// linkIdentity answers /link, to the caller alone. With a code (a web account's, from
// its Connected apps), the caller's Discord identity is linked to that
// account: its bot-only user, rooms and history included, merges into it.
// Without, it answers a code to enter on the web, which links the other way
// round, with the time it expires.
//
// The bot keeps no user id of its own: every interaction and message finds
// the identity's user anew (handleInteraction, handleMessage), and room
// bindings move with the merge, so the next one already acts as the account.
func (b *Bot) linkIdentity(ctx context.Context, x *exchange, code string) {
	du := discordUser(x.in)
	if strings.TrimSpace(code) == "" {
		b.linkCode(ctx, x, du.ID)
		return
	}
	id, err := b.eng.RedeemLinkCode(ctx, engine.ProviderDiscord, du.ID, code)
	if err != nil {
		b.log.Debug("discord: link refused", "interaction", x.in.ID, errAttr(err))
		b.answer(ctx, x, x.reply(ctx, true, linkError(x.lang, err), nil))
		return
	}
	acct, err := b.eng.FindUser(ctx, id.UserID)
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgLinked, accountName(acct)), nil))
}

// linkCode answers /link without a code: a code that links the caller's
// identity to the web account that enters it; or, when the identity is linked
// already, which account it is linked to.
func (b *Bot) linkCode(ctx context.Context, x *exchange, subject string) {
	if x.user.Email != nil {
		b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgAlreadyLinked, accountName(x.user)), nil))
		return
	}
	code, expires, err := b.eng.CreateIdentityLinkCode(ctx, engine.ProviderDiscord, subject)
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	at := expires.Unix()
	b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgLinkCode, code, at, at), nil))
}

// unlinkIdentity answers /unlink, to the caller alone: the caller's Discord identity
// leaves the web account it is linked to and becomes a user of its own, with
// no rooms (they stay with the account, and the account's Discord bindings
// go). An identity that is not linked is told so.
func (b *Bot) unlinkIdentity(ctx context.Context, x *exchange) {
	if x.user.Email == nil {
		b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgNotLinked), nil))
		return
	}
	if _, err := b.eng.UnlinkIdentity(ctx, x.user.ID, engine.ProviderDiscord); err != nil {
		if engine.ErrorCode(err) == engine.CodeNotFound { // unlinked meanwhile, from the web
			b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgNotLinked), nil))
			return
		}
		x.fail(ctx, err, "")
		return
	}
	b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgUnlinked, accountName(x.user)), nil))
}

// accountName returns how the answers name a web account: its display name,
// escaped, on one line.
func accountName(u *engine.User) string {
	name := u.DisplayName
	if strings.TrimSpace(name) == "" && u.Email != nil {
		name, _, _ = strings.Cut(*u.Email, "@")
	}
	return plain(name, maxAccountName)
}

// linkError explains why a code could not be redeemed, in lang: a wrong or
// expired code, too many tries (with the wait), an identity linked to
// another account, an account with another Discord identity (their reasons
// are in reasonText), or any other error.
func linkError(lang string, err error) string {
	e := engine.AsError(err)
	if e.Code == engine.CodeRateLimited {
		return text(lang, msgLinkTooMany, int(math.Max(math.Ceil(e.RetryAfter.Minutes()), 1)))
	}
	return errorMessage(lang, err)
}
