// Package sqlstoretest opens real, migrated, throwaway chatplay databases for
// tests: SQLite always, PostgreSQL when CHATPLAY_TEST_POSTGRES_URL is set. Any
// package's tests can run against the store this way instead of mocking it:
//
//	func TestSomething(t *testing.T) {
//		sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
//			t.Parallel() // optional: every database is private to its test
//			...
//		})
//	}
package sqlstoretest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun/driver/pgdriver"

	"github.com/chatplay/chatplay/engine/sqlstore"
)

// PostgresURLEnv names the environment variable holding the URL of a
// PostgreSQL database tests may create schemas in, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const PostgresURLEnv = "CHATPLAY_TEST_POSTGRES_URL"

// Dialects returns the dialects tests run on: sqlite, and postgres when
// PostgresURLEnv is set.
func Dialects() []string {
	if os.Getenv(PostgresURLEnv) != "" {
		return []string{sqlstore.DialectSQLite, sqlstore.DialectPostgres}
	}
	return []string{sqlstore.DialectSQLite}
}

// Each runs fn as a subtest per dialect of Dialects, named after it, with a
// fresh database. When PostgresURLEnv is set, PostgreSQL is never skipped: a
// database that cannot be reached fails the test.
func Each(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	t.Helper()
	for _, dialect := range Dialects() {
		t.Run(dialect, func(t *testing.T) {
			fn(t, Open(t, dialect))
		})
	}
}

// Open returns a fresh, migrated database of dialect, closed and discarded when
// tb ends: SQLite in a file in tb.TempDir(); PostgreSQL in a new schema of the
// database at PostgresURLEnv, dropped with everything in it at the end. No two
// calls share data, so tests that use Open may run in parallel.
func Open(tb testing.TB, dialect string) *sqlstore.DB {
	tb.Helper()
	db := OpenEmpty(tb, dialect)
	if err := db.Migrate(context.Background()); err != nil {
		tb.Fatalf("sqlstoretest: %v", err)
	}
	return db
}

// OpenEmpty is Open without the migrations: a fresh database with no table,
// as a new deployment meets it.
func OpenEmpty(tb testing.TB, dialect string) *sqlstore.DB {
	tb.Helper()
	var dbURL string
	switch dialect {
	case sqlstore.DialectSQLite:
		dbURL = "sqlite:" + filepath.Join(tb.TempDir(), "chatplay.db")
	case sqlstore.DialectPostgres:
		dbURL = newSchema(tb)
	default:
		tb.Fatalf("sqlstoretest: unknown dialect %q", dialect)
	}

	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dbURL)
	if err != nil {
		tb.Fatalf("sqlstoretest: %v", err)
	}
	if dialect == sqlstore.DialectPostgres {
		urls.Store(db, dbURL)
		tb.Cleanup(func() { urls.Delete(db) })
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("sqlstoretest: close: %v", err)
		}
	})
	return db
}

// newSchema creates a schema with a random name in the database at
// PostgresURLEnv, drops it when tb ends, and returns a URL whose connections
// use it: pgdriver sets the unknown parameter search_path on each of them.
func newSchema(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresURLEnv)
	if base == "" {
		tb.Fatalf("sqlstoretest: set %s to test on PostgreSQL", PostgresURLEnv)
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("sqlstoretest: %s: %v", PostgresURLEnv, err)
	}
	admin := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(base)))
	tb.Cleanup(func() { _ = admin.Close() })

	b := make([]byte, 8)
	_, _ = rand.Read(b) // never fails
	schema := "chatplay_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatalf("sqlstoretest: create schema on %s: %v", PostgresURLEnv, err)
	}
	// Registered before Open registers the store's Close, so it runs after
	// it: cleanups run last-registered first.
	tb.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			tb.Errorf("sqlstoretest: drop schema %s: %v", schema, err)
		}
	})

	q := u.Query()
	q.Set("search_path", schema)
	q.Set("application_name", schema) // tells the test's connections in pg_stat_activity
	u.RawQuery = q.Encode()
	return u.String()
}

// urls maps each PostgreSQL database Open returned to its URL.
var urls sync.Map

// URL returns the URL of a PostgreSQL database Open returned, for a test
// that opens it again (as another process would); "" otherwise.
func URL(db *sqlstore.DB) string {
	s, _ := urls.Load(db)
	u, _ := s.(string)
	return u
}

// Schema returns the schema of a PostgreSQL database Open returned, which
// its connections also carry as their application_name; "" otherwise.
func Schema(db *sqlstore.DB) string {
	u, err := url.Parse(URL(db))
	if err != nil {
		return ""
	}
	return u.Query().Get("search_path")
}

// Admin returns a pool on the database at PostgresURLEnv, outside every
// test's schema, closed when tb ends: for what a test does to the server
// itself (locks, cutting connections).
func Admin(tb testing.TB) *sql.DB {
	tb.Helper()
	admin := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(os.Getenv(PostgresURLEnv))))
	tb.Cleanup(func() { _ = admin.Close() })
	return admin
}

// TerminateConnections cuts the server side of db's connections, as a
// restarted server, a failover or a proxy would (pg_terminate_backend), and
// returns how many it cut. With waitingForLock, only those waiting for a
// lock are cut. db must be a PostgreSQL database Open returned.
func TerminateConnections(tb testing.TB, admin *sql.DB, db *sqlstore.DB, waitingForLock bool) int {
	tb.Helper()
	app := Schema(db)
	if app == "" {
		tb.Fatal("sqlstoretest: TerminateConnections needs a PostgreSQL database opened by Open")
	}
	// pg_terminate_backend is in the select list, which is evaluated only for
	// the rows the WHERE clause kept (in WHERE, the planner may call it first).
	rows, err := admin.Query(`SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = $1 AND pid <> pg_backend_pid() AND (NOT $2 OR wait_event_type = 'Lock')`, app, waitingForLock)
	if err != nil {
		tb.Fatalf("sqlstoretest: terminate connections: %v", err)
	}
	var pids []string
	for rows.Next() {
		var pid string
		var signalled bool
		if err := rows.Scan(&pid, &signalled); err != nil {
			tb.Fatal(err)
		}
		pids = append(pids, pid)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	// pg_terminate_backend only signals: wait until the backends have said
	// their last words and gone.
	for left := len(pids); left > 0; {
		if err := admin.QueryRow("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(string_to_array($1, ',')::int[])", strings.Join(pids, ",")).Scan(&left); err != nil {
			tb.Fatalf("sqlstoretest: wait for terminated connections: %v", err)
		}
	}
	return len(pids)
}
