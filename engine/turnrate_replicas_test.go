package engine_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// Two engine processes on one PostgreSQL database, each with the database's
// turn limiter, hold a user to limits.turns_per_minute together: a burst of
// the user's turns, half through each, all at once and in rooms of their
// own, plays exactly TurnsPerMinute of them; the others are rate_limited.
func TestTurnRateHeldAcrossEngines(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if db.Dialect() != sqlstore.DialectPostgres {
			t.Skip("several processes share PostgreSQL only")
		}
		const perMinute, burst = 4, 12
		env := newEnv(t, db, nil)
		other, err := sqlstore.Open(context.Background(), sqlstoretest.URL(db))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		var engines []*engine.Engine
		for _, store := range []*sqlstore.DB{db, other} {
			cfg := engine.DefaultConfig()
			cfg.Models = engine.ModelPolicy{Default: "test-model"}
			cfg.Limits.TurnsPerMinute = perMinute
			eng := engine.New(cfg, engine.Deps{Store: store, Tokens: mustTokenizer(t), Logger: slog.New(slog.DiscardHandler),
				Model:   openai.New(openai.Config{BaseURL: env.fake.URL(), Timeout: 10 * time.Second}),
				Limiter: store.NewTurnLimiter(perMinute, time.Minute)})
			t.Cleanup(func() { _ = eng.Close(context.Background()) })
			engines = append(engines, eng)
		}
		rooms := make([]*engine.Room, burst)
		for i := range rooms {
			rooms[i] = env.newRoom(t, env.alice)
		}

		var mu sync.Mutex
		codes := map[engine.Code]int{}
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for i := range burst {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				_, err := engines[i%2].SendMessage(context.Background(), engine.TurnInput{UserID: env.alice.ID,
					RoomID: rooms[i].ID, Content: "안녕하세요", Source: engine.SourceWeb}, nil)
				mu.Lock()
				codes[engine.ErrorCode(err)]++
				mu.Unlock()
			}()
		}
		close(gate)
		wg.Wait()
		if codes[""] != perMinute || codes[engine.CodeRateLimited] != burst-perMinute {
			t.Fatalf("outcomes of %d concurrent turns across two engines: %v; want %d played and %d rate_limited",
				burst, codes, perMinute, burst-perMinute)
		}
	})
}
