package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// Every write of a room's messages, feedback and goals takes the room's
// next event number, in the store's own statements (the triggers): a
// learner line and a pending reply, the reply settled, the feedback stored
// and settled, the goals replaced. Deleting the room with its goals works.
func TestRoomEventsNumberEveryWrite(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		owner := mustCreateUser(t, db, "events@example.com")
		room := newGoalRoom(t, db, owner, "cafe-order", "a") // 1: the goal inserted
		line := &engine.Message{RoomID: room.ID, Role: engine.RoleUser, Content: "hi", Status: engine.StatusComplete, Source: engine.SourceWeb}
		reply := &engine.Message{RoomID: room.ID, Role: engine.RoleAssistant, Status: engine.StatusPending, Source: engine.SourceWeb}
		if err := db.CreateMessages(ctx, line, reply); err != nil { // 2, 3
			t.Fatal(err)
		}
		if err := db.SaveReplyContent(ctx, reply.ID, "hel"); err != nil { // no event: still pending
			t.Fatal(err)
		}
		reply.Content, reply.Status = "hello", engine.StatusComplete
		if err := db.FinishReply(ctx, reply, &engine.LLMCall{RoomID: room.ID, UserID: owner.ID, Model: "m", Status: engine.StatusComplete}); err != nil { // 4
			t.Fatal(err)
		}
		fb := &engine.Feedback{MessageID: line.ID, Status: engine.FeedbackPending, Language: "en"}
		if err := db.CreateFeedback(ctx, fb); err != nil { // 5
			t.Fatal(err)
		}
		fb.Status = engine.FeedbackReady
		if err := db.SettleFeedback(ctx, fb); err != nil { // 6
			t.Fatal(err)
		}
		if _, err := db.AchieveGoals(ctx, room.ID, []int64{room.Goals[0].ID}, line.ID, time.Now()); err != nil { // 7
			t.Fatal(err)
		}
		log, err := db.ListRoomEvents(ctx, room.ID, 1, 100)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ev := range log.Events {
			got = append(got, fmt.Sprintf("%d:%s", ev.Seq, ev.Kind))
		}
		if want := "[2:message 3:message 4:settled 5:feedback 6:feedback 7:goals]"; fmt.Sprint(got) != want || log.Head != 7 {
			t.Fatalf("events after 1: %v (head %d), want %s", got, log.Head, want)
		}
		if m := log.Messages[line.ID]; m == nil || m.Feedback == nil || m.Feedback.Status != engine.FeedbackReady ||
			log.Messages[reply.ID].Content != "hello" || len(log.Goals) != 1 || !log.Goals[0].Achieved {
			t.Fatalf("rows as they stand: %+v %+v goals %+v", log.Messages[line.ID], log.Messages[reply.ID], log.Goals)
		}
		if pending, err := db.ListRoomEvents(ctx, room.ID, -1, 100); err != nil || len(pending.Events) != 0 || pending.Head != 7 {
			t.Fatalf("without an id, no reply pending: %+v, %v", pending, err)
		}
		if _, err := db.ListRoomEvents(ctx, room.ID, 8, 100); !errors.Is(err, engine.ErrEventsGone) {
			t.Fatalf("after an id above the newest: %v, want ErrEventsGone", err)
		}
		if _, err := db.ListRoomEvents(ctx, room.ID, 0, 6); !errors.Is(err, engine.ErrEventsGone) {
			t.Fatalf("7 events with a limit of 6: %v, want ErrEventsGone", err)
		}
		if _, err := db.ListRoomEvents(ctx, room.ID, 0, 7); err != nil {
			t.Fatalf("7 events with a limit of 7: %v", err)
		}
		if err := db.DeleteRoom(ctx, owner.ID, room.ID); err != nil {
			t.Fatalf("delete a room with goals and events: %v", err)
		}
		if log, err := db.ListRoomEvents(ctx, room.ID, 0, 100); err != nil || log.Head != 0 {
			t.Fatalf("a deleted room's events: %+v, %v", log, err)
		}
	})
}

// The log keeps at least a room's newest 1,000 events: older ones are
// pruned (every 500 numbers), and asking for them is ErrEventsGone.
func TestRoomEventsLogPruned(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		owner := mustCreateUser(t, db, "prune@example.com")
		room := mustCreateRoom(t, db, owner, "prune")
		for i := 0; i < 1500; i++ {
			m := &engine.Message{RoomID: room.ID, Role: engine.RoleUser, Content: "x", Status: engine.StatusComplete, Source: engine.SourceWeb}
			if err := db.CreateMessage(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.ListRoomEvents(ctx, room.ID, 499, 2000); !errors.Is(err, engine.ErrEventsGone) {
			t.Fatalf("after 499 of 1500 (1..500 pruned): %v, want ErrEventsGone", err)
		}
		log, err := db.ListRoomEvents(ctx, room.ID, 500, 2000)
		if err != nil || len(log.Events) != 1000 || log.Events[0].Seq != 501 || log.Head != 1500 {
			t.Fatalf("after 500: %v, want 1000 events from 501", err)
		}
	})
}
