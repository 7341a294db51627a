package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// practiceMigration is the migration that adds rooms.level, rooms.feedback
// and llm_calls.kind.
const practiceMigration = "20261203000400"

// TestPracticeMigrationKeepsOldRows migrates a database holding a room and a
// ledger row written before the practice migration: the room is then B1 with
// feedback on, and the call a reply.
func TestPracticeMigrationKeepsOldRows(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		migrateBefore(t, db, practiceMigration)
		bdb := sqlstore.BunDB(db)

		now := time.Now().UTC()
		var userID, roomID, callID int64
		for _, step := range []struct {
			query string
			args  []any
			id    *int64
		}{
			{"INSERT INTO users (display_name, locale, created_at) VALUES ('old', 'ko', ?) RETURNING id", []any{now}, &userID},
			{`INSERT INTO rooms (owner_id, title, language, situation, user_role, bot_role, created_at, updated_at)
				VALUES (?, 'Old room', 'ko', 'a cafe', 'customer', 'barista', ?, ?) RETURNING id`, []any{&userID, now, now}, &roomID},
			{`INSERT INTO llm_calls (room_id, user_id, model, prompt_tokens, completion_tokens, attempts, latency_ms, ttft_ms, status, error, created_at)
				VALUES (?, ?, 'm', 10, 5, 1, 100, 50, 'complete', '', ?) RETURNING id`, []any{&roomID, &userID, now}, &callID},
		} {
			args := make([]any, len(step.args))
			for i, a := range step.args {
				if p, ok := a.(*int64); ok {
					a = *p
				}
				args[i] = a
			}
			if err := bdb.QueryRowContext(ctx, step.query, args...).Scan(step.id); err != nil {
				t.Fatalf("%s: %v", strings.Fields(step.query)[2], err)
			}
		}

		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("migrate on: %v", err)
		}
		room, err := db.FindRoom(ctx, userID, roomID)
		if err != nil || room.Level != engine.LevelB1 || !room.Feedback || room.Title != "Old room" {
			t.Errorf("old room after the migration = %+v, %v; want level B1, feedback on", room, err)
		}
		if got := readLedger(t, db, callID); got.Kind != "reply" || got.PromptTokens != 10 {
			t.Errorf("old ledger row after the migration = %+v, want kind reply", got)
		}
	})
}
