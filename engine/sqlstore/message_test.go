package sqlstore_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

func TestMessageCRUD(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		room := mustCreateRoom(t, db, mustCreateUser(t, db, ""), "r")
		m := &engine.Message{
			RoomID:     room.ID,
			Role:       engine.RoleUser,
			Content:    "아메리카노 한 잔 주세요.\n감사합니다!",
			Status:     engine.StatusComplete,
			Source:     engine.SourceDiscord,
			TokenCount: 17,
		}
		if err := db.CreateMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		if m.ID == 0 || m.CreatedAt.IsZero() {
			t.Fatalf("CreateMessage left %+v", m)
		}
		got, err := db.ListMessages(ctx, room.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if want := []*engine.Message{m}; !reflect.DeepEqual(got, want) {
			t.Errorf("ListMessages = %+v, want %+v", got, want)
		}

		err = db.CreateMessage(ctx, &engine.Message{RoomID: room.ID + 1000, Role: engine.RoleUser, Status: engine.StatusComplete, Source: engine.SourceWeb})
		wantNotFound(t, "CreateMessage(unknown room)", err)
		if _, err := db.ListMessages(ctx, room.ID, 0, 0); err == nil {
			t.Error("ListMessages with limit 0 succeeded, want an error")
		}
	})
}

// TestCreateMessages stores a turn's user message and pending reply together.
func TestCreateMessages(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		room := mustCreateRoom(t, db, mustCreateUser(t, db, ""), "r")
		before := mustCreateMessage(t, db, room, engine.RoleUser, "earlier")
		user := &engine.Message{RoomID: room.ID, Role: engine.RoleUser, Content: "안녕", Status: engine.StatusComplete, Source: engine.SourceTelegram, TokenCount: 2}
		reply := &engine.Message{RoomID: room.ID, Role: engine.RoleAssistant, Status: engine.StatusPending, Source: engine.SourceTelegram}
		if err := db.CreateMessages(ctx, user, reply); err != nil {
			t.Fatal(err)
		}
		if !(before.ID < user.ID && user.ID < reply.ID) || user.CreatedAt.IsZero() {
			t.Fatalf("IDs %d, %d, %d (CreatedAt %v): want them growing in insertion order", before.ID, user.ID, reply.ID, user.CreatedAt)
		}
		got, err := db.ListMessages(ctx, room.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if want := []*engine.Message{reply, user, before}; !reflect.DeepEqual(got, want) {
			t.Errorf("ListMessages = %+v, want %+v", got, want)
		}
		err = db.CreateMessages(ctx, &engine.Message{RoomID: room.ID + 1000, Role: engine.RoleUser, Status: engine.StatusComplete, Source: engine.SourceWeb})
		wantNotFound(t, "CreateMessages(unknown room)", err)
	})
}

// TestListMessagesPages walks a room's history page by page, with another
// room's messages interleaved, and checks every boundary.
func TestListMessagesPages(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		owner := mustCreateUser(t, db, "")
		room, other := mustCreateRoom(t, db, owner, "r"), mustCreateRoom(t, db, owner, "other")
		var want []int64 // newest first
		for i := range 7 {
			role := engine.RoleUser
			if i%2 == 1 {
				role = engine.RoleAssistant
			}
			want = slices.Insert(want, 0, mustCreateMessage(t, db, room, role, "m").ID)
			mustCreateMessage(t, db, other, role, "o")
		}

		var got [][]int64
		for before := int64(0); ; {
			page, err := db.ListMessages(ctx, room.ID, before, 3)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			got = append(got, messageIDs(page))
			before = page[len(page)-1].ID
			if len(got) > 7 {
				t.Fatalf("pages do not end: %v", got)
			}
		}
		wantPages := [][]int64{want[0:3], want[3:6], want[6:7]}
		if !reflect.DeepEqual(got, wantPages) {
			t.Errorf("pages = %v, want %v", got, wantPages)
		}
	})
}

func TestDeleteMessages(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		owner := mustCreateUser(t, db, "")
		room, other := mustCreateRoom(t, db, owner, "r"), mustCreateRoom(t, db, owner, "other")
		kept := mustCreateMessage(t, db, other, engine.RoleUser, "stays")
		var msgs []*engine.Message
		for range 5 {
			msgs = append(msgs, mustCreateMessage(t, db, room, engine.RoleUser, "m"))
		}

		// Regenerating from the second message: everything after it goes.
		if err := db.DeleteMessages(ctx, room.ID, msgs[1].ID); err != nil {
			t.Fatal(err)
		}
		left, err := db.ListMessages(ctx, room.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{msgs[1].ID, msgs[0].ID}; !slices.Equal(messageIDs(left), want) {
			t.Errorf("after DeleteMessages(after %d): %v, want %v", msgs[1].ID, messageIDs(left), want)
		}

		// Resetting the room: everything goes.
		if err := db.DeleteMessages(ctx, room.ID, 0); err != nil {
			t.Fatal(err)
		}
		if left, err := db.ListMessages(ctx, room.ID, 0, 10); err != nil || len(left) != 0 {
			t.Errorf("after DeleteMessages(0): %v, %v; want none", messageIDs(left), err)
		}
		if left, err := db.ListMessages(ctx, other.ID, 0, 10); err != nil || !slices.Equal(messageIDs(left), []int64{kept.ID}) {
			t.Errorf("the other room: %v, %v; want its message kept", messageIDs(left), err)
		}

		// A new message never reuses a deleted one's ID, even when the deleted
		// ones had the highest IDs in the table.
		if m := mustCreateMessage(t, db, room, engine.RoleUser, "new"); m.ID <= msgs[4].ID {
			t.Errorf("new message ID %d, want above every deleted one (%d)", m.ID, msgs[4].ID)
		}
	})
}

func TestFailPendingMessages(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		room := mustCreateRoom(t, db, mustCreateUser(t, db, ""), "r")
		pending := func() *engine.Message {
			m := &engine.Message{RoomID: room.ID, Role: engine.RoleAssistant, Status: engine.StatusPending, Source: engine.SourceWeb}
			if err := db.CreateMessage(ctx, m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		done := mustCreateMessage(t, db, room, engine.RoleUser, "done")
		orphan := pending()
		cutoff := time.Now()
		streaming := pending() // created after the cutoff

		n, err := db.FailPendingMessages(ctx, cutoff, engine.CodeUnavailable)
		if err != nil || n != 1 {
			t.Fatalf("FailPendingMessages = %d, %v; want 1", n, err)
		}
		msgs, err := db.ListMessages(ctx, room.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		status := map[int64]string{}
		for _, m := range msgs {
			status[m.ID] = string(m.Status) + "/" + string(m.ErrorCode)
		}
		want := map[int64]string{
			done.ID:      "complete/",
			orphan.ID:    "failed/unavailable",
			streaming.ID: "pending/",
		}
		if !reflect.DeepEqual(status, want) {
			t.Errorf("statuses = %v, want %v", status, want)
		}
		if n, err := db.FailPendingMessages(ctx, cutoff, engine.CodeUnavailable); err != nil || n != 0 {
			t.Errorf("second FailPendingMessages = %d, %v; want 0", n, err)
		}
	})
}
