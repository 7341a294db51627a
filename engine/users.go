package engine

import (
	"context"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FindUser returns the user with id.
func (e *Engine) FindUser(ctx context.Context, id int64) (*User, error) {
	u, err := e.store.FindUserByID(ctx, id)
	if err != nil {
		return nil, notFound(err, "User")
	}
	return u, nil
}

// EnsureIdentityUser returns the chatplay user of a chat-platform account,
// creating it on first contact. displayName and locale seed the new user.
func (e *Engine) EnsureIdentityUser(ctx context.Context, provider Provider, subject, username, displayName, locale string) (*User, error) {
	if !provider.Valid() {
		return nil, Invalid("provider", "Unknown provider.")
	}
	if strings.TrimSpace(subject) == "" {
		return nil, Invalid("subject", "The platform user id is missing.")
	}
	id := &Identity{Provider: provider, Subject: subject, Username: username}
	u := &User{DisplayName: truncateRunes(displayName, MaxDisplayNameRunes), Locale: NormalizeLocale(locale)}
	user, _, err := e.store.EnsureIdentityUser(ctx, id, u)
	if err != nil {
		return nil, AsError(err)
	}
	return user, nil
}

// FindIdentityUser returns the chatplay user of a chat-platform account, or
// not found when that account never made contact: for events that must not
// create a user (a stranger's message in someone else's thread).
func (e *Engine) FindIdentityUser(ctx context.Context, provider Provider, subject string) (*User, error) {
	if !provider.Valid() {
		return nil, Invalid("provider", "Unknown provider.")
	}
	u, err := e.store.FindIdentityUser(ctx, provider, subject)
	if err != nil {
		return nil, notFound(err, "User")
	}
	return u, nil
}

// truncateRunes returns s cut to at most n characters.
func truncateRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// NewUser holds the fields of a web account.
type NewUser struct {
	Email        string
	PasswordHash string // a PHC string made by the caller's password hasher
	DisplayName  string
	Locale       string
}

// maxEmailLen is the longest email address: RFC 5321's path limit.
const maxEmailLen = 254

// MaxDisplayNameRunes is the longest display name, in characters.
const MaxDisplayNameRunes = 100

// SupportedLocales are the interface languages of the surfaces.
var SupportedLocales = []string{"ko", "en", "ja"}

// NormalizeLocale maps a BCP 47 tag (ko-KR, ja, en-US, …) to a supported
// locale, English otherwise.
func NormalizeLocale(tag string) string {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	base, _, _ = strings.Cut(base, "_")
	for _, l := range SupportedLocales {
		if base == l {
			return l
		}
	}
	return "en"
}

// NormalizeEmail returns the one spelling of an email: trimmed, Unicode NFC,
// lower-cased; or an invalid error naming the field "email". Every surface
// and every key derived from an email (the store's unique key, login limits)
// uses this form, so that no two spellings reach one account.
//
// An email with a control character (NUL, C0, C1), an invisible formatting
// character (bidi overrides and isolates, zero-width characters, the BOM:
// Unicode category Cf) or white space inside is refused rather than cleaned:
// a database layer that strips such characters after a limit took its key
// would otherwise give the same account many names.
func NormalizeEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	if len(email) > maxEmailLen {
		return "", Invalid("email", "Enter a valid email address.")
	}
	if !utf8.ValidString(email) {
		return "", invalidBecause(ReasonBadText, "email", "The email is not valid UTF-8 text.")
	}
	for _, r := range email {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) {
			return "", invalidBecause(ReasonBadText, "email", "The email contains a character that is not allowed (a control, formatting or space character).")
		}
	}
	email = norm.NFC.String(strings.ToLower(email))
	at := strings.LastIndexByte(email, '@')
	if len(email) > maxEmailLen || at < 1 || at == len(email)-1 || strings.ContainsAny(email, "<>\",;") ||
		!strings.Contains(email[at+1:], ".") {
		return "", Invalid("email", "Enter a valid email address.")
	}
	return email, nil
}

// CreateUser creates a web account. The email is stored lower-case; a taken
// email is a conflict.
func (e *Engine) CreateUser(ctx context.Context, in NewUser) (*User, error) {
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(in.DisplayName)
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	if err := checkText("display_name", name, MaxDisplayNameRunes, true); err != nil {
		return nil, err
	}
	if in.PasswordHash == "" {
		return nil, Internal(errors.New("create user: no password hash"))
	}
	u := &User{Email: &email, PasswordHash: &in.PasswordHash, DisplayName: name, Locale: NormalizeLocale(in.Locale)}
	if err := e.store.CreateUser(ctx, u); err != nil {
		if ErrorCode(err) == CodeConflict {
			return nil, &Error{Code: CodeConflict, Reason: ReasonEmailTaken, Field: "email", Message: "An account with this email already exists.", Err: err}
		}
		return nil, AsError(err)
	}
	return u, nil
}

// FindUserByEmail returns the web account with email.
func (e *Engine) FindUserByEmail(ctx context.Context, email string) (*User, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	u, err := e.store.FindUserByEmail(ctx, email)
	if err != nil {
		return nil, notFound(err, "User")
	}
	return u, nil
}

// UpdateUser writes u's email, password hash, display name and locale.
func (e *Engine) UpdateUser(ctx context.Context, u *User) error {
	if err := checkText("display_name", u.DisplayName, MaxDisplayNameRunes, false); err != nil {
		return err
	}
	return notFound(e.store.UpdateUser(ctx, u), "User")
}

// SetUserLocale sets the user's own language, in which the learner's aids
// (explanations, translations) are written: a language a room can be played
// in (see Languages), given as a code or a BCP 47 tag ("ko", "ko-KR"). A
// surface whose interface lacks that language shows its English.
func (e *Engine) SetUserLocale(ctx context.Context, userID int64, locale string) (*User, error) {
	code, ok := ParseLanguage(locale)
	if !ok {
		return nil, Invalid("locale", "Choose a supported language: %s.", strings.Join(LanguageCodes(), ", "))
	}
	u, err := e.store.UpdateUserLocale(ctx, userID, code)
	if err != nil {
		return nil, notFound(err, "User")
	}
	return u, nil
}

// DeleteUser deletes a user and everything it owns: identities, rooms,
// messages, bindings and usage.
// A turn of the user in flight in this process stops, and the watchers of
// its rooms, in every process, get a reload (and find the rooms gone).
func (e *Engine) DeleteUser(ctx context.Context, id int64) error {
	rooms, err := e.roomIDs(ctx, id)
	if err != nil {
		return err
	}
	if err := e.store.DeleteUser(ctx, id); err != nil {
		return notFound(err, "User")
	}
	e.stopUserTurns(id)
	for _, roomID := range rooms {
		e.events.reload(roomID)
	}
	return nil
}

// roomIDs returns the ids of every room userID owns (more than
// Limits.MaxRoomsPerUser after a link merged a bot user's rooms in).
func (e *Engine) roomIDs(ctx context.Context, userID int64) ([]int64, error) {
	const page = 200
	var ids []int64
	for before := int64(0); ; {
		rooms, err := e.store.ListRooms(ctx, userID, before, page)
		if err != nil {
			return nil, err
		}
		for _, r := range rooms {
			ids = append(ids, r.ID)
		}
		if len(rooms) < page {
			return ids, nil
		}
		before = rooms[len(rooms)-1].ID
	}
}
