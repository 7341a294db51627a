package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// Election.Retry in the tests. A follower tries every retry, soon enough
// for a short test; a leader that must not lose its lead while the test
// looks gets steadyRetry instead: a leader also checks its lock every Retry
// and steps down (its connection closed, the lock released) when the check
// does not answer within Retry, which a loaded machine can miss at 50 ms.
const (
	retry       = 50 * time.Millisecond
	steadyRetry = time.Minute
)

// openElection opens the election of task on a store of its own on db's
// database (another process), trying and checking every every.
func openElection(t *testing.T, db *sqlstore.DB, task string, every time.Duration) *sqlstore.Election {
	t.Helper()
	store, err := sqlstore.Open(context.Background(), sqlstoretest.URL(db))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e, err := store.NewElection(context.Background(), task)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	e.Retry = every
	return e
}

// leadAsync runs e.Lead in the background; the channel gets its resign
// once it leads.
func leadAsync(t *testing.T, ctx context.Context, e *sqlstore.Election) <-chan func() {
	t.Helper()
	led := make(chan func(), 1)
	go func() {
		if _, resign, err := e.Lead(ctx); err == nil {
			led <- resign
		}
	}()
	return led
}

// One process of those sharing a database leads a task at a time: a second
// one tries and waits while the first leads, takes the lead once the first
// resigns; the same task in another schema, and another task, have leaders
// of their own.
func TestElectionOneLeader(t *testing.T) {
	t.Parallel()
	if !pgEnabled() {
		t.Skip("needs " + sqlstoretest.PostgresURLEnv)
	}
	db := sqlstoretest.Open(t, sqlstore.DialectPostgres)
	ctx := context.Background()
	first := openElection(t, db, "telegram-polling:1", steadyRetry)
	lead, resign, err := first.Lead(ctx)
	if err != nil {
		t.Fatal(err)
	}

	second := openElection(t, db, "telegram-polling:1", retry)
	refused := make(chan struct{}, 16)
	sqlstore.OnElectionTry(second, func(got bool) {
		if !got {
			select { // never block the election: it goes on trying while the test does other things
			case refused <- struct{}{}:
			default:
			}
		}
	})
	led := leadAsync(t, ctx, second)
	for range 3 { // three tries refused while the first leads
		select {
		case <-refused:
		case <-led:
			t.Fatal("a second leader while the first leads")
		}
	}

	// Other tasks, and the same task in another schema, are other elections.
	for _, other := range []*sqlstore.Election{
		openElection(t, db, "telegram-polling:2", retry),
		openElection(t, sqlstoretest.Open(t, sqlstore.DialectPostgres), "telegram-polling:1", retry),
	} {
		octx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, oresign, err := other.Lead(octx)
		cancel()
		if err != nil {
			t.Fatalf("another election: %v", err)
		}
		oresign()
	}

	resign()
	if lead.Err() == nil {
		t.Fatal("the lead context lives on after resign")
	}
	(<-led)() // the second leads now, and resigns
	resign()  // a second call does nothing
}

// A leader whose connection the server ends (a restart, a failover,
// pg_terminate_backend) sees its lead context end within Retry, and a
// follower takes over.
func TestElectionLeaderConnectionLost(t *testing.T) {
	t.Parallel()
	if !pgEnabled() {
		t.Skip("needs " + sqlstoretest.PostgresURLEnv)
	}
	db := sqlstoretest.Open(t, sqlstore.DialectPostgres)
	ctx := context.Background()
	// A check that a loaded machine makes miss its bound only ends the
	// lead sooner: what is tested follows all the same.
	first := openElection(t, db, "telegram-polling:1", retry)
	lead, resign, err := first.Lead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer resign()

	sqlstoretest.TerminateConnections(t, sqlstoretest.Admin(t), db, false)
	select {
	case <-lead.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the leader did not notice that its connection was gone")
	}
	second := openElection(t, db, "telegram-polling:1", retry)
	octx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, resign2, err := second.Lead(octx)
	if err != nil {
		t.Fatalf("no follower took over: %v", err)
	}
	resign2()
}

// Lead returns ctx's error when ctx ends before the lead is had; an election
// needs PostgreSQL.
func TestElectionCancelled(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if db.Dialect() != sqlstore.DialectPostgres {
			if _, err := db.NewElection(context.Background(), "x"); err == nil {
				t.Fatal("an election on SQLite")
			}
			return
		}
		first := openElection(t, db, "t", steadyRetry)
		_, resign, err := first.Lead(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer resign()
		second := openElection(t, db, "t", retry)
		ctx, cancel := context.WithCancel(context.Background())
		tried := make(chan struct{}, 1)
		sqlstore.OnElectionTry(second, func(bool) {
			select {
			case tried <- struct{}{}:
			default:
			}
		})
		go func() { <-tried; cancel() }()
		if _, _, err := second.Lead(ctx); err != context.Canceled {
			t.Fatalf("Lead after cancel = %v, want context.Canceled", err)
		}
	})
}
