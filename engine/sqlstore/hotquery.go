package sqlstore

import (
	"context"
	"database/sql"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/uptrace/bun"
)

// hotQuery is a statement of the chat turn's path, run with arguments bound
// to $1, $2, ... placeholders instead of written into its text, so that its
// text is the same on every call:
//
//   - On SQLite, which parses the text of every statement it runs (bun writes
//     the arguments into it, so no two texts are alike), each connection
//     prepares a hot query once and keeps it (database/sql's Stmt, which
//     modernc.org/sqlite backs with one prepared sqlite3_stmt). Parsing was
//     about a fifth of the service's CPU per turn.
//   - On PostgreSQL, pgdriver writes the arguments into the text itself and
//     sends it as a simple query, as it does for bun's queries: each one is
//     planned for its values, as before (the index plans TestHotPathsUseIndexes
//     checks), and no server-side statement outlives a connection's reset.
//
// Its text is built by bun from the row types, once per dialect, so that it
// follows them (a column added to a row is read and written here too).
type hotQuery struct {
	build func(b *bun.DB) string
	once  [2]sync.Once
	text  [2]string
}

// hotQueries are all the hot queries, which warmHot prepares.
var hotQueries []*hotQuery

// newHotQuery returns the hot query whose text build returns, with $n where
// the nth argument goes (bun.Safe("$1") in a Where, for instance). Call it
// only to initialize a package variable.
func newHotQuery(build func(b *bun.DB) string) *hotQuery {
	q := &hotQuery{build: build}
	hotQueries = append(hotQueries, q)
	return q
}

// sql returns q's text for db's dialect.
func (q *hotQuery) sql(db *DB) string {
	i := 0
	if db.dialect == DialectPostgres {
		i = 1
	}
	q.once[i].Do(func() { q.text[i] = q.build(db.bun) })
	return q.text[i]
}

// hotStmts holds the prepared hot queries of a SQLite pool.
type hotStmts struct {
	mu sync.RWMutex
	m  map[*hotQuery]*sql.Stmt
}

// warmHot prepares every hot query on db's pool (SQLite only) that its
// schema allows, so that transactions find them prepared: a transaction
// must not wait for a second connection to prepare a statement (a SQLite
// pool has one connection, sqliteConns, which the transaction holds). Open
// and Migrate call it.
func (db *DB) warmHot(ctx context.Context) {
	if db.dialect != DialectSQLite {
		return
	}
	for _, q := range hotQueries {
		_, _ = db.stmt(ctx, q) // a table not created yet: prepared after Migrate, or on first use
	}
}

// preparedStmt returns q prepared on db's pool, or nil.
func (db *DB) preparedStmt(q *hotQuery) *sql.Stmt {
	db.hot.mu.RLock()
	defer db.hot.mu.RUnlock()
	return db.hot.m[q]
}

// stmt returns q prepared on db's pool (SQLite only), preparing it on first
// use; database/sql prepares it again on each connection that runs it.
func (db *DB) stmt(ctx context.Context, q *hotQuery) (*sql.Stmt, error) {
	if s := db.preparedStmt(q); s != nil {
		return s, nil
	}
	db.hot.mu.Lock()
	defer db.hot.mu.Unlock()
	if s := db.hot.m[q]; s != nil {
		return s, nil
	}
	s, err := db.bun.DB.PrepareContext(ctx, q.sql(db))
	if err != nil {
		return nil, err
	}
	if db.hot.m == nil {
		db.hot.m = make(map[*hotQuery]*sql.Stmt)
	}
	db.hot.m[q] = s
	return s, nil
}

// closeHot closes the prepared hot queries.
func (db *DB) closeHot() {
	db.hot.mu.Lock()
	defer db.hot.mu.Unlock()
	for q, s := range db.hot.m {
		_ = s.Close()
		delete(db.hot.m, q)
	}
}

// hotRows runs q with args, in tx if not nil, and returns its rows.
func (db *DB) hotRows(ctx context.Context, tx *bun.Tx, q *hotQuery, args ...any) (*sql.Rows, error) {
	db.seeHot(ctx, q, args)
	s, done, err := db.hotStmt(ctx, tx, q)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return sqlConn(db, tx).QueryContext(ctx, q.sql(db), args...)
	}
	defer done()
	return s.QueryContext(ctx, args...)
}

