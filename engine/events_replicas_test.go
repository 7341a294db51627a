package engine_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// Two engine processes on one PostgreSQL database, each with its relay: a
// turn played on one streams into a watcher of the other, its stored
// events (the line, the reply started, the reply) through the notes of the
// triggers and its deltas through the relay, a delta longer than a note's
// payload limit included.
func TestWatchRoomAcrossEngines(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if db.Dialect() != sqlstore.DialectPostgres {
			t.Skip("several processes share PostgreSQL only")
		}
		env := newEnv(t, db, nil)
		other, err := sqlstore.Open(context.Background(), sqlstoretest.URL(db))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		var engines []*engine.Engine
		for _, store := range []*sqlstore.DB{db, other} {
			relay, err := store.NewRelay(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { relay.Close() })
			cfg := engine.DefaultConfig()
			cfg.Models = engine.ModelPolicy{Default: "test-model"}
			eng := engine.New(cfg, engine.Deps{Store: store, Tokens: mustTokenizer(t), Logger: slog.New(slog.DiscardHandler),
				Model: openai.New(openai.Config{BaseURL: env.fake.URL(), Timeout: 10 * time.Second}), Relay: relay})
			t.Cleanup(func() { _ = eng.Close(context.Background()) })
			engines = append(engines, eng)
		}
		player, watcher := engines[0], engines[1]
		room := env.newRoom(t, env.alice)
		ctx := context.Background()
		w, err := watcher.WatchRoom(ctx, env.alice.ID, room.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		readUntil(t, w, isKind(engine.RoomEventReady))

		long := strings.Repeat("가나다라", 1000) // 12,000 bytes in one delta
		chunks := []string{"첫 ", long, " 끝"}
		hold := openaifake.NewHold()
		env.fake.Enqueue(openaifake.Reply{Chunks: chunks, Hold: hold})
		done := make(chan *engine.TurnResult, 1)
		go func() {
			res, err := player.SendMessage(ctx, engine.TurnInput{UserID: env.alice.ID, RoomID: room.ID, Content: "안녕하세요", Source: engine.SourceTelegram}, nil)
			if err != nil {
				t.Error(err)
			}
			done <- res
		}()
		evs := readUntil(t, w, isKind(engine.RoomEventReplyStarted))
		hold.Release()
		res := <-done
		evs = append(evs, readUntil(t, w, isKind(engine.RoomEventReply))...)
		var text strings.Builder
		deltas := 0
		for _, ev := range evs {
			if ev.Kind == engine.RoomEventDelta {
				deltas++
				text.WriteString(ev.Delta)
			}
		}
		first, last := evs[0], evs[len(evs)-1]
		if first.Kind != engine.RoomEventMessage || first.Message.ID != res.UserMessage.ID || evs[1].Kind != engine.RoomEventReplyStarted {
			t.Fatalf("events began %v, want the line then reply_started", kindsOf(evs[:2]))
		}
		if deltas < 2 || text.String() != res.Reply.Content || last.Message.Content != res.Reply.Content || last.Message.Status != engine.StatusComplete {
			t.Fatalf("through the other engine: %d deltas, %d bytes of %d; reply %s", deltas, text.Len(), len(res.Reply.Content), last.Message.Status)
		}
	})
}
