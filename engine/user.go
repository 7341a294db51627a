package engine

import "time"

// User is a chatplay account. A web user has an email and a password hash; a
// user who arrived from Telegram or Discord has neither, only Identities.
type User struct {
	ID           int64
	Email        *string // unique when set
	PasswordHash *string // PHC string; nil for bot-only users. Never leaves the engine's callers.
	DisplayName  string
	Locale       string // BCP 47 language of the user's interface (ko, en, ja, …)
	CreatedAt    time.Time
}

// Provider names a chat platform a user can arrive from.
type Provider string

// The chat platforms.
const (
	ProviderTelegram Provider = "telegram"
	ProviderDiscord  Provider = "discord"
)

// Valid reports whether p is a known provider.
func (p Provider) Valid() bool { return p == ProviderTelegram || p == ProviderDiscord }

// Identity links a chat-platform account (provider, subject) to a User.
// (Provider, Subject) is unique: one platform account is one chatplay user.
type Identity struct {
	UserID    int64
	Provider  Provider
	Subject   string // the platform's user id, as text
	Username  string
	CreatedAt time.Time
	LinkedAt  *time.Time // when it was linked to a web account with a code; nil otherwise
	// MergedUserID is, on the identity a link returns, the bot-only user
	// the link merged into the account and deleted (0: none, it was the
	// account's already); not stored.
	MergedUserID int64
}
