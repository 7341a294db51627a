package engine_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/tiktoken"
)

// testEnv is an engine over a real database and the wire-level fake model server.
type testEnv struct {
	db    *sqlstore.DB
	eng   *engine.Engine
	fake  *openaifake.Server
	alice *engine.User
	bob   *engine.User

	mu    sync.Mutex
	waits []time.Duration // backoffs the engine asked for
}

// newEnv builds a testEnv; tweak may change the engine config first.
func newEnv(t *testing.T, db *sqlstore.DB, tweak func(*engine.Config)) *testEnv {
	t.Helper()
	env := &testEnv{db: db, fake: openaifake.New(t)}
	cfg := engine.DefaultConfig()
	cfg.Models = engine.ModelPolicy{Default: "test-model", Choices: []string{"test-model-large"}}
	cfg.Retry.BaseDelay = 10 * time.Millisecond
	cfg.Retry.Deadline = 20 * time.Second
	cfg.ShutdownGrace = 5 * time.Second
	if tweak != nil {
		tweak(&cfg)
	}
	env.eng = engine.New(cfg, engine.Deps{
		Store:  db,
		Model:  openai.New(openai.Config{BaseURL: env.fake.URL(), Timeout: 5 * time.Second}),
		Tokens: mustTokenizer(t),
		Logger: slog.New(slog.DiscardHandler),
		Sleep: func(ctx context.Context, d time.Duration) error {
			env.mu.Lock()
			env.waits = append(env.waits, d)
			env.mu.Unlock()
			return ctx.Err()
		},
	})
	env.alice = env.newUser(t, "alice")
	env.bob = env.newUser(t, "bob")
	return env
}

var userSeq atomic.Int64

var (
	tokenizerOnce sync.Once
	tokenizer     *tiktoken.Counter
	tokenizerErr  error
)

func mustTokenizer(tb testing.TB) *tiktoken.Counter {
	tokenizerOnce.Do(func() { tokenizer, tokenizerErr = tiktoken.New("o200k_base") })
	if tokenizerErr != nil {
		tb.Fatal(tokenizerErr)
	}
	return tokenizer
}

func (env *testEnv) newUser(t testing.TB, name string) *engine.User {
	t.Helper()
	email := fmt.Sprintf("%s.%d@example.com", name, userSeq.Add(1))
	u := &engine.User{Email: &email, DisplayName: name, Locale: "en"}
	if err := env.db.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

func (env *testEnv) backoffs() []time.Duration {
	env.mu.Lock()
	defer env.mu.Unlock()
	return append([]time.Duration(nil), env.waits...)
}

// cafe is a valid room input, with feedback off: the tests of the scene
// count the model's chat requests and ledger rows of replies alone. The
// coach's tests use coachedCafe.
func cafe() engine.RoomInput {
	off := false
	return engine.RoomInput{Title: "Coffee", Language: "ko", Situation: "ordering coffee in a cafe in Seoul",
		UserRole: "customer", BotRole: "barista", Feedback: &off}
}

func (env *testEnv) newRoom(t testing.TB, owner *engine.User) *engine.Room {
	t.Helper()
	r, err := env.eng.CreateRoom(context.Background(), owner.ID, cafe())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// history returns the whole conversation of a room, oldest first.
func (env *testEnv) history(t testing.TB, owner *engine.User, roomID int64) []*engine.Message {
	t.Helper()
	var all []*engine.Message
	cursor := ""
	for {
		page, next, err := env.eng.ListMessages(context.Background(), owner.ID, roomID, engine.Page{Limit: 100, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		all = append(page, all...)
		if next == "" {
			return all
		}
		cursor = next
	}
}

// wantCode fails unless err carries code.
func wantCode(t testing.TB, err error, code engine.Code) *engine.Error {
	t.Helper()
	if got := engine.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	return engine.AsError(err)
}

// collect is a Sink that records deltas.
type collect struct {
	mu     sync.Mutex
	deltas []string
	kinds  []engine.EventKind
	first  chan struct{} // closed at the first delta
}

func newCollect() *collect { return &collect{first: make(chan struct{})} }

func (c *collect) sink(ev engine.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.kinds = append(c.kinds, ev.Kind)
	if ev.Kind == engine.EventDelta {
		if len(c.deltas) == 0 && c.first != nil {
			close(c.first)
		}
		c.deltas = append(c.deltas, ev.Delta)
	}
}

func (c *collect) text() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.deltas, "")
}
