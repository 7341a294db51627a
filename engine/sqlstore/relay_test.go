package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// A relay that starts listening first hands over RelayResync, so that its
// watchers read again what was stored before it listened (at the start of
// a process, or after the connection dropped): a note sent then is lost.
func TestRelayResyncsOnceListening(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if db.Dialect() != sqlstore.DialectPostgres {
			t.Skip("the relay is PostgreSQL's")
		}
		relay, err := db.NewRelay(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer relay.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		got := make(chan engine.RelayMessage, 16)
		go func() { _ = relay.Receive(ctx, func(m engine.RelayMessage) { got <- m }) }()
		select {
		case m := <-got:
			if m.Kind != engine.RelayResync {
				t.Fatalf("first message %+v, want RelayResync", m)
			}
		case <-ctx.Done():
			t.Fatal("no RelayResync once listening")
		}
	})
}
