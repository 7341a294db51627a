package engine

import (
	"context"
	"strings"
	"time"
)

// Binding ties a place on a chat platform to one of a user's rooms: the active
// room of a user in a Telegram chat, a Discord thread opened for a room, a
// user's active room in a Discord DM. Scope names the place in the platform's
// terms ("chat:123", "thread:456"); each (provider, scope, user) has at most one
// room, and a binding disappears with its room.
type Binding struct {
	Provider  Provider
	Scope     string
	UserID    int64
	RoomID    int64
	UpdatedAt time.Time
}

// BindingStore keeps bindings and the platform events already handled.
type BindingStore interface {
	// SetBinding creates or replaces the binding of (b.Provider, b.Scope, b.UserID) and sets UpdatedAt.
	SetBinding(ctx context.Context, b *Binding) error
	// FindBinding returns the binding of (provider, scope, userID), or ErrNotFound.
	FindBinding(ctx context.Context, provider Provider, scope string, userID int64) (*Binding, error)
	// DeleteBinding removes the binding of (provider, scope, userID); absent is not an error.
	DeleteBinding(ctx context.Context, provider Provider, scope string, userID int64) error
	// ClaimEvent records that the platform event eventID is being handled and
	// reports whether this call claimed it: exactly one of any number of
	// concurrent calls with the same (provider, eventID) gets true, ever.
	ClaimEvent(ctx context.Context, provider Provider, eventID string) (bool, error)
	// PruneEvents forgets events claimed before the cutoff and returns how many.
	PruneEvents(ctx context.Context, before time.Time) (int, error)
}

// maxScopeLen bounds a binding's scope; platform ids are far shorter.
const maxScopeLen = 200

// BindRoom makes roomID, which userID must own, the room of (provider, scope)
// for userID.
func (e *Engine) BindRoom(ctx context.Context, userID, roomID int64, provider Provider, scope string) error {
	if err := validScope(provider, scope); err != nil {
		return err
	}
	if _, err := e.FindRoom(ctx, userID, roomID); err != nil {
		return err
	}
	if err := e.store.SetBinding(ctx, &Binding{Provider: provider, Scope: scope, UserID: userID, RoomID: roomID}); err != nil {
		return notFound(err, "Room")
	}
	return nil
}

// BoundRoom returns userID's room bound to (provider, scope); not found when
// there is none (or it was deleted).
func (e *Engine) BoundRoom(ctx context.Context, userID int64, provider Provider, scope string) (*Room, error) {
	if err := validScope(provider, scope); err != nil {
		return nil, err
	}
	b, err := e.store.FindBinding(ctx, provider, scope, userID)
	if err != nil {
		return nil, notFound(err, "Room")
	}
	return e.FindRoom(ctx, userID, b.RoomID)
}

// UnbindRoom removes userID's binding at (provider, scope), if any.
func (e *Engine) UnbindRoom(ctx context.Context, userID int64, provider Provider, scope string) error {
	if err := validScope(provider, scope); err != nil {
		return err
	}
	if err := e.store.DeleteBinding(ctx, provider, scope, userID); err != nil {
		return Internal(err)
	}
	return nil
}

// ClaimEvent reports whether this call is the first to handle the platform
// event eventID (a Telegram update_id, a Discord interaction or message id).
// Platforms deliver at least once; a surface acts only on a true claim, so each
// event has exactly one effect, across processes sharing the database.
func (e *Engine) ClaimEvent(ctx context.Context, provider Provider, eventID string) (bool, error) {
	if !provider.Valid() || eventID == "" || len(eventID) > maxScopeLen {
		return false, Invalid("event_id", "Invalid platform event id.")
	}
	ok, err := e.store.ClaimEvent(ctx, provider, eventID)
	if err != nil {
		return false, Internal(err)
	}
	return ok, nil
}

func validScope(provider Provider, scope string) error {
	if !provider.Valid() {
		return Invalid("provider", "Unknown provider.")
	}
	if strings.TrimSpace(scope) == "" || len(scope) > maxScopeLen {
		return Invalid("scope", "Invalid binding scope.")
	}
	return nil
}

// EventRetention is how long a claimed platform event is remembered. Platforms
// redeliver within minutes (Telegram keeps updates for 24 hours at most), so a
// week leaves a wide margin.
const EventRetention = 7 * 24 * time.Hour

// PruneEvents forgets platform events claimed longer than EventRetention ago
// and returns how many. The service calls it periodically.
func (e *Engine) PruneEvents(ctx context.Context) (int, error) {
	n, err := e.store.PruneEvents(ctx, e.now().Add(-EventRetention))
	if err != nil {
		return 0, Internal(err)
	}
	return n, nil
}
