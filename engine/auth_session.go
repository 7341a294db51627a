package engine

import (
	"context"
	"time"
)

// Session is one web sign-in: a family of rotating refresh tokens. Access
// tokens name their session and stop working when it is revoked (logout,
// refresh-token reuse) or gone (the account was deleted).
type Session struct {
	ID        string // random, opaque
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time  // the sign-in's end: no refresh token outlives it
	RevokedAt *time.Time // set by logout or reuse detection
}

// Active reports whether the session is usable at now.
func (s *Session) Active(now time.Time) bool {
	return s.RevokedAt == nil && now.Before(s.ExpiresAt)
}

// RefreshToken is one refresh token of a session, known to the store only by
// its hash. Each is used once; a successful use issues the next.
type RefreshToken struct {
	Hash      string // hex SHA-256 of the opaque token
	SessionID string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// ErrRefreshReused is returned by SessionStore.RotateRefreshToken for a
// refresh token that was already used: a sign of theft, after which the
// store has revoked the token's whole session.
var ErrRefreshReused = &Error{Code: CodeUnauthenticated, Message: "This sign-in was ended for safety. Sign in again."}

// SessionStore keeps web sign-in sessions and their refresh tokens. The web
// API uses it; the sqlstore implements it.
type SessionStore interface {
	// CreateSession inserts s and its first refresh token in one transaction.
	CreateSession(ctx context.Context, s *Session, first *RefreshToken) error
	// FindSession returns the session with id, revoked or not, or ErrNotFound.
	FindSession(ctx context.Context, id string) (*Session, error)
	// FindRefreshSession returns the session the refresh token with hash
	// belongs to, whether the token is used, expired or revoked or not, or
	// ErrNotFound for a token never issued (or whose session is gone). It
	// changes nothing: a refresh reads what it needs before rotating.
	FindRefreshSession(ctx context.Context, hash string) (*Session, error)
	// RotateRefreshToken uses the refresh token with hash oldHash at now and
	// stores next in its session, atomically, returning the session. A token
	// that is unknown, expired, or whose session is revoked or expired gives
	// ErrNotFound; one already used gives ErrRefreshReused after revoking its
	// session.
	RotateRefreshToken(ctx context.Context, oldHash string, next *RefreshToken, now time.Time) (*Session, error)
	// RevokeSession marks the session with id revoked at now; absent or
	// already revoked is not an error.
	RevokeSession(ctx context.Context, id string, now time.Time) error
	// DeleteExpiredSessions removes sessions (and their tokens) that expired
	// before the cutoff, and returns how many.
	DeleteExpiredSessions(ctx context.Context, before time.Time) (int, error)
}
