package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

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
	if err := db.insertMessages(ctx, rows); err != nil {
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

// insertMessages inserts rows in one statement and sets their IDs (in no
// particular order). A chat turn's one or two rows (the user's message, the
// pending reply) go through a hot query; more go through bun.
func (db *DB) insertMessages(ctx context.Context, rows []messageRow) error {
	if len(rows) > len(insertMessagesQueries) {
		_, err := db.bun.NewInsert().Model(&rows).Returning("id").Exec(ctx)
		return err
	}
	args := make([]any, 0, len(rows)*len(messageInsertColumns))
	for i := range rows {
		r := &rows[i]
		args = append(args, r.RoomID, string(r.Role), r.Content, string(r.Status), string(r.ErrorCode),
			string(r.Source), r.TokenCount, db.timeArg(r.CreatedAt), r.Owner)
	}
	res, err := db.hotRows(ctx, nil, insertMessagesQueries[len(rows)-1], args...)
	if err != nil {
		return err
	}
	defer res.Close()
	for i := 0; res.Next(); i++ {
		if i < len(rows) {
			if err := res.Scan(&rows[i].ID); err != nil {
				return err
			}
		}
	}
	return res.Close()
}

// messageInsertColumns are the columns a new message is written with, in
// the order of insertMessages' arguments: messageRow's but the ID.
var messageInsertColumns = []string{"room_id", "role", "content", "status", "error_code", "source", "token_count", "created_at", "owner"}

// insertMessagesQueries[n-1] inserts n messages and returns their ids.
var insertMessagesQueries = []*hotQuery{insertMessagesQuery(1), insertMessagesQuery(2)}

// insertMessagesQuery returns the hot query that inserts n messages.
func insertMessagesQuery(n int) *hotQuery {
	return newHotQuery(func(*bun.DB) string {
		var b strings.Builder
		b.WriteString("INSERT INTO messages (" + strings.Join(messageInsertColumns, ", ") + ") VALUES ")
		p := 0
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(")
			for j := range messageInsertColumns {
				if j > 0 {
					b.WriteString(", ")
				}
				p++
				b.WriteString("$" + strconv.Itoa(p))
			}
			b.WriteString(")")
		}
		b.WriteString(" RETURNING id")
		return b.String()
	})
}
