package engine_test

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// linkCodeShape is what a link code looks like: three groups of an alphabet
// without 0, O, 1 and I.
var linkCodeShape = regexp.MustCompile(`^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}$`)

// botUser returns the bot-only user of a Telegram account.
func botUser(t *testing.T, env *testEnv, subject string) *engine.User {
	t.Helper()
	u, err := env.eng.EnsureIdentityUser(context.Background(), engine.ProviderTelegram, subject, "tg"+subject, "TG "+subject, "en")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// wantReason fails unless err carries code and reason.
func wantReason(t testing.TB, err error, code engine.Code, reason engine.Reason) {
	t.Helper()
	if e := wantCode(t, err, code); e != nil && e.Reason != reason {
		t.Fatalf("reason = %q, want %q (%v)", e.Reason, reason, err)
	}
}

func TestLinkCodeShape(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		seen := map[string]bool{}
		for range 20 {
			before := time.Now()
			code, expires, err := env.eng.CreateLinkCode(context.Background(), env.alice.ID)
			after := time.Now()
			if err != nil {
				t.Fatal(err)
			}
			if !linkCodeShape.MatchString(code) || seen[code] {
				t.Fatalf("code %q: wrong shape or seen before", code)
			}
			seen[code] = true
			// LinkCodeTTL from a moment of the call, however long it took
			// (a second off below: the stored time may be truncated).
			if expires.Before(before.Add(engine.LinkCodeTTL-time.Second)) || expires.After(after.Add(engine.LinkCodeTTL)) {
				t.Fatalf("expires at %v, want %v after a moment between %v and %v", expires, engine.LinkCodeTTL, before, after)
			}
		}
		// Only a web account makes codes for itself.
		bot := botUser(t, env, "1")
		_, _, err := env.eng.CreateLinkCode(context.Background(), bot.ID)
		wantReason(t, err, engine.CodeConflict, engine.ReasonNotWebAccount)
	})
}

func TestRedeemLinkCodeMergesBotUser(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		env := newEnv(t, db, nil)
		bot := botUser(t, env, "100")
		room := env.newRoom(t, bot)
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"네"}, PromptTokens: 50, CompletionTokens: 3})
		if _, err := env.eng.SendMessage(ctx, engine.TurnInput{UserID: bot.ID, RoomID: room.ID, Content: "안녕하세요", Source: engine.SourceTelegram}, nil); err != nil {
			t.Fatal(err)
		}
		if err := env.eng.BindRoom(ctx, bot.ID, room.ID, engine.ProviderTelegram, "chat-100"); err != nil {
			t.Fatal(err)
		}

		code, _, err := env.eng.CreateLinkCode(ctx, env.alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		typed := strings.ToLower(strings.ReplaceAll(code, "-", " ")) // as a person might type it
		id, err := env.eng.RedeemLinkCode(ctx, engine.ProviderTelegram, "100", typed)
		if err != nil {
			t.Fatal(err)
		}
		if id.UserID != env.alice.ID || id.LinkedAt == nil {
			t.Fatalf("identity = %+v", id)
		}
		// The bot user is gone; its room, history, usage and binding are alice's.
		wantCode(t, func() error { _, err := env.eng.FindUser(ctx, bot.ID); return err }(), engine.CodeNotFound)
		if msgs := env.history(t, env.alice, room.ID); len(msgs) != 2 || msgs[0].Source != engine.SourceTelegram {
			t.Fatalf("alice's history of the merged room = %s", dump(msgs))
		}
		usage, err := env.eng.ListUsage(ctx, env.alice.ID, 1)
		if err != nil || len(usage) != 1 || usage[0].PromptTokens != 50 {
			t.Fatalf("alice's usage = %+v, %v", usage, err)
		}
		if u, err := env.eng.FindIdentityUser(ctx, engine.ProviderTelegram, "100"); err != nil || u.ID != env.alice.ID {
			t.Fatalf("the telegram account is user %v (%v), want alice", u, err)
		}
		if b, err := db.FindBinding(ctx, engine.ProviderTelegram, "chat-100", env.alice.ID); err != nil || b.RoomID != room.ID {
			t.Fatalf("binding = %+v, %v", b, err)
		}

		// The code is used; linking the same identity again changes nothing.
		_, err = env.eng.RedeemLinkCode(ctx, engine.ProviderTelegram, "100", code)
		wantReason(t, err, engine.CodeInvalid, engine.ReasonLinkCode)
		code2, _, _ := env.eng.CreateLinkCode(ctx, env.alice.ID)
		again, err := env.eng.RedeemLinkCode(ctx, engine.ProviderTelegram, "100", code2)
		if err != nil || again.UserID != env.alice.ID || !again.LinkedAt.Equal(*id.LinkedAt) {
			t.Fatalf("second link: %+v, %v", again, err)
		}
		ids, err := env.eng.ListIdentities(ctx, env.alice.ID)
		if err != nil || len(ids) != 1 {
			t.Fatalf("alice's identities = %d, %v", len(ids), err)
		}
	})
}

