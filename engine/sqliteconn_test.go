package engine_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// TestOneSQLiteConnection plays turns in several rooms at once on a SQLite
// file, whose pool holds a single connection (sqlstore's sqliteConns), with
// the token allowance on (a reservation per turn and per coach call), the
// coach on in half the rooms, and beside them a watcher and a history
// reader per room and recovery sweeps: every turn ends, every watcher sees
// every reply, every history read succeeds. A store method that used the
// pool while it held the connection (in a transaction, or with rows not yet
// closed) would wait for ever; the context's deadline makes that a failure
// instead of a hang.
func TestOneSQLiteConnection(t *testing.T) {
	db := sqlstoretest.Open(t, sqlstore.DialectSQLite)
	if n := db.SQL().Stats().MaxOpenConnections; n != 1 {
		t.Fatalf("the SQLite pool may open %d connections, want 1", n)
	}
	env := newCoachEnv(t, db, func(c *engine.Config) { c.Limits.TokensPerDay = 1 << 40 })
	env.fake.KindDefault = func(openaifake.Request) openaifake.Reply {
		return openaifake.JSON(map[string]any{"corrected": "아메리카노 주세요.", "items": []any{}, "note": "Fine."})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	const rooms, turns = 6, 12
	var (
		players, others sync.WaitGroup
		allPlayed       = make(chan struct{})
	)
	for i := range rooms {
		user := env.newUser(t, fmt.Sprintf("one-conn-%d", i))
		room := env.newRoom(t, user)
		if i%2 == 1 {
			room = env.coachedRoom(t, user)
		}
		w, err := env.eng.WatchRoom(ctx, user.ID, room.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		played := make(chan struct{})
		players.Add(1)
		go func() { // the learner
			defer players.Done()
			defer close(played)
			for n := range turns {
				in := engine.TurnInput{UserID: user.ID, RoomID: room.ID, Content: fmt.Sprintf("커피 %d잔 주세요.", n+1), Source: engine.SourceWeb}
				res, err := env.eng.SendMessage(ctx, in, nil)
				if err != nil {
					t.Errorf("room %d, turn %d: %v", i, n, err)
					return
				}
				if fb := res.WaitFeedback(ctx); fb != nil && fb.Status == engine.FeedbackPending {
					t.Errorf("room %d, turn %d: the feedback is still pending", i, n)
				}
			}
		}()
		others.Add(2)
		go func() { // a watcher, as an SSE stream of the room's events
			defer others.Done()
			defer func() { w.Close() }()
			replies := map[int64]bool{}
			for len(replies) < turns {
				ev, err := w.Next(ctx)
				if errors.Is(err, engine.ErrWatchEnded) { // after a reload: watch again
					if w, err = env.eng.WatchRoom(ctx, user.ID, room.ID, 0); err == nil {
						continue
					}
				}
				if err != nil {
					t.Errorf("room %d: watch: %v with %d of %d replies seen", i, err, len(replies), turns)
					return
				}
				if ev.Kind == engine.RoomEventReply && ev.Message.Status == engine.StatusComplete {
					replies[ev.Message.ID] = true
				}
			}
		}()
		go func() { // a reader of the history, page by page, until the turns end
			defer others.Done()
			for {
				ended := false // the turns had ended before this read began
				select {
				case <-played:
					ended = true
				default:
				}
				var all []*engine.Message
				for cursor := ""; ; {
					page, next, err := env.eng.ListMessages(ctx, user.ID, room.ID, engine.Page{Limit: 5, Cursor: cursor})
					if err != nil {
						t.Errorf("room %d: history: %v", i, err)
						return
					}
					all = append(all, page...)
					if cursor = next; cursor == "" {
						break
					}
				}
				if ended {
					if len(all) != 2*turns {
						t.Errorf("room %d: %d messages in the history after %d turns, want %d", i, len(all), turns, 2*turns)
					}
					return
				}
			}
		}()
	}
	others.Add(1)
	go func() { // the recovery sweep, which finds nothing to settle
		defer others.Done()
		for {
			if n, err := env.eng.RecoverPending(ctx); err != nil || n != 0 {
				t.Errorf("recovery: %d settled, %v; want none", n, err)
				return
			}
			select {
			case <-allPlayed:
				return
			default:
			}
		}
	}()
	players.Wait()
	close(allPlayed)
	others.Wait()
}
