package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Election elects, among the processes sharing a PostgreSQL database, the
// one leader of a named task (Telegram's long polling: Telegram serves one
// poller per bot). The leader holds a session advisory lock on a connection
// of its own: when its process dies, even by kill -9, the connection closes
// and PostgreSQL releases the lock at once; a follower trying every Retry
// then takes over. The leader checks every Retry that its connection still
// holds the lock, and steps down (its lead context ends) when it does not
// answer within Retry, so that two leaders overlap at most that long after
// a partition.
//
// An advisory lock rather than a lease row: no clock and no table, and a
// dead leader's lock is gone the moment PostgreSQL sees its connection
// close, where a lease would have to run out first.
type Election struct {
	pool  *sql.DB
	key   int64         // the lock's key: this schema's and the task's
	Retry time.Duration // how often a follower tries, and a leader checks, the lock

	// tried, when set (by tests), is told of each try of a follower.
	tried func(got bool)
}

// DefaultElectionRetry is Election.Retry by default: a dead leader is
// replaced within about this long.
const DefaultElectionRetry = 2 * time.Second

// keepaliveSettings make PostgreSQL notice within seconds, rather than
// hours, that the host of a leader holding the lock has vanished (a crash or
// a partition, where no connection close reaches the server), so that the
// lock is released: keepalive probes after 5 s idle, 2 s apart, 3 of them,
// and 10 s for sent data to be acknowledged. Ignored on a Unix socket.
const keepaliveSettings = `SELECT set_config('tcp_keepalives_idle', '5', false),
	set_config('tcp_keepalives_interval', '2', false),
	set_config('tcp_keepalives_count', '3', false),
	set_config('tcp_user_timeout', '10000', false)`

// NewElection opens the election of task (e.g. "telegram-polling:<bot id>")
// on db, which must be PostgreSQL. Close it once done with it.
func (db *DB) NewElection(ctx context.Context, task string) (*Election, error) {
	if db.dialect != DialectPostgres {
		return nil, errors.New("sqlstore: an election across processes needs PostgreSQL")
	}
	pool, err := openPostgres(db.url)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: election: %w", err)
	}
	pool.SetMaxOpenConns(1)
	pool.SetMaxIdleConns(1)
	e := &Election{pool: pool, Retry: DefaultElectionRetry}
	// The single-key (bigint) advisory locks are apart from the two-key ones
	// of RoomLocker: the two never meet.
	if err := pool.QueryRowContext(ctx, "SELECT hashtextextended(current_schema() || ':' || $1, 0)", task).Scan(&e.key); err != nil {
		_ = pool.Close()
		return nil, fmt.Errorf("sqlstore: election: %w", err)
	}
	return e, nil
}

// Close closes the election's connection, which gives up the lead if held.
func (e *Election) Close() error { return e.pool.Close() }

// Lead waits until this process leads, or ctx ends (ctx's error is then
// returned). It returns a context that ends when the lead is lost (the
// connection holding it failed) or ctx ends, and resign, which gives the lead
// up and must be called once the task has stopped. A database that cannot be
// reached is tried again every Retry.
func (e *Election) Lead(ctx context.Context) (context.Context, func(), error) {
	for {
		// A database out of reach is tried again, like a lock held elsewhere.
		if conn := e.try(ctx); conn != nil {
			return e.hold(ctx, conn)
		}
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		t := time.NewTimer(e.Retry)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, nil, ctx.Err()
		case <-t.C:
		}
	}
}

// try takes the lock if it is free and returns the connection holding it;
// nil when another process holds it or the database failed.
func (e *Election) try(ctx context.Context) *sql.Conn {
	conn, err := e.pool.Conn(ctx)
	if err != nil {
		return nil
	}
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", e.key).Scan(&got); err != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		_ = conn.Close()
		return nil
	}
	if e.tried != nil {
		e.tried(got)
	}
	if !got {
		_ = conn.Close() // back to the pool for the next try
		return nil
	}
	_, _ = conn.ExecContext(ctx, keepaliveSettings) // best effort: the lock holds without them
	return conn
}

// hold watches the lock held on conn until ctx ends or the lock is lost.
func (e *Election) hold(ctx context.Context, conn *sql.Conn) (context.Context, func(), error) {
	lead, cancel := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		defer cancel()
		t := time.NewTicker(e.Retry)
		defer t.Stop()
		for {
			select {
			case <-lead.Done():
				return
			case <-t.C:
			}
			if !e.holds(lead, conn) {
				return
			}
		}
	}()
	resign := sync.OnceFunc(func() {
		cancel()
		<-watched
		ctx, stop := context.WithTimeout(context.Background(), unlockTimeout)
		defer stop()
		var unlocked bool
		if err := conn.QueryRowContext(ctx, "SELECT pg_advisory_unlock($1)", e.key).Scan(&unlocked); err != nil || !unlocked {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn }) // closed, not pooled: that releases it
		}
		_ = conn.Close()
	})
	return lead, resign, nil
}

// holds reports whether conn still holds the lock, answering within Retry.
// A session lock lasts as long as the session, so this fails only when the
// connection did: the server ended it, or it does not answer.
func (e *Election) holds(ctx context.Context, conn *sql.Conn) bool {
	ctx, cancel := context.WithTimeout(ctx, e.Retry)
	defer cancel()
	var held bool
	err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks
		WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted AND objsubid = 1
		AND classid = (($1::bigint >> 32) & 4294967295)::oid AND objid = ($1::bigint & 4294967295)::oid)`, e.key).Scan(&held)
	return err == nil && held
}
