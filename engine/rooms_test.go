package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

func TestRoomsOwnership(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		ctx := context.Background()
		room := env.newRoom(t, env.alice)

		// Bob meets "not found" on every operation on Alice's room.
		_, err := env.eng.FindRoom(ctx, env.bob.ID, room.ID)
		wantCode(t, err, engine.CodeNotFound)
		title := "mine now"
		_, err = env.eng.UpdateRoom(ctx, env.bob.ID, room.ID, engine.RoomUpdate{Title: &title})
		wantCode(t, err, engine.CodeNotFound)
		wantCode(t, env.eng.DeleteRoom(ctx, env.bob.ID, room.ID), engine.CodeNotFound)
		wantCode(t, env.eng.ResetRoom(ctx, env.bob.ID, room.ID), engine.CodeNotFound)
		_, _, err = env.eng.ListMessages(ctx, env.bob.ID, room.ID, engine.Page{})
		wantCode(t, err, engine.CodeNotFound)
		_, err = env.eng.SendMessage(ctx, engine.TurnInput{UserID: env.bob.ID, RoomID: room.ID, Content: "hi", Source: engine.SourceWeb}, nil)
		wantCode(t, err, engine.CodeNotFound)
		_, err = env.eng.Regenerate(ctx, env.bob.ID, room.ID, engine.SourceWeb, nil)
		wantCode(t, err, engine.CodeNotFound)
		_, err = env.eng.OpenScene(ctx, env.bob.ID, room.ID, engine.SourceWeb, nil)
		wantCode(t, err, engine.CodeNotFound)
		rooms, _, err := env.eng.ListRooms(ctx, env.bob.ID, engine.Page{})
		if err != nil || len(rooms) != 0 {
			t.Fatalf("bob lists %d rooms (%v), want none", len(rooms), err)
		}
		if env.fake.Count() != 0 {
			t.Fatalf("the model was called %d times for another user's room", env.fake.Count())
		}

		// Alice's room is untouched.
		got, err := env.eng.FindRoom(ctx, env.alice.ID, room.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Coffee" || got.Situation != room.Situation {
			t.Fatalf("room changed: %+v", got)
		}
	})
}

func TestRoomCRUD(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		ctx := context.Background()
		def := cafe()
		def.Feedback = nil // the default
		room, err := env.eng.CreateRoom(ctx, env.alice.ID, def)
		if err != nil {
			t.Fatal(err)
		}
		if room.ID == 0 || room.OwnerID != env.alice.ID || room.CreatedAt.IsZero() || room.Model != nil ||
			room.Level != engine.LevelB1 || !room.Feedback || room.FeedbackHidden {
			t.Fatalf("created room = %+v, want the default level B1, feedback on and shown", room)
		}

		situation, large := "  buying a train ticket  ", "test-model-large"
		got, err := env.eng.UpdateRoom(ctx, env.alice.ID, room.ID, engine.RoomUpdate{Situation: &situation, Model: &large})
		if err != nil {
			t.Fatal(err)
		}
		if got.Situation != "buying a train ticket" || got.UserRole != "customer" || got.Model == nil || *got.Model != large {
			t.Fatalf("after a partial update: %+v", got)
		}
		reread, _ := env.eng.FindRoom(ctx, env.alice.ID, room.ID)
		if reread.Situation != "buying a train ticket" || *reread.Model != large || reread.BotRole != "barista" {
			t.Fatalf("stored after update: %+v", reread)
		}
		empty := ""
		got, err = env.eng.UpdateRoom(ctx, env.alice.ID, room.ID, engine.RoomUpdate{Model: &empty})
		if err != nil || got.Model != nil {
			t.Fatalf("resetting the model: %+v, %v", got, err)
		}

		// The level is patched in any case and stored in upper case; an
		// unknown one is refused by name and changes nothing.
		c1, off := " c1", false
		got, err = env.eng.UpdateRoom(ctx, env.alice.ID, room.ID, engine.RoomUpdate{Level: &c1, Feedback: &off})
		if err != nil || got.Level != engine.LevelC1 || got.Feedback {
			t.Fatalf("after setting level c1 and feedback off: %+v, %v", got, err)
		}
		for _, bad := range []string{"", "D1", "b 1"} {
			_, err = env.eng.UpdateRoom(ctx, env.alice.ID, room.ID, engine.RoomUpdate{Level: &bad})
			if e := wantCode(t, err, engine.CodeInvalid); e.Field != "level" {
				t.Errorf("level %q: invalid field %q, want level", bad, e.Field)
			}
		}
		if reread, _ := env.eng.FindRoom(ctx, env.alice.ID, room.ID); reread.Level != engine.LevelC1 || reread.Feedback {
			t.Fatalf("stored after the refused edits: %+v", reread)
		}

		// A room is created with the level and feedback asked for.
		in := cafe()
		in.Level, in.Feedback = "a2", &off
		made, err := env.eng.CreateRoom(ctx, env.alice.ID, in)
		if err != nil || made.Level != engine.LevelA2 || made.Feedback || made.FeedbackHidden {
			t.Fatalf("created with level a2 and feedback off: %+v, %v", made, err)
		}
		if reread, _ := env.eng.FindRoom(ctx, env.alice.ID, made.ID); reread.Level != engine.LevelA2 || reread.Feedback {
			t.Fatalf("stored: %+v", reread)
		}

		// Feedback shown behind a button: created and switched like feedback.
		hidden, shown := true, false
		in.FeedbackHidden = &hidden
		behind, err := env.eng.CreateRoom(ctx, env.alice.ID, in)
		if err != nil || !behind.FeedbackHidden {
			t.Fatalf("created with feedback hidden: %+v, %v", behind, err)
		}
		if reread, _ := env.eng.FindRoom(ctx, env.alice.ID, behind.ID); !reread.FeedbackHidden {
			t.Fatalf("feedback_hidden not stored: %+v", reread)
		}
		if got, err := env.eng.UpdateRoom(ctx, env.alice.ID, behind.ID, engine.RoomUpdate{FeedbackHidden: &shown}); err != nil || got.FeedbackHidden || got.Level != engine.LevelA2 {
			t.Fatalf("feedback_hidden switched off: %+v, %v", got, err)
		}
		if reread, _ := env.eng.FindRoom(ctx, env.alice.ID, behind.ID); reread.FeedbackHidden {
			t.Fatalf("feedback_hidden off not stored: %+v", reread)
		}

		if err := env.eng.DeleteRoom(ctx, env.alice.ID, room.ID); err != nil {
			t.Fatal(err)
		}
		_, err = env.eng.FindRoom(ctx, env.alice.ID, room.ID)
		wantCode(t, err, engine.CodeNotFound)
	})
}