func TestRedeemIdentityLinkCode(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		env := newEnv(t, db, nil)
		bot := botUser(t, env, "200")
		room := env.newRoom(t, bot)
		code, _, err := env.eng.CreateIdentityLinkCode(ctx, engine.ProviderTelegram, "200")
		if err != nil || !linkCodeShape.MatchString(code) {
			t.Fatalf("code %q, %v", code, err)
		}
		// A code of an identity is redeemed by a web account, never by another identity.
		botUser(t, env, "201")
		_, err = env.eng.RedeemLinkCode(ctx, engine.ProviderTelegram, "201", code)
		wantReason(t, err, engine.CodeInvalid, engine.ReasonLinkCode)

		id, err := env.eng.RedeemIdentityLinkCode(ctx, env.alice.ID, code)
		if err != nil || id.UserID != env.alice.ID {
			t.Fatalf("redeem: %+v, %v", id, err)
		}
		if _, err := env.eng.FindRoom(ctx, env.alice.ID, room.ID); err != nil {
			t.Fatalf("alice cannot see the merged room: %v", err)
		}
		_, err = env.eng.RedeemIdentityLinkCode(ctx, env.bob.ID, code)
		wantReason(t, err, engine.CodeInvalid, engine.ReasonLinkCode)
	})
}

// TestLinkBOLA: a code cannot move anyone's data to someone who should not
// have it. The direction that matters is an identity's data going to a web
// account: a web account's own code is useless to another web account, and
// an identity of one web account cannot be taken by another.
func TestLinkBOLA(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		env := newEnv(t, db, nil)
		botUser(t, env, "300")
		// A reverse code made while the identity was bot-only, then the
		// identity links to alice: bob, holding the old code, gets nothing.
		stale, _, err := env.eng.CreateIdentityLinkCode(ctx, engine.ProviderTelegram, "300")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.eng.LinkIdentity(ctx, env.alice.ID, engine.ProviderTelegram, "300"); err != nil {
			t.Fatal(err)
		}
		aliceRoom := env.newRoom(t, env.alice)
		_, err = env.eng.RedeemIdentityLinkCode(ctx, env.bob.ID, stale)
		wantReason(t, err, engine.CodeConflict, engine.ReasonLinkedElsewhere)
		// Bob's own code typed by alice's Telegram account: refused too.
		bobCode, _, _ := env.eng.CreateLinkCode(ctx, env.bob.ID)
		_, err = env.eng.RedeemLinkCode(ctx, engine.ProviderTelegram, "300", bobCode)
		wantReason(t, err, engine.CodeConflict, engine.ReasonLinkedElsewhere)
		// Alice's code redeemed by bob's web account: a code for the other direction.
		aliceCode, _, _ := env.eng.CreateLinkCode(ctx, env.alice.ID)
		_, err = env.eng.RedeemIdentityLinkCode(ctx, env.bob.ID, aliceCode)
		wantReason(t, err, engine.CodeInvalid, engine.ReasonLinkCode)
		// Alice still owns everything, and the refused tries left her code usable.
		if u, _ := env.eng.FindIdentityUser(ctx, engine.ProviderTelegram, "300"); u == nil || u.ID != env.alice.ID {
			t.Fatalf("the identity moved: %+v", u)
		}
		if _, err := env.eng.FindRoom(ctx, env.bob.ID, aliceRoom.ID); err == nil {
			t.Fatal("bob sees alice's room")
		}
		botUser(t, env, "301")
		_, err = env.eng.RedeemLinkCode(ctx, engine.ProviderTelegram, "301", aliceCode)
		wantReason(t, err, engine.CodeConflict, engine.ReasonProviderLinked) // alice has a telegram account already
	})
}

