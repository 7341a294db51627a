package engine_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// tokensUsed returns the tokens user used today, from the usage ledger.
func tokensUsed(t *testing.T, env *testEnv, user *engine.User) (tokens int64, calls int) {
	t.Helper()
	usage, err := env.eng.ListUsage(context.Background(), user.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range usage {
		tokens += u.PromptTokens + u.CompletionTokens
		calls += u.Calls
	}
	return tokens, calls
}

// TestDailyAllowanceHoldsUnderABurst plays ten turns at once, in ten rooms of
// one user, each held at the model until every turn has either reached the
// model or been refused. The rule: a turn is admitted while the tokens used
// today plus those held by turns in flight are under the allowance, and it
// holds its most (prompt + max reply tokens) until it is settled. So the day
// ends at most one turn over: used <= allowance - 1 + the largest call.
func TestDailyAllowanceHoldsUnderABurst(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		const allowance, turns = 100, 10
		env := newEnv(t, db, func(c *engine.Config) {
			c.Limits.TokensPerDay = allowance
			c.Prompt.MaxReplyTokens = 20
		})
		hold := openaifake.NewHold()
		for range turns {
			env.fake.Enqueue(openaifake.Reply{Chunks: []string{"네", "!"}, PromptTokens: 30, CompletionTokens: 10, Hold: hold})
		}
		rooms := make([]*engine.Room, turns)
		for i := range rooms {
			rooms[i] = env.newRoom(t, env.alice)
		}
		start := make(chan struct{})
		errs := make(chan error, turns)
		for _, room := range rooms {
			go func() {
				<-start
				_, err := send(env, env.alice, room.ID, "커피 주세요", nil)
				errs <- err
			}()
		}
		close(start)
		// Wait until every turn is either at the model or refused: only then
		// may the model answer, so that no turn finishes before all have
		// checked the allowance.
		var results []error
		for len(results)+env.fake.Count() < turns {
			select {
			case err := <-errs:
				results = append(results, err)
			case <-time.After(5 * time.Millisecond):
			}
		}
		hold.Release()
		for len(results) < turns {
			results = append(results, <-errs)
		}
		admitted := 0
		for _, err := range results {
			switch engine.ErrorCode(err) {
			case "":
				admitted++
			case engine.CodeRateLimited:
			default:
				t.Errorf("a turn failed: %v", err)
			}
		}
		used, calls := tokensUsed(t, env, env.alice)
		const largestCall = 30 + 10
		if used > allowance-1+largestCall {
			t.Fatalf("%d turns admitted, %d calls used %d tokens; the allowance is %d (at most one call of %d over)",
				admitted, calls, used, allowance, largestCall)
		}
		if admitted == 0 || calls != admitted {
			t.Fatalf("%d turns admitted, %d calls recorded", admitted, calls)
		}
	})
}

// TestDailyAllowanceAtItsEdge plays turns at the allowance's edge: with one
// token left a turn is admitted; with none left it is refused before the
// model is called, and tells when the allowance renews.
func TestDailyAllowanceAtItsEdge(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		const allowance = 1000
		env := newEnv(t, db, func(c *engine.Config) { c.Limits.TokensPerDay = allowance })
		// spend has user play one turn that costs tokens in all.
		spend := func(user *engine.User, room *engine.Room, tokens int) {
			t.Helper()
			env.fake.Enqueue(openaifake.Reply{Chunks: []string{"ok"}, PromptTokens: tokens - 1, CompletionTokens: 1})
			if _, err := send(env, user, room.ID, "hi", nil); err != nil {
				t.Fatal(err)
			}
			if used, _ := tokensUsed(t, env, user); used > allowance {
				t.Fatalf("used %d", used)
			}
		}

		// Alice has one token left: admitted.
		aliceRoom := env.newRoom(t, env.alice)
		spend(env.alice, aliceRoom, allowance-1)
		if _, err := send(env, env.alice, aliceRoom.ID, "hi", nil); err != nil {
			t.Fatalf("with 1 token left: %v", err)
		}

		// Bob has none left: refused, without calling the model.
		bobRoom := env.newRoom(t, env.bob)
		spend(env.bob, bobRoom, allowance)
		if used, _ := tokensUsed(t, env, env.bob); used != allowance {
			t.Fatalf("bob used %d, want exactly %d", used, allowance)
		}
		calls := env.fake.Count()
		_, err := send(env, env.bob, bobRoom.ID, "hi", nil)
		e := wantCode(t, err, engine.CodeRateLimited)
		if e.RetryAfter <= 0 || e.RetryAfter > 24*time.Hour {
			t.Fatalf("RetryAfter = %v", e.RetryAfter)
		}
		if env.fake.Count() != calls {
			t.Fatal("the model was called with no allowance left")
		}
	})
}

// TestFailedTurnReleasesItsHold has the model refuse a turn whose hold is
// larger than the whole allowance: once it has failed, only the prompt it
// spent counts, and the next turn is admitted.
func TestFailedTurnReleasesItsHold(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, func(c *engine.Config) {
			c.Limits.TokensPerDay = 1000
			c.Prompt.MaxReplyTokens = 2000 // one turn holds more than the day allows
		})
		room := env.newRoom(t, env.alice)
		env.fake.Enqueue(openaifake.Reply{Status: http.StatusBadRequest, ErrorMessage: "refused"})
		if _, err := send(env, env.alice, room.ID, "hi", nil); err == nil {
			t.Fatal("the refused turn succeeded")
		}
		if _, err := send(env, env.alice, room.ID, "hi again", nil); err != nil {
			t.Fatalf("the turn after a failed one: %v", err)
		}
	})
}

// TestAbandonedHoldExpires plays turns after a process died holding the whole
// allowance: while its reservation lives the turn is refused; once it has
// expired (its turn is certainly over) it holds nothing.
func TestAbandonedHoldExpires(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, func(c *engine.Config) { c.Limits.TokensPerDay = 1000 })
		room := env.newRoom(t, env.alice)
		now := time.Now().UTC()
		leave := func(created, expires time.Time) *engine.TokenReservation {
			t.Helper()
			r := &engine.TokenReservation{UserID: env.alice.ID, Day: now.Format(time.DateOnly), Tokens: 1000, CreatedAt: created, ExpiresAt: expires}
			if err := db.ReserveTokens(context.Background(), r, func(int64) error { return nil }); err != nil {
				t.Fatal(err)
			}
			return r
		}
		live := leave(now, now.Add(time.Hour))
		_, err := send(env, env.alice, room.ID, "hi", nil)
		wantCode(t, err, engine.CodeRateLimited)

		if err := db.ReleaseTokens(context.Background(), live.ID); err != nil {
			t.Fatal(err)
		}
		leave(now.Add(-time.Hour), now.Add(-time.Second))
		if _, err := send(env, env.alice, room.ID, "hi", nil); err != nil {
			t.Fatalf("with only an expired reservation left: %v", err)
		}
	})
}
