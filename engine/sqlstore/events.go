package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/uptrace/bun"

	"github.com/chatplay/chatplay/engine"
)

// eventLogRow is a row of room_event_log: one numbered event of a room,
// written by the triggers of the migration 20261203001200_room_events.
type eventLogRow struct {
	bun.BaseModel `bun:"table:room_event_log,alias:l"`

	RoomID    int64                  `bun:"room_id,pk"`
	Seq       int64                  `bun:"seq,pk"`
	Kind      engine.StoredEventKind `bun:"kind"`
	MessageID *int64                 `bun:"message_id"`
}

var _ engine.RoomEventStore = (*DB)(nil)

// ListRoomEvents implements engine.RoomEventStore. It reads the room's
// newest number first and then the log up to it: a number visible means
// every lower one is committed (they are taken under one row lock, in
// commit order), so the log below it has no hole. The rows the events name
// are read after, as they then stand.
func (db *DB) ListRoomEvents(ctx context.Context, roomID, after int64, limit int) (*engine.RoomEventLog, error) {
	out := &engine.RoomEventLog{}
	err := db.bun.NewSelect().Table("room_events").Column("seq").Where("room_id = ?", roomID).Scan(ctx, &out.Head)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, wrapErr("list room events", err)
	}
	if after < 0 {
		return db.pendingRoomEvents(ctx, roomID, out)
	}
	if after > out.Head || out.Head-after > int64(limit) {
		return nil, engine.ErrEventsGone
	}
	if out.Head == after {
		return out, nil
	}
	var rows []eventLogRow
	err = db.bun.NewSelect().Model(&rows).
		Where("l.room_id = ?", roomID).
		Where("l.seq > ?", after).
		Where("l.seq <= ?", out.Head).
		OrderExpr("l.room_id, l.seq").
		Scan(ctx)
	if err != nil {
		return nil, wrapErr("list room events", err)
	}
	if int64(len(rows)) != out.Head-after { // pruned
		return nil, engine.ErrEventsGone
	}
	return db.readEventRows(ctx, roomID, out, rows)
}

// pendingRoomEvents completes out, which has the room's newest number, with
// the events that stored the room's pending messages: a reply streaming
// (read through the partial index of pending messages).
func (db *DB) pendingRoomEvents(ctx context.Context, roomID int64, out *engine.RoomEventLog) (*engine.RoomEventLog, error) {
	if out.Head == 0 {
		return out, nil
	}
	var ids []int64
	err := db.bun.NewSelect().Model((*messageRow)(nil)).Column("m.id").
		Where("m.status = ?", engine.StatusPending).
		Where("m.room_id = ?", roomID).
		Scan(ctx, &ids)
	if err != nil {
		return nil, wrapErr("list room events", err)
	}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []eventLogRow
	err = db.bun.NewSelect().Model(&rows).
		Where("l.room_id = ?", roomID).
		Where("l.seq <= ?", out.Head).
		Where("l.kind = ?", engine.StoredMessage).
		Where("l.message_id IN (?)", bun.In(ids)).
		OrderExpr("l.room_id, l.seq").
		Scan(ctx)
	if err != nil {
		return nil, wrapErr("list room events", err)
	}
	return db.readEventRows(ctx, roomID, out, rows)
}

// readEventRows completes out with the events of rows and the rows they name.
func (db *DB) readEventRows(ctx context.Context, roomID int64, out *engine.RoomEventLog, rows []eventLogRow) (*engine.RoomEventLog, error) {
	var err error
	var msgIDs, fbIDs []int64
	goals := false
	for _, r := range rows {
		ev := engine.StoredEvent{Seq: r.Seq, Kind: r.Kind}
		if r.MessageID != nil {
			ev.MessageID = *r.MessageID
		}
		out.Events = append(out.Events, ev)
		switch r.Kind {
		case engine.StoredGoals:
			goals = true
		case engine.StoredFeedback:
			fbIDs = append(fbIDs, ev.MessageID)
		default:
			msgIDs = append(msgIDs, ev.MessageID)
		}
	}
	out.Messages = make(map[int64]*engine.Message)
	out.Feedback = make(map[int64]*engine.Feedback)
	if len(msgIDs) > 0 {
		var ms []messageRow
		err := db.bun.NewSelect().Model(&ms).
			Where("m.room_id = ?", roomID).
			Where("m.id IN (?)", bun.In(msgIDs)).
			Scan(ctx)
		if err != nil {
			return nil, wrapErr("list room events", err)
		}
		for i := range ms {
			m := ms[i].message()
			out.Messages[m.ID] = m
			if m.Role == engine.RoleUser {
				fbIDs = append(fbIDs, m.ID)
			}
		}
	}
	if len(fbIDs) > 0 {
		fbs, err := db.ListFeedback(ctx, fbIDs)
		if err != nil {
			return nil, err
		}
		for _, fb := range fbs {
			out.Feedback[fb.MessageID] = fb
			if m := out.Messages[fb.MessageID]; m != nil {
				m.Feedback = fb
			}
		}
	}
	if goals {
		if out.Goals, err = roomGoals(ctx, db.bun, roomID); err != nil {
			return nil, wrapErr("list room events", err)
		}
	}
	return out, nil
}
