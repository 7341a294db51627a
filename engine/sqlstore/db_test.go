package sqlstore_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

func TestOpenRejectsBadURLs(t *testing.T) {
	t.Parallel()
	for _, url := range []string{
		"",
		"mysql://root@localhost/chatplay",
		"chatplay.db",
		"sqlite:",
		"postgres://postgres:secret@127.0.0.1:5432/test?sslmode=sometimes",
	} {
		db, err := sqlstore.Open(context.Background(), url)
		if err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded, want an error", url)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q) = %v: the error shows the password", url, err)
		}
	}
	_, err := sqlstore.Open(context.Background(), "mysql://root@localhost/chatplay")
	if err == nil || !strings.Contains(err.Error(), "database.url") {
		t.Errorf("Open(mysql://…) error = %v, want one naming the database.url setting", err)
	}
}

// TestOpenSQLiteFile checks that a SQLite file is created with its directory,
// configured as Open promises, and keeps data across reopening.
func TestOpenSQLiteFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := "sqlite:" + filepath.Join(t.TempDir(), "a", "b", "chatplay.db")
	db, err := sqlstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if got := db.Dialect(); got != sqlstore.DialectSQLite {
		t.Errorf("Dialect() = %q, want %q", got, sqlstore.DialectSQLite)
	}
	for pragma, want := range map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"synchronous":  "1", // NORMAL
		"busy_timeout": "5000",
	} {
		var got string
		if err := sqlstore.BunDB(db).QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
	u := mustCreateUser(t, db, "kim@example.com")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = sqlstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("Migrate on a migrated database: %v", err)
	}
	if _, err := db.FindUserByID(ctx, u.ID); err != nil {
		t.Errorf("after reopening: FindUserByID: %v", err)
	}
}

// TestOpenSQLiteMemory checks that an in-memory database keeps its data from
// one call to the next (every call must get the same connection).
func TestOpenSQLiteMemory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite::memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	mustCreateUser(t, db, "mem@example.com")
	if _, err := db.FindUserByEmail(ctx, "mem@example.com"); err != nil {
		t.Errorf("FindUserByEmail: %v", err)
	}
	owner := mustCreateUser(t, db, "")
	mustCreateRoom(t, db, owner, "in memory")
	if got, err := db.CountRooms(ctx, owner.ID); err != nil || got != 1 {
		t.Errorf("CountRooms = %d, %v; want 1", got, err)
	}
}

func TestPing(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		if err := db.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// TestTimesRoundTrip checks that a time the store sets reads back equal, in UTC.
func TestTimesRoundTrip(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		before := time.Now().UTC().Truncate(time.Microsecond)
		u := mustCreateUser(t, db, "time@example.com")
		after := time.Now()
		if u.CreatedAt.Before(before) || u.CreatedAt.After(after) {
			t.Errorf("CreatedAt = %v, want between %v and %v", u.CreatedAt, before, after)
		}
		got, err := db.FindUserByID(context.Background(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.CreatedAt.Equal(u.CreatedAt) || got.CreatedAt.Location() != time.UTC {
			t.Errorf("CreatedAt read back = %v (%v), want %v in UTC", got.CreatedAt, got.CreatedAt.Location(), u.CreatedAt)
		}
	})
}

// TestMigrateDownUp rolls the whole schema back and applies it again.
func TestMigrateDownUp(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		mustCreateRoom(t, db, mustCreateUser(t, db, "down@example.com"), "gone after rollback")

		group, err := db.Migrator().Rollback(ctx)
		if err != nil {
			t.Fatalf("Rollback: %v", err)
		}
		if group.IsZero() {
			t.Fatal("Rollback rolled nothing back")
		}
		if cols := schemaColumns(t, db); len(cols) != 0 {
			t.Fatalf("after rollback, tables remain: %v", cols)
		}

		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("Migrate after rollback: %v", err)
		}
		owner := mustCreateUser(t, db, "down@example.com")
		if n, err := db.CountRooms(ctx, owner.ID); err != nil || n != 0 {
			t.Errorf("CountRooms after down and up = %d, %v; want 0, nil", n, err)
		}
		if applied, err := db.Migrator().AppliedMigrations(ctx); err != nil || len(applied) == 0 {
			t.Errorf("AppliedMigrations = %v, %v; want the migrations again", applied, err)
		}
	})
}

// TestOpenUnreachablePostgres checks that Open fails at once, rather than at
// the first query, when no server answers.
func TestOpenUnreachablePostgres(t *testing.T) {
	t.Parallel()
	db, err := sqlstore.Open(context.Background(), "postgres://chatplay:secret@127.0.0.1:1/chatplay?sslmode=disable")
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded with no server listening")
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("the error shows the password: %v", err)
	}
}

// TestMigrateConcurrently migrates one PostgreSQL database from several
// sessions at once, as replicas starting together do: the advisory lock makes
// them take turns, so none fails on a table another just created.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if db.Dialect() != sqlstore.DialectPostgres {
			t.Skip("only PostgreSQL is shared by several processes")
		}
		t.Parallel()
		ctx := context.Background()
		if _, err := db.Migrator().Rollback(ctx); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() { errs[i] = db.Migrate(ctx) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("Migrate %d: %v", i, err)
			}
		}
		applied, err := db.Migrator().AppliedMigrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := db.Migrator().MigrationsWithStatus(ctx); err != nil || len(applied) != len(n) {
			t.Errorf("%d migrations recorded as applied, want each of the %d once", len(applied), len(n))
		}
	})
}
