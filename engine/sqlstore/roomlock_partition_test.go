package sqlstore_test

import (
	"context"
	"io"
	"net"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// blackhole is a TCP proxy to a server that, once cut, drops every byte both
// ways without closing anything: a network partition.
type blackhole struct {
	ln  net.Listener
	cut atomic.Bool
}

func newBlackhole(t *testing.T, target string) *blackhole {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &blackhole{ln: ln}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", target)
			if err != nil {
				_ = client.Close()
				continue
			}
			t.Cleanup(func() { _ = client.Close(); _ = server.Close() })
			go b.pipe(server, client)
			go b.pipe(client, server)
		}
	}()
	return b
}

// pipe copies src to dst until src ends, dropping what comes once cut.
func (b *blackhole) pipe(dst io.Writer, src io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !b.cut.Load() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// A partition while a room is unlocked cannot hang the unlock (and so the
// turn ending, and Close waiting for it): it gives up within its bound.
func TestRoomUnlockUnderPartition(t *testing.T) {
	if os.Getenv(sqlstoretest.PostgresURLEnv) == "" {
		t.Skip("room locks across processes are PostgreSQL's; set " + sqlstoretest.PostgresURLEnv)
	}
	ctx := context.Background()
	db := sqlstoretest.Open(t, sqlstore.DialectPostgres)
	u, err := url.Parse(sqlstoretest.URL(db))
	if err != nil {
		t.Fatal(err)
	}
	hole := newBlackhole(t, u.Host)
	u.Host = hole.ln.Addr().String()
	far, err := sqlstore.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer far.Close()
	locks, err := far.NewRoomLocker(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer locks.Close()
	// pgdriver gives up reading after 10 s of its own: far less than that.
	sqlstore.SetUnlockTimeout(locks, 50*time.Millisecond)

	unlock, err := locks.LockRoom(ctx, 42)
	if err != nil {
		t.Fatal(err)
	}
	hole.cut.Store(true)
	done := make(chan struct{})
	go func() { unlock(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second): // a bound on failure only, far above the timeout
		t.Fatal("unlock hung on a partitioned connection")
	}
}
