package sqlstore_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

func TestUserCRUD(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		u := mustCreateUser(t, db, "Ada@Example.COM")
		if u.ID == 0 || u.CreatedAt.IsZero() {
			t.Fatalf("CreateUser left ID %d, CreatedAt %v", u.ID, u.CreatedAt)
		}
		if *u.Email != "ada@example.com" {
			t.Errorf("Email = %q, want it stored in lower case", *u.Email)
		}

		byID, err := db.FindUserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(byID, u) {
			t.Errorf("FindUserByID = %+v, want %+v", byID, u)
		}
		byEmail, err := db.FindUserByEmail(ctx, "ADA@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if byEmail.ID != u.ID {
			t.Errorf("FindUserByEmail found user %d, want %d", byEmail.ID, u.ID)
		}

		u.Email = ptr("Ada.Lovelace@Example.com")
		u.PasswordHash = nil
		u.DisplayName = "Ada L."
		u.Locale = "ko"
		if err := db.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindUserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := &engine.User{ID: u.ID, Email: ptr("ada.lovelace@example.com"), DisplayName: "Ada L.", Locale: "ko", CreatedAt: u.CreatedAt}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("after UpdateUser: %+v, want %+v", got, want)
		}
		if _, err := db.FindUserByEmail(ctx, "ada@example.com"); err == nil {
			t.Error("the old email still finds the user")
		}

		_, err = db.FindUserByID(ctx, u.ID+1000)
		wantNotFound(t, "FindUserByID(unknown)", err)
		_, err = db.FindUserByEmail(ctx, "nobody@example.com")
		wantNotFound(t, "FindUserByEmail(unknown)", err)
		wantNotFound(t, "UpdateUser(unknown)", db.UpdateUser(ctx, &engine.User{ID: u.ID + 1000}))

		if err := db.DeleteUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		_, err = db.FindUserByID(ctx, u.ID)
		wantNotFound(t, "FindUserByID(deleted)", err)
		wantNotFound(t, "DeleteUser(deleted)", db.DeleteUser(ctx, u.ID))
	})
}

func TestUsersWithoutEmail(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		a, b := mustCreateUser(t, db, ""), mustCreateUser(t, db, "")
		if a.ID == b.ID || a.Email != nil || a.PasswordHash != nil {
			t.Errorf("two bot users: %+v, %+v", a, b)
		}
	})
}

func TestEmailTakenIsConflict(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		mustCreateUser(t, db, "taken@example.com")

		err := db.CreateUser(ctx, &engine.User{Email: ptr("TAKEN@example.com"), DisplayName: "Copy", Locale: "en"})
		if e := engine.AsError(err); err == nil || e.Code != engine.CodeConflict || e.Message != "This email address is already registered." {
			t.Errorf("CreateUser(taken email) = %v, want a conflict saying the email is registered", err)
		}

		other := mustCreateUser(t, db, "other@example.com")
		other.Email = ptr("Taken@Example.com")
		if err := db.UpdateUser(ctx, other); engine.ErrorCode(err) != engine.CodeConflict {
			t.Errorf("UpdateUser(taken email) = %v, want a conflict", err)
		}
		if got, _ := db.FindUserByID(ctx, other.ID); got == nil || *got.Email != "other@example.com" {
			t.Errorf("after the failed update: %+v, want the email unchanged", got)
		}
	})
}

func TestEnsureIdentityUser(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		id := &engine.Identity{Provider: engine.ProviderTelegram, Subject: "424242", Username: "kim"}
		u, created, err := db.EnsureIdentityUser(ctx, id, &engine.User{DisplayName: "Kim", Locale: "ko"})
		if err != nil || !created {
			t.Fatalf("first contact: created %v, err %v; want a new user", created, err)
		}
		if u.ID == 0 || id.UserID != u.ID || id.CreatedAt.IsZero() {
			t.Errorf("first contact left user %+v, identity %+v", u, id)
		}

		again, created, err := db.EnsureIdentityUser(ctx,
			&engine.Identity{Provider: engine.ProviderTelegram, Subject: "424242", Username: "kim2"},
			&engine.User{DisplayName: "Someone else", Locale: "en"})
		if err != nil || created || again.ID != u.ID || again.DisplayName != "Kim" {
			t.Errorf("second contact = %+v, created %v, err %v; want user %d unchanged", again, created, err, u.ID)
		}

		// The same subject on another platform is another person.
		discord, created, err := db.EnsureIdentityUser(ctx,
			&engine.Identity{Provider: engine.ProviderDiscord, Subject: "424242", Username: "kim#1"},
			&engine.User{DisplayName: "Kim on Discord", Locale: "en"})
		if err != nil || !created || discord.ID == u.ID {
			t.Errorf("discord contact = %+v, created %v, err %v; want a new user", discord, created, err)
		}

		ids, err := db.ListIdentities(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []*engine.Identity{{UserID: u.ID, Provider: engine.ProviderTelegram, Subject: "424242", Username: "kim", CreatedAt: id.CreatedAt}}
		if !reflect.DeepEqual(ids, want) {
			t.Errorf("ListIdentities = %+v, want %+v", ids, want)
		}
		if n := countRows(t, db, "users", "TRUE"); n != 2 {
			t.Errorf("%d users, want 2", n)
		}
	})
}

