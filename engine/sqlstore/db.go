// Package sqlstore implements engine.Store with bun, on SQLite (modernc.org/sqlite,
// pure Go) and on PostgreSQL (pgdriver). Both dialects run the same queries; the
// few places where they cannot say so in a comment.
//
// Row types are unexported and live next to the methods that use them, one file
// per noun; errors from the database become engine errors in one place, errors.go.
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/pgdriver"
	"github.com/uptrace/bun/migrate"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/migrations"
)

// The dialects Open supports, as Dialect reports them.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// sqliteParams configure every SQLite connection: write-ahead logging so that
// readers do not block the writer, a busy timeout so that a writer waits for
// the lock instead of failing, foreign keys (off by default in SQLite, and the
// schema's cascades depend on them), NORMAL sync (durable in WAL mode except
// for the last commits on power loss), and BEGIN IMMEDIATE for transactions, so
// that a transaction takes the write lock up front and never fails with
// SQLITE_BUSY when it would upgrade a read lock that another writer holds.
const sqliteParams = "_busy_timeout=5000&_foreign_keys=1&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate"

// maxConns bounds each PostgreSQL pool, and is also how many idle
// connections it keeps (database/sql keeps 2 by default, so that bursts
// would open and close connections): 4 per usable CPU, as bun's
// documentation advises. A SQLite pool holds sqliteConns.
var maxConns = 4 * runtime.GOMAXPROCS(0)

// sqliteConns is how many connections the pool of a SQLite file holds, open
// for as long as the pool lives: one. SQLite runs one write transaction at
// a time anyway (BEGIN IMMEDIATE), and each connection has a page cache of
// its own, which it drops at its next read after another connection's
// commit (WAL mode): with 4 × GOMAXPROCS connections under concurrent
// turns, the pages of every statement were read again (pread). Measured
// with the load tool, alternated runs against 4 × GOMAXPROCS (docs/
// benchmarks.md, "One SQLite connection"): the service's CPU per turn fell
// by 22–27% with 8 or 64 users in their own rooms (full windows: 1.75 →
// 1.27 ms), throughput rose 6–26%, p99 no worse; sqlite3_step went from 44%
// to 35% of the profile and pread from 6.4% to 0.2%. Two connections fell
// in between. Where turns already ran one at a time (8 senders in one room)
// nothing was gained, and waiting for the connection cost a few percent.
// The price: a long read delays every other statement (the turn's reads
// are indexed and short), and a caller must never use the pool while it
// holds the connection (a transaction, or rows not yet closed): it would
// wait for ever. TestOneSQLiteConnection plays concurrent turns, watchers,
// history reads and recovery sweeps on it.
const sqliteConns = 1

// PoolConfig bounds how long PostgreSQL connections stay in a pool, so that
// connections a server, a proxy or a firewall dropped while idle are
// replaced in time, and load spreads again after a failover.
type PoolConfig struct {
	MaxIdleTime time.Duration // an idle connection is closed after this long; 0: never
	MaxLifetime time.Duration // a connection is closed, once idle, after this long; 0: never
}

// DefaultPoolConfig is the pool configuration Open uses until SetPool.
func DefaultPoolConfig() PoolConfig {
	return PoolConfig{MaxIdleTime: 5 * time.Minute, MaxLifetime: 30 * time.Minute}
}

// migrateLockKey is the PostgreSQL advisory lock held while migrating, so that
// processes starting together migrate one after the other. It spells "chatplay".
const migrateLockKey = 0x63686174706c6179

// DB is chatplay's store on a SQL database. It is safe for concurrent use.
type DB struct {
	bun      *bun.DB
	dialect  string
	url      string // database.url, for the room-lock pool (roomlock.go)
	pool     PoolConfig
	migrator *migrate.Migrator
	hot      hotStmts      // the prepared hot queries (hotquery.go), SQLite only
	hotHook  bun.QueryHook // tests: sees the hot queries (see HookQueries)
}

var _ engine.Store = (*DB)(nil)

