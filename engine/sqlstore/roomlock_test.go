package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// Two lockers are two processes: a room one holds, the other waits for; other
// rooms are free; an unlock lets the other in.
func TestRoomLockerAcrossProcesses(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		if db.Dialect() != sqlstore.DialectPostgres {
			if _, err := db.NewRoomLocker(ctx, 4); err == nil {
				t.Fatal("room locks across processes on SQLite: want an error")
			}
			return
		}
		a, err := db.NewRoomLocker(ctx, 4)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		b, err := db.NewRoomLocker(ctx, 4)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()

		unlockA, err := a.LockRoom(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		short, cancel := context.WithTimeout(ctx, 150*time.Millisecond)
		defer cancel()
		if _, err := b.LockRoom(short, 1); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("the other process locked a held room: %v", err)
		}
		unlockB2, err := b.LockRoom(ctx, 2)
		if err != nil {
			t.Fatalf("another room: %v", err)
		}
		unlockB2()

		got := make(chan func(), 1)
		go func() {
			unlock, err := b.LockRoom(ctx, 1)
			if err != nil {
				t.Error(err)
			}
			got <- unlock
		}()
		select {
		case <-got:
			t.Fatal("locked before the holder let go")
		case <-time.After(50 * time.Millisecond):
		}
		unlockA()
		select {
		case unlock := <-got:
			unlock()
		case <-time.After(5 * time.Second):
			t.Fatal("the waiting process never got the room")
		}
	})
}
