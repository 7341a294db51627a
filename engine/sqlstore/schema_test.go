package sqlstore_test

import (
	"context"
	"flag"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

var update = flag.Bool("update", false, "rewrite testdata/schema.txt from the SQLite schema")

// schemaFile lists, one line per column, the schema both dialects must end
// with after migrating: "table.column type null|not null", types reduced to
// integer, text, boolean and timestamp.
const schemaFile = "testdata/schema.txt"

// TestSchemaMatchesAcrossDialects checks that the migrations of every dialect
// produce the tables, columns, column kinds and nullability listed in
// schemaFile and, when PostgreSQL is tested too, that the two dialects
// produce the same list.
func TestSchemaMatchesAcrossDialects(t *testing.T) {
	want, err := os.ReadFile(schemaFile)
	if err != nil && !*update {
		t.Fatal(err)
	}
	var (
		mu  sync.Mutex
		got = map[string][]string{}
	)
	t.Run("dialects", func(t *testing.T) {
		sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
			t.Parallel()
			cols := schemaColumns(t, db)
			mu.Lock()
			got[db.Dialect()] = cols
			mu.Unlock()
			text := strings.Join(cols, "\n") + "\n"
			if *update && db.Dialect() == sqlstore.DialectSQLite {
				if err := os.WriteFile(schemaFile, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if text != string(want) {
				t.Errorf("%s schema differs from %s:\n%s", db.Dialect(), schemaFile, lineDiff(string(want), text))
			}
		})
	})
	if pg, ok := got[sqlstore.DialectPostgres]; ok {
		if lite := got[sqlstore.DialectSQLite]; !slices.Equal(lite, pg) {
			t.Errorf("sqlite and postgres schemas differ:\n%s", lineDiff(strings.Join(lite, "\n"), strings.Join(pg, "\n")))
		}
	}
}

// schemaColumns returns the columns of the application's tables in db (not
// bun's migration tables nor SQLite's internal ones), sorted, each as
// "table.column kind null|not null". On SQLite an INTEGER PRIMARY KEY is the
// rowid, never null though not declared NOT NULL.
func schemaColumns(t *testing.T, db *sqlstore.DB) []string {
	t.Helper()
	var query string
	switch db.Dialect() {
	case sqlstore.DialectSQLite:
		query = `SELECT m.name, p.name, p.type, p."notnull" = 0 AND NOT (p.pk = 1 AND p.type = 'INTEGER')
			FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\' AND m.name NOT LIKE 'bun\_%' ESCAPE '\'`
	case sqlstore.DialectPostgres:
		query = `SELECT table_name, column_name, data_type, is_nullable = 'YES'
			FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name NOT LIKE 'bun\_%'`
	}
	rows, err := sqlstore.BunDB(db).QueryContext(context.Background(), query)
	if err != nil {
		t.Fatalf("read schema: %v", err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var table, column, typ string
		var nullable bool
		if err := rows.Scan(&table, &column, &typ, &nullable); err != nil {
			t.Fatal(err)
		}
		null := "not null"
		if nullable {
			null = "null"
		}
		cols = append(cols, table+"."+column+" "+columnKind(typ)+" "+null)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(cols)
	return cols
}

// columnKind reduces a dialect's column type to what both dialects share.
func columnKind(typ string) string {
	switch t := strings.ToLower(typ); {
	case t == "integer", t == "bigint", t == "smallint":
		return "integer"
	case t == "text":
		return "text"
	case t == "boolean":
		return "boolean"
	case strings.HasPrefix(t, "timestamp"):
		return "timestamp"
	default:
		return "unexpected type " + t
	}
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for _, l := range w {
		if !slices.Contains(g, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
