package sqlstore

import (
	"context"
	"fmt"

	"github.com/chatplay/chatplay/engine"
)

// RecapMessages returns at most limit of the newest complete messages of
// roomID that came after the room's last message through surface (all of
// the room's, if none did), newest first, in one query. Both its parts read
// the index on (room_id, id) backwards from the room's newest message (see
// newestFirst): finding surface's last message stops at once when surface
// played last, as it does when a surface asks before each turn.
func (db *DB) RecapMessages(ctx context.Context, roomID int64, surface engine.Source, limit int) ([]*engine.Message, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("sqlstore: recap messages: limit %d is not positive", limit)
	}
	last := db.bun.NewSelect().TableExpr("messages AS s").Column("s.id").
		Apply(newestFirst("s.room_id", "s.id", roomID, 0, 1)).
		Where("s.source = ?", surface)
	var rows []messageRow
	err := db.bun.NewSelect().Model(&rows).
		Apply(newestFirst("m.room_id", "m.id", roomID, 0, limit)).
		Where("m.status = ?", engine.StatusComplete).
		Where("m.id > COALESCE((?), 0)", last).
		Scan(ctx)
	if err != nil {
		return nil, wrapErr("recap messages", err)
	}
	msgs := make([]*engine.Message, len(rows))
	for i := range rows {
		msgs[i] = rows[i].message()
	}
	return msgs, nil
}
