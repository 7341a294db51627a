package engine_test

import (
	"context"
	"testing"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

func TestBindRoomOwnership(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		ctx := context.Background()
		room := env.newRoom(t, env.alice)

		// Bob cannot bind Alice's room, and finds nothing where Alice bound it.
		wantCode(t, env.eng.BindRoom(ctx, env.bob.ID, room.ID, engine.ProviderDiscord, "thread:7"), engine.CodeNotFound)
		if err := env.eng.BindRoom(ctx, env.alice.ID, room.ID, engine.ProviderDiscord, "thread:7"); err != nil {
			t.Fatal(err)
		}
		_, err := env.eng.BoundRoom(ctx, env.bob.ID, engine.ProviderDiscord, "thread:7")
		wantCode(t, err, engine.CodeNotFound)
		got, err := env.eng.BoundRoom(ctx, env.alice.ID, engine.ProviderDiscord, "thread:7")
		if err != nil || got.ID != room.ID {
			t.Fatalf("bound room = %v, %v", got, err)
		}
		wantCode(t, env.eng.BindRoom(ctx, env.alice.ID, room.ID, "irc", "x"), engine.CodeInvalid)
		wantCode(t, env.eng.BindRoom(ctx, env.alice.ID, room.ID, engine.ProviderDiscord, " "), engine.CodeInvalid)

		if err := env.eng.UnbindRoom(ctx, env.alice.ID, engine.ProviderDiscord, "thread:7"); err != nil {
			t.Fatal(err)
		}
		_, err = env.eng.BoundRoom(ctx, env.alice.ID, engine.ProviderDiscord, "thread:7")
		wantCode(t, err, engine.CodeNotFound)

		ok, err := env.eng.ClaimEvent(ctx, engine.ProviderTelegram, "77")
		if err != nil || !ok {
			t.Fatalf("first claim: %v %v", ok, err)
		}
		if ok, _ := env.eng.ClaimEvent(ctx, engine.ProviderTelegram, "77"); ok {
			t.Fatal("an event was claimed twice")
		}
	})
}

func TestCreateUser(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		ctx := context.Background()
		u, err := env.eng.CreateUser(ctx, engine.NewUser{Email: "  Kim@Example.COM ", PasswordHash: "$argon2id$x", Locale: "ko-KR"})
		if err != nil {
			t.Fatal(err)
		}
		if *u.Email != "kim@example.com" || u.Locale != "ko" || u.DisplayName != "kim" {
			t.Fatalf("user = %+v", u)
		}
		_, err = env.eng.CreateUser(ctx, engine.NewUser{Email: "KIM@example.com", PasswordHash: "$argon2id$y"})
		if e := wantCode(t, err, engine.CodeConflict); e.Field != "email" {
			t.Fatalf("field = %q", e.Field)
		}
		for _, bad := range []string{"", "kim", "@example.com", "kim@", "kim@localhost", "a b@example.com"} {
			_, err := env.eng.CreateUser(ctx, engine.NewUser{Email: bad, PasswordHash: "h"})
			wantCode(t, err, engine.CodeInvalid)
		}
		found, err := env.eng.FindUserByEmail(ctx, "KIM@example.com")
		if err != nil || found.ID != u.ID {
			t.Fatalf("find by email: %v %v", found, err)
		}
		if err := env.eng.DeleteUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		_, err = env.eng.FindUser(ctx, u.ID)
		wantCode(t, err, engine.CodeNotFound)
	})
}

func TestNormalizeLocale(t *testing.T) {
	for in, want := range map[string]string{"ko": "ko", "ko-KR": "ko", "ja_JP": "ja", "EN-us": "en", "fr": "en", "": "en"} {
		if got := engine.NormalizeLocale(in); got != want {
			t.Errorf("NormalizeLocale(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPruneEventsKeepsRecent(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		ctx := context.Background()
		if _, err := env.eng.ClaimEvent(ctx, engine.ProviderDiscord, "interaction:1"); err != nil {
			t.Fatal(err)
		}
		if n, err := env.eng.PruneEvents(ctx); err != nil || n != 0 {
			t.Fatalf("pruned %d (%v): a fresh event must be kept", n, err)
		}
		if ok, _ := env.eng.ClaimEvent(ctx, engine.ProviderDiscord, "interaction:1"); ok {
			t.Fatal("a kept event was claimed again")
		}
	})
}
