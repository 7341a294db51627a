package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/chatplay/chatplay/engine"
)

// RoomLocker is an engine.RoomLocker that holds across processes: a
// PostgreSQL advisory lock per room, so that replicas sharing one database
// still play one turn at a time in a room. A held lock pins a connection of a
// pool of its own (a turn's queries must never wait for a connection that a
// waiting turn's lock holds), at most maxHeld of them; if the connection or
// the process dies, PostgreSQL releases the lock.
type RoomLocker struct {
	pool          *sql.DB
	namespace     int32         // the first key of every lock: this schema's, so deployments and tests sharing a database do not meet
	unlockTimeout time.Duration // unlockTimeout, or a test's
}

// unlockTimeout bounds an unlock, so that a partition at that moment cannot
// hang the turn that ends (and Close, which waits for it): the connection is
// then dropped, which releases the lock once the server notices.
const unlockTimeout = 2 * time.Second

var _ engine.RoomLocker = (*RoomLocker)(nil)

// How a waiting LockRoom polls: pg_advisory_lock would block a connection in
// a way a context cannot end, so it tries, then sleeps a little longer each
// time.
const (
	lockPollFirst = 5 * time.Millisecond
	lockPollMax   = 100 * time.Millisecond
)

// NewRoomLocker opens the room-lock pool of db, with at most maxHeld locks
// (connections) at once. It needs PostgreSQL. Close it after the engine.
func (db *DB) NewRoomLocker(ctx context.Context, maxHeld int) (*RoomLocker, error) {
	if db.dialect != DialectPostgres {
		return nil, errors.New("sqlstore: room locks across processes need PostgreSQL")
	}
	if maxHeld < 1 {
		return nil, fmt.Errorf("sqlstore: room locks: at most %d held is not positive", maxHeld)
	}
	pool, err := openPostgres(db.url)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: room locks: %w", err)
	}
	pool.SetMaxOpenConns(maxHeld)
	pool.SetMaxIdleConns(min(maxHeld, maxConns))
	applyPool(pool, db.pool)
	l := &RoomLocker{pool: pool, unlockTimeout: unlockTimeout}
	if err := pool.QueryRowContext(ctx, "SELECT hashtext(current_schema())").Scan(&l.namespace); err != nil {
		_ = pool.Close()
		return nil, fmt.Errorf("sqlstore: room locks: %w", err)
	}
	return l, nil
}

// Close closes the pool, which releases any lock still held.
func (l *RoomLocker) Close() error { return l.pool.Close() }

// LockRoom implements engine.RoomLocker.
func (l *RoomLocker) LockRoom(ctx context.Context, roomID int64) (func(), error) {
	conn, err := l.pool.Conn(ctx)
	if err != nil {
		return nil, endedErr(ctx, err)
	}
	key := int32(roomID) ^ int32(roomID>>32) // two rooms sharing a key only wait for each other
	wait := lockPollFirst
	for {
		var got bool
		if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1, $2)", l.namespace, key).Scan(&got); err != nil {
			_ = conn.Close()
			return nil, endedErr(ctx, err)
		}
		if got {
			break
		}
		select {
		case <-ctx.Done():
			_ = conn.Close()
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, lockPollMax)
	}
	return func() {
		// Unlock whatever became of the turn's context, within unlockTimeout;
		// if this fails, closing the connection below would return it to the
		// pool still locked, so it is dropped instead.
		ctx, cancel := context.WithTimeout(context.Background(), l.unlockTimeout)
		defer cancel()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1, $2)", l.namespace, key); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		_ = conn.Close()
	}, nil
}

// endedErr is err, or ctx's error when ctx has ended: a deadline that passes
// during a query fails it with the driver's i/o timeout (or a bad connection,
// when it had passed before the query was written), and a waiter whose
// context ended must say so (the engine tells a busy room by it). The
// driver's timer may fire before the context's: a deadline passed is the
// context's end already.
func endedErr(ctx context.Context, err error) error {
	ctxErr := ctx.Err()
	if deadline, ok := ctx.Deadline(); ctxErr == nil && ok && !time.Now().Before(deadline) {
		ctxErr = context.DeadlineExceeded
	}
	if ctxErr != nil {
		return fmt.Errorf("%w (%v)", ctxErr, err)
	}
	return err
}
