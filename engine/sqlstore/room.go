package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/chatplay/chatplay/engine"
)

// roomRow is a row of rooms.
type roomRow struct {
	bun.BaseModel `bun:"table:rooms,alias:r"`

	ID             int64   `bun:"id,pk,autoincrement"`
	OwnerID        int64   `bun:"owner_id"`
	Title          string  `bun:"title"`
	Language       string  `bun:"language"`
	Situation      string  `bun:"situation"`
	UserRole       string  `bun:"user_role"`
	BotRole        string  `bun:"bot_role"`
	Model          *string `bun:"model"` // NULL: the configured default
	Level          string  `bun:"level"`
	Feedback       bool    `bun:"feedback"`
	FeedbackHidden bool    `bun:"feedback_hidden"`
	// ScenarioID is the built-in scenario the room was made from; NULL: custom.
	ScenarioID *string   `bun:"scenario_id"`
	CreatedAt  time.Time `bun:"created_at"`
	UpdatedAt  time.Time `bun:"updated_at"`
}

// newRoomRow returns the row for r.
func newRoomRow(r *engine.Room) *roomRow {
	return &roomRow{
		ID:             r.ID,
		OwnerID:        r.OwnerID,
		Title:          r.Title,
		Language:       r.Language,
		Situation:      r.Situation,
		UserRole:       r.UserRole,
		BotRole:        r.BotRole,
		Model:          r.Model,
		Level:          string(r.Level),
		Feedback:       r.Feedback,
		FeedbackHidden: r.FeedbackHidden,
		ScenarioID:     r.ScenarioID,
		CreatedAt:      r.CreatedAt,
		UpdatedAt:      r.UpdatedAt,
	}
}

// room returns the engine's Room of the row.
func (r *roomRow) room() *engine.Room {
	return &engine.Room{
		ID:             r.ID,
		OwnerID:        r.OwnerID,
		Title:          r.Title,
		Language:       r.Language,
		Situation:      r.Situation,
		UserRole:       r.UserRole,
		BotRole:        r.BotRole,
		Model:          r.Model,
		Level:          engine.Level(r.Level),
		Feedback:       r.Feedback,
		FeedbackHidden: r.FeedbackHidden,
		ScenarioID:     r.ScenarioID,
		CreatedAt:      normalize(r.CreatedAt),
		UpdatedAt:      normalize(r.UpdatedAt),
	}
}

// CreateRoom inserts r and its goals and sets their IDs, CreatedAt and UpdatedAt. With
// maxRooms > 0 it first locks the owner's row (see lockUser) and counts the
// owner's rooms in the same transaction, so that concurrent creates are
// counted one after the other; at maxRooms it returns engine.ErrRoomLimit.
// An owner that does not exist is engine.ErrNotFound.
func (db *DB) CreateRoom(ctx context.Context, r *engine.Room, maxRooms int) error {
	row := newRoomRow(r)
	row.ID, row.CreatedAt = 0, now() // the database assigns the ID
	row.UpdatedAt = row.CreatedAt
	err := db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if maxRooms > 0 {
			if err := db.lockUser(ctx, tx, r.OwnerID); err != nil {
				return err
			}
			n, err := tx.NewSelect().Model((*roomRow)(nil)).Where("r.owner_id = ?", r.OwnerID).Count(ctx)
			if err != nil {
				return err
			}
			if n >= maxRooms {
				return engine.ErrRoomLimit
			}
		}
		if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
			return err
		}
		return insertGoals(ctx, tx, row.ID, r.Goals)
	})
	if errors.Is(err, engine.ErrRoomLimit) {
		return engine.ErrRoomLimit
	}
	if err != nil {
		return wrapErr("create room", err)
	}
	r.ID, r.CreatedAt, r.UpdatedAt = row.ID, row.CreatedAt, row.UpdatedAt
	if r.Goals == nil {
		r.Goals = []engine.Goal{} // as FindRoom reads it
	}
	return nil
}

// FindRoom returns the room with id if ownerID owns it, else engine.ErrNotFound.
func (db *DB) FindRoom(ctx context.Context, ownerID, id int64) (*engine.Room, error) {
	rows, err := db.hotRows(ctx, nil, findRoomQuery, id, ownerID)
	if err != nil {
		return nil, wrapErr("find room", err)
	}
	defer rows.Close()
	var r *engine.Room
	for rows.Next() {
		var row roomGoalRow
		if err := db.bun.ScanRow(ctx, rows, &row); err != nil {
			return nil, wrapErr("find room", err)
		}
		if r == nil {
			r = row.room()
			r.Goals = []engine.Goal{}
		}
		if g, ok := row.goal(); ok {
			r.Goals = append(r.Goals, g)
		}
	}
	if err := rows.Close(); err != nil {
		return nil, wrapErr("find room", err)
	}
	if r == nil {
		return nil, wrapErr("find room", sql.ErrNoRows)
	}
	return r, nil
}

