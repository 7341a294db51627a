//go:build !unix

package sqlstore

import (
	"context"

	"github.com/uptrace/bun/driver/pgdriver"
)

// checkIdleConn cannot look at a socket without blocking here: a connection
// the server closed fails its first statement.
func checkIdleConn(context.Context, *pgdriver.Conn) error { return nil }
