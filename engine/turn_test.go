package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

func TestOpenSceneRegenerateReset(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		ctx := context.Background()
		room := env.newRoom(t, env.alice)

		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요!"}})
		res, err := env.eng.OpenScene(ctx, env.alice.ID, room.ID, engine.SourceTelegram, nil)
		if err != nil || res.UserMessage != nil || res.Reply.Content != "어서 오세요!" {
			t.Fatalf("opening: %+v, %v", res, err)
		}
		opening := env.fake.Requests()[0].Messages
		if len(opening) != 2 || opening[0].Role != "system" || !strings.Contains(opening[1].Content, "scene begins") {
			t.Fatalf("opening prompt = %+v", opening)
		}
		_, err = env.eng.OpenScene(ctx, env.alice.ID, room.ID, engine.SourceTelegram, nil)
		if e := wantCode(t, err, engine.CodeConflict); e.Reason != engine.ReasonSceneStarted {
			t.Fatalf("reason = %q", e.Reason)
		}

		// Regenerating the opening plays it again.
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"안녕하세요, 손님!"}})
		if _, err := env.eng.Regenerate(ctx, env.alice.ID, room.ID, engine.SourceWeb, nil); err != nil {
			t.Fatal(err)
		}
		msgs := env.history(t, env.alice, room.ID)
		if len(msgs) != 1 || msgs[0].Content != "안녕하세요, 손님!" {
			t.Fatalf("after regenerating the opening: %s", dump(msgs))
		}
		if again := env.fake.Requests()[1].Messages; len(again) != 2 {
			t.Fatalf("the replaced opening was sent as history: %+v", again)
		}

		// A failed reply, then regenerate: the failed one is replaced.
		env.fake.Enqueue(openaifake.Reply{Status: 400})
		_, err = send(env, env.alice, room.ID, "커피 주세요", nil)
		wantCode(t, err, engine.CodeModelRejected)
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"네, 잠시만요."}})
		res, err = env.eng.Regenerate(ctx, env.alice.ID, room.ID, engine.SourceWeb, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.UserMessage == nil || res.UserMessage.Content != "커피 주세요" {
			t.Fatalf("regenerate answered %+v", res.UserMessage)
		}
		msgs = env.history(t, env.alice, room.ID)
		if len(msgs) != 3 || msgs[1].Content != "커피 주세요" || msgs[2].Content != "네, 잠시만요." || msgs[2].Status != engine.StatusComplete {
			t.Fatalf("after regenerate: %s", dump(msgs))
		}
		last := env.fake.Requests()[env.fake.Count()-1].Messages
		if last[len(last)-1].Content != "커피 주세요" || last[len(last)-2].Content != "안녕하세요, 손님!" {
			t.Fatalf("regenerate prompt = %+v", last)
		}

		// Reset clears the conversation and keeps the room.
		if err := env.eng.ResetRoom(ctx, env.alice.ID, room.ID); err != nil {
			t.Fatal(err)
		}
		if msgs := env.history(t, env.alice, room.ID); len(msgs) != 0 {
			t.Fatalf("after reset: %s", dump(msgs))
		}
		if _, err := env.eng.FindRoom(ctx, env.alice.ID, room.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestMessageLengthCap(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, func(c *engine.Config) { c.Limits.MaxMessageRunes = 50 })
		room := env.newRoom(t, env.alice)
		if _, err := send(env, env.alice, room.ID, strings.Repeat("가", 50), nil); err != nil {
			t.Fatalf("a message at the cap: %v", err)
		}
		_, err := send(env, env.alice, room.ID, strings.Repeat("가", 51), nil)
		if e := wantCode(t, err, engine.CodeInvalid); e.Field != "content" || e.Reason != engine.ReasonTooLong {
			t.Fatalf("field = %q, reason = %q", e.Field, e.Reason)
		}
		_, err = send(env, env.alice, room.ID, "  \n ", nil)
		wantCode(t, err, engine.CodeInvalid)
		if got := len(env.history(t, env.alice, room.ID)); got != 2 {
			t.Fatalf("history has %d messages; rejected input must not be stored", got)
		}
	})
}

func TestNoModelConfigured(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		cfg := engine.DefaultConfig()
		eng := engine.New(cfg, engine.Deps{Store: db, Tokens: mustTokenizer(t),
			Model: engine.UnconfiguredModel{Setting: "CHATPLAY_MODEL_API_KEY"}})
		email := "c@example.com"
		u := &engine.User{Email: &email}
		if err := db.CreateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		room, err := eng.CreateRoom(context.Background(), u.ID, cafe())
		if err != nil {
			t.Fatalf("rooms must work without a model: %v", err)
		}
		_, err = eng.SendMessage(context.Background(), engine.TurnInput{UserID: u.ID, RoomID: room.ID, Content: "hi", Source: engine.SourceWeb}, nil)
		e := wantCode(t, err, engine.CodeModelNotConfigured)
		if !strings.Contains(e.Message, "CHATPLAY_MODEL_API_KEY") {
			t.Fatalf("message %q does not name the setting", e.Message)
		}
		msgs, _, _ := eng.ListMessages(context.Background(), u.ID, room.ID, engine.Page{})
		if len(msgs) != 2 || msgs[0].Content != "hi" || msgs[1].ErrorCode != engine.CodeModelNotConfigured {
			t.Fatalf("history = %s", dump(msgs))
		}
	})
}

