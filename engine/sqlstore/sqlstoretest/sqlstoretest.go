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
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("sqlstoretest: close: %v", err)
		}
	})
	if err := db.Migrate(ctx); err != nil {
		tb.Fatalf("sqlstoretest: %v", err)
	}
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
	u.RawQuery = q.Encode()
	return u.String()
}
