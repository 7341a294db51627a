// Package migrations holds chatplay's database schema as SQL migrations, one
// folder per dialect, embedded in the binary and run with bun/migrate.
//
// The two folders describe the same schema: every migration exists in both,
// under the same name, with the same tables and columns (the sqlstore tests
// check this). A migration named *.tx.up.sql runs in one transaction, so a
// failed migration leaves nothing half-applied; both dialects allow DDL in a
// transaction.
package migrations

import (
	"embed"
	"fmt"
	"io/fs"

	"github.com/uptrace/bun/migrate"
)

// files holds the SQL migrations, in sqlite/ and postgres/.
//
//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// Dialects are the dialect names New accepts, one folder each.
var Dialects = []string{"sqlite", "postgres"}

// New returns the migrations for dialect, "sqlite" or "postgres".
func New(dialect string) (*migrate.Migrations, error) {
	dir, err := FS(dialect)
	if err != nil {
		return nil, err
	}
	ms := migrate.NewMigrations()
	if err := ms.Discover(dir); err != nil {
		return nil, fmt.Errorf("migrations: discover %s: %w", dialect, err)
	}
	return ms, nil
}

// FS returns the migration files of dialect, "sqlite" or "postgres".
func FS(dialect string) (fs.FS, error) {
	switch dialect {
	case "sqlite", "postgres":
		return fs.Sub(files, dialect)
	}
	return nil, fmt.Errorf("migrations: unknown dialect %q (want sqlite or postgres)", dialect)
}
