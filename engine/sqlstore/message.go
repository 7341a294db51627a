package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/chatplay/chatplay/engine"
)

// messageRow is a row of messages.
type messageRow struct {
	bun.BaseModel `bun:"table:messages,alias:m"`

	ID         int64         `bun:"id,pk,autoincrement"`
	RoomID     int64         `bun:"room_id"`
	Role       engine.Role   `bun:"role"`
	Content    string        `bun:"content"`
	Status     engine.Status `bun:"status"`
	ErrorCode  engine.Code   `bun:"error_code"` // "" unless failed
	Source     engine.Source `bun:"source"`
	TokenCount int           `bun:"token_count"`
	CreatedAt  time.Time     `bun:"created_at"`
	Owner      string        `bun:"owner"` // the lease of the process streaming a pending reply
}

// newMessageRow returns the row for m.
func newMessageRow(m *engine.Message) *messageRow {
	return &messageRow{
		ID:         m.ID,
		RoomID:     m.RoomID,
		Role:       m.Role,
		Content:    m.Content,
		Status:     m.Status,
		ErrorCode:  m.ErrorCode,
		Source:     m.Source,
		TokenCount: m.TokenCount,
		CreatedAt:  m.CreatedAt,
		Owner:      m.Owner,
	}
}

// message returns the engine's Message of the row.
func (r *messageRow) message() *engine.Message {
	return &engine.Message{
		ID:         r.ID,
		RoomID:     r.RoomID,
		Role:       r.Role,
		Content:    r.Content,
		Status:     r.Status,
		ErrorCode:  r.ErrorCode,
		Source:     r.Source,
		TokenCount: r.TokenCount,
		CreatedAt:  normalize(r.CreatedAt),
		Owner:      r.Owner,
	}
}

// CreateMessage inserts m and sets its ID and CreatedAt. IDs grow with
// insertion order. A room deleted meanwhile is engine.ErrNotFound.
func (db *DB) CreateMessage(ctx context.Context, m *engine.Message) error {
	row := newMessageRow(m)
	row.ID, row.CreatedAt = 0, now() // the database assigns the ID
	if _, err := db.bun.NewInsert().Model(row).Exec(ctx); err != nil {
		return wrapErr("create message", err)
	}
	m.ID, m.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// ListMessages returns at most limit messages of a room with ID < beforeID
// (beforeID 0: from the newest), newest first. It reads the index on
// (room_id, id) from the cursor down (see newestFirst), so the newest page of
// a long conversation costs what the newest page of a short one does.
func (db *DB) ListMessages(ctx context.Context, roomID, beforeID int64, limit int) ([]*engine.Message, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("sqlstore: list messages: limit %d is not positive", limit)
	}
	var rows []messageRow
	err := db.bun.NewSelect().Model(&rows).
		Apply(newestFirst("m.room_id", "m.id", roomID, beforeID, limit)).
		Scan(ctx)
	if err != nil {
		return nil, wrapErr("list messages", err)
	}
	msgs := make([]*engine.Message, len(rows))
	for i := range rows {
		msgs[i] = rows[i].message()
	}
	return msgs, nil
}

// DeleteMessages removes the room's messages with ID > afterID (afterID 0: all
// of them).
func (db *DB) DeleteMessages(ctx context.Context, roomID, afterID int64) error {
	_, err := db.bun.NewDelete().Model((*messageRow)(nil)).
		Where("m.room_id = ?", roomID).
		Where("m.id > ?", afterID).
		Exec(ctx)
	return wrapErr("delete messages", err)
}

// FinishReply, in one transaction, writes reply's content, status, error code
// and token count, appends call to the ledger (llm_calls) and adds it to the
// user's totals for the day of call.CreatedAt in UTC (usage_daily), and
// deletes the token reservation the call settles (call.ReservationID, if
// any): what the turn held becomes what it used, at once. A zero
// call.CreatedAt is set to now; call.ID is set.
//
// Tokens spent are recorded even when the reply is gone (its room was deleted
// or reset while the model answered): that is not an error, the ledger row
// then has no room if the room is gone.
func (db *DB) FinishReply(ctx context.Context, reply *engine.Message, call *engine.LLMCall) error {
	msg := newMessageRow(reply)
	crow := newLLMCallRow(call)
	crow.ID = 0 // the database assigns it
	if crow.CreatedAt.IsZero() {
		crow.CreatedAt = now()
	}
	err := db.finishCall(ctx, msg, crow, call.ReservationID)
	if err != nil {
		return wrapErr("finish reply", err)
	}
	call.ID, call.CreatedAt = crow.ID, crow.CreatedAt
	return nil
}

// FailPendingMessages marks every pending message created before the cutoff
// as failed with code, and returns how many it marked: the replies a crashed
// or stopped process left streaming. It reads the partial index of pending
// messages.
func (db *DB) FailPendingMessages(ctx context.Context, before time.Time, code engine.Code) (int, error) {
	res, err := db.bun.NewUpdate().Model((*messageRow)(nil)).
		Set("status = ?", engine.StatusFailed).
		Set("error_code = ?", code).
		Where("m.status = ?", engine.StatusPending).
		Where("m.created_at < ?", normalize(before)).
		Exec(ctx)
	if err != nil {
		return 0, wrapErr("fail pending messages", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrapErr("fail pending messages", err)
	}
	return int(n), nil
}

// FindMessage returns the message with id if it belongs to roomID, else
// engine.ErrNotFound.
func (db *DB) FindMessage(ctx context.Context, roomID, id int64) (*engine.Message, error) {
	row := new(messageRow)
	err := db.bun.NewSelect().Model(row).Where("m.id = ?", id).Where("m.room_id = ?", roomID).Scan(ctx)
	if err != nil {
		return nil, wrapErr("find message", err)
	}
	return row.message(), nil
}

// LastReply returns the newest complete assistant message of roomID, or
// engine.ErrNotFound, reading the index on (room_id, id) backwards.
func (db *DB) LastReply(ctx context.Context, roomID int64) (*engine.Message, error) {
	row := new(messageRow)
	err := db.bun.NewSelect().Model(row).
		Where("m.room_id = ?", roomID).
		Where("m.role = ?", engine.RoleAssistant).
		Where("m.status = ?", engine.StatusComplete).
		OrderExpr("m.room_id DESC, m.id DESC").
		Limit(1).
		Scan(ctx)
	if err != nil {
		return nil, wrapErr("last reply", err)
	}
	return row.message(), nil
}
