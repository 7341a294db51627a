package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

func TestRoomCRUD(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		owner := mustCreateUser(t, db, "owner@example.com")
		r := mustCreateRoom(t, db, owner, "Coffee")
		if r.ID == 0 || r.CreatedAt.IsZero() || !r.UpdatedAt.Equal(r.CreatedAt) {
			t.Fatalf("CreateRoom left %+v", r)
		}

		got, err := db.FindRoom(ctx, owner.ID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Errorf("FindRoom = %+v, want %+v", got, r)
		}

		// A patch writes its fields and leaves the others as they are.
		tea, ja, kyoto, guest, host, model := "Tea", "ja", "Ordering tea in Kyoto", "guest", "host", "gpt-4o"
		updated, err := db.UpdateRoom(ctx, owner.ID, r.ID, engine.RoomUpdate{Title: &tea, Language: &ja, Situation: &kyoto,
			UserRole: &guest, BotRole: &host, Model: &model})
		if err != nil {
			t.Fatal(err)
		}
		if updated.UpdatedAt.Before(r.CreatedAt) {
			t.Errorf("UpdatedAt %v before CreatedAt %v", updated.UpdatedAt, r.CreatedAt)
		}
		r.Title, r.Language, r.Situation = tea, ja, kyoto
		r.UserRole, r.BotRole, r.Model, r.UpdatedAt = guest, host, &model, updated.UpdatedAt
		if !reflect.DeepEqual(updated, r) {
			t.Errorf("UpdateRoom returned %+v, want %+v", updated, r)
		}
		got, err = db.FindRoom(ctx, owner.ID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Errorf("after UpdateRoom: %+v, want %+v", got, r)
		}

		empty, only := "", "Green tea"
		if _, err := db.UpdateRoom(ctx, owner.ID, r.ID, engine.RoomUpdate{Model: &empty}); err != nil {
			t.Fatal(err)
		}
		got, err = db.UpdateRoom(ctx, owner.ID, r.ID, engine.RoomUpdate{Title: &only})
		if err != nil {
			t.Fatal(err)
		}
		if got.Model != nil || got.Title != only || got.Situation != kyoto || got.BotRole != host || got.Language != ja ||
			got.Level != engine.LevelA2 || !got.Feedback {
			t.Errorf("after resetting the model, then changing the title: %+v", got)
		}

		// The level and the feedback switch are patched like any field, and
		// only when set.
		c1, off := "C1", false
		if _, err := db.UpdateRoom(ctx, owner.ID, r.ID, engine.RoomUpdate{Level: &c1, Feedback: &off}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UpdateRoom(ctx, owner.ID, r.ID, engine.RoomUpdate{Title: &tea}); err != nil {
			t.Fatal(err)
		}
		got, err = db.FindRoom(ctx, owner.ID, r.ID)
		if err != nil || got.Level != engine.LevelC1 || got.Feedback || got.Title != tea {
			t.Errorf("after setting level C1 and feedback off, then the title: %+v, %v", got, err)
		}
		on := true
		if got, err = db.UpdateRoom(ctx, owner.ID, r.ID, engine.RoomUpdate{Feedback: &on}); err != nil || !got.Feedback || got.Level != engine.LevelC1 {
			t.Errorf("after switching feedback on: %+v, %v", got, err)
		}

		if n, err := db.CountRooms(ctx, owner.ID); err != nil || n != 1 {
			t.Errorf("CountRooms = %d, %v; want 1", n, err)
		}
		if err := db.DeleteRoom(ctx, owner.ID, r.ID); err != nil {
			t.Fatal(err)
		}
		_, err = db.FindRoom(ctx, owner.ID, r.ID)
		wantNotFound(t, "FindRoom(deleted)", err)
		wantNotFound(t, "DeleteRoom(deleted)", db.DeleteRoom(ctx, owner.ID, r.ID))
		_, err = db.UpdateRoom(ctx, owner.ID, r.ID, engine.RoomUpdate{Title: &tea})
		wantNotFound(t, "UpdateRoom(deleted)", err)
		if n, err := db.CountRooms(ctx, owner.ID); err != nil || n != 0 {
			t.Errorf("CountRooms after delete = %d, %v; want 0", n, err)
		}
	})
}

