package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
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
	go func() { done <- migrateCommand(ctx, cfg, []string{"up"}, &out) }()
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
