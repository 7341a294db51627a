package engine_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// recorder is a Metrics that writes each observation down as a line.
type recorder struct {
	mu    sync.Mutex
	lines []string
	turns []time.Duration // took, firstToken of each turn
}

func (r *recorder) add(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, fmt.Sprintf(format, args...))
}

func (r *recorder) TurnDone(s engine.Source, outcome string, took, first time.Duration) {
	r.add("turn %s %s first=%t", s, outcome, first > 0)
	r.mu.Lock()
	r.turns = append(r.turns, took, first)
	r.mu.Unlock()
}
func (r *recorder) ModelAttempt(k engine.CallKind, e engine.ModelErrorKind) {
	r.add("attempt %s %q", k, e)
}
func (r *recorder) ModelRetry(k engine.CallKind, e engine.ModelErrorKind) { r.add("retry %s %s", k, e) }
func (r *recorder) Tokens(k engine.CallKind, p, c int)                    { r.add("tokens %s %d %d", k, p, c) }
func (r *recorder) LockWait(_ time.Duration, ok bool)                     { r.add("lock %t", ok) }

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.lines
	r.lines = nil
	return out
}

// newObservedEnv is newEnv with m observing the engine.
func newObservedEnv(t *testing.T, db *sqlstore.DB, m engine.Metrics, locker engine.RoomLocker) *testEnv {
	env := newEnv(t, db, nil)
	cfg := env.eng.Config()
	env.eng = engine.New(cfg, engine.Deps{
		Store: db, Tokens: mustTokenizer(t), Logger: slog.New(slog.DiscardHandler), Metrics: m, Locker: locker,
		Model: openai.New(openai.Config{BaseURL: env.fake.URL(), Timeout: 5 * time.Second}),
		Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() },
	})
	return env
}

// A turn reports its outcome, each model attempt and retry, the tokens of
// its ledger row and its wait for the room; a failed one reports its code.
func TestMetricsObserveTurns(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		rec := &recorder{}
		health := engine.NewModelHealth(true, nil)
		env := newObservedEnv(t, db, engine.TeeMetrics(rec, health, nil), nil)
		room := env.newRoom(t, env.alice)

		env.fake.Enqueue(openaifake.Reply{Status: 503}, openaifake.Reply{Chunks: []string{"안녕"}, PromptTokens: 40, CompletionTokens: 3})
		if _, err := send(env, env.alice, room.ID, "hello", nil); err != nil {
			t.Fatal(err)
		}
		want := []string{"lock true", `attempt reply "server"`, "retry reply server", `attempt reply ""`,
			"tokens reply 40 3", "turn web ok first=true"}
		if got := rec.take(); !slices.Equal(got, want) {
			t.Fatalf("observed\n %q\nwant\n %q", got, want)
		}
		if rec.turns[0] < rec.turns[1] {
			t.Errorf("a turn took %v, less than its first token %v", rec.turns[0], rec.turns[1])
		}
		if st := health.State(); st.Calls != 2 || st.LastKind != "" || st.Failing() {
			t.Errorf("model health after a good call: %+v", st)
		}

		env.fake.Enqueue(openaifake.Reply{Status: 401})
		_, err := send(env, env.alice, room.ID, "again", nil)
		wantCode(t, err, engine.CodeModelRejected)
		got := rec.take()
		if !slices.Contains(got, `attempt reply "unauthenticated"`) || got[len(got)-1] != "turn web model_rejected first=false" {
			t.Fatalf("a rejected turn observed as %q", got)
		}
		if st := health.State(); st.LastKind != engine.ModelUnauthenticated || !st.Failing() {
			t.Errorf("model health after a refused key: %+v", st)
		}

		// A turn refused before the model is called is counted with its code.
		_, err = env.eng.SendMessage(context.Background(), engine.TurnInput{UserID: env.bob.ID, RoomID: room.ID,
			Content: "not mine", Source: engine.SourceTelegram}, nil)
		wantCode(t, err, engine.CodeNotFound)
		if got := rec.take(); !slices.Equal(got, []string{"turn telegram not_found first=false"}) {
			t.Fatalf("a refused turn observed as %q", got)
		}
	})
}

// A wait for a busy room that ends before the room is free is reported as
// not acquired.
func TestMetricsObserveLockWaitGivenUp(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		rec := &recorder{}
		locker := &signalLocker{RoomLocker: engine.NewMemoryLocker(), waiting: make(chan struct{}, 2)}
		env := newObservedEnv(t, db, rec, locker)
		room := env.newRoom(t, env.alice)
		hold := openaifake.NewHold()
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"a"}, Hold: hold})
		done := make(chan error, 1)
		go func() { _, err := send(env, env.alice, room.ID, "first", nil); done <- err }()
		<-hold.Reached()
		<-locker.waiting
		ctx, cancel := context.WithCancel(context.Background())
		second := make(chan error, 1)
		go func() {
			_, err := env.eng.SendMessage(ctx, engine.TurnInput{UserID: env.alice.ID, RoomID: room.ID, Content: "second", Source: engine.SourceWeb}, nil)
			second <- err
		}()
		<-locker.waiting
		cancel() // the second turn gives up waiting
		wantCode(t, <-second, engine.CodeConflict)
		hold.Release()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		got := rec.take()
		if !slices.Contains(got, "lock false") || !slices.Contains(got, "turn web conflict first=false") {
			t.Fatalf("observed %q", got)
		}
	})
}

func TestModelStateFailing(t *testing.T) {
	for kind, want := range map[engine.ModelErrorKind]bool{
		"": false, engine.ModelBadRequest: false, engine.ModelContextLength: false,
		engine.ModelNetwork: true, engine.ModelTimeout: true, engine.ModelUnauthenticated: true,
		engine.ModelQuota: true, engine.ModelServer: true, engine.ModelOther: true,
	} {
		if got := (engine.ModelState{LastKind: kind}).Failing(); got != want {
			t.Errorf("Failing with %q = %t, want %t", kind, got, want)
		}
	}
	h := engine.NewModelHealth(true, nil)
	h.ModelAttempt(engine.CallReply, engine.ModelCanceled)
	if st := h.State(); st.Calls != 0 {
		t.Errorf("a cancelled call taught the health something: %+v", st)
	}
}

// signalLocker is a RoomLocker that says when a wait for a room begins.
type signalLocker struct {
	engine.RoomLocker
	waiting chan struct{}
}

func (l *signalLocker) LockRoom(ctx context.Context, roomID int64) (func(), error) {
	l.waiting <- struct{}{}
	return l.RoomLocker.LockRoom(ctx, roomID)
}
