package sqlstore_test

import (
	"context"
	"testing"

	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// BenchmarkListMessages reads a page of 50 messages of a room holding 10,000,
// the oldest of 30,000 messages (the others in 300 newer rooms): the newest
// page, as the prompt builder reads it, and the deepest page, as a client
// scrolling back to the start does.
//
// Figures on the development machine (2 shared cores, go test -bench, no -race,
// PostgreSQL 15 on the same machine):
//
//	sqlite/newest     ~240 µs/op    sqlite/deepest    ~1650 µs/op
//	postgres/newest   ~285 µs/op    postgres/deepest   ~280 µs/op
//
// PostgreSQL starts its index scan at the cursor; SQLite steps down to it from
// the room's newest message, through index entries only (see newestFirst).
func BenchmarkListMessages(b *testing.B) {
	for _, dialect := range sqlstoretest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			db := sqlstoretest.Open(b, dialect)
			ctx := context.Background()
			owner, crowd := mustCreateUser(b, db, "").ID, mustCreateUser(b, db, "").ID
			room := seedRooms(b, db, owner, 1)
			seedMessages(b, db, room, 1, 10000)
			seedMessages(b, db, seedRooms(b, db, crowd, 300), 300, 20000)
			if _, err := sqlstore.BunDB(db).ExecContext(ctx, "ANALYZE"); err != nil {
				b.Fatal(err)
			}
			first, err := db.ListMessages(ctx, room, 60, 50) // the page just above the oldest 9
			if err != nil || len(first) != 50 {
				b.Fatalf("deep page: %d messages, %v", len(first), err)
			}

			for _, bc := range []struct {
				name   string
				before int64
			}{{"newest", 0}, {"deepest", 60}} {
				b.Run(bc.name, func(b *testing.B) {
					for b.Loop() {
						msgs, err := db.ListMessages(ctx, room, bc.before, 50)
						if err != nil || len(msgs) != 50 {
							b.Fatalf("%d messages, %v", len(msgs), err)
						}
					}
				})
			}
		})
	}
}