// TestRoomOwnership checks that another user's room does not exist for you.
func TestRoomOwnership(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		alice := mustCreateUser(t, db, "alice@example.com")
		bob := mustCreateUser(t, db, "bob@example.com")
		room := mustCreateRoom(t, db, alice, "Alice's room")

		_, err := db.FindRoom(ctx, bob.ID, room.ID)
		wantNotFound(t, "bob finds alice's room", err)

		title := "Bob's now"
		_, err = db.UpdateRoom(ctx, bob.ID, room.ID, engine.RoomUpdate{Title: &title})
		wantNotFound(t, "bob updates alice's room", err)
		wantNotFound(t, "bob deletes alice's room", db.DeleteRoom(ctx, bob.ID, room.ID))

		got, err := db.FindRoom(ctx, alice.ID, room.ID)
		if err != nil || got.Title != "Alice's room" || got.OwnerID != alice.ID {
			t.Errorf("alice's room after bob's attempts = %+v, %v; want it unchanged", got, err)
		}
		if rooms, err := db.ListRooms(ctx, bob.ID, 0, 10); err != nil || len(rooms) != 0 {
			t.Errorf("ListRooms(bob) = %v, %v; want none", roomIDs(rooms), err)
		}
		if n, err := db.CountRooms(ctx, bob.ID); err != nil || n != 0 {
			t.Errorf("CountRooms(bob) = %d, %v; want 0", n, err)
		}
	})
}

// TestListRoomsPages walks an owner's rooms page by page, with another
// owner's rooms interleaved, and checks every boundary.
func TestListRoomsPages(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		alice := mustCreateUser(t, db, "alice@example.com")
		bob := mustCreateUser(t, db, "bob@example.com")
		var want []int64 // alice's room IDs, newest first
		for range 5 {
			want = slices.Insert(want, 0, mustCreateRoom(t, db, alice, "a").ID)
			mustCreateRoom(t, db, bob, "b")
		}

		var got [][]int64
		for before := int64(0); ; {
			page, err := db.ListRooms(ctx, alice.ID, before, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			got = append(got, roomIDs(page))
			before = page[len(page)-1].ID
			if len(got) > 5 {
				t.Fatalf("pages do not end: %v", got)
			}
		}
		wantPages := [][]int64{want[0:2], want[2:4], want[4:5]}
		if !reflect.DeepEqual(got, wantPages) {
			t.Errorf("pages = %v, want %v", got, wantPages)
		}

		all, err := db.ListRooms(ctx, alice.ID, 0, 100)
		if err != nil || !slices.Equal(roomIDs(all), want) {
			t.Errorf("one big page = %v, %v; want %v", roomIDs(all), err, want)
		}
		for _, r := range all {
			if r.OwnerID != alice.ID || r.Situation == "" {
				t.Errorf("listed room %+v: want alice's, with every field", r)
			}
		}
		if _, err := db.ListRooms(ctx, alice.ID, 0, 0); err == nil {
			t.Error("ListRooms with limit 0 succeeded, want an error")
		}
	})
}

// TestCreateRoomForUnknownOwner checks that a room cannot outlive, or
// precede, its owner.
func TestCreateRoomForUnknownOwner(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		for _, max := range []int{0, 3} { // unlimited, and counted under the owner's lock
			err := db.CreateRoom(context.Background(), &engine.Room{OwnerID: 12345, Language: "ko", Situation: "s", UserRole: "u", BotRole: "b", Level: engine.LevelB1}, max)
			wantNotFound(t, fmt.Sprintf("CreateRoom(unknown owner, max %d)", max), err)
		}
	})
}

// TestCreateRoomAtItsLimit fills an owner's rooms to the limit: the last one
// fits, the next is ErrRoomLimit, and another owner is not affected.
func TestCreateRoomAtItsLimit(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		alice, bob := mustCreateUser(t, db, "alice@example.com"), mustCreateUser(t, db, "bob@example.com")
		room := func(owner *engine.User) *engine.Room {
			return &engine.Room{OwnerID: owner.ID, Language: "ko", Situation: "s", UserRole: "u", BotRole: "b", Level: engine.LevelB1}
		}
		for i := range 2 {
			if err := db.CreateRoom(ctx, room(alice), 2); err != nil {
				t.Fatalf("room %d of 2: %v", i+1, err)
			}
		}
		if err := db.CreateRoom(ctx, room(alice), 2); !errors.Is(err, engine.ErrRoomLimit) {
			t.Fatalf("room 3 of 2: %v, want ErrRoomLimit", err)
		}
		if err := db.CreateRoom(ctx, room(bob), 2); err != nil {
			t.Fatalf("bob's first room: %v", err)
		}
		if n, _ := db.CountRooms(ctx, alice.ID); n != 2 {
			t.Fatalf("alice has %d rooms, want 2", n)
		}
	})
}
