package sqlstore

import (
	"context"

	"github.com/uptrace/bun"
)

// TurnState reads, in one statement, the id of the newest message of roomID
// below beforeID (beforeID 0: of all; 0 when there is none) and the tokens
// userID used on day: what a chat turn checks once it holds its room. One
// round trip instead of two on the hottest path of the service.
func (db *DB) TurnState(ctx context.Context, roomID, beforeID, userID int64, day string) (headID, tokensUsed int64, err error) {
	err = db.hotScan(ctx, nil, turnStateQuery, []any{&headID, &tokensUsed}, roomID, beforeCursor(beforeID), userID, day)
	if err != nil {
		return 0, 0, wrapErr("turn state", err)
	}
	return headID, tokensUsed, nil
}

// turnStateQuery is TurnState's statement: $1 the room, $2 the cursor
// (beforeCursor), $3 the user, $4 the day.
var turnStateQuery = newHotQuery(func(b *bun.DB) string {
	head := b.NewSelect().TableExpr("messages AS m").Column("m.id").
		Apply(newestFirstArgs("m.room_id", "m.id", bun.Safe("$1"), bun.Safe("$2"), 1))
	// usage_daily keeps running totals: one to a few rows per user and day.
	used := b.NewSelect().Model((*usageRow)(nil)).
		// SUM of a BIGINT is a NUMERIC on PostgreSQL: cast it back.
		ColumnExpr("CAST(COALESCE(SUM(ud.prompt_tokens + ud.completion_tokens), 0) AS BIGINT)").
		Where("ud.user_id = $3").
		Where("ud.day = $4")
	return b.NewSelect().
		ColumnExpr("CAST(COALESCE((?), 0) AS BIGINT)", head).
		ColumnExpr("(?)", used).
		String()
})
