package sqlstore

import (
	"context"
	"fmt"

	"github.com/uptrace/bun/migrate"

	"github.com/chatplay/chatplay/migrations"
)

// migrationsTable is where bun/migrate records the applied migrations (its
// default name; the migrator is made with no other).
const migrationsTable = "bun_migrations"

// MigrationStatus returns every migration, each with its group when it is
// applied. It only reads: on a database never migrated it creates no table
// (every migration is then pending), and it takes no lock, so it answers
// while another process migrates.
func (db *DB) MigrationStatus(ctx context.Context) (migrate.MigrationSlice, error) {
	exists, err := db.tableExists(ctx, migrationsTable)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migration status: %w", err)
	}
	if !exists {
		ms, err := migrations.New(db.dialect)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: %w", err)
		}
		return ms.Sorted(), nil
	}
	ms, err := db.migrator.MigrationsWithStatus(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migration status: %w", err)
	}
	return ms, nil
}

// tableExists reports whether the table name exists: in the schema the
// connections use (search_path) on PostgreSQL.
func (db *DB) tableExists(ctx context.Context, name string) (bool, error) {
	var exists bool
	var err error
	if db.dialect == DialectPostgres {
		err = db.bun.QueryRowContext(ctx, "SELECT to_regclass(?) IS NOT NULL", name).Scan(&exists)
	} else {
		err = db.bun.QueryRowContext(ctx, "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?", name).Scan(&exists)
	}
	return exists, err
}
