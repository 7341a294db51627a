package sqlstore

import (
	"context"

	"github.com/chatplay/chatplay/engine"
)

// CreateMessages inserts msgs in one statement (so in one transaction, with
// one round trip and one commit) and sets their IDs, in order, and CreatedAt.
// Messages that carry Feedback take a transaction instead, which inserts their
// pending feedback rows too.
func (db *DB) CreateMessages(ctx context.Context, msgs ...*engine.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	at := now()
	rows := make([]messageRow, len(msgs))
	withFeedback := false
	for i, m := range msgs {
		rows[i] = *newMessageRow(m)
		rows[i].CreatedAt = at
		withFeedback = withFeedback || m.Feedback != nil
	}
	if withFeedback { // a learner line the coach will read: its feedback row goes in too
		return wrapErr("create messages", db.createMessagesWithFeedback(ctx, msgs, rows, at))
	}
	if _, err := db.bun.NewInsert().Model(&rows).Returning("id").Exec(ctx); err != nil {
		return wrapErr("create messages", err)
	}
	ids, err := insertedIDs(rows)
	if err != nil {
		return err
	}
	for i, m := range msgs {
		m.ID, m.CreatedAt = ids[i], at
	}
	return nil
}