// roomGoalRow is a row of findRoomQuery: the room, and one of its goals or
// none (NULLs).
type roomGoalRow struct {
	roomRow `bun:",extend"`

	GoalID         *int64     `bun:"goal_id"`
	GoalPosition   *int       `bun:"goal_position"`
	GoalText       *string    `bun:"goal_text"`
	GoalAchievedAt *time.Time `bun:"goal_achieved_at"`
	GoalMessageID  *int64     `bun:"goal_message_id"`
}

// goal returns the goal of the row, if it has one.
func (r *roomGoalRow) goal() (engine.Goal, bool) {
	if r.GoalID == nil {
		return engine.Goal{}, false
	}
	g := goalRow{ID: *r.GoalID, RoomID: r.ID, Text: *r.GoalText, AchievedAt: r.GoalAchievedAt, MessageID: r.GoalMessageID}
	return g.goal(), true
}

// findRoomQuery reads the room $1 if $2 owns it, with its goals in order,
// one row per goal (one row for a room with none): every turn does, first,
// in one round trip.
var findRoomQuery = newHotQuery(func(b *bun.DB) string {
	return b.NewSelect().Model((*roomRow)(nil)).
		ColumnExpr("?TableColumns").
		ColumnExpr("g.id AS goal_id, g.position AS goal_position, g.text AS goal_text").
		ColumnExpr("g.achieved_at AS goal_achieved_at, g.message_id AS goal_message_id").
		Join("LEFT JOIN room_goals AS g ON g.room_id = r.id").
		Where("r.id = $1").
		Where("r.owner_id = $2").
		OrderExpr("g.position").
		String()
})

// ListRooms returns at most limit of ownerID's rooms with ID < beforeID
// (beforeID 0: from the newest), newest first, reading the index on
// (owner_id, id) (see newestFirst).
func (db *DB) ListRooms(ctx context.Context, ownerID, beforeID int64, limit int) ([]*engine.Room, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("sqlstore: list rooms: limit %d is not positive", limit)
	}
	var rows []roomRow
	err := db.bun.NewSelect().Model(&rows).
		Apply(newestFirst("r.owner_id", "r.id", ownerID, beforeID, limit)).
		Scan(ctx)
	if err != nil {
		return nil, wrapErr("list rooms", err)
	}
	rooms := make([]*engine.Room, len(rows))
	for i := range rows {
		rooms[i] = rows[i].room()
	}
	if err := attachGoals(ctx, db.bun, rooms...); err != nil {
		return nil, wrapErr("list room goals", err)
	}
	return rooms, nil
}

// CountRooms returns how many rooms ownerID has.
func (db *DB) CountRooms(ctx context.Context, ownerID int64) (int, error) {
	n, err := db.bun.NewSelect().Model((*roomRow)(nil)).Where("r.owner_id = ?", ownerID).Count(ctx)
	if err != nil {
		return 0, wrapErr("count rooms", err)
	}
	return n, nil
}

// UpdateRoom writes the set fields of u (an empty Model is NULL) and
// updated_at to the room with id if ownerID owns it, in one UPDATE that
// names no other column, and returns the room as stored (RETURNING, which
// both dialects have); else it returns engine.ErrNotFound. Edits of different
// fields never undo each other, whatever their interleaving.
func (db *DB) UpdateRoom(ctx context.Context, ownerID, id int64, u engine.RoomUpdate) (*engine.Room, error) {
	row := new(roomRow)
	q := db.bun.NewUpdate().Model(row).
		Set("updated_at = ?", now()).
		Where("r.id = ?", id).
		Where("r.owner_id = ?", ownerID).
		Returning("*")
	for _, f := range []struct {
		column string
		value  *string
	}{
		{"title", u.Title},
		{"language", u.Language},
		{"situation", u.Situation},
		{"user_role", u.UserRole},
		{"bot_role", u.BotRole},
		{"level", u.Level},
	} {
		if f.value != nil {
			q = q.Set("? = ?", bun.Ident(f.column), *f.value)
		}
	}
	if u.Feedback != nil {
		q = q.Set("feedback = ?", *u.Feedback)
	}
	if u.FeedbackHidden != nil {
		q = q.Set("feedback_hidden = ?", *u.FeedbackHidden)
	}
	if u.Model != nil {
		var model *string // NULL: the default model
		if *u.Model != "" {
			model = u.Model
		}
		q = q.Set("model = ?", model)
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return nil, wrapErr("update room", err)
	}
	if err := checkAffected("update room", res); err != nil {
		return nil, err
	}
	r := row.room()
	if err := attachGoals(ctx, db.bun, r); err != nil {
		return nil, wrapErr("update room goals", err)
	}
	return r, nil
}

// DeleteRoom removes the room and, by cascade, its messages if ownerID owns
// it, else it returns engine.ErrNotFound. The room's llm_calls stay in the
// ledger, with no room.
func (db *DB) DeleteRoom(ctx context.Context, ownerID, id int64) error {
	res, err := db.bun.NewDelete().Model((*roomRow)(nil)).
		Where("r.id = ?", id).
		Where("r.owner_id = ?", ownerID).
		Exec(ctx)
	if err != nil {
		return wrapErr("delete room", err)
	}
	return checkAffected("delete room", res)
}
