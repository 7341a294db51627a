package engine

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// LinkCodeTTL is how long a link code can be redeemed after it is made.
const LinkCodeTTL = 10 * time.Minute

// linkCodeAlphabet is the alphabet of link codes: 32 upper-case letters and
// digits without 0, O, 1 and I, which are easy to mistype for one another.
const linkCodeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// LinkCodeLength is how many characters a link code has: 10 from an
// alphabet of 32 are 50 bits of entropy.
const LinkCodeLength = 10

// linkCodeGroup is how many characters a dash separates when a code is shown
// (ABCD-EFGH-JK).
const linkCodeGroup = 4

// LinkAttemptsPerIdentity is how many link codes one redeemer (a platform
// identity or a web account) may try per LinkAttemptWindow.
const LinkAttemptsPerIdentity = 10

// LinkAttemptWindow is the window of LinkAttemptsPerIdentity.
const LinkAttemptWindow = 15 * time.Minute

// linkAttemptKeys bounds how many redeemers the attempt counter keeps.
const linkAttemptKeys = 10000

// LinkParty is one side of a link: a web account (UserID) or a platform
// identity (Provider and Subject).
type LinkParty struct {
	UserID   int64
	Provider Provider
	Subject  string
}

// LinkCode is a one-time code, stored only as its hash: made by From, it is
// redeemed by a party of the other kind (a web account's code by a platform
// identity, an identity's code by a web account).
type LinkCode struct {
	Hash      string // SHA-256 of the canonical code, hex
	From      LinkParty
	CreatedAt time.Time
	ExpiresAt time.Time
}

// LinkStore keeps link codes and moves identities between users.
type LinkStore interface {
	// CreateLinkCode inserts c, which replaces every older code of c.From;
	// expired codes of anyone may be deleted meanwhile.
	CreateLinkCode(ctx context.Context, c *LinkCode) error
	// RedeemLinkCode uses the code with hash, unexpired and unused at now and
	// made by a party of the other kind than by, and links the identity of
	// the two to the account of the two (see LinkIdentity), in one
	// transaction: of concurrent redemptions of one code, exactly one wins.
	// A code that cannot be used is ErrLinkCodeInvalid and stays as it was.
	RedeemLinkCode(ctx context.Context, hash string, by LinkParty, now time.Time) (*Identity, error)
	// LinkIdentity moves the identity (provider, subject) and everything its
	// bot-only user owns (rooms and their messages, reports, vocabulary,
	// usage, reservations, turn starts, bindings, identities) to the web
	// account accountID and deletes the emptied user, in one transaction,
	// and returns the identity with that user's ID in MergedUserID.
	// An identity already the account's is returned unchanged. An identity
	// of another web account is ErrLinkedElsewhere; an account that already
	// has an identity of the provider is ErrProviderLinked; an account
	// without an email is ErrNotWebAccount.
	LinkIdentity(ctx context.Context, accountID int64, provider Provider, subject string, now time.Time) (*Identity, error)
	// UnlinkIdentity gives the account's identity of provider to u, a new
	// bot-only user it inserts (setting its ID and CreatedAt), and drops the
	// account's bindings of that provider, in one transaction; the rooms stay
	// with the account. No such identity is ErrNotFound; an account without
	// an email is ErrNotWebAccount.
	UnlinkIdentity(ctx context.Context, accountID int64, provider Provider, u *User) (*Identity, error)
}

// NewLinkCode returns a fresh code, grouped for reading (ABCD-EFGH-JK), from
// crypto/rand.
func NewLinkCode() (string, error) {
	buf := make([]byte, LinkCodeLength)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("link code: %w", err)
	}
	var b strings.Builder
	for i, c := range buf {
		if i > 0 && i%linkCodeGroup == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(linkCodeAlphabet[int(c)%len(linkCodeAlphabet)]) // 256 is a multiple of 32: no bias
	}
	return b.String(), nil
}

// canonicalLinkCode returns code as stored: upper case, without spaces and
// dashes, or false when it cannot be a code.
func canonicalLinkCode(code string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		switch {
		case r == '-' || r == ' ':
		case strings.ContainsRune(linkCodeAlphabet, r):
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	return b.String(), b.Len() == LinkCodeLength
}

// hashLinkCode returns the stored form of a canonical code.
func hashLinkCode(code string) string {
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:])
}

// CreateLinkCode makes a code that links a platform identity to the web
// account userID when the identity redeems it (a bot's /link CODE).
func (e *Engine) CreateLinkCode(ctx context.Context, userID int64) (code string, expires time.Time, err error) {
	u, err := e.FindUser(ctx, userID)
	if err != nil {
		return "", time.Time{}, err
	}
	if u.Email == nil {
		return "", time.Time{}, ErrNotWebAccount
	}
	return e.createLinkCode(ctx, LinkParty{UserID: userID})
}

// CreateIdentityLinkCode makes a code that links the platform identity
// (provider, subject), which must have made contact, to the web account that
// redeems it (POST /api/v1/identities/link).
func (e *Engine) CreateIdentityLinkCode(ctx context.Context, provider Provider, subject string) (code string, expires time.Time, err error) {
	if _, err := e.FindIdentityUser(ctx, provider, subject); err != nil {
		return "", time.Time{}, err
	}
	return e.createLinkCode(ctx, LinkParty{Provider: provider, Subject: subject})
}

