package engine

import (
	"context"
	"strings"
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
	u := &User{DisplayName: truncateRunes(displayName, 100), Locale: locale}
	user, _, err := e.store.EnsureIdentityUser(ctx, id, u)
	if err != nil {
		return nil, AsError(err)
	}
	return user, nil
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
