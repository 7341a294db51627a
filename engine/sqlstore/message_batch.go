package sqlstore

import (
	"context"
	"fmt"
	"slices"

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
	// Both databases number the rows of one INSERT in VALUES order, but
	// neither promises RETURNING's order: the ids are matched by rank.
	ids := make([]int64, len(rows))
	for i := range rows {
		if ids[i] = rows[i].ID; ids[i] == 0 {
			return fmt.Errorf("sqlstore: create messages: no id returned for row %d", i)
		}
	}
	slices.Sort(ids)
	for i, m := range msgs {
		m.ID, m.CreatedAt = ids[i], at
	}
	return nil
}