// Open connects to the database named by dbURL, the database.url setting:
// "sqlite:PATH" (the file and its directory are created if missing),
// "sqlite::memory:" for a throwaway in-memory database, or a PostgreSQL URL
// ("postgres://user:password@host:5432/name?sslmode=disable"; parameters
// pgdriver does not know, such as search_path, are set on every connection).
// Open checks that the database answers; it does not migrate (see Migrate).
func Open(ctx context.Context, dbURL string) (*DB, error) {
	var (
		sqldb   *sql.DB
		dialect string
		err     error
	)
	switch {
	case strings.HasPrefix(dbURL, "sqlite:"):
		dialect = DialectSQLite
		sqldb, err = openSQLite(strings.TrimPrefix(dbURL, "sqlite:"))
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		dialect = DialectPostgres
		sqldb, err = openPostgres(dbURL)
	default:
		return nil, fmt.Errorf("sqlstore: database.url must start with sqlite: or postgres://, got %q", redact(dbURL))
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open %s database: %w", dialect, err)
	}

	db := &DB{dialect: dialect, url: dbURL}
	if dialect == DialectSQLite {
		db.bun = bun.NewDB(sqldb, sqlitedialect.New())
	} else {
		db.bun = bun.NewDB(sqldb, pgdialect.New())
	}
	db.SetPool(DefaultPoolConfig())
	ms, err := migrations.New(dialect)
	if err != nil {
		_ = db.bun.Close()
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	db.migrator = migrate.NewMigrator(db.bun, ms, migrate.WithMarkAppliedOnSuccess(true))

	if err := db.Ping(ctx); err != nil {
		_ = db.bun.Close()
		return nil, err
	}
	db.warmHot(ctx)
	return db, nil
}

// openSQLite opens the SQLite database at path, or in memory for ":memory:".
func openSQLite(path string) (*sql.DB, error) {
	if path == "" {
		return nil, fmt.Errorf("no file name after sqlite: (want sqlite:PATH or sqlite::memory:)")
	}
	if path == ":memory:" {
		sqldb, err := sql.Open("sqlite", ":memory:?"+sqliteParams)
		if err != nil {
			return nil, err
		}
		// Every connection to ":memory:" is a database of its own: keep exactly
		// one, open for as long as the pool lives (connections have no maximum
		// lifetime by default).
		sqldb.SetMaxOpenConns(1)
		sqldb.SetMaxIdleConns(1)
		return sqldb, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	// A file: URI, so that SQLite itself parses the name; '%', '?' and '#'
	// would otherwise end the path or start an escape.
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	sqldb, err := sql.Open("sqlite", "file:"+escaped+"?"+sqliteParams)
	if err != nil {
		return nil, err
	}
	sqldb.SetMaxOpenConns(sqliteConns)
	sqldb.SetMaxIdleConns(sqliteConns)
	return sqldb, nil
}

// openPostgres opens a pool on the PostgreSQL database at dbURL.
func openPostgres(dbURL string) (sqldb *sql.DB, err error) {
	// pgdriver.WithDSN panics on a URL it cannot parse (a bad sslmode, a
	// malformed timeout); turn that into an error naming the setting.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("invalid database.url %q: %v", redact(dbURL), r)
		}
	}()
	// A pooled connection the server has closed meanwhile is discarded before
	// use (conncheck_unix.go), instead of failing the request that takes it.
	sqldb = sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dbURL), pgdriver.WithResetSessionFunc(checkIdleConn)))
	sqldb.SetMaxOpenConns(maxConns)
	sqldb.SetMaxIdleConns(maxConns)
	return sqldb, nil
}

// redact hides the password of a database URL, for error messages.
func redact(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "(an unparsable URL)"
	}
	return u.Redacted()
}

// SetPool applies p to the pools of a PostgreSQL database, this one and the
// room-lock pools opened after. SQLite's connections are local files: they
// are kept.
func (db *DB) SetPool(p PoolConfig) {
	if db.dialect != DialectPostgres {
		return
	}
	db.pool = p
	applyPool(db.bun.DB, p)
}

// applyPool sets p on sqldb.
func applyPool(sqldb *sql.DB, p PoolConfig) {
	sqldb.SetConnMaxIdleTime(p.MaxIdleTime)
	sqldb.SetConnMaxLifetime(p.MaxLifetime)
}

// Close closes every connection.
func (db *DB) Close() error {
	db.closeHot()
	return db.bun.Close()
}

// Ping checks that the database answers, for readiness probes.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.bun.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlstore: ping %s database: %w", db.dialect, err)
	}
	return nil
}

// SQL returns the connection pool, for its statistics (the metrics' pool
// collector). Queries go through the store's methods, never through it.
func (db *DB) SQL() *sql.DB {
	return db.bun.DB
}

// Dialect returns DialectSQLite or DialectPostgres.
func (db *DB) Dialect() string {
	return db.dialect
}

// Migrator returns the migrator of the schema in package migrations, for
// commands that show, apply or roll back migrations. It marks a migration
// applied only once it has succeeded.
func (db *DB) Migrator() *migrate.Migrator {
	return db.migrator
}

// Migrate creates the migration tables if needed and applies every pending
// migration, holding the migration lock (WithMigrationLock), so several
// processes may start at once against one database.
func (db *DB) Migrate(ctx context.Context) error {
	return db.WithMigrationLock(ctx, func(ctx context.Context) error {
		if err := db.migrator.Init(ctx); err != nil {
			return fmt.Errorf("init: %w", err)
		}
		if _, err := db.migrator.Migrate(ctx); err != nil {
			return err
		}
		db.warmHot(ctx)
		return nil
	})
}

// WithMigrationLock runs fn while holding the migration lock: a PostgreSQL
// advisory lock that migrate-on-start and every `chatplay migrate` command
// take, so that two of them never change the schema at once.
func (db *DB) WithMigrationLock(ctx context.Context, fn func(ctx context.Context) error) error {
	unlock, err := db.lockMigrations(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	defer unlock()
	if err := fn(ctx); err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	return nil
}

// lockMigrations takes the migration lock and returns its release. Dialect
// specific: PostgreSQL has session advisory locks, held here on a connection
// of its own; SQLite needs none, as one process owns its file and its
// migrations run in BEGIN IMMEDIATE transactions.
func (db *DB) lockMigrations(ctx context.Context) (unlock func(), err error) {
	if db.dialect != DialectPostgres {
		return func() {}, nil
	}
	conn, err := db.bun.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", int64(migrateLockKey)); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("lock: %w", err)
	}
	return func() {
		// Unlock even when ctx is done; closing the connection would release
		// the lock too, but the pool keeps it open.
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", int64(migrateLockKey))
		_ = conn.Close()
	}, nil
}

// now is the time stamped on new and updated rows: UTC, truncated to
// microseconds, the precision both dialects keep, so that a value read back
// equals the value written.
func now() time.Time {
	return time.Now().UTC().Truncate(time.Microsecond)
}

// normalize puts a time read from or bound for the database into the form now
// returns.
func normalize(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}
