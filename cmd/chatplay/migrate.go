package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/uptrace/bun/migrate"

	"github.com/chatplay/chatplay/engine/sqlstore"
)

// migrateCommand runs `chatplay migrate up|down|status`.
func migrateCommand(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: chatplay migrate up|down|status")
	}
	db, err := sqlstore.Open(ctx, cfg.Database.URL)
	if err != nil {
		return fmt.Errorf("open database (database.url): %w", err)
	}
	defer db.Close()
	// The same lock as migrate-on-start: a command run while replicas start
	// waits for their migrations, and they for it.
	return db.WithMigrationLock(ctx, func(ctx context.Context) error {
		return runMigrate(ctx, db.Migrator(), args[0], out)
	})
}

// runMigrate runs one migrate command with the migration lock held.
func runMigrate(ctx context.Context, m *migrate.Migrator, command string, out io.Writer) error {
	if err := m.Init(ctx); err != nil {
		return fmt.Errorf("migrate init: %w", err)
	}
	switch command {
	case "up":
		group, err := m.Migrate(ctx)
		if err != nil {
			return fmt.Errorf("migrate up: %w", err)
		}
		if group.IsZero() {
			fmt.Fprintln(out, "database is up to date")
			return nil
		}
		fmt.Fprintf(out, "migrated to %s\n", group)
	case "down":
		group, err := m.Rollback(ctx)
		if err != nil {
			return fmt.Errorf("migrate down: %w", err)
		}
		if group.IsZero() {
			fmt.Fprintln(out, "there are no groups to roll back")
			return nil
		}
		fmt.Fprintf(out, "rolled back %s\n", group)
	case "status":
		ms, err := m.MigrationsWithStatus(ctx)
		if err != nil {
			return fmt.Errorf("migrate status: %w", err)
		}
		for _, mig := range ms {
			state := "pending"
			if mig.IsApplied() {
				state = fmt.Sprintf("applied (group %d)", mig.GroupID)
			}
			fmt.Fprintf(out, "%s  %-40s %s\n", mig.Name, mig.Comment, state)
		}
		fmt.Fprintf(out, "unapplied: %d\n", len(ms.Unapplied()))
	default:
		return fmt.Errorf("unknown migrate command %q: use up, down or status", command)
	}
	return nil
}
