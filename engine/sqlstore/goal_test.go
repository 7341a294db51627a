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

// newGoalRoom creates a room of owner with goals, made from scenario.
func newGoalRoom(t *testing.T, db *sqlstore.DB, owner *engine.User, scenario string, goals ...string) *engine.Room {
	t.Helper()
	r := &engine.Room{OwnerID: owner.ID, Title: "t", Language: "ko", Situation: "s", UserRole: "u", BotRole: "b",
		Level: engine.LevelB1, ScenarioID: &scenario}
	for _, g := range goals {
		r.Goals = append(r.Goals, engine.Goal{Text: g})
	}
	if err := db.CreateRoom(context.Background(), r, 0); err != nil {
		t.Fatal(err)
	}
	return r
}

// A page of rooms reads every room's goals in one query, whatever the number
// of rooms; each room gets its own goals, in order.
func TestListRoomsReadsGoalsInOneQuery(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		owner := mustCreateUser(t, db, "owner@example.com")
		a := newGoalRoom(t, db, owner, "cafe-order", "a1", "a2", "a3")
		b := mustCreateRoom(t, db, owner, "no goals")
		c := newGoalRoom(t, db, owner, "taxi-ride", "c1")
		if a.Goals[2].ID == 0 || a.Goals[2].Text != "a3" {
			t.Fatalf("created goals: %+v", a.Goals)
		}
		log := new(queryLog)
		sqlstore.HookQueries(db, log)
		rooms, err := db.ListRooms(ctx, owner.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if q := log.Queries(); len(q) != 2 {
			t.Fatalf("ListRooms ran %d queries, want 2 (rooms, then their goals):\n%s", len(q), strings.Join(q, "\n"))
		}
		if len(rooms) != 3 || rooms[0].ID != c.ID || rooms[1].ID != b.ID || rooms[2].ID != a.ID {
			t.Fatalf("rooms = %+v", rooms)
		}
		if len(rooms[0].Goals) != 1 || rooms[0].Goals[0] != c.Goals[0] || len(rooms[1].Goals) != 0 ||
			len(rooms[2].Goals) != 3 || rooms[2].Goals[0].Text != "a1" || rooms[2].Goals[2] != a.Goals[2] {
			t.Fatalf("goals: %+v / %+v / %+v", rooms[0].Goals, rooms[1].Goals, rooms[2].Goals)
		}
		if *rooms[0].ScenarioID != "taxi-ride" || rooms[1].ScenarioID != nil {
			t.Fatalf("scenario ids: %v, %v", rooms[0].ScenarioID, rooms[1].ScenarioID)
		}
	})
}

// A goal achieved by a message that is later deleted (a regeneration) stays
// achieved, with no message; deleting the room deletes its goals.
func TestGoalsOutliveTheirMessage(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		owner := mustCreateUser(t, db, "owner@example.com")
		r := newGoalRoom(t, db, owner, "cafe-order", "order", "pay")
		m := &engine.Message{RoomID: r.ID, Role: engine.RoleUser, Content: "a latte, please", Status: engine.StatusComplete, Source: engine.SourceWeb}
		if err := db.CreateMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
		goals, err := db.AchieveGoals(ctx, r.ID, []int64{r.Goals[0].ID}, m.ID, at)
		if err != nil || !goals[0].Achieved || !goals[0].AchievedAt.Equal(at) || *goals[0].MessageID != m.ID || goals[1].Achieved {
			t.Fatalf("achieved: %+v, %v", goals, err)
		}
		if err := db.DeleteMessages(ctx, r.ID, 0); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindRoom(ctx, owner.ID, r.ID)
		if err != nil || !got.Goals[0].Achieved || got.Goals[0].MessageID != nil {
			t.Fatalf("after the message was deleted: %+v, %v", got.Goals, err)
		}
		if err := db.DeleteRoom(ctx, owner.ID, r.ID); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := sqlstore.BunDB(db).QueryRowContext(ctx, "SELECT COUNT(*) FROM room_goals").Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d goals left after the room was deleted (%v)", n, err)
		}
	})
}
