package sqlstore_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// queryLog is a bun query hook that keeps the queries run since its last Reset.
type queryLog struct {
	mu  sync.Mutex
	all []string
}

func (l *queryLog) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (l *queryLog) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	l.mu.Lock()
	l.all = append(l.all, e.Query)
	l.mu.Unlock()
}

// Reset forgets the queries run so far.
func (l *queryLog) Reset() {
	l.mu.Lock()
	l.all = nil
	l.mu.Unlock()
}

// Queries returns the queries run since the last Reset.
func (l *queryLog) Queries() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.all...)
}

// First returns the first query run since the last Reset.
func (l *queryLog) First() string {
	if all := l.Queries(); len(all) > 0 {
		return all[0]
	}
	return ""
}

// seedMessages inserts n complete messages in one statement, spread in turn
// over the rooms numbered firstRoomID to firstRoomID+rooms-1.
func seedMessages(tb testing.TB, db *sqlstore.DB, firstRoomID int64, rooms, n int) {
	tb.Helper()
	_, err := sqlstore.BunDB(db).ExecContext(context.Background(), `
		WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
		INSERT INTO messages (room_id, role, content, status, error_code, source, token_count, created_at)
		SELECT ? + i % ?, 'user', 'a seeded message of some length', 'complete', '', 'web', 7, ? FROM seq`,
		n, firstRoomID, rooms, time.Now().UTC())
	if err != nil {
		tb.Fatalf("seed messages: %v", err)
	}
}

// seedRooms inserts n rooms of owner in one statement and returns the first
// one's ID; the others follow it.
func seedRooms(tb testing.TB, db *sqlstore.DB, ownerID int64, n int) int64 {
	tb.Helper()
	bdb := sqlstore.BunDB(db)
	ctx := context.Background()
	var last int64
	if err := bdb.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM rooms").Scan(&last); err != nil {
		tb.Fatalf("seed rooms: %v", err)
	}
	_, err := bdb.ExecContext(ctx, `
		WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
		INSERT INTO rooms (owner_id, title, language, situation, user_role, bot_role, created_at, updated_at)
		SELECT ?, 'seeded', 'ko', 'a situation', 'customer', 'barista', ?, ? FROM seq`,
		n, ownerID, time.Now().UTC(), time.Now().UTC())
	if err != nil {
		tb.Fatalf("seed rooms: %v", err)
	}
	return last + 1
}

// explain returns the query plan of query, one line per step.
func explain(t *testing.T, db *sqlstore.DB, query string) string {
	t.Helper()
	prefix := "EXPLAIN "
	if db.Dialect() == sqlstore.DialectSQLite {
		prefix = "EXPLAIN QUERY PLAN "
	}
	rows, err := sqlstore.BunDB(db).QueryContext(context.Background(), prefix+query)
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		// SQLite: (id, parent, notused, detail); PostgreSQL: (QUERY PLAN).
		plan = append(plan, asString(vals[len(vals)-1]))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "\n")
}

func asString(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	s, _ := v.(string)
	return s
}

// TestHotPathsUseIndexes checks, on a database with realistic statistics, that
// the queries behind the prompt builder, room lists, recaps and crash recovery read
// their index and need no sort: their cost does not grow with the table.
func TestHotPathsUseIndexes(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		// The case that misleads a planner into walking the primary key: the
		// room listed holds a fifth of all messages, all of them older than
		// the crowd of messages in other rooms that such a plan steps over.
		owner, crowd := mustCreateUser(t, db, "owner@example.com"), mustCreateUser(t, db, "")
		room := mustCreateRoom(t, db, owner, "long conversation")
		seedMessages(t, db, room.ID, 1, 3000)
		crowdRooms := seedRooms(t, db, crowd.ID, 2000)
		seedMessages(t, db, crowdRooms, 300, 12000)
		seedRooms(t, db, owner.ID, 30)
		if _, err := sqlstore.BunDB(db).ExecContext(ctx, "ANALYZE"); err != nil {
			t.Fatal(err)
		}

		log := new(queryLog)
		sqlstore.HookQueries(db, log)
		for _, tc := range []struct {
			name  string
			run   func() error
			index string
		}{
			{"ListMessages newest", func() error { _, err := db.ListMessages(ctx, room.ID, 0, 50); return err }, "messages_room_id_id_idx"},
			{"ListMessages before", func() error { _, err := db.ListMessages(ctx, room.ID, 1000, 50); return err }, "messages_room_id_id_idx"},
			{"ListRooms newest", func() error { _, err := db.ListRooms(ctx, owner.ID, 0, 20); return err }, "rooms_owner_id_id_idx"},
			{"ListRooms before", func() error { _, err := db.ListRooms(ctx, owner.ID, crowdRooms+2020, 20); return err }, "rooms_owner_id_id_idx"},
			{"TurnState", func() error {
				_, _, err := db.TurnState(ctx, room.ID, 0, owner.ID, time.Now().UTC().Format(time.DateOnly))
				return err
			}, "messages_room_id_id_idx"},
			{"RecapMessages", func() error {
				_, err := db.RecapMessages(ctx, room.ID, engine.SourceTelegram, 6)
				return err
			}, "messages_room_id_id_idx"},
			{"FailPendingMessages", func() error {
				_, err := db.FailPendingMessages(ctx, time.Now(), engine.CodeUnavailable)
				return err
			}, "messages_pending_created_at_idx"},
		} {
			log.Reset()
			if err := tc.run(); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			query := log.First() // a list of rooms reads their goals next

			plan := explain(t, db, query)
			t.Logf("%s:\n%s\n%s", tc.name, query, plan)
			if !strings.Contains(plan, tc.index) {
				t.Errorf("%s does not use %s.\nquery: %s\nplan:\n%s", tc.name, tc.index, query, plan)
			}
			if strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "Sort") {
				t.Errorf("%s sorts its rows instead of reading them in index order.\nquery: %s\nplan:\n%s", tc.name, query, plan)
			}
		}
	})
}