func TestLinkRefusals(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		env := newEnv(t, db, nil)
		botUser(t, env, "400")
		botUser(t, env, "401")
		if _, err := env.eng.LinkIdentity(ctx, env.alice.ID, engine.ProviderTelegram, "400"); err != nil {
			t.Fatal(err)
		}
		// A second identity of one provider.
		_, err := env.eng.LinkIdentity(ctx, env.alice.ID, engine.ProviderTelegram, "401")
		wantReason(t, err, engine.CodeConflict, engine.ReasonProviderLinked)
		// An identity linked to another web account.
		_, err = env.eng.LinkIdentity(ctx, env.bob.ID, engine.ProviderTelegram, "400")
		wantReason(t, err, engine.CodeConflict, engine.ReasonLinkedElsewhere)
		// Wrong and malformed codes.
		for _, code := range []string{"ABCD-EFGH-JK", "hello", "", "ABCD-EFGH-J0"} {
			_, err = env.eng.RedeemLinkCode(ctx, engine.ProviderTelegram, "401", code)
			wantReason(t, err, engine.CodeInvalid, engine.ReasonLinkCode)
		}

		// An expired code, on an engine whose clock is past the code's life.
		var mu sync.Mutex
		clock := time.Now()
		later := engine.New(engine.DefaultConfig(), engine.Deps{Store: db, Logger: slog.New(slog.DiscardHandler),
			Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }})
		code, _, err := later.CreateLinkCode(ctx, env.bob.ID)
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		clock = clock.Add(engine.LinkCodeTTL)
		mu.Unlock()
		_, err = later.RedeemLinkCode(ctx, engine.ProviderTelegram, "401", code)
		wantReason(t, err, engine.CodeInvalid, engine.ReasonLinkCode)
		mu.Lock()
		clock = clock.Add(-time.Microsecond) // the last instant of its life
		mu.Unlock()
		if _, err := later.RedeemLinkCode(ctx, engine.ProviderTelegram, "401", code); err != nil {
			t.Fatalf("a code redeemed just before it expires: %v", err)
		}
	})
}

func TestLinkAttemptsLimited(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		env := newEnv(t, db, nil)
		botUser(t, env, "500")
		botUser(t, env, "501")
		good, _, _ := env.eng.CreateLinkCode(ctx, env.alice.ID)
		for i := range engine.LinkAttemptsPerIdentity {
			_, err := env.eng.RedeemLinkCode(ctx, engine.ProviderTelegram, "500", fmt.Sprintf("ABCD-EFGH-%c%c", 'K'+i%8, 'M'))
			wantReason(t, err, engine.CodeInvalid, engine.ReasonLinkCode)
		}
		_, err := env.eng.RedeemLinkCode(ctx, engine.ProviderTelegram, "500", good)
		if e := wantCode(t, err, engine.CodeRateLimited); e != nil && e.RetryAfter <= 0 {
			t.Fatalf("retry after %v", e.RetryAfter)
		}
		// Another identity is not held back, and the good code was not used up.
		if _, err := env.eng.RedeemLinkCode(ctx, engine.ProviderTelegram, "501", good); err != nil {
			t.Fatal(err)
		}
		// A web account trying identities' codes has the same limit.
		for range engine.LinkAttemptsPerIdentity {
			_, err := env.eng.RedeemIdentityLinkCode(ctx, env.bob.ID, "ABCD-EFGH-JK")
			wantReason(t, err, engine.CodeInvalid, engine.ReasonLinkCode)
		}
		_, err = env.eng.RedeemIdentityLinkCode(ctx, env.bob.ID, "ABCD-EFGH-JK")
		wantCode(t, err, engine.CodeRateLimited)
	})
}