func TestTurnRateLimit(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, func(c *engine.Config) { c.Limits.TurnsPerMinute = 3 })
		room := env.newRoom(t, env.alice)
		for i := range 3 {
			if _, err := send(env, env.alice, room.ID, "hi", nil); err != nil {
				t.Fatalf("turn %d: %v", i+1, err)
			}
		}
		_, err := send(env, env.alice, room.ID, "one too many", nil)
		e := wantCode(t, err, engine.CodeRateLimited)
		if e.RetryAfter <= 0 || e.RetryAfter > time.Minute {
			t.Fatalf("RetryAfter = %v", e.RetryAfter)
		}
		if got := len(env.history(t, env.alice, room.ID)); got != 6 {
			t.Fatalf("history has %d messages, want 6", got)
		}
		// Another user has a budget of their own.
		bobRoom := env.newRoom(t, env.bob)
		if _, err := send(env, env.bob, bobRoom.ID, "hi", nil); err != nil {
			t.Fatal(err)
		}
	})
}

func TestDailyTokenLimit(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, func(c *engine.Config) { c.Limits.TokensPerDay = 1000 })
		room := env.newRoom(t, env.alice)
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"ok"}, PromptTokens: 990, CompletionTokens: 9})
		if _, err := send(env, env.alice, room.ID, "hi", nil); err != nil {
			t.Fatal(err) // 999 used: under the limit
		}
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"ok"}, PromptTokens: 1, CompletionTokens: 0})
		if _, err := send(env, env.alice, room.ID, "hi", nil); err != nil {
			t.Fatal(err) // 1000 used: at the limit
		}
		_, err := send(env, env.alice, room.ID, "hi", nil)
		e := wantCode(t, err, engine.CodeRateLimited)
		if e.RetryAfter <= 0 || e.RetryAfter > 24*time.Hour {
			t.Fatalf("RetryAfter = %v", e.RetryAfter)
		}
	})
}

func TestCallerHangsUpReplyIsStored(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		room := env.newRoom(t, env.alice)
		hold := openaifake.NewHold()
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"first ", "second"}, Hold: hold, HoldAfter: 1})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := env.eng.SendMessage(ctx, engine.TurnInput{UserID: env.alice.ID, RoomID: room.ID, Content: "hi", Source: engine.SourceWeb}, nil)
			done <- err
		}()
		<-hold.Reached()
		cancel() // the client disconnects mid-stream
		hold.Release()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		msgs := env.history(t, env.alice, room.ID)
		if len(msgs) != 2 || msgs[1].Content != "first second" || msgs[1].Status != engine.StatusComplete {
			t.Fatalf("history = %s", dump(msgs))
		}
	})
}

func TestCloseInterruptsInflight(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, func(c *engine.Config) { c.ShutdownGrace = 50 * time.Millisecond })
		room := env.newRoom(t, env.alice)
		hold := openaifake.NewHold()
		defer hold.Release()
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"never ", "finished"}, Hold: hold, HoldAfter: 1})
		done := make(chan error, 1)
		go func() {
			_, err := send(env, env.alice, room.ID, "hi", nil)
			done <- err
		}()
		<-hold.Reached()
		if err := env.eng.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		wantCode(t, <-done, engine.CodeUnavailable)
		msgs := env.history(t, env.alice, room.ID)
		if len(msgs) != 2 || msgs[0].Content != "hi" || msgs[1].Status != engine.StatusFailed || msgs[1].ErrorCode != engine.CodeUnavailable {
			t.Fatalf("history = %s", dump(msgs))
		}
		_, err := send(env, env.alice, room.ID, "after close", nil)
		wantCode(t, err, engine.CodeUnavailable)
	})
}

func TestRecoverPending(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		room := env.newRoom(t, env.alice)
		m := &engine.Message{RoomID: room.ID, Role: engine.RoleAssistant, Status: engine.StatusPending, Source: engine.SourceWeb}
		if err := db.CreateMessage(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		// A fresh pending reply may belong to a live process: left alone.
		if n, err := env.eng.RecoverPending(context.Background()); err != nil || n != 0 {
			t.Fatalf("recovered %d (%v), want 0", n, err)
		}
	})
}

// A regeneration the model cannot take (here: the room grew too long for the
// context since the reply) is refused and keeps the reply it would replace.
func TestRegenerateRefusedKeepsTheReply(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, func(c *engine.Config) { c.Prompt.ContextTokens, c.Prompt.MaxReplyTokens = 512+900, 512 })
		ctx := context.Background()
		room := env.newRoom(t, env.alice)
		if _, err := send(env, env.alice, room.ID, strings.Repeat("coffee ", 450), nil); err != nil {
			t.Fatal(err)
		}
		longer := strings.Repeat("a busy cafe ", 80)
		if _, err := env.eng.UpdateRoom(ctx, env.alice.ID, room.ID, engine.RoomUpdate{Situation: &longer}); err != nil {
			t.Fatal(err)
		}
		_, err := env.eng.Regenerate(ctx, env.alice.ID, room.ID, engine.SourceWeb, nil)
		wantCode(t, err, engine.CodeInvalid)
		if msgs := env.history(t, env.alice, room.ID); len(msgs) != 2 || msgs[1].Status != engine.StatusComplete {
			t.Fatalf("a refused regeneration lost the reply: %s", dump(msgs))
		}
	})
}
