package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
	"github.com/chatplay/chatplay/migrations"
)

// `chatplay migrate up` waits for the migration lock that migrate-on-start
// holds, so that it never changes the schema while a starting replica does.
func TestMigrateUpTakesTheMigrationLock(t *testing.T) {
	if os.Getenv(sqlstoretest.PostgresURLEnv) == "" {
		t.Skip("the migration lock is PostgreSQL's; set " + sqlstoretest.PostgresURLEnv)
	}
	ctx := context.Background()
	db := sqlstoretest.Open(t, sqlstore.DialectPostgres)
	admin := sqlstoretest.Admin(t)

	held, release, unlocked := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() { // a replica migrating on start
		unlocked <- db.WithMigrationLock(ctx, func(context.Context) error { close(held); <-release; return nil })
	}()
	<-held
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()

	cfg := defaultConfig()
	cfg.Database.URL = sqlstoretest.URL(db)
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- migrateCommand(ctx, cfg, "up", false, &out) }()
	for waiting := 0; waiting == 0; time.Sleep(time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("migrate up ran (%v, %q) while another process held the migration lock", err, out.String())
		default:
		}
		err := admin.QueryRow(`SELECT count(*) FROM pg_stat_activity
			WHERE application_name = $1 AND wait_event_type = 'Lock' AND wait_event = 'advisory'`, sqlstoretest.Schema(db)).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
	}
	close(release)
	if err := <-unlocked; err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("migrate up: %v", err)
	}
	if !strings.Contains(out.String(), "up to date") {
		t.Errorf("migrate up said %q", out.String())
	}
}

// `migrate status` writes nothing. On SQLite: a database file that does not
// exist is not created, and an existing one (never migrated, or migrated)
// keeps its content, its time stamp and its tables. On PostgreSQL: a schema
// never migrated gets no migration table.
func TestMigrateStatusWritesNothing(t *testing.T) {
	ctx := context.Background()
	status := func(t *testing.T, dbURL string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(ctx, []string{"migrate", "status"}, env(map[string]string{"CHATPLAY_DATABASE_URL": dbURL}), &out, &bytes.Buffer{}); err != nil {
			t.Fatalf("migrate status: %v", err)
		}
		return out.String()
	}
	ms, err := migrations.New("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	allPending := fmt.Sprintf("unapplied: %d\n", len(ms.Sorted()))

	t.Run("sqlite/missing", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "sub", "chatplay.db")
		if out := status(t, "sqlite:"+path); !strings.Contains(out, allPending) {
			t.Errorf("status printed %q, want %q", out, allPending)
		}
		if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
			t.Errorf("migrate status created %s (%v)", filepath.Dir(path), err)
		}
	})
	t.Run("sqlite/never_migrated", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "chatplay.db")
		db, err := sqlstore.Open(ctx, "sqlite:"+path) // a file, no table
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		if out := status(t, "sqlite:"+path); !strings.Contains(out, allPending) {
			t.Errorf("status printed %q, want %q", out, allPending)
		}
		if tables := sqliteTables(t, path); tables != "" {
			t.Errorf("migrate status created the tables %s", tables)
		}
	})
	t.Run("sqlite/migrated", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "chatplay.db")
		var out bytes.Buffer
		if err := run(ctx, []string{"migrate", "up"}, env(map[string]string{"CHATPLAY_DATABASE_URL": "sqlite:" + path}), &out, &out); err != nil {
			t.Fatal(err)
		}
		before, beforeInfo := readFile(t, path)
		time.Sleep(10 * time.Millisecond) // lets a write show in the time stamp; not a timing assertion
		if out := status(t, "sqlite:"+path); !strings.Contains(out, "unapplied: 0\n") {
			t.Errorf("status printed %q", out)
		}
		after, afterInfo := readFile(t, path)
		if !bytes.Equal(before, after) || !beforeInfo.ModTime().Equal(afterInfo.ModTime()) {
			t.Errorf("migrate status changed the database file (mtime %v → %v)", beforeInfo.ModTime(), afterInfo.ModTime())
		}
	})
	t.Run("postgres/never_migrated", func(t *testing.T) {
		if os.Getenv(sqlstoretest.PostgresURLEnv) == "" {
			t.Skip("set " + sqlstoretest.PostgresURLEnv)
		}
		db := sqlstoretest.OpenEmpty(t, sqlstore.DialectPostgres)
		if out := status(t, sqlstoretest.URL(db)); !strings.Contains(out, allPending) {
			t.Errorf("status printed %q, want %q", out, allPending)
		}
		var tables string
		err := sqlstoretest.Admin(t).QueryRow(`SELECT coalesce(string_agg(table_name, ','), '') FROM information_schema.tables
			WHERE table_schema = $1`, sqlstoretest.Schema(db)).Scan(&tables)
		if err != nil {
			t.Fatal(err)
		}
		if tables != "" {
			t.Errorf("migrate status created the tables %s", tables)
		}
	})
}

// sqliteTables returns the tables of the SQLite database at path, comma-separated.
func sqliteTables(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables string
	if err := db.QueryRow("SELECT coalesce(group_concat(name, ','), '') FROM sqlite_master WHERE type = 'table'").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	return tables
}

func readFile(t *testing.T, path string) ([]byte, os.FileInfo) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return data, info
}

// `migrate down` rolls back a later group at once, but refuses the group of
// the initial schema without -yes, naming the tables it would drop.
func TestMigrateDownGuardsTheInitialSchema(t *testing.T) {
	ctx := context.Background()
	vars := map[string]string{"CHATPLAY_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "m.db")}
	migrateRun := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"migrate"}, args...), env(vars), &out, &bytes.Buffer{})
		return out.String(), err
	}
	if _, err := migrateRun("up"); err != nil {
		t.Fatal(err)
	}

	_, err := migrateRun("down")
	if err == nil {
		t.Fatal("migrate down rolled back the initial schema without -yes")
	}
	for _, want := range []string{"initial schema", "users", "rooms", "messages", "-yes"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal %q does not say %q", err, want)
		}
	}
	if out, _ := migrateRun("status"); !strings.Contains(out, "unapplied: 0\n") {
		t.Fatalf("the refused rollback changed the schema: %s", out)
	}

	out, err := migrateRun("down", "-yes")
	if err != nil || !strings.Contains(out, "rolled back") || !strings.Contains(out, "dropped tables:") || !strings.Contains(out, "users") {
		t.Fatalf("migrate down -yes: %q, %v", out, err)
	}
	if tables := sqliteTables(t, strings.TrimPrefix(vars["CHATPLAY_DATABASE_URL"], "sqlite:")); strings.Contains(tables, "users") {
		t.Fatalf("the initial schema is still there: %s", tables)
	}
	if out, err := migrateRun("down"); err != nil || !strings.Contains(out, "no groups to roll back") {
		t.Fatalf("migrate down on an empty schema: %q, %v", out, err)
	}
}
