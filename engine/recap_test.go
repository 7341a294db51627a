package engine_test

import (
	"context"
	"slices"
	"testing"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// playFrom plays one turn of user in roomID through surface, its reply text reply.
func playFrom(t *testing.T, env *testEnv, user *engine.User, roomID int64, surface engine.Source, line, reply string) {
	t.Helper()
	env.fake.Enqueue(openaifake.Reply{Chunks: []string{reply}})
	_, err := env.eng.SendMessage(context.Background(), engine.TurnInput{UserID: user.ID, RoomID: roomID, Content: line, Source: surface}, nil)
	if err != nil {
		t.Fatalf("turn %q from %s: %v", line, surface, err)
	}
}

// recapOf returns the contents of the recap of user's room roomID on surface.
func recapOf(t *testing.T, env *testEnv, user *engine.User, roomID int64, surface engine.Source) []string {
	t.Helper()
	msgs, err := env.eng.Recap(context.Background(), user.ID, roomID, surface)
	if err != nil {
		t.Fatalf("Recap(%s): %v", surface, err)
	}
	out := make([]string, len(msgs))
	for i, m := range msgs {
		if m.Status != engine.StatusComplete {
			t.Errorf("Recap(%s) has %q, %s", surface, m.Content, m.Status)
		}
		out[i] = m.Content
	}
	return out
}

// TestRecap plays a room on several surfaces and checks what each one's
// recap shows: the newest complete messages played elsewhere since its own
// last message, oldest first, once.
func TestRecap(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		ctx := context.Background()
		room := env.newRoom(t, env.alice)
		want := func(surface engine.Source, contents ...string) {
			t.Helper()
			if got := recapOf(t, env, env.alice, room.ID, surface); !slices.Equal(got, contents) {
				t.Errorf("Recap(%s) = %q, want %q", surface, got, contents)
			}
		}

		want(engine.SourceTelegram) // no history at all

		playFrom(t, env, env.alice, room.ID, engine.SourceTelegram, "t1", "tr1")
		want(engine.SourceTelegram) // all of it came through Telegram
		want(engine.SourceWeb, "t1", "tr1")
		want(engine.SourceDiscord, "t1", "tr1")

		for _, n := range []string{"1", "2", "3", "4"} {
			playFrom(t, env, env.alice, room.ID, engine.SourceWeb, "w"+n, "r"+n)
		}
		env.fake.Enqueue(openaifake.Reply{Status: 400})
		_, err := env.eng.SendMessage(ctx, engine.TurnInput{UserID: env.alice.ID, RoomID: room.ID, Content: "w5", Source: engine.SourceWeb}, nil)
		wantCode(t, err, engine.CodeModelRejected)

		// The newest RecapTurns*2 complete messages, the failed reply skipped.
		want(engine.SourceTelegram, "r2", "w3", "r3", "w4", "r4", "w5")
		want(engine.SourceDiscord, "r2", "w3", "r3", "w4", "r4", "w5")
		want(engine.SourceWeb)

		// A reply still streaming elsewhere is skipped; its line is not.
		hold := openaifake.NewHold()
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"r6 ", "streaming"}, Hold: hold, HoldAfter: 1})
		done := make(chan error, 1)
		go func() {
			_, err := env.eng.SendMessage(ctx, engine.TurnInput{UserID: env.alice.ID, RoomID: room.ID, Content: "w6", Source: engine.SourceWeb}, nil)
			done <- err
		}()
		<-hold.Reached()
		want(engine.SourceTelegram, "w3", "r3", "w4", "r4", "w5", "w6")
		hold.Release()
		if err := <-done; err != nil {
			t.Fatal(err)
		}

		// After a turn on Telegram, only what follows it.
		playFrom(t, env, env.alice, room.ID, engine.SourceTelegram, "t2", "tr2")
		want(engine.SourceTelegram)
		want(engine.SourceWeb, "t2", "tr2")
		want(engine.SourceDiscord, "r4", "w5", "w6", "r6 streaming", "t2", "tr2")

		// Another user's room does not exist for them.
		_, err = env.eng.Recap(ctx, env.bob.ID, room.ID, engine.SourceWeb)
		wantCode(t, err, engine.CodeNotFound)
		_, err = env.eng.Recap(ctx, env.alice.ID, room.ID+1000, engine.SourceWeb)
		wantCode(t, err, engine.CodeNotFound)
		_, err = env.eng.Recap(ctx, env.alice.ID, room.ID, engine.Source("irc"))
		wantCode(t, err, engine.CodeInvalid)
	})
}
