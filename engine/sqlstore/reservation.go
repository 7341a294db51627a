package sqlstore

import (
	"context"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/chatplay/chatplay/engine"
)

// reservationRow is a row of token_reservations: tokens of a user's daily
// allowance held by a turn in flight.
type reservationRow struct {
	bun.BaseModel `bun:"table:token_reservations,alias:tr"`

	ID        int64     `bun:"id,pk,autoincrement"`
	UserID    int64     `bun:"user_id"`
	Day       string    `bun:"day"`
	Tokens    int64     `bun:"tokens"`
	CreatedAt time.Time `bun:"created_at"`
	ExpiresAt time.Time `bun:"expires_at"`
}

// ReserveTokens, in one transaction holding the user's row lock (see
// lockUser), drops the user's expired reservations, sums the tokens used on
// r.Day (usage_daily) and those held by the user's reservations of r.Day
// unexpired at r.CreatedAt, passes the sum to admit and, when admit returns
// nil, inserts r and sets r.ID. admit's error is returned as it is. A user
// that does not exist is engine.ErrNotFound.
//
// On PostgreSQL that is four round trips: BEGIN; the lock and the deletion
// (lockUserQuery); the sums and the insert in one statement, whose insert
// is undone with the transaction when admit refuses (the sums cannot see
// it: a statement reads what was committed when it began, after the lock);
// COMMIT.
func (db *DB) ReserveTokens(ctx context.Context, r *engine.TokenReservation, admit func(spent int64) error) error {
	row := &reservationRow{UserID: r.UserID, Day: r.Day, Tokens: r.Tokens,
		CreatedAt: normalize(r.CreatedAt), ExpiresAt: normalize(r.ExpiresAt)}
	args := []any{row.UserID, row.Day, row.Tokens, db.timeArg(row.CreatedAt), db.timeArg(row.ExpiresAt)}
	pg := db.dialect == DialectPostgres
	var refused error
	err := db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := db.lockUserForget(ctx, &tx, forgetReservationsQuery, lockForgetReservationsQuery, row.UserID, args[3]); err != nil {
			return err
		}
		var used, held int64
		if pg {
			if err := db.hotScan(ctx, &tx, reserveQuery, []any{&used, &held, &row.ID}, args...); err != nil {
				return err
			}
		} else if err := db.hotScan(ctx, &tx, spentQuery, []any{&used, &held}, args...); err != nil {
			return err
		}
		if refused = admit(used + held); refused != nil {
			return refused
		}
		if pg {
			return nil
		}
		return db.hotScan(ctx, &tx, insertReservationQuery, []any{&row.ID}, args...)
	})
	if refused != nil && errors.Is(err, refused) {
		return refused
	}
	if err != nil {
		return wrapErr("reserve tokens", err)
	}
	r.ID = row.ID
	return nil
}

// The statements of ReserveTokens, with its arguments: $1 the user, $2 the
// day, $3 the tokens, $4 the time of the reservation, $5 its expiry.
var (
	// forgetReservationsQuery deletes the user's reservations expired at $2.
	forgetReservationsQuery = newHotQuery(func(*bun.DB) string {
		return `DELETE FROM token_reservations WHERE user_id = $1 AND expires_at <= $2`
	})
	// lockForgetReservationsQuery locks the user and deletes the expired
	// reservations, on PostgreSQL.
	lockForgetReservationsQuery = lockForgetQuery(forgetReservationsQuery)
	// spentQuery sums what the user used on the day and what the user's
	// reservations unexpired at $4 hold.
	spentQuery = newHotQuery(func(b *bun.DB) string {
		return "SELECT " + spentColumns(b)
	})
	// insertReservationQuery inserts the reservation.
	insertReservationQuery = newHotQuery(func(*bun.DB) string {
		return `INSERT INTO token_reservations (user_id, day, tokens, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`
	})
	// reserveQuery is spentQuery and insertReservationQuery in one
	// statement, for PostgreSQL.
	reserveQuery = newHotQuery(func(b *bun.DB) string {
		return "WITH ins AS (" + insertReservationQuery.build(b) + ") SELECT " + spentColumns(b) + ", (SELECT id FROM ins)"
	})
)

// spentColumns returns the two sums of spentQuery.
func spentColumns(b *bun.DB) string {
	// SUM of a BIGINT is a NUMERIC on PostgreSQL: cast it back.
	used := b.NewSelect().Model((*usageRow)(nil)).
		ColumnExpr("CAST(COALESCE(SUM(ud.prompt_tokens + ud.completion_tokens), 0) AS BIGINT)").
		Where("ud.user_id = $1").
		Where("ud.day = $2")
	held := b.NewSelect().Model((*reservationRow)(nil)).
		ColumnExpr("CAST(COALESCE(SUM(tr.tokens), 0) AS BIGINT)").
		Where("tr.user_id = $1").
		Where("tr.day = $2").
		Where("tr.expires_at > $4")
	return "(" + used.String() + "), (" + held.String() + ")"
}

// ReleaseTokens deletes the reservation with id; one already gone is not an
// error.
func (db *DB) ReleaseTokens(ctx context.Context, id int64) error {
	_, err := db.bun.NewDelete().Model((*reservationRow)(nil)).Where("tr.id = ?", id).Exec(ctx)
	return wrapErr("release tokens", err)
}