func TestRoomValidation(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		lim := env.eng.Config().Limits
		ctx := context.Background()
		tests := []struct {
			name  string
			edit  func(*engine.RoomInput)
			field string // "" means valid
		}{
			{"valid", func(*engine.RoomInput) {}, ""},
			{"situation at its cap", func(in *engine.RoomInput) { in.Situation = strings.Repeat("가", lim.MaxSituationRunes) }, ""},
			{"situation over its cap", func(in *engine.RoomInput) { in.Situation = strings.Repeat("가", lim.MaxSituationRunes+1) }, "situation"},
			{"title at its cap", func(in *engine.RoomInput) { in.Title = strings.Repeat("t", lim.MaxTitleRunes) }, ""},
			{"title over its cap", func(in *engine.RoomInput) { in.Title = strings.Repeat("t", lim.MaxTitleRunes+1) }, "title"},
			{"user role at its cap", func(in *engine.RoomInput) { in.UserRole = strings.Repeat("r", lim.MaxRoleRunes) }, ""},
			{"user role over its cap", func(in *engine.RoomInput) { in.UserRole = strings.Repeat("r", lim.MaxRoleRunes+1) }, "user_role"},
			{"bot role over its cap", func(in *engine.RoomInput) { in.BotRole = strings.Repeat("r", lim.MaxRoleRunes+1) }, "bot_role"},
			{"no situation", func(in *engine.RoomInput) { in.Situation = "   " }, "situation"},
			{"no bot role", func(in *engine.RoomInput) { in.BotRole = "" }, "bot_role"},
			{"unknown language", func(in *engine.RoomInput) { in.Language = "xx" }, "language"},
			{"Japanese", func(in *engine.RoomInput) { in.Language = "ja" }, ""},
			{"control character", func(in *engine.RoomInput) { in.Situation = "a\x00b" }, "situation"},
			{"model off the allowlist", func(in *engine.RoomInput) { m := "gpt-5-pro"; in.Model = &m }, "model"},
			{"model on the allowlist", func(in *engine.RoomInput) { m := "test-model-large"; in.Model = &m }, ""},
			{"level A1", func(in *engine.RoomInput) { in.Level = "A1" }, ""},
			{"level in lower case", func(in *engine.RoomInput) { in.Level = " c2 " }, ""},
			{"unknown level", func(in *engine.RoomInput) { in.Level = "B3" }, "level"},
			{"level that is not CEFR", func(in *engine.RoomInput) { in.Level = "beginner" }, "level"},
		}
		for _, tt := range tests {
			in := cafe()
			tt.edit(&in)
			_, err := env.eng.CreateRoom(ctx, env.alice.ID, in)
			if tt.field == "" {
				if err != nil {
					t.Errorf("%s: %v", tt.name, err)
				}
				continue
			}
			e := engine.AsError(err)
			if e == nil || e.Code != engine.CodeInvalid || e.Field != tt.field {
				t.Errorf("%s: error %v, want invalid %s", tt.name, err, tt.field)
			}
		}
	})
}

