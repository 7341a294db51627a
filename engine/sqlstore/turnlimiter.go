package sqlstore

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/chatplay/chatplay/engine"
)

// turnStartRow is a row of turn_starts: when one of a user's chat turns
// began, kept while it is inside the rate window.
type turnStartRow struct {
	bun.BaseModel `bun:"table:turn_starts,alias:ts"`

	ID        int64     `bun:"id,pk,autoincrement"`
	UserID    int64     `bun:"user_id"`
	StartedAt time.Time `bun:"started_at"`
}

// TurnLimiter is an engine.TurnLimiter kept in the database: at most Max
// turns per user in any Window, counted across every process sharing the
// database (replicas, and processes serving different surfaces). A turn is
// admitted in one transaction holding the user's row lock, so that
// concurrent turns of one user, on any process, are counted one after the
// other. Now is the clock of the turn's start; replicas' clocks should agree
// to well within Window (a skew of s moves a user's window by s).
type TurnLimiter struct {
	db     *DB
	Max    int
	Window time.Duration
	Now    func() time.Time
}

var _ engine.TurnLimiter = (*TurnLimiter)(nil)

// NewTurnLimiter returns a limiter of max turns per window on db; max <= 0
// means no limit.
func (db *DB) NewTurnLimiter(max int, window time.Duration) *TurnLimiter {
	return &TurnLimiter{db: db, Max: max, Window: window, Now: time.Now}
}

// AllowTurn implements engine.TurnLimiter: it forgets the user's turns that
// left the window, counts the others and, under Max, records this one. Over
// it, retryAfter is when the oldest of the last Max turns leaves the window.
// A user that does not exist is engine.ErrNotFound.
func (l *TurnLimiter) AllowTurn(ctx context.Context, userID int64) (bool, time.Duration, error) {
	if l.Max <= 0 {
		return true, 0, nil
	}
	now := normalize(l.Now())
	var wait time.Duration
	err := l.db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := l.db.lockUser(ctx, tx, userID); err != nil {
			return err
		}
		_, err := tx.NewDelete().Model((*turnStartRow)(nil)).
			Where("ts.user_id = ?", userID).
			Where("ts.started_at <= ?", now.Add(-l.Window)).
			Exec(ctx)
		if err != nil {
			return err
		}
		var recent []time.Time
		err = tx.NewSelect().Model((*turnStartRow)(nil)).Column("ts.started_at").
			Where("ts.user_id = ?", userID).
			OrderExpr("ts.started_at DESC").
			Limit(l.Max).
			Scan(ctx, &recent)
		if err != nil {
			return err
		}
		if len(recent) >= l.Max {
			if wait = recent[l.Max-1].Add(l.Window).Sub(now); wait > 0 {
				return nil
			}
			wait = 0 // a turn at the edge of the window: its start is just out
		}
		_, err = tx.NewInsert().Model(&turnStartRow{UserID: userID, StartedAt: now}).Exec(ctx)
		return err
	})
	if err != nil {
		return false, 0, wrapErr("allow turn", err)
	}
	return wait == 0, wait, nil
}
