package engine_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// newLimitsEnv is newEnv with the turn limiter chatplay serve uses on db:
// the database's on PostgreSQL, the engine's in-process one on SQLite.
func newLimitsEnv(t *testing.T, db *sqlstore.DB, tweak func(*engine.Config)) *testEnv {
	t.Helper()
	env := newEnv(t, db, tweak)
	cfg := env.eng.Config()
	var limiter engine.TurnLimiter
	if db.Dialect() == sqlstore.DialectPostgres {
		limiter = db.NewTurnLimiter(cfg.Limits.TurnsPerMinute, time.Minute)
	}
	env.eng = engine.New(cfg, engine.Deps{Store: db, Limiter: limiter, Tokens: mustTokenizer(t), Logger: slog.New(slog.DiscardHandler),
		Model: openai.New(openai.Config{BaseURL: env.fake.URL(), Timeout: 5 * time.Second})})
	t.Cleanup(func() { _ = env.eng.Close(context.Background()) })
	return env
}

// linkedTelegram links the Telegram account subject, which has made contact
// and has a room, to owner's web account, and returns the user a bot then
// plays as (the account) and the room.
func linkedTelegram(t *testing.T, env *testEnv, owner *engine.User, subject string, before func(bot *engine.User, room *engine.Room)) (*engine.User, *engine.Room) {
	t.Helper()
	ctx := context.Background()
	bot := botUser(t, env, subject)
	room := env.newRoom(t, bot)
	if before != nil {
		before(bot, room)
	}
	code, _, err := env.eng.CreateLinkCode(ctx, owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.eng.RedeemLinkCode(ctx, engine.ProviderTelegram, subject, code); err != nil {
		t.Fatal(err)
	}
	u, err := env.eng.EnsureIdentityUser(ctx, engine.ProviderTelegram, subject, "tg"+subject, "TG "+subject, "en")
	if err != nil || u.ID != owner.ID {
		t.Fatalf("after linking, Telegram plays as %+v, %v; want the account %d", u, err, owner.ID)
	}
	return u, room
}

// playAs plays one turn of user in roomID from surface, the model reporting
// prompt tokens, and returns its error.
func playAs(env *testEnv, user *engine.User, roomID int64, surface engine.Source, prompt int) error {
	env.fake.Enqueue(openaifake.Reply{Chunks: []string{"네."}, PromptTokens: prompt, CompletionTokens: 1})
	_, err := env.eng.SendMessage(context.Background(), engine.TurnInput{UserID: user.ID, RoomID: roomID, Content: "안녕하세요", Source: surface}, nil)
	return err
}

// After linking, the day's token allowance is the account's on every
// surface, the tokens its Telegram account spent before the link included.
func TestLinkedSurfacesShareTheTokenAllowance(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newLimitsEnv(t, db, func(c *engine.Config) { c.Limits.TokensPerDay = 1000 })
		webRoom := env.newRoom(t, env.alice)
		tg, tgRoom := linkedTelegram(t, env, env.alice, "901", func(bot *engine.User, room *engine.Room) {
			if err := playAs(env, bot, room.ID, engine.SourceTelegram, 499); err != nil { // 500 with the completion
				t.Fatal(err)
			}
		})
		if err := playAs(env, env.alice, webRoom.ID, engine.SourceWeb, 299); err != nil { // 800 used
			t.Fatal(err)
		}
		if err := playAs(env, tg, tgRoom.ID, engine.SourceTelegram, 299); err != nil { // 1100 used
			t.Fatal(err)
		}
		// Spent: refused on both surfaces.
		wantCode(t, playAs(env, env.alice, webRoom.ID, engine.SourceWeb, 1), engine.CodeRateLimited)
		wantCode(t, playAs(env, tg, tgRoom.ID, engine.SourceTelegram, 1), engine.CodeRateLimited)
		// Bob, unlinked, has his own.
		if err := playAs(env, env.bob, env.newRoom(t, env.bob).ID, engine.SourceWeb, 10); err != nil {
			t.Fatal(err)
		}
	})
}

// After linking, the turn rate is the account's on every surface: web and
// Telegram turns count against one limits.turns_per_minute, the Telegram
// account's turns of the minute before the link included, with the limiter
// chatplay serve uses on each database (in memory on SQLite).
func TestLinkedSurfacesShareTheTurnRate(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newLimitsEnv(t, db, func(c *engine.Config) { c.Limits.TurnsPerMinute = 3 })
		webRoom := env.newRoom(t, env.alice)
		tg, tgRoom := linkedTelegram(t, env, env.alice, "902", func(bot *engine.User, room *engine.Room) {
			if err := playAs(env, bot, room.ID, engine.SourceTelegram, 10); err != nil {
				t.Fatal(err)
			}
		})
		if err := playAs(env, tg, tgRoom.ID, engine.SourceTelegram, 10); err != nil {
			t.Fatal(err)
		}
		if err := playAs(env, tg, webRoom.ID, engine.SourceTelegram, 10); err != nil { // the web's room, from Telegram
			t.Fatal(err)
		}
		e := wantCode(t, playAs(env, env.alice, tgRoom.ID, engine.SourceWeb, 10), engine.CodeRateLimited)
		if e.RetryAfter <= 0 || e.RetryAfter > time.Minute {
			t.Errorf("RetryAfter = %v", e.RetryAfter)
		}
		wantCode(t, playAs(env, tg, tgRoom.ID, engine.SourceTelegram, 10), engine.CodeRateLimited)
		if err := playAs(env, env.bob, env.newRoom(t, env.bob).ID, engine.SourceWeb, 10); err != nil {
			t.Fatal(err)
		}
	})
}
