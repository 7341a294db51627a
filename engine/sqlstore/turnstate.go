package sqlstore

import (
	"context"
)

// TurnState reads, in one statement, the id of the newest message of roomID
// below beforeID (beforeID 0: of all; 0 when there is none) and the tokens
// userID used on day: what a chat turn checks once it holds its room. One
// round trip instead of two on the hottest path of the service.
func (db *DB) TurnState(ctx context.Context, roomID, beforeID, userID int64, day string) (headID, tokensUsed int64, err error) {
	head := db.bun.NewSelect().TableExpr("messages AS m").Column("m.id").
		Apply(newestFirst("m.room_id", "m.id", roomID, beforeID, 1))
	// usage_daily keeps running totals: one to a few rows per user and day.
	used := db.bun.NewSelect().Model((*usageRow)(nil)).
		// SUM of a BIGINT is a NUMERIC on PostgreSQL: cast it back.
		ColumnExpr("CAST(COALESCE(SUM(ud.prompt_tokens + ud.completion_tokens), 0) AS BIGINT)").
		Where("ud.user_id = ?", userID).
		Where("ud.day = ?", day)
	err = db.bun.NewSelect().
		ColumnExpr("CAST(COALESCE((?), 0) AS BIGINT)", head).
		ColumnExpr("(?)", used).
		Scan(ctx, &headID, &tokensUsed)
	if err != nil {
		return 0, 0, wrapErr("turn state", err)
	}
	return headID, tokensUsed, nil
}