// TestEnsureIdentityUserConcurrent makes 8 first contacts of one platform
// account at once, for a few accounts in turn: exactly one user may come of
// each. (Later rounds find the connection pool warm, so more callers overlap.)
func TestEnsureIdentityUserConcurrent(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		const rounds, callers = 3, 8
		for round := range rounds {
			subject := fmt.Sprint(90000 + round)
			var (
				start   = make(chan struct{})
				wg      sync.WaitGroup
				users   [callers]*engine.User
				created [callers]bool
				errs    [callers]error
			)
			for i := range callers {
				wg.Go(func() {
					<-start
					id := &engine.Identity{Provider: engine.ProviderDiscord, Subject: subject, Username: "racer"}
					u := &engine.User{DisplayName: fmt.Sprintf("caller %d", i), Locale: "en"}
					users[i], created[i], errs[i] = db.EnsureIdentityUser(context.Background(), id, u)
				})
			}
			close(start)
			wg.Wait()

			creators := 0
			for i := range callers {
				if errs[i] != nil {
					t.Fatalf("subject %s, caller %d: %v", subject, i, errs[i])
				}
				if created[i] {
					creators++
				}
				if users[i].ID != users[0].ID {
					t.Errorf("subject %s: caller %d got user %d, caller 0 got %d", subject, i, users[i].ID, users[0].ID)
				}
			}
			if creators != 1 {
				t.Errorf("subject %s: %d callers created the user, want 1", subject, creators)
			}
		}
		if n := countRows(t, db, "users", "TRUE"); n != rounds {
			t.Errorf("%d users in the table, want %d", n, rounds)
		}
	})
}

// TestDeleteUserCascades deletes a user with everything a user can own, and
// checks that it all goes while another user's data stays.
func TestDeleteUserCascades(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		var day string // of the calls, UTC
		populate := func(subject string) *engine.User {
			u, _, err := db.EnsureIdentityUser(ctx,
				&engine.Identity{Provider: engine.ProviderTelegram, Subject: subject},
				&engine.User{DisplayName: subject, Locale: "ko"})
			if err != nil {
				t.Fatal(err)
			}
			room := mustCreateRoom(t, db, u, "room of "+subject)
			mustCreateMessage(t, db, room, engine.RoleUser, "안녕하세요")
			reply := &engine.Message{RoomID: room.ID, Role: engine.RoleAssistant, Status: engine.StatusPending, Source: engine.SourceTelegram}
			if err := db.CreateMessage(ctx, reply); err != nil {
				t.Fatal(err)
			}
			reply.Content, reply.Status = "어서 오세요!", engine.StatusComplete
			call := &engine.LLMCall{RoomID: room.ID, UserID: u.ID, Model: "gpt-4o-mini", PromptTokens: 10, CompletionTokens: 5, Attempts: 1, Status: engine.StatusComplete}
			if err := db.FinishReply(ctx, reply, call); err != nil {
				t.Fatal(err)
			}
			day = call.CreatedAt.Format("2006-01-02")
			return u
		}
		gone, kept := populate("1"), populate("2")

		if err := db.DeleteUser(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		for _, check := range []struct{ table, where string }{
			{"identities", "user_id = ?"},
			{"rooms", "owner_id = ?"},
			{"messages", "room_id IN (SELECT id FROM rooms WHERE owner_id = ?)"},
			{"llm_calls", "user_id = ?"},
			{"usage_daily", "user_id = ?"},
		} {
			if n := countRows(t, db, check.table, check.where, gone.ID); n != 0 {
				t.Errorf("%d %s rows of the deleted user remain", n, check.table)
			}
			if n := countRows(t, db, check.table, check.where, kept.ID); n == 0 {
				t.Errorf("the other user's %s rows are gone", check.table)
			}
		}
		if n := countRows(t, db, "messages", "TRUE"); n != 2 {
			t.Errorf("%d messages remain, want the other user's 2", n)
		}
		if used, err := tokensUsed(t, db, kept.ID, day); err != nil || used != 15 {
			t.Errorf("TokensUsed(other user) = %d, %v; want 15", used, err)
		}
	})
}

// UpdateUserLocale writes the locale and nothing else.
func TestUpdateUserLocale(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		u := mustCreateUser(t, db, "locale@example.com")
		got, err := db.UpdateUserLocale(ctx, u.ID, "de")
		if err != nil {
			t.Fatal(err)
		}
		want := *u
		want.Locale = "de"
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("UpdateUserLocale = %+v, want %+v", *got, want)
		}
		if reread, err := db.FindUserByID(ctx, u.ID); err != nil || !reflect.DeepEqual(*reread, want) {
			t.Errorf("stored = %+v, %v; want %+v", reread, err, want)
		}
		_, err = db.UpdateUserLocale(ctx, u.ID+1000, "ja")
		wantNotFound(t, "UpdateUserLocale(unknown user)", err)
	})
}
