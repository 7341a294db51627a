package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

func TestBindings(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		alice := mustCreateUser(t, db, "alice@example.com")
		bob := mustCreateUser(t, db, "bob@example.com")
		r1, r2 := mustCreateRoom(t, db, alice, "one"), mustCreateRoom(t, db, alice, "two")

		b := &engine.Binding{Provider: engine.ProviderTelegram, Scope: "chat:42", UserID: alice.ID, RoomID: r1.ID}
		if err := db.SetBinding(ctx, b); err != nil || b.UpdatedAt.IsZero() {
			t.Fatalf("set binding: %v (%+v)", err, b)
		}
		// Setting it again replaces the room: one binding per (provider, scope, user).
		if err := db.SetBinding(ctx, &engine.Binding{Provider: engine.ProviderTelegram, Scope: "chat:42", UserID: alice.ID, RoomID: r2.ID}); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindBinding(ctx, engine.ProviderTelegram, "chat:42", alice.ID)
		if err != nil || got.RoomID != r2.ID {
			t.Fatalf("find binding: %+v, %v", got, err)
		}
		// Other users, scopes and providers see nothing.
		_, err = db.FindBinding(ctx, engine.ProviderTelegram, "chat:42", bob.ID)
		wantNotFound(t, "another user's binding", err)
		_, err = db.FindBinding(ctx, engine.ProviderDiscord, "chat:42", alice.ID)
		wantNotFound(t, "another provider's binding", err)
		_, err = db.FindBinding(ctx, engine.ProviderTelegram, "chat:43", alice.ID)
		wantNotFound(t, "another scope's binding", err)

		// A binding to a room that does not exist is refused.
		err = db.SetBinding(ctx, &engine.Binding{Provider: engine.ProviderDiscord, Scope: "thread:1", UserID: alice.ID, RoomID: r2.ID + 1000})
		wantNotFound(t, "binding to a missing room", err)

		// Deleting the room deletes its bindings.
		if err := db.DeleteRoom(ctx, alice.ID, r2.ID); err != nil {
			t.Fatal(err)
		}
		_, err = db.FindBinding(ctx, engine.ProviderTelegram, "chat:42", alice.ID)
		wantNotFound(t, "binding of a deleted room", err)

		if err := db.SetBinding(ctx, &engine.Binding{Provider: engine.ProviderDiscord, Scope: "thread:9", UserID: alice.ID, RoomID: r1.ID}); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteBinding(ctx, engine.ProviderDiscord, "thread:9", alice.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteBinding(ctx, engine.ProviderDiscord, "thread:9", alice.ID); err != nil {
			t.Fatalf("deleting an absent binding: %v", err)
		}
		_, err = db.FindBinding(ctx, engine.ProviderDiscord, "thread:9", alice.ID)
		wantNotFound(t, "deleted binding", err)
	})
}

func TestClaimEventOnce(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		const n = 8
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := db.ClaimEvent(ctx, engine.ProviderTelegram, "update:1001")
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("%d of %d concurrent claims won, want exactly 1", wins, n)
		}
		// The same id on another provider is another event.
		if ok, err := db.ClaimEvent(ctx, engine.ProviderDiscord, "update:1001"); err != nil || !ok {
			t.Fatalf("claim on another provider: %v, %v", ok, err)
		}
		for i := range 3 {
			if _, err := db.ClaimEvent(ctx, engine.ProviderDiscord, fmt.Sprint("m", i)); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := db.PruneEvents(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
			t.Fatalf("pruned %d recent events (%v), want 0", n, err)
		}
		if n, err := db.PruneEvents(ctx, time.Now().Add(time.Hour)); err != nil || n != 5 {
			t.Fatalf("pruned %d events (%v), want 5", n, err)
		}
		if ok, _ := db.ClaimEvent(ctx, engine.ProviderTelegram, "update:1001"); !ok {
			t.Fatal("a pruned event could not be claimed again")
		}
	})
}
