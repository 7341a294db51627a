package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// When PostgreSQL cuts the service's connections (a restart, a failover,
// pg_terminate_backend), no request fails for it: the next read and the next
// signup take fresh connections, and a reply whose stream finished is stored
// even when its save is cut half-way.
func TestDroppedConnectionsCostNothing(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if db.Dialect() != sqlstore.DialectPostgres {
			t.Skip("cutting a server connection is a PostgreSQL test")
		}
		ctx := context.Background()
		env := newEnv(t, db, nil)
		admin := sqlstoretest.Admin(t)
		room := env.newRoom(t, env.alice)

		if n := sqlstoretest.TerminateConnections(t, admin, db, false); n == 0 {
			t.Fatal("no connection of the test to cut")
		}
		if _, _, err := env.eng.ListRooms(ctx, env.alice.ID, engine.Page{Limit: 10}); err != nil {
			t.Fatalf("read after the connections were cut: %v", err)
		}
		sqlstoretest.TerminateConnections(t, admin, db, false)
		if _, err := env.eng.CreateUser(ctx, engine.NewUser{Email: "carol@example.com", PasswordHash: "$argon2id$x"}); err != nil {
			t.Fatalf("signup after the connections were cut: %v", err)
		}

		// The reply's save waits on a lock the test holds; its connection is
		// cut while it waits.
		hold := openaifake.NewHold()
		defer hold.Release()
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"Hello", " there"}, Hold: hold, HoldAfter: 1})
		done := make(chan error, 1)
		go func() { _, err := send(env, env.alice, room.ID, "hi", nil); done <- err }()
		<-hold.Reached()
		tx, err := admin.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.Exec("LOCK TABLE " + sqlstoretest.Schema(db) + ".llm_calls IN EXCLUSIVE MODE"); err != nil {
			t.Fatal(err)
		}
		hold.Release()
		for ; sqlstoretest.TerminateConnections(t, admin, db, true) == 0; time.Sleep(time.Millisecond) {
			select { // the save has not reached the lock yet
			case err := <-done:
				t.Fatalf("the turn ended (%v) without waiting for the lock", err)
			default:
			}
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatalf("turn: %v", err)
		}
		msgs := env.history(t, env.alice, room.ID)
		if len(msgs) != 2 || msgs[1].Status != engine.StatusComplete || msgs[1].Content != "Hello there" {
			t.Fatalf("history = %s; want the reply stored complete", dump(msgs))
		}
	})
}
