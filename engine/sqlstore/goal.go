package sqlstore

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/chatplay/chatplay/engine"
)

// goalRow is a row of room_goals.
type goalRow struct {
	bun.BaseModel `bun:"table:room_goals,alias:g"`

	ID         int64      `bun:"id,pk,autoincrement"`
	RoomID     int64      `bun:"room_id"`
	Position   int        `bun:"position"`
	Text       string     `bun:"text"`
	AchievedAt *time.Time `bun:"achieved_at"` // NULL: open
	MessageID  *int64     `bun:"message_id"`
}

// goal returns the engine's Goal of the row.
func (g *goalRow) goal() engine.Goal {
	out := engine.Goal{ID: g.ID, Text: g.Text, Achieved: g.AchievedAt != nil, MessageID: g.MessageID}
	if g.AchievedAt != nil {
		at := normalize(*g.AchievedAt)
		out.AchievedAt = &at
	}
	return out
}

var _ engine.GoalStore = (*DB)(nil)

// insertGoals inserts goals as the goals of roomID, in order, within tx, and
// sets their IDs.
func insertGoals(ctx context.Context, tx bun.IDB, roomID int64, goals []engine.Goal) error {
	if len(goals) == 0 {
		return nil
	}
	rows := make([]goalRow, len(goals))
	for i, g := range goals {
		rows[i] = goalRow{RoomID: roomID, Position: i, Text: g.Text}
	}
	if _, err := tx.NewInsert().Model(&rows).Returning("id").Exec(ctx); err != nil {
		return err
	}
	for i := range rows {
		goals[i] = rows[i].goal()
	}
	return nil
}

// attachGoals reads the goals of rooms in one query and sets each room's
// Goals (an empty, non-nil list for a room with none).
func attachGoals(ctx context.Context, db bun.IDB, rooms ...*engine.Room) error {
	if len(rooms) == 0 {
		return nil
	}
	ids := make([]int64, len(rooms))
	byID := make(map[int64]*engine.Room, len(rooms))
	for i, r := range rooms {
		ids[i], byID[r.ID] = r.ID, r
		r.Goals = []engine.Goal{}
	}
	var rows []goalRow
	err := db.NewSelect().Model(&rows).
		Where("g.room_id IN (?)", bun.In(ids)).
		OrderExpr("g.room_id, g.position").
		Scan(ctx)
	if err != nil {
		return err
	}
	for i := range rows {
		r := byID[rows[i].RoomID]
		r.Goals = append(r.Goals, rows[i].goal())
	}
	return nil
}

// roomGoals returns the goals of roomID, in order.
func roomGoals(ctx context.Context, db bun.IDB, roomID int64) ([]engine.Goal, error) {
	r := &engine.Room{ID: roomID}
	if err := attachGoals(ctx, db, r); err != nil {
		return nil, err
	}
	return r.Goals, nil
}

// ReplaceGoals replaces the goals of ownerID's room roomID by texts, all
// open, in one transaction that first locks the room's row (so that two
// replacements of one room follow each other), and returns them. A room that
// is not ownerID's is engine.ErrNotFound.
func (db *DB) ReplaceGoals(ctx context.Context, ownerID, roomID int64, texts []string) ([]engine.Goal, error) {
	goals := make([]engine.Goal, len(texts))
	for i, t := range texts {
		goals[i] = engine.Goal{Text: t}
	}
	err := db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*roomRow)(nil)).
			Set("updated_at = ?", now()).
			Where("r.id = ?", roomID).
			Where("r.owner_id = ?", ownerID).
			Exec(ctx)
		if err != nil {
			return err
		}
		if err := checkAffected("replace goals", res); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*goalRow)(nil)).Where("g.room_id = ?", roomID).Exec(ctx); err != nil {
			return err
		}
		return insertGoals(ctx, tx, roomID, goals)
	})
	if err != nil {
		return nil, wrapErr("replace goals", err)
	}
	return goals, nil
}

// AchieveGoals marks the open goals of roomID among ids as achieved at at by
// messageID, in one statement that changes nothing unless messageID is a
// message of roomID, and returns the room's goals.
func (db *DB) AchieveGoals(ctx context.Context, roomID int64, ids []int64, messageID int64, at time.Time) ([]engine.Goal, error) {
	if len(ids) > 0 {
		_, err := db.bun.NewUpdate().Model((*goalRow)(nil)).
			Set("achieved_at = ?", at.UTC()).
			Set("message_id = ?", messageID).
			Where("g.room_id = ?", roomID).
			Where("g.id IN (?)", bun.In(ids)).
			Where("g.achieved_at IS NULL").
			Where("EXISTS (SELECT 1 FROM messages AS m WHERE m.id = ? AND m.room_id = ?)", messageID, roomID).
			Exec(ctx)
		if err != nil {
			return nil, wrapErr("achieve goals", err)
		}
	}
	goals, err := roomGoals(ctx, db.bun, roomID)
	if err != nil {
		return nil, wrapErr("list goals", err)
	}
	return goals, nil
}

// ResetGoals marks every goal of roomID open again.
func (db *DB) ResetGoals(ctx context.Context, roomID int64) error {
	_, err := db.bun.NewUpdate().Model((*goalRow)(nil)).
		Set("achieved_at = NULL").
		Set("message_id = NULL").
		Where("g.room_id = ?", roomID).
		Where("g.achieved_at IS NOT NULL").
		Exec(ctx)
	return wrapErr("reset goals", err)
}
