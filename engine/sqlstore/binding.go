package sqlstore

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/chatplay/chatplay/engine"
)

// bindingRow is a row of bindings.
type bindingRow struct {
	bun.BaseModel `bun:"table:bindings,alias:b"`

	Provider  engine.Provider `bun:"provider,pk"`
	Scope     string          `bun:"scope,pk"`
	UserID    int64           `bun:"user_id,pk"`
	RoomID    int64           `bun:"room_id"`
	UpdatedAt time.Time       `bun:"updated_at"`
}

// eventRow is a row of processed_events.
type eventRow struct {
	bun.BaseModel `bun:"table:processed_events,alias:pe"`

	Provider  engine.Provider `bun:"provider,pk"`
	EventID   string          `bun:"event_id,pk"`
	CreatedAt time.Time       `bun:"created_at"`
}

// SetBinding creates or replaces the binding of (b.Provider, b.Scope,
// b.UserID) and sets UpdatedAt. A room or user deleted meanwhile is
// engine.ErrNotFound.
func (db *DB) SetBinding(ctx context.Context, b *engine.Binding) error {
	row := &bindingRow{Provider: b.Provider, Scope: b.Scope, UserID: b.UserID, RoomID: b.RoomID, UpdatedAt: now()}
	_, err := db.bun.NewInsert().Model(row).
		On("CONFLICT (provider, scope, user_id) DO UPDATE").
		Set("room_id = EXCLUDED.room_id").
		Set("updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	if err != nil {
		return wrapErr("set binding", err)
	}
	b.UpdatedAt = row.UpdatedAt
	return nil
}

// FindBinding returns the binding of (provider, scope, userID), or
// engine.ErrNotFound.
func (db *DB) FindBinding(ctx context.Context, provider engine.Provider, scope string, userID int64) (*engine.Binding, error) {
	var row bindingRow
	err := db.bun.NewSelect().Model(&row).
		Where("b.provider = ? AND b.scope = ? AND b.user_id = ?", provider, scope, userID).
		Scan(ctx)
	if err != nil {
		return nil, wrapErr("find binding", err)
	}
	return &engine.Binding{Provider: row.Provider, Scope: row.Scope, UserID: row.UserID, RoomID: row.RoomID, UpdatedAt: normalize(row.UpdatedAt)}, nil
}

// DeleteBinding removes the binding of (provider, scope, userID); absent is
// not an error.
func (db *DB) DeleteBinding(ctx context.Context, provider engine.Provider, scope string, userID int64) error {
	_, err := db.bun.NewDelete().Model((*bindingRow)(nil)).
		Where("b.provider = ? AND b.scope = ? AND b.user_id = ?", provider, scope, userID).
		Exec(ctx)
	return wrapErr("delete binding", err)
}

// ClaimEvent inserts (provider, eventID) unless it is there and reports
// whether this call inserted it. The primary key decides between concurrent
// claims, in one process or many.
func (db *DB) ClaimEvent(ctx context.Context, provider engine.Provider, eventID string) (bool, error) {
	res, err := db.bun.NewInsert().Model(&eventRow{Provider: provider, EventID: eventID, CreatedAt: now()}).
		On("CONFLICT (provider, event_id) DO NOTHING").
		Exec(ctx)
	if err != nil {
		return false, wrapErr("claim event", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, wrapErr("claim event", err)
	}
	return n == 1, nil
}

// PruneEvents forgets events claimed before the cutoff and returns how many.
func (db *DB) PruneEvents(ctx context.Context, before time.Time) (int, error) {
	res, err := db.bun.NewDelete().Model((*eventRow)(nil)).
		Where("pe.created_at < ?", normalize(before)).
		Exec(ctx)
	if err != nil {
		return 0, wrapErr("prune events", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrapErr("prune events", err)
	}
	return int(n), nil
}