func TestUnlinkIdentity(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		env := newEnv(t, db, nil)
		bot := botUser(t, env, "600")
		room := env.newRoom(t, bot)
		if err := env.eng.BindRoom(ctx, bot.ID, room.ID, engine.ProviderTelegram, "chat-600"); err != nil {
			t.Fatal(err)
		}
		if _, err := env.eng.LinkIdentity(ctx, env.alice.ID, engine.ProviderTelegram, "600"); err != nil {
			t.Fatal(err)
		}
		id, err := env.eng.UnlinkIdentity(ctx, env.alice.ID, engine.ProviderTelegram)
		if err != nil {
			t.Fatal(err)
		}
		if id.UserID == env.alice.ID || id.LinkedAt != nil {
			t.Fatalf("unlinked identity = %+v", id)
		}
		fresh, err := env.eng.FindIdentityUser(ctx, engine.ProviderTelegram, "600")
		if err != nil || fresh.ID != id.UserID || fresh.Email != nil {
			t.Fatalf("the identity's user = %+v, %v", fresh, err)
		}
		if n, _ := db.CountRooms(ctx, fresh.ID); n != 0 {
			t.Fatalf("the fresh user has %d rooms", n)
		}
		if _, err := env.eng.FindRoom(ctx, env.alice.ID, room.ID); err != nil {
			t.Fatalf("the room left alice: %v", err)
		}
		if _, err := db.FindBinding(ctx, engine.ProviderTelegram, "chat-600", env.alice.ID); err == nil {
			t.Fatal("alice's telegram binding survived the unlink")
		}
		if ids, _ := env.eng.ListIdentities(ctx, env.alice.ID); len(ids) != 0 {
			t.Fatalf("alice still has %d identities", len(ids))
		}
		_, err = env.eng.UnlinkIdentity(ctx, env.alice.ID, engine.ProviderTelegram)
		wantCode(t, err, engine.CodeNotFound)
		// A bot-only user cannot shed its only identity.
		_, err = env.eng.UnlinkIdentity(ctx, fresh.ID, engine.ProviderTelegram)
		wantReason(t, err, engine.CodeConflict, engine.ReasonNotWebAccount)
		// Linked again, the identity brings nothing back but itself.
		if _, err := env.eng.LinkIdentity(ctx, env.alice.ID, engine.ProviderTelegram, "600"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestNewLinkCodeReplacesOld: a party has one live code at a time, so that
// asking again and again does not pile up codes to guess.
func TestNewLinkCodeReplacesOld(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		env := newEnv(t, db, nil)
		botUser(t, env, "700")
		old, _, _ := env.eng.CreateLinkCode(ctx, env.alice.ID)
		bobs, _, _ := env.eng.CreateLinkCode(ctx, env.bob.ID)
		newer, _, _ := env.eng.CreateLinkCode(ctx, env.alice.ID)
		_, err := env.eng.RedeemLinkCode(ctx, engine.ProviderTelegram, "700", old)
		wantReason(t, err, engine.CodeInvalid, engine.ReasonLinkCode)
		if _, err := env.eng.RedeemLinkCode(ctx, engine.ProviderTelegram, "700", newer); err != nil {
			t.Fatal(err)
		}
		botUser(t, env, "701")
		if _, err := env.eng.RedeemLinkCode(ctx, engine.ProviderTelegram, "701", bobs); err != nil {
			t.Fatalf("bob's code was voided by alice's: %v", err)
		}
	})
}
