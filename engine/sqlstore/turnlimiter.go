package sqlstore

import (
	"context"
	"errors"
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
//
// On PostgreSQL that is four round trips: BEGIN; the lock and the deletion
// (see lockUserForget); the insert and the count in one statement, whose
// insert is undone with the transaction when the turn is refused (the count
// cannot see it); COMMIT.
func (l *TurnLimiter) AllowTurn(ctx context.Context, userID int64) (bool, time.Duration, error) {
	if l.Max <= 0 {
		return true, 0, nil
	}
	db := l.db
	now := normalize(l.Now())
	args := []any{userID, db.timeArg(now), l.Max}
	pg := db.dialect == DialectPostgres
	var wait time.Duration
	err := db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := db.lockUserForget(ctx, &tx, forgetTurnsQuery, lockForgetTurnsQuery, userID, db.timeArg(now.Add(-l.Window))); err != nil {
			return err
		}
		q := recentTurnsQuery
		if pg {
			q = allowTurnQuery
		}
		rows, err := db.hotRows(ctx, &tx, q, args...)
		if err != nil {
			return err
		}
		recent := make([]time.Time, 0, l.Max)
		for rows.Next() {
			var t time.Time
			if err := rows.Scan(&t); err != nil {
				_ = rows.Close()
				return err
			}
			recent = append(recent, t)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if len(recent) >= l.Max {
			if wait = recent[l.Max-1].Add(l.Window).Sub(now); wait > 0 {
				return errTurnRefused // undoes the insert on PostgreSQL
			}
			wait = 0 // a turn at the edge of the window: its start is just out
		}
		if pg {
			return nil
		}
		_, err = db.hotExec(ctx, &tx, insertTurnQuery, args...)
		return err
	})
	if err != nil && !errors.Is(err, errTurnRefused) {
		return false, 0, wrapErr("allow turn", err)
	}
	return wait == 0, wait, nil
}

// errTurnRefused ends the transaction of a turn AllowTurn refuses.
var errTurnRefused = errors.New("sqlstore: turn refused")

// The statements of AllowTurn, with its arguments: $1 the user, $2 the
// turn's start, $3 Max.
var (
	// forgetTurnsQuery deletes the user's turns started at or before $2
	// (there: the start of the window).
	forgetTurnsQuery = newHotQuery(func(*bun.DB) string {
		return `DELETE FROM turn_starts WHERE user_id = $1 AND started_at <= $2`
	})
	// lockForgetTurnsQuery locks the user and deletes the old turns, on
	// PostgreSQL.
	lockForgetTurnsQuery = lockForgetQuery(forgetTurnsQuery)
	// recentTurnsQuery reads the starts of the user's last Max turns.
	recentTurnsQuery = newHotQuery(func(*bun.DB) string {
		return `SELECT ts.started_at FROM turn_starts AS ts WHERE ts.user_id = $1 ORDER BY ts.started_at DESC LIMIT $3`
	})
	// insertTurnQuery records the turn.
	insertTurnQuery = newHotQuery(func(*bun.DB) string {
		return `INSERT INTO turn_starts (user_id, started_at) VALUES ($1, $2)`
	})
	// allowTurnQuery is insertTurnQuery and recentTurnsQuery in one
	// statement, for PostgreSQL.
	allowTurnQuery = newHotQuery(func(b *bun.DB) string {
		return "WITH ins AS (" + insertTurnQuery.build(b) + ") " + recentTurnsQuery.build(b)
	})
)
