package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

func TestTurnState(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		alice := mustCreateUser(t, db, "alice@example.com")
		room, other := mustCreateRoom(t, db, alice, "one"), mustCreateRoom(t, db, alice, "two")
		day := time.Now().UTC().Format(time.DateOnly)

		head, used, err := db.TurnState(ctx, room.ID, 0, alice.ID, day)
		if err != nil || head != 0 || used != 0 {
			t.Fatalf("empty room: head %d, used %d, %v", head, used, err)
		}
		m1 := mustCreateMessage(t, db, room, engine.RoleUser, "one")
		m2 := mustCreateMessage(t, db, room, engine.RoleAssistant, "two")
		mustCreateMessage(t, db, other, engine.RoleUser, "another room's, newer")
		if head, _, _ = db.TurnState(ctx, room.ID, 0, alice.ID, day); head != m2.ID {
			t.Fatalf("head = %d, want the room's newest %d", head, m2.ID)
		}
		if head, _, _ = db.TurnState(ctx, room.ID, m2.ID, alice.ID, day); head != m1.ID {
			t.Fatalf("head below %d = %d, want %d", m2.ID, head, m1.ID)
		}
		if head, _, _ = db.TurnState(ctx, room.ID, m1.ID, alice.ID, day); head != 0 {
			t.Fatalf("head below the first message = %d, want 0", head)
		}

		for _, tokens := range [][2]int{{100, 20}, {7, 3}} {
			call := &engine.LLMCall{RoomID: room.ID, UserID: alice.ID, Model: "m", PromptTokens: tokens[0], CompletionTokens: tokens[1], Status: engine.StatusComplete}
			if err := db.FinishReply(ctx, m2, call); err != nil {
				t.Fatal(err)
			}
		}
		if _, used, _ = db.TurnState(ctx, room.ID, 0, alice.ID, day); used != 130 {
			t.Fatalf("used = %d, want 130", used)
		}
		if _, used, _ = db.TurnState(ctx, room.ID, 0, alice.ID, "2000-01-01"); used != 0 {
			t.Fatalf("used on another day = %d, want 0", used)
		}
	})
}
