package engine_test

import (
	"context"
	"fmt"
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

// Two engines over one database stand for two processes: each one's cached
// history window must notice what the other wrote.
func TestHistoryWindowSeesOtherProcesses(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		other := engine.New(env.eng.Config(), engine.Deps{Store: db, Tokens: mustTokenizer(t),
			Model: openai.New(openai.Config{BaseURL: env.fake.URL(), Timeout: 5 * time.Second}), Logger: slog.New(slog.DiscardHandler)})
		room := env.newRoom(t, env.alice)
		ctx := context.Background()
		engines := []*engine.Engine{env.eng, other, other, env.eng, env.eng, other}
		for i, eng := range engines {
			in := engine.TurnInput{UserID: env.alice.ID, RoomID: room.ID, Content: fmt.Sprintf("turn %d", i), Source: engine.SourceWeb}
			if _, err := eng.SendMessage(ctx, in, nil); err != nil {
				t.Fatal(err)
			}
			if i == 3 { // a reset through one process, seen by the other
				if err := other.ResetRoom(ctx, env.alice.ID, room.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		reqs := env.fake.Requests()
		wantHistory := []int{0, 2, 4, 6, 0, 2} // messages between system and the new one
		for i, r := range reqs {
			if got := len(r.Messages) - 2; got != wantHistory[i] {
				t.Errorf("turn %d sent %d history messages, want %d: %+v", i, got, wantHistory[i], r.Messages)
			}
		}
		last := reqs[len(reqs)-1].Messages
		if last[1].Content != "turn 4" || last[2].Content != "echo: turn 4" || last[3].Content != "turn 5" {
			t.Errorf("last prompt = %+v", last)
		}
	})
}

// With a one-room cache, alternating rooms evicts each window in turn; the
// prompts stay right.
func TestHistoryWindowEviction(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, func(c *engine.Config) { c.Prompt.CachedRooms = 1 })
		a, b := env.newRoom(t, env.alice), env.newRoom(t, env.alice)
		for i := range 3 {
			for _, r := range []*engine.Room{a, b} {
				if _, err := send(env, env.alice, r.ID, fmt.Sprintf("room %d turn %d", r.ID, i), nil); err != nil {
					t.Fatal(err)
				}
			}
		}
		last := env.fake.Requests()[5].Messages
		if len(last) != 6 || last[1].Content != fmt.Sprintf("room %d turn 0", b.ID) || last[5].Content != fmt.Sprintf("room %d turn 2", b.ID) {
			t.Fatalf("prompt = %+v", last)
		}
	})
}

// Two processes sharing PostgreSQL, each with its in-process lock stacked on
// the database's room lock: concurrent turns to one room through both still
// come out as whole pairs, in order.
func TestTurnsSerializedAcrossProcesses(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if db.Dialect() != sqlstore.DialectPostgres {
			return // room locks across processes need PostgreSQL
		}
		env := newEnv(t, db, nil)
		env.fake.Default = func(req openaifake.Request) openaifake.Reply {
			r := openaifake.Echo(req)
			r.ChunkDelay = 2 * time.Millisecond
			return r
		}
		engines := make([]*engine.Engine, 2)
		for i := range engines {
			locks, err := db.NewRoomLocker(context.Background(), 8)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { locks.Close() })
			engines[i] = engine.New(env.eng.Config(), engine.Deps{Store: db, Tokens: mustTokenizer(t),
				Model:  openai.New(openai.Config{BaseURL: env.fake.URL(), Timeout: 5 * time.Second}),
				Locker: engine.StackedLocker{Outer: engine.NewMemoryLocker(), Inner: locks},
				Logger: slog.New(slog.DiscardHandler)})
		}
		room := env.newRoom(t, env.alice)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				in := engine.TurnInput{UserID: env.alice.ID, RoomID: room.ID, Content: fmt.Sprintf("message %d", i), Source: engine.SourceWeb}
				if _, err := engines[i%2].SendMessage(context.Background(), in, nil); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		msgs := env.history(t, env.alice, room.ID)
		if len(msgs) != 16 {
			t.Fatalf("history has %d messages, want 16", len(msgs))
		}
		for i := 0; i < len(msgs); i += 2 {
			if u, a := msgs[i], msgs[i+1]; u.Role != engine.RoleUser || a.Content != "echo: "+u.Content {
				t.Fatalf("interleaved history at %d:\n%s", i, dump(msgs))
			}
		}
		// Each turn saw every turn before it: the k-th prompt carries 2k
		// history messages. Two turns at once would send the same history.
		for k, req := range env.fake.Requests() {
			if got := len(req.Messages) - 2; got != 2*k {
				t.Fatalf("prompt %d carried %d history messages, want %d: turns overlapped", k, got, 2*k)
			}
		}
	})
}
