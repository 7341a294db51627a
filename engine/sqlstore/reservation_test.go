package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// reserveUnder returns an admit func that admits while spent < allowance and
// records the spent it was shown.
func reserveUnder(allowance int64, seen *int64) func(int64) error {
	return func(spent int64) error {
		*seen = spent
		if spent >= allowance {
			return errRefused
		}
		return nil
	}
}

var errRefused = errors.New("refused")

// TestReserveTokens walks a reservation's life: held tokens count with used
// ones, only on their user and day and until they expire; a release and a
// FinishReply that settles it give them back.
func TestReserveTokens(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		alice, bob := mustCreateUser(t, db, "alice@example.com"), mustCreateUser(t, db, "bob@example.com")
		now := time.Now().UTC()
		day := now.Format(time.DateOnly)
		res := func(u *engine.User, tokens int64, expires time.Time) *engine.TokenReservation {
			return &engine.TokenReservation{UserID: u.ID, Day: day, Tokens: tokens, CreatedAt: now, ExpiresAt: expires}
		}
		var seen int64
		admit := reserveUnder(1000, &seen)

		first := res(alice, 600, now.Add(time.Hour))
		if err := db.ReserveTokens(ctx, first, admit); err != nil || first.ID == 0 || seen != 0 {
			t.Fatalf("first reservation: %v, id %d, saw %d spent; want admitted at 0", err, first.ID, seen)
		}
		second := res(alice, 600, now.Add(time.Hour))
		if err := db.ReserveTokens(ctx, second, admit); err != nil || seen != 600 {
			t.Fatalf("second reservation: %v, saw %d spent; want admitted at 600", err, seen)
		}
		third := res(alice, 1, now.Add(time.Hour))
		if err := db.ReserveTokens(ctx, third, admit); !errors.Is(err, errRefused) || seen != 1200 || third.ID != 0 {
			t.Fatalf("third reservation: %v, id %d, saw %d spent; want refused at 1200", err, third.ID, seen)
		}
		if n := countRows(t, db, "token_reservations", "user_id = ?", alice.ID); n != 2 {
			t.Fatalf("%d reservations stored, want 2 (a refused one is not)", n)
		}
		// Bob's and another day's tokens are not Alice's today.
		if err := db.ReserveTokens(ctx, res(bob, 10, now.Add(time.Hour)), admit); err != nil || seen != 0 {
			t.Fatalf("bob: %v, saw %d", err, seen)
		}
		other := &engine.TokenReservation{UserID: alice.ID, Day: "2000-01-01", Tokens: 5, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := db.ReserveTokens(ctx, other, admit); err != nil || seen != 0 {
			t.Fatalf("another day: %v, saw %d", err, seen)
		}

		// A release gives its tokens back; releasing twice is no error.
		if err := db.ReleaseTokens(ctx, second.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.ReleaseTokens(ctx, second.ID); err != nil {
			t.Fatalf("second release: %v", err)
		}
		// The reply settles its reservation: what was held becomes what was used.
		room := mustCreateRoom(t, db, alice, "Coffee")
		call := &engine.LLMCall{RoomID: room.ID, UserID: alice.ID, Model: "m", PromptTokens: 30, CompletionTokens: 20,
			Status: engine.StatusComplete, CreatedAt: now, ReservationID: first.ID}
		if err := db.FinishReply(ctx, pendingReply(t, db, room), call); err != nil {
			t.Fatal(err)
		}
		probe := res(alice, 1, now.Add(time.Hour))
		if err := db.ReserveTokens(ctx, probe, admit); err != nil || seen != 50 {
			t.Fatalf("after settling: %v, saw %d spent; want 50 (used, nothing held)", err, seen)
		}
		if err := db.ReleaseTokens(ctx, probe.ID); err != nil {
			t.Fatal(err)
		}

		// A reservation whose process died holds nothing once it expires.
		abandoned := res(alice, 5000, now.Add(time.Minute))
		if err := db.ReserveTokens(ctx, abandoned, admit); err != nil {
			t.Fatal(err)
		}
		later := &engine.TokenReservation{UserID: alice.ID, Day: day, Tokens: 1, CreatedAt: now.Add(time.Minute), ExpiresAt: now.Add(time.Hour)}
		if err := db.ReserveTokens(ctx, later, admit); err != nil || seen != 50 {
			t.Fatalf("after the abandoned reservation expired: %v, saw %d spent; want 50", err, seen)
		}
		if n := countRows(t, db, "token_reservations", "id = ?", abandoned.ID); n != 0 {
			t.Error("an expired reservation was kept")
		}

		err := db.ReserveTokens(ctx, &engine.TokenReservation{UserID: 12345, Day: day, Tokens: 1, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}, admit)
		wantNotFound(t, "ReserveTokens(unknown user)", err)
	})
}

// TestReserveTokensConcurrently reserves 600 tokens twenty times at once
// under a rule that admits while less than 1000 are spent: exactly two fit,
// whatever the interleaving.
func TestReserveTokensConcurrently(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		alice := mustCreateUser(t, db, "alice@example.com")
		now := time.Now().UTC()
		const n = 20
		start := make(chan struct{})
		errs := make(chan error, n)
		for range n {
			go func() {
				<-start
				r := &engine.TokenReservation{UserID: alice.ID, Day: now.Format(time.DateOnly), Tokens: 600, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
				errs <- db.ReserveTokens(ctx, r, func(spent int64) error {
					if spent >= 1000 {
						return errRefused
					}
					return nil
				})
			}()
		}
		close(start)
		admitted := 0
		for range n {
			switch err := <-errs; {
			case err == nil:
				admitted++
			case !errors.Is(err, errRefused):
				t.Errorf("reserve: %v", err)
			}
		}
		if admitted != 2 {
			t.Fatalf("%d of %d reservations admitted, want 2", admitted, n)
		}
	})
}