// createLinkCode stores a new code of from.
func (e *Engine) createLinkCode(ctx context.Context, from LinkParty) (string, time.Time, error) {
	code, err := NewLinkCode()
	if err != nil {
		return "", time.Time{}, Internal(err)
	}
	canon, _ := canonicalLinkCode(code)
	now := e.now().UTC()
	c := &LinkCode{Hash: hashLinkCode(canon), From: from, CreatedAt: now, ExpiresAt: now.Add(LinkCodeTTL)}
	if err := e.store.CreateLinkCode(ctx, c); err != nil {
		return "", time.Time{}, AsError(err)
	}
	return code, c.ExpiresAt, nil
}

// RedeemLinkCode links the platform identity (provider, subject) to the web
// account that made code (a bot's /link CODE), merging the identity's
// bot-only user into the account. Each identity has LinkAttemptsPerIdentity
// tries per LinkAttemptWindow.
func (e *Engine) RedeemLinkCode(ctx context.Context, provider Provider, subject, code string) (*Identity, error) {
	if !provider.Valid() {
		return nil, Invalid("provider", "Unknown provider.")
	}
	return e.redeem(ctx, "identity:"+string(provider)+":"+subject, LinkParty{Provider: provider, Subject: subject}, code)
}

// RedeemIdentityLinkCode links the platform identity that made code (a bot's
// /link) to the web account userID, merging the identity's bot-only user
// into the account. Each account has LinkAttemptsPerIdentity tries per
// LinkAttemptWindow.
func (e *Engine) RedeemIdentityLinkCode(ctx context.Context, userID int64, code string) (*Identity, error) {
	return e.redeem(ctx, fmt.Sprintf("user:%d", userID), LinkParty{UserID: userID}, code)
}

// redeem counts an attempt of key and redeems code for by.
func (e *Engine) redeem(ctx context.Context, key string, by LinkParty, code string) (*Identity, error) {
	if wait := e.linkAttempts.take(key, e.now()); wait > 0 {
		return nil, &Error{Code: CodeRateLimited, RetryAfter: wait, Message: "Too many link codes tried. Try again later."}
	}
	canon, ok := canonicalLinkCode(code)
	if !ok {
		return nil, ErrLinkCodeInvalid
	}
	id, err := e.store.RedeemLinkCode(ctx, hashLinkCode(canon), by, e.now().UTC())
	if err != nil {
		return nil, AsError(err)
	}
	e.merged(id)
	return id, nil
}

// merged hands what this process keeps of the bot-only user a link merged
// into the account (see Identity.MergedUserID) to the account, as the store
// did with its rows: its turns in flight (which DeleteUser of the account
// now ends) and, with a limiter that counts in memory, its recent turns.
func (e *Engine) merged(id *Identity) {
	from, to := id.MergedUserID, id.UserID
	if from == 0 || from == to {
		return
	}
	e.turnsMu.Lock()
	for t := range e.turns {
		if t.userID == from {
			t.userID = to
		}
	}
	e.turnsMu.Unlock()
	if l, ok := e.limiter.(userMerger); ok {
		l.MergeUser(from, to)
	}
}

// userMerger is a TurnLimiter that keeps its counts in memory, which a link
// must hand from the bot-only user it merges to the account.
type userMerger interface {
	MergeUser(from, to int64)
}

// LinkIdentity links the platform identity (provider, subject) to the web
// account accountID without a code (an operator's tool, and what redeeming
// a code does): see LinkStore.LinkIdentity.
func (e *Engine) LinkIdentity(ctx context.Context, accountID int64, provider Provider, subject string) (*Identity, error) {
	if !provider.Valid() {
		return nil, Invalid("provider", "Unknown provider.")
	}
	id, err := e.store.LinkIdentity(ctx, accountID, provider, subject, e.now().UTC())
	if err != nil {
		return nil, notFound(err, "Identity")
	}
	e.merged(id)
	return id, nil
}

// UnlinkIdentity detaches the account's identity of provider: it becomes a
// fresh bot-only user, and the rooms stay with the account.
func (e *Engine) UnlinkIdentity(ctx context.Context, accountID int64, provider Provider) (*Identity, error) {
	if !provider.Valid() {
		return nil, Invalid("provider", "Unknown provider.")
	}
	acct, err := e.FindUser(ctx, accountID)
	if err != nil {
		return nil, err
	}
	u := &User{Locale: acct.Locale}
	id, err := e.store.UnlinkIdentity(ctx, accountID, provider, u)
	if err != nil {
		return nil, notFound(err, "Linked account")
	}
	return id, nil
}

// ListIdentities returns the platform identities of a user, by provider.
func (e *Engine) ListIdentities(ctx context.Context, userID int64) ([]*Identity, error) {
	ids, err := e.store.ListIdentities(ctx, userID)
	if err != nil {
		return nil, AsError(err)
	}
	return ids, nil
}
