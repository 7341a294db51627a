package sqlstore_test

import (
	"context"
	"io/fs"
	"testing"
	"testing/fstest"
	"time"

	"github.com/uptrace/bun/migrate"

	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
	"github.com/chatplay/chatplay/migrations"
)

// usageSurfaceMigration is the migration that adds llm_calls.surface.
const usageSurfaceMigration = "20261203001100"

// migrateBefore rolls db back to nothing, then applies its migrations older
// than version: the database an upgrade to version meets.
func migrateBefore(t *testing.T, db *sqlstore.DB, version string) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.Migrator().Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	all, err := migrations.FS(db.Dialect())
	if err != nil {
		t.Fatal(err)
	}
	older := fstest.MapFS{}
	err = fs.WalkDir(all, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path >= version {
			return err
		}
		b, err := fs.ReadFile(all, path)
		older[path] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ms := migrate.NewMigrations()
	if err := ms.Discover(older); err != nil {
		t.Fatal(err)
	}
	if _, err := migrate.NewMigrator(sqlstore.BunDB(db), ms).Migrate(ctx); err != nil {
		t.Fatalf("migrate to before %s: %v", version, err)
	}
}

// TestUsageSurfaceMigrationBackfills migrates ledger rows written before
// llm_calls.surface: each takes its room's source, or, its room gone, its
// bot-only user's platform, else the web.
func TestUsageSurfaceMigrationBackfills(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		migrateBefore(t, db, usageSurfaceMigration)
		bdb := sqlstore.BunDB(db)
		now := time.Now().UTC()
		id := func(query string, args ...any) int64 {
			t.Helper()
			var id int64
			if err := bdb.QueryRowContext(ctx, query+" RETURNING id", args...).Scan(&id); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
			return id
		}
		user := func(email any) int64 {
			return id("INSERT INTO users (email, display_name, locale, created_at) VALUES (?, 'old', 'ko', ?)", email, now)
		}
		identity := func(userID int64, provider string) {
			t.Helper()
			_, err := bdb.ExecContext(ctx, "INSERT INTO identities (user_id, provider, subject, username, created_at) VALUES (?, ?, ?, 'old', ?)",
				userID, provider, provider+"-"+time.Now().Format(time.RFC3339Nano), now)
			if err != nil {
				t.Fatal(err)
			}
		}
		room := func(ownerID int64, sources ...string) any {
			r := id(`INSERT INTO rooms (owner_id, title, language, situation, user_role, bot_role, created_at, updated_at)
				VALUES (?, 'Old room', 'ko', 'a cafe', 'customer', 'barista', ?, ?)`, ownerID, now, now)
			for _, s := range sources {
				id(`INSERT INTO messages (room_id, role, content, status, error_code, source, token_count, created_at)
					VALUES (?, 'user', 'hi', 'complete', '', ?, 1, ?)`, r, s, now)
			}
			return r
		}
		call := func(roomID any, userID int64) int64 {
			return id(`INSERT INTO llm_calls (room_id, user_id, model, prompt_tokens, completion_tokens, attempts, latency_ms, ttft_ms, status, error, created_at)
				VALUES (?, ?, 'm', 10, 5, 1, 100, 50, 'complete', '', ?)`, roomID, userID, now)
		}

		web := user("old@example.com")
		tg := user(nil)
		identity(tg, "telegram")
		dc := user(nil)
		identity(dc, "discord")
		linked := user("linked@example.com") // an account with a linked identity
		identity(linked, "telegram")
		want := map[int64]string{
			call(room(web, "web", "web"), web):            "web",
			call(room(tg, "telegram", "telegram"), tg):    "telegram",
			call(room(dc, "discord"), dc):                 "discord",
			call(room(web), web):                          "web", // an empty room
			call(room(tg), tg):                            "telegram",
			call(nil, dc):                                 "discord", // its room deleted
			call(nil, linked):                             "web",
			call(room(linked, "web", "telegram"), linked): "telegram",
		}

		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("migrate on: %v", err)
		}
		for callID, surface := range want {
			if got := readLedger(t, db, callID); got.Surface != surface || got.PromptTokens != 10 {
				t.Errorf("old ledger row %d after the migration = %+v, want surface %s", callID, got, surface)
			}
		}

		// And back: the column goes, the rows stay.
		if _, err := db.Migrator().Rollback(ctx); err != nil {
			t.Fatalf("roll back: %v", err)
		}
		if n := countRows(t, db, "llm_calls", "1 = 1"); n != len(want) {
			t.Errorf("%d ledger rows after rolling back, want %d", n, len(want))
		}
	})
}
