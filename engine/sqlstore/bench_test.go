package sqlstore_test

import (
	"context"
	"testing"
	"time"

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

// BenchmarkListUsage reads a heavy user's usage, a hundred calls a day of
// two kinds from two surfaces, among the calls of 50 other users, summed
// per day, model, surface and kind: 30 days (GET /usage, 3,000 ledger rows)
// and a year (GET /usage?days=366, 36,600).
//
// Figures on the development machine (2 shared cores under other work, go
// test -bench BenchmarkListUsage -benchtime 20x, no -race, PostgreSQL on the
// same machine):
//
//	sqlite/30days     ~5.1 ms/op    sqlite/366days    ~87 ms/op
//	postgres/30days   ~4.1 ms/op    postgres/366days  ~45 ms/op
//
// The report sums ledger rows (through the index on (user_id, created_at)),
// so its cost grows with the calls of the period; the allowance a turn
// checks reads usage_daily's running totals instead, and does not.
func BenchmarkListUsage(b *testing.B) {
	for _, dialect := range sqlstoretest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			db := sqlstoretest.Open(b, dialect)
			ctx := context.Background()
			user := mustCreateUser(b, db, "").ID
			start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			seed := func(userID int64, n int) {
				b.Helper()
				_, err := sqlstore.BunDB(db).ExecContext(ctx, `
					WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ? - 1)
					INSERT INTO llm_calls (user_id, kind, surface, model, prompt_tokens, completion_tokens, attempts, latency_ms, ttft_ms, status, error, created_at)
					SELECT ?, CASE WHEN i % 2 = 0 THEN 'reply' ELSE 'feedback' END, CASE WHEN i % 4 < 2 THEN 'web' ELSE 'telegram' END,
						'gpt-4o-mini', 300, 30, 1, 900, 200, 'complete', '', ? FROM seq`, n, userID, start)
				if err != nil {
					b.Fatalf("seed llm_calls: %v", err)
				}
			}
			seed(user, 36600)
			for range 50 {
				seed(mustCreateUser(b, db, "").ID, 1000)
			}
			// Spread the user's calls over 366 days, a hundred a day.
			bdb := sqlstore.BunDB(db)
			var minID int64
			if err := bdb.QueryRowContext(ctx, "SELECT MIN(id) FROM llm_calls WHERE user_id = ?", user).Scan(&minID); err != nil {
				b.Fatal(err)
			}
			rows, err := bdb.QueryContext(ctx, "SELECT id FROM llm_calls WHERE user_id = ?", user)
			if err != nil {
				b.Fatal(err)
			}
			var ids []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					b.Fatal(err)
				}
				ids = append(ids, id)
			}
			rows.Close()
			tx, err := bdb.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			for _, id := range ids {
				at := start.Add(time.Duration(id-minID) * 24 * time.Hour / 100)
				if _, err := tx.ExecContext(ctx, "UPDATE llm_calls SET created_at = ? WHERE id = ?", at, id); err != nil {
					b.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			if _, err := bdb.ExecContext(ctx, "ANALYZE"); err != nil {
				b.Fatal(err)
			}
			for _, bc := range []struct {
				name  string
				since string
				days  int
			}{{"30days", "2026-12-03", 30}, {"366days", "2026-01-01", 366}} {
				b.Run(bc.name, func(b *testing.B) {
					for b.Loop() {
						usage, err := db.ListUsage(ctx, user, bc.since)
						if err != nil || len(usage) != bc.days*4 {
							b.Fatalf("%d rows, %v; want %d days of 4", len(usage), err, bc.days)
						}
					}
				})
			}
		})
	}
}
