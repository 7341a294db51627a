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
	"regexp"

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

// dropTable finds the tables a down migration drops.
var dropTable = regexp.MustCompile(`(?i)\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?"?([\w.]+)"?`)

// DroppedTables returns the tables that rolling back the migration called
// name (its time stamp, as bun names it: 20261125000001) drops, in order, as
// its down step of dialect says.
func DroppedTables(dialect, name string) ([]string, error) {
	dir, err := FS(dialect)
	if err != nil {
		return nil, err
	}
	paths, err := fs.Glob(dir, name+"_*.down.sql")
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("migrations: no down step for %s in %s", name, dialect)
	}
	var tables []string
	for _, path := range paths {
		sql, err := fs.ReadFile(dir, path)
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		for _, m := range dropTable.FindAllStringSubmatch(string(sql), -1) {
			tables = append(tables, m[1])
		}
	}
	return tables, nil
}
