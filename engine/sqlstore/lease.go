package sqlstore

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/chatplay/chatplay/engine"
)

// leaseRow is a row of engine_leases: a running engine process, alive until
// expires_at unless it renews the lease.
type leaseRow struct {
	bun.BaseModel `bun:"table:engine_leases,alias:l"`

	Owner     string    `bun:"owner,pk"`
	ExpiresAt time.Time `bun:"expires_at"`
}

// RenewLease writes owner's lease to expire at expires, creating it if needed.
func (db *DB) RenewLease(ctx context.Context, owner string, expires time.Time) error {
	row := &leaseRow{Owner: owner, ExpiresAt: normalize(expires)}
	_, err := db.bun.NewInsert().Model(row).
		On("CONFLICT (owner) DO UPDATE").
		Set("expires_at = EXCLUDED.expires_at").
		Exec(ctx)
	return wrapErr("renew lease", err)
}

// DeleteLease removes owner's lease: the process has stopped and left no
// reply pending.
func (db *DB) DeleteLease(ctx context.Context, owner string) error {
	_, err := db.bun.NewDelete().Model((*leaseRow)(nil)).Where("l.owner = ?", owner).Exec(ctx)
	return wrapErr("delete lease", err)
}

// FailOrphanedReplies marks as failed with code every pending reply that has
// an owner whose lease is not live at now (expired, or gone), keeping the
// content saved so far, and returns how many it marked; then it forgets the
// expired leases. Replies without an owner are left to FailPendingMessages.
// It reads the partial index of pending messages.
func (db *DB) FailOrphanedReplies(ctx context.Context, now time.Time, code engine.Code) (int, error) {
	now = normalize(now)
	live := db.bun.NewSelect().Model((*leaseRow)(nil)).ColumnExpr("1").
		Where("l.owner = m.owner").
		Where("l.expires_at > ?", now)
	res, err := db.bun.NewUpdate().Model((*messageRow)(nil)).
		Set("status = ?", engine.StatusFailed).
		Set("error_code = ?", code).
		Where("m.status = ?", engine.StatusPending).
		Where("m.owner <> ''").
		Where("NOT EXISTS (?)", live).
		Exec(ctx)
	if err != nil {
		return 0, wrapErr("fail orphaned replies", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrapErr("fail orphaned replies", err)
	}
	if _, err := db.bun.NewDelete().Model((*leaseRow)(nil)).Where("l.expires_at <= ?", now).Exec(ctx); err != nil {
		return int(n), wrapErr("forget expired leases", err)
	}
	return int(n), nil
}

// SaveReplyContent writes the text a pending reply has streamed so far, so
// that a crash keeps what the user saw. A reply no longer pending (settled by
// then) or gone (its room or user deleted) is left as it is.
func (db *DB) SaveReplyContent(ctx context.Context, id int64, content string) error {
	_, err := db.bun.NewUpdate().Model((*messageRow)(nil)).
		Set("content = ?", content).
		Where("m.id = ?", id).
		Where("m.status = ?", engine.StatusPending).
		Exec(ctx)
	return wrapErr("save reply content", err)
}