func TestRoomLimitAndPagination(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, func(c *engine.Config) { c.Limits.MaxRoomsPerUser = 5; c.Limits.MaxPageSize = 2 })
		ctx := context.Background()
		var ids []int64
		for range 5 {
			ids = append(ids, env.newRoom(t, env.alice).ID)
		}
		_, err := env.eng.CreateRoom(ctx, env.alice.ID, cafe())
		if e := wantCode(t, err, engine.CodeConflict); e.Reason != engine.ReasonRoomLimit {
			t.Fatalf("reason = %q", e.Reason)
		}

		// Pages are clamped to 2 and walk newest to oldest without gaps.
		var seen []int64
		cursor := ""
		for {
			rooms, next, err := env.eng.ListRooms(ctx, env.alice.ID, engine.Page{Limit: 50, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			if len(rooms) > 2 {
				t.Fatalf("page of %d rooms, want at most 2", len(rooms))
			}
			for _, r := range rooms {
				seen = append(seen, r.ID)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if len(seen) != 5 || seen[0] != ids[4] || seen[4] != ids[0] {
			t.Fatalf("listed %v, want %v newest first", seen, ids)
		}
		_, _, err = env.eng.ListRooms(ctx, env.alice.ID, engine.Page{Cursor: "abc"})
		wantCode(t, err, engine.CodeInvalid)
	})
}

func TestEnsureIdentityUser(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		ctx := context.Background()
		u1, err := env.eng.EnsureIdentityUser(ctx, engine.ProviderTelegram, "12345", "kim", "Kim", "ko")
		if err != nil {
			t.Fatal(err)
		}
		u2, err := env.eng.EnsureIdentityUser(ctx, engine.ProviderTelegram, "12345", "kim", "Kim", "ko")
		if err != nil || u2.ID != u1.ID {
			t.Fatalf("second contact: user %v (%v), want %d", u2, err, u1.ID)
		}
		u3, err := env.eng.EnsureIdentityUser(ctx, engine.ProviderDiscord, "12345", "kim", "Kim", "ko")
		if err != nil || u3.ID == u1.ID {
			t.Fatalf("same subject on another provider must be another user: %v (%v)", u3, err)
		}
		_, err = env.eng.EnsureIdentityUser(ctx, "myspace", "1", "", "", "")
		wantCode(t, err, engine.CodeInvalid)
	})
}

// TestConcurrentRoomEditsBothStick runs, round after round, two edits of one
// room at once, each changing a different field: both must be stored. An
// update that reads the room and writes every column back loses one of them
// whenever the two interleave.
func TestConcurrentRoomEditsBothStick(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		ctx := context.Background()
		room := env.newRoom(t, env.alice)
		const rounds = 100
		lost := 0
		for i := range rounds {
			title, situation := fmt.Sprintf("title %d", i), fmt.Sprintf("situation %d", i)
			start := make(chan struct{})
			errs := make(chan error, 2)
			for _, u := range []engine.RoomUpdate{{Title: &title}, {Situation: &situation}} {
				go func() {
					<-start
					_, err := env.eng.UpdateRoom(ctx, env.alice.ID, room.ID, u)
					errs <- err
				}()
			}
			close(start)
			for range 2 {
				if err := <-errs; err != nil {
					t.Fatalf("round %d: %v", i, err)
				}
			}
			got, err := env.eng.FindRoom(ctx, env.alice.ID, room.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Title != title || got.Situation != situation {
				lost++
			}
		}
		if lost > 0 {
			t.Fatalf("%d of %d rounds lost an edit", lost, rounds)
		}
	})
}

// TestRoomLimitHoldsUnderABurst creates many rooms for one user at once: no
// more than the limit may exist afterwards, and every refused create says why.
func TestRoomLimitHoldsUnderABurst(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		const max, creates = 3, 40
		env := newEnv(t, db, func(c *engine.Config) { c.Limits.MaxRoomsPerUser = max })
		ctx := context.Background()
		start := make(chan struct{})
		errs := make(chan error, creates)
		for range creates {
			go func() {
				<-start
				_, err := env.eng.CreateRoom(ctx, env.alice.ID, cafe())
				errs <- err
			}()
		}
		close(start)
		created := 0
		for range creates {
			err := <-errs
			if err == nil {
				created++
				continue
			}
			if e := engine.AsError(err); e == nil || e.Code != engine.CodeConflict || e.Reason != engine.ReasonRoomLimit {
				t.Errorf("a refused create: %v, want conflict %s", err, engine.ReasonRoomLimit)
			}
		}
		n, err := db.CountRooms(ctx, env.alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n != max || created != max {
			t.Fatalf("%d creates succeeded and %d rooms exist, want exactly %d", created, n, max)
		}
		// Bob's rooms do not count against Alice's limit.
		env.newRoom(t, env.bob)
	})
}
