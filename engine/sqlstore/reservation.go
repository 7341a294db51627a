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
func (db *DB) ReserveTokens(ctx context.Context, r *engine.TokenReservation, admit func(spent int64) error) error {
	row := &reservationRow{UserID: r.UserID, Day: r.Day, Tokens: r.Tokens,
		CreatedAt: normalize(r.CreatedAt), ExpiresAt: normalize(r.ExpiresAt)}
	var refused error
	err := db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := db.lockUser(ctx, tx, r.UserID); err != nil {
			return err
		}
		_, err := tx.NewDelete().Model((*reservationRow)(nil)).
			Where("tr.user_id = ?", r.UserID).
			Where("tr.expires_at <= ?", row.CreatedAt).
			Exec(ctx)
		if err != nil {
			return err
		}
		// SUM of a BIGINT is a NUMERIC on PostgreSQL: cast it back.
		used := tx.NewSelect().Model((*usageRow)(nil)).
			ColumnExpr("CAST(COALESCE(SUM(ud.prompt_tokens + ud.completion_tokens), 0) AS BIGINT)").
			Where("ud.user_id = ?", r.UserID).
			Where("ud.day = ?", r.Day)
		held := tx.NewSelect().Model((*reservationRow)(nil)).
			ColumnExpr("CAST(COALESCE(SUM(tr.tokens), 0) AS BIGINT)").
			Where("tr.user_id = ?", r.UserID).
			Where("tr.day = ?", r.Day).
			Where("tr.expires_at > ?", row.CreatedAt)
		var spentUsed, spentHeld int64
		if err := tx.NewSelect().ColumnExpr("(?)", used).ColumnExpr("(?)", held).Scan(ctx, &spentUsed, &spentHeld); err != nil {
			return err
		}
		if refused = admit(spentUsed + spentHeld); refused != nil {
			return refused
		}
		_, err = tx.NewInsert().Model(row).Exec(ctx)
		return err
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

// ReleaseTokens deletes the reservation with id; one already gone is not an
// error.
func (db *DB) ReleaseTokens(ctx context.Context, id int64) error {
	_, err := db.bun.NewDelete().Model((*reservationRow)(nil)).Where("tr.id = ?", id).Exec(ctx)
	return wrapErr("release tokens", err)
}
