package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/uptrace/bun/migrate"

	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/migrations"
)

// migrateActions are the sub-commands of `chatplay migrate`.
var migrateActions = []string{"up", "down", "status"}

// checkMigrateArgs checks the arguments of `chatplay migrate`: one action,
// and -yes only with down.
func checkMigrateArgs(args []string, yes bool) error {
	switch {
	case len(args) == 0:
		return errors.New("migrate needs one of up, down or status")
	case len(args) > 1:
		return fmt.Errorf("unexpected argument %q", args[1])
	case !slices.Contains(migrateActions, args[0]):
		return fmt.Errorf("unknown migrate command %q: use up, down or status", args[0])
	case yes && args[0] != "down":
		return errors.New("-yes is for migrate down only")
	}
	return nil
}

// migrateCommand runs `chatplay migrate up|down|status`; yes lets down roll
// back the initial schema.
func migrateCommand(ctx context.Context, cfg Config, action string, yes bool, out io.Writer) error {
	if action == "status" {
		return migrateStatus(ctx, cfg, out)
	}
	db, err := sqlstore.Open(ctx, cfg.Database.URL)
	if err != nil {
		return fmt.Errorf("open database (database.url): %w", err)
	}
	defer db.Close()
	// The same lock as migrate-on-start: a command run while replicas start
	// waits for their migrations, and they for it.
	return db.WithMigrationLock(ctx, func(ctx context.Context) error {
		m := db.Migrator()
		if err := m.Init(ctx); err != nil {
			return fmt.Errorf("migrate init: %w", err)
		}
		if action == "up" {
			return migrateUp(ctx, m, out)
		}
		return migrateDown(ctx, m, db.Dialect(), yes, out)
	})
}

// migrateUp applies every pending migration as one group.
func migrateUp(ctx context.Context, m *migrate.Migrator, out io.Writer) error {
	group, err := m.Migrate(ctx)
	if err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	if group.IsZero() {
		fmt.Fprintln(out, "database is up to date")
		return nil
	}
	fmt.Fprintf(out, "migrated to %s\n", group)
	return nil
}

// migrateDown rolls back the last group, unless it holds the initial schema
// and yes is not set: that would drop every table and every row.
func migrateDown(ctx context.Context, m *migrate.Migrator, dialect string, yes bool, out io.Writer) error {
	ms, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	last := ms.LastGroup()
	if last.IsZero() {
		fmt.Fprintln(out, "there are no groups to roll back")
		return nil
	}
	var dropped []string
	for i := len(last.Migrations) - 1; i >= 0; i-- { // the order they are rolled back in
		tables, err := migrations.DroppedTables(dialect, last.Migrations[i].Name)
		if err != nil {
			return fmt.Errorf("migrate down: %w", err)
		}
		dropped = append(dropped, tables...)
	}
	initial := slices.ContainsFunc(last.Migrations, func(mig migrate.Migration) bool { return mig.Name == ms[0].Name })
	if initial && !yes {
		return fmt.Errorf("not rolling back group %d: it holds the initial schema (%s), and rolling it back drops the tables %s, with every row in them; "+
			"to do it anyway, run: chatplay migrate down -yes", last.ID, ms[0], strings.Join(dropped, ", "))
	}
	group, err := m.Rollback(ctx)
	if err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	fmt.Fprintf(out, "rolled back %s\n", group)
	if len(dropped) > 0 {
		fmt.Fprintf(out, "dropped tables: %s\n", strings.Join(dropped, ", "))
	}
	return nil
}

// migrateStatus lists every migration, applied or pending, writing nothing:
// a SQLite file that does not exist is not created, and no migration table
// is made (sqlstore.DB.MigrationStatus).
func migrateStatus(ctx context.Context, cfg Config, out io.Writer) error {
	var ms migrate.MigrationSlice
	if path, ok := strings.CutPrefix(cfg.Database.URL, "sqlite:"); ok && path != ":memory:" {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			all, err := migrations.New(sqlstore.DialectSQLite)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "no database at %s yet: every migration is pending\n", path)
			ms = all.Sorted()
		}
	}
	if ms == nil {
		db, err := sqlstore.Open(ctx, cfg.Database.URL)
		if err != nil {
			return fmt.Errorf("open database (database.url): %w", err)
		}
		defer db.Close()
		if ms, err = db.MigrationStatus(ctx); err != nil {
			return fmt.Errorf("migrate status: %w", err)
		}
	}
	for _, mig := range ms {
		state := "pending"
		if mig.IsApplied() {
			state = fmt.Sprintf("applied (group %d)", mig.GroupID)
		}
		fmt.Fprintf(out, "%s  %-40s %s\n", mig.Name, mig.Comment, state)
	}
	fmt.Fprintf(out, "unapplied: %d\n", len(ms.Unapplied()))
	return nil
}
