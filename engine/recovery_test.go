package engine_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// logRecords is a slog.Handler that keeps every record.
type logRecords struct {
	mu      sync.Mutex
	records []slog.Record
}

func (h *logRecords) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecords) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *logRecords) WithGroup(string) slog.Handler            { return h }
func (h *logRecords) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r.Clone())
	return nil
}

// errors returns the messages of the records at error level or above.
func (h *logRecords) errors() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, r := range h.records {
		if r.Level >= slog.LevelError {
			out = append(out, r.Message)
		}
	}
	return out
}

// process is another engine process on env's database and model server: its
// own owner id, clock and log.
func (env *testEnv) process(t *testing.T, tweak func(*engine.Config), now func() time.Time, log *slog.Logger) *engine.Engine {
	t.Helper()
	cfg := engine.DefaultConfig()
	cfg.Models = engine.ModelPolicy{Default: "test-model"}
	cfg.Retry.BaseDelay = 10 * time.Millisecond
	cfg.Retry.Deadline = 20 * time.Second
	cfg.ShutdownGrace = 5 * time.Second
	if tweak != nil {
		tweak(&cfg)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return engine.New(cfg, engine.Deps{
		Store: env.db,
		// A held reply is never given up on: the tests end every stream.
		Model:  openai.New(openai.Config{BaseURL: env.fake.URL(), Timeout: time.Minute}),
		Tokens: mustTokenizer(t),
		Logger: log,
		Now:    now,
		Sleep:  func(ctx context.Context, d time.Duration) error { return ctx.Err() },
	})
}

// A process that dies mid-reply (abandoned here without Close) leaves its
// reply pending; the next process to start settles it as failed at once
// once the dead one's lease has lapsed, with the text the user had seen
// (saved while streaming), and leaves alone the reply of a lease still live.
func TestCrashedReplySettledAtStart(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		env := newEnv(t, db, nil)
		policy := engine.RecoveryPolicy{LeaseTTL: 4 * time.Second, LeaseRenew: time.Second, PartialSaveInterval: 2 * time.Second}
		start := time.Now()
		clock := &fakeClock{t: start}
		tweak := func(c *engine.Config) { c.Recovery = policy }
		crashed := env.process(t, tweak, clock.Now, nil)
		if _, err := crashed.RecoverPending(ctx); err != nil { // its start: the lease is taken
			t.Fatal(err)
		}
		room := env.newRoom(t, env.alice)

		hold := openaifake.NewHold()
		defer hold.Release()
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"Hello, ", "world", "!", " And more."}, Hold: hold, HoldAfter: 3})
		var deltas int
		seen := make(chan struct{})
		sink := func(ev engine.Event) {
			if ev.Kind != engine.EventDelta {
				return
			}
			switch deltas++; deltas {
			case 2: // the save interval passes with the second piece
				clock.Set(start.Add(policy.PartialSaveInterval))
			case 3: // the second piece's save is done when the third arrives
				close(seen)
			}
		}
		done := make(chan error, 1)
		go func() {
			_, err := crashed.SendMessage(ctx, engine.TurnInput{UserID: env.alice.ID, RoomID: room.ID, Content: "hi", Source: engine.SourceWeb}, sink)
			done <- err
		}()
		<-seen
		<-hold.Reached()

		// A new process starts while the dead one's lease is still live: the
		// reply may be a live replica's, and is left alone.
		restarted := env.process(t, tweak, clock.Now, nil)
		clock.Set(start.Add(policy.LeaseTTL - time.Microsecond))
		if n, err := restarted.RecoverPending(ctx); err != nil || n != 0 {
			t.Fatalf("with the lease live: recovered %d (%v), want 0", n, err)
		}
		if msgs := env.history(t, env.alice, room.ID); len(msgs) != 2 || msgs[1].Status != engine.StatusPending {
			t.Fatalf("with the lease live: %s", dump(msgs))
		}

		clock.Set(start.Add(policy.LeaseTTL)) // the lease has lapsed
		if n, err := restarted.RecoverPending(ctx); err != nil || n != 1 {
			t.Fatalf("recovered %d (%v), want 1", n, err)
		}
		msgs := env.history(t, env.alice, room.ID)
		if len(msgs) != 2 || msgs[1].Status != engine.StatusFailed || msgs[1].ErrorCode != engine.CodeUnavailable ||
			msgs[1].Content != "Hello, world" {
			t.Fatalf("after the restart: %s; want the reply failed (unavailable) with the text saved while streaming, %q", dump(msgs), "Hello, world")
		}
		if n, err := restarted.RecoverPending(ctx); err != nil || n != 0 {
			t.Fatalf("second recovery: %d (%v), want 0", n, err)
		}
		hold.Release()
		<-done // the abandoned turn ends before the database closes
	})
}

// Deleting an account while its reply streams stops the turn: the model's
// stream ends there, the turn answers not found, and nothing is logged as an
// error.
func TestDeleteUserStopsItsTurn(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		env := newEnv(t, db, nil)
		logs := &logRecords{}
		// Only the deletion may end the held turn before the failure bound below.
		eng := env.process(t, func(c *engine.Config) { c.Retry.Deadline = 5 * time.Minute }, nil, slog.New(logs))
		room := env.newRoom(t, env.alice)
		hold := openaifake.NewHold()
		defer hold.Release()
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"Hel", "lo", " there"}, Hold: hold, HoldAfter: 1})

		c := newCollect()
		done := make(chan error, 1)
		go func() {
			_, err := eng.SendMessage(ctx, engine.TurnInput{UserID: env.alice.ID, RoomID: room.ID, Content: "hi", Source: engine.SourceWeb}, c.sink)
			done <- err
		}()
		<-c.first
		<-hold.Reached()
		if err := eng.DeleteUser(ctx, env.alice.ID); err != nil {
			t.Fatal(err)
		}
		var err error
		select {
		case err = <-done:
		case <-time.After(30 * time.Second): // a bound on failure only: the hold is never released before the turn ends
			hold.Release()
			<-done
			t.Fatal("the turn went on after its account was deleted")
		}
		wantCode(t, err, engine.CodeNotFound)
		if got := c.text(); got != "Hel" {
			t.Errorf("streamed %q, want only what came before the deletion, %q", got, "Hel")
		}
		if errs := logs.errors(); len(errs) > 0 {
			t.Errorf("logged at error level: %q", errs)
		}
	})
}