// hotExec runs q with args, in tx if not nil.
func (db *DB) hotExec(ctx context.Context, tx *bun.Tx, q *hotQuery, args ...any) (sql.Result, error) {
	db.seeHot(ctx, q, args)
	s, done, err := db.hotStmt(ctx, tx, q)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return sqlConn(db, tx).ExecContext(ctx, q.sql(db), args...)
	}
	defer done()
	return s.ExecContext(ctx, args...)
}

// hotStmt returns the prepared statement that runs q, in tx if not nil,
// and what to call when done with it; nil when q runs as text: always on
// PostgreSQL (pgdriver writes the arguments in), and in a transaction on
// SQLite until q is prepared.
func (db *DB) hotStmt(ctx context.Context, tx *bun.Tx, q *hotQuery) (*sql.Stmt, func(), error) {
	if db.dialect != DialectSQLite {
		return nil, nil, nil
	}
	if tx != nil {
		s := db.preparedStmt(q)
		if s == nil { // not prepared yet: run it once as it is
			return nil, nil, nil
		}
		s = tx.Tx.StmtContext(ctx, s)           // prepared on tx's connection if need be
		return s, func() { _ = s.Close() }, nil // the Tx's handle only: the prepared statement stays
	}
	s, err := db.stmt(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	return s, func() {}, nil
}

// sqlConn returns what runs a statement as text: tx if not nil, else the pool.
func sqlConn(db *DB, tx *bun.Tx) interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	ExecContext(context.Context, string, ...any) (sql.Result, error)
} {
	if tx != nil {
		return tx.Tx
	}
	return db.bun.DB
}

// hotScan runs q with args, in tx if not nil, and scans its one row into
// dest: bun models, or values as database/sql scans them. No row is
// sql.ErrNoRows, as from bun.
func (db *DB) hotScan(ctx context.Context, tx *bun.Tx, q *hotQuery, dest []any, args ...any) error {
	rows, err := db.hotRows(ctx, tx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	return rows.Close()
}

// timeArg returns t as a hot query's argument: on SQLite the text bun writes
// for a time (UTC, microseconds, "+00:00"), so that stored times compare as
// before; on PostgreSQL t itself.
func (db *DB) timeArg(t time.Time) any {
	if db.dialect == DialectSQLite {
		return t.UTC().Format("2006-01-02 15:04:05.999999-07:00")
	}
	return t
}

// hotScanRow runs q with args, in tx if not nil, and scans its one row into
// model, a pointer to a row type, as bun does. No row is sql.ErrNoRows.
func (db *DB) hotScanRow(ctx context.Context, tx *bun.Tx, q *hotQuery, model any, args ...any) error {
	rows, err := db.hotRows(ctx, tx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := db.bun.ScanRow(ctx, rows, model); err != nil {
		return err
	}
	return rows.Close()
}

// paramRE matches a placeholder.
var paramRE = regexp.MustCompile(`\$[1-9][0-9]*`)

// shiftParams returns query with every placeholder $n renumbered $(n+by), so
// that statements can be joined into one whose arguments follow each other.
func shiftParams(query string, by int) string {
	return paramRE.ReplaceAllStringFunc(query, func(p string) string {
		n, _ := strconv.Atoi(p[1:])
		return "$" + strconv.Itoa(n+by)
	})
}

// seeHot shows q, its arguments written in as bun writes them, to the test
// hook that sees bun's queries (HookQueries), if any.
func (db *DB) seeHot(ctx context.Context, q *hotQuery, args []any) {
	if db.hotHook == nil {
		return
	}
	f := db.bun.QueryGen()
	text := paramRE.ReplaceAllStringFunc(q.sql(db), func(p string) string {
		n, _ := strconv.Atoi(p[1:])
		return f.FormatQuery("?", args[n-1])
	})
	db.hotHook.AfterQuery(ctx, &bun.QueryEvent{Query: text})
}
