package sqlstore

import (
	"context"
	"fmt"

	"github.com/chatplay/chatplay/engine"
)

// CreateMessages inserts msgs in one statement (so in one transaction, with
// one round trip and one commit) and sets their IDs, in order, and CreatedAt.
func (db *DB) CreateMessages(ctx context.Context, msgs ...*engine.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	at := now()
	rows := make([]messageRow, len(msgs))
	for i, m := range msgs {
		rows[i] = *newMessageRow(m)
		rows[i].CreatedAt = at
	}
	if _, err := db.bun.NewInsert().Model(&rows).Returning("id").Exec(ctx); err != nil {
		return wrapErr("create messages", err)
	}
	for i, m := range msgs {
		if rows[i].ID == 0 {
			return fmt.Errorf("sqlstore: create messages: no id returned for row %d", i)
		}
		m.ID, m.CreatedAt = rows[i].ID, at
	}
	return nil
}
