//go:build unix

package sqlstore

import (
	"context"
	"database/sql/driver"
	"errors"
	"net"
	"syscall"

	"github.com/uptrace/bun/driver/pgdriver"
)

// checkIdleConn runs before a pooled PostgreSQL connection is reused: it
// reports driver.ErrBadConn, which makes database/sql discard the connection
// and take another (or a new one), when the server has closed it meanwhile
// (pg_terminate_backend, a restart, a proxy's idle cut). Such a server sends
// its last words (FATAL 57P01, 57P02, 57P03, …) and closes the socket, so an
// idle connection that has anything to read, or reads end of file, is dead.
// It peeks, without blocking and without consuming a byte, at the socket
// under any TLS layer. Nothing has been sent on the connection yet, so
// discarding it never repeats a statement.
func checkIdleConn(_ context.Context, cn *pgdriver.Conn) error {
	nc := cn.Conn()
	if tc, ok := nc.(interface{ NetConn() net.Conn }); ok {
		nc = tc.NetConn() // *tls.Conn
	}
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nil // cannot tell: a dead connection fails its first statement
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return driver.ErrBadConn
	}
	alive := false
	var buf [1]byte
	err = raw.Read(func(fd uintptr) bool {
		_, _, rerr := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		alive = errors.Is(rerr, syscall.EAGAIN) || errors.Is(rerr, syscall.EWOULDBLOCK)
		return true // never wait for the socket to become readable
	})
	if err != nil || !alive {
		return driver.ErrBadConn
	}
	return nil
}
