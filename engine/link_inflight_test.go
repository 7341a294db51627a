package engine_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// TestLinkDuringTurn links a Telegram identity to a web account while its
// bot-only user's turn is mid-reply and its coach mid-answer: the merge
// deletes that user, and the turn still ends as it would have, its reply
// stored complete in the room (now the account's) and both model calls in
// the account's ledger.
func TestLinkDuringTurn(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, nil)
		ctx := context.Background()
		bot := botUser(t, env.testEnv, "700")
		room := env.coachedRoom(t, bot)

		replyHold, coachHold := openaifake.NewHold(), openaifake.NewHold()
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"어서 ", "오세요!"}, Hold: replyHold, HoldAfter: 1, PromptTokens: 40, CompletionTokens: 2})
		fb := openaifake.JSON(coachAnswer(line))
		fb.Hold = coachHold
		env.fake.EnqueueKind("feedback", fb)
		type outcome struct {
			res *engine.TurnResult
			err error
		}
		done := make(chan outcome, 1)
		go func() {
			res, err := env.eng.SendMessage(ctx, engine.TurnInput{UserID: bot.ID, RoomID: room.ID, Content: line, Source: engine.SourceTelegram}, nil)
			done <- outcome{res, err}
		}()
		<-replyHold.Reached()
		<-coachHold.Reached()

		if _, err := env.eng.LinkIdentity(ctx, env.alice.ID, engine.ProviderTelegram, "700"); err != nil {
			t.Fatal(err)
		}
		replyHold.Release()
		coachHold.Release()
		out := <-done
		if out.err != nil {
			t.Fatalf("the turn ended with %v", out.err)
		}
		if f := out.res.WaitFeedback(ctx); f == nil || f.Status != engine.FeedbackReady {
			t.Errorf("feedback = %+v, want ready", f)
		}

		msgs := env.history(t, env.alice, room.ID)
		if len(msgs) != 2 || msgs[1].Content != "어서 오세요!" || msgs[1].Status != engine.StatusComplete {
			t.Fatalf("the account's room after the turn = %s", dump(msgs))
		}
		usage, err := env.eng.ListUsage(ctx, env.alice.ID, 1)
		if err != nil || len(usage) == 0 {
			t.Fatalf("the account's usage = %+v, %v", usage, err)
		}
		got := map[string]int{}
		for _, u := range usage {
			got[string(u.Surface)+"/"+string(u.Kind)] += u.Calls
		}
		if want := map[string]int{"telegram/reply": 1, "telegram/feedback": 1}; !reflect.DeepEqual(got, want) {
			t.Errorf("the account's usage = %v, want %v", got, want)
		}
		// The day's allowance counts them too.
		var spent int64
		for _, u := range usage {
			spent += u.PromptTokens + u.CompletionTokens
		}
		if _, used, err := db.TurnState(ctx, 0, 0, env.alice.ID, usage[0].Day); err != nil || used != spent {
			t.Errorf("the account's tokens used today = %d, %v; want %d", used, err, spent)
		}
		if u, err := env.eng.FindIdentityUser(ctx, engine.ProviderTelegram, "700"); err != nil || u.ID != env.alice.ID {
			t.Fatalf("the identity's user = %+v, %v; want the account", u, err)
		}
	})
}

// On PostgreSQL, the reply's save can wait for the bot-only user's row while
// a link merges that user away: the save's first try then finds the user
// gone, and its retry records the turn for the room's new owner. The test
// plays the merge by hand in a transaction it holds open until the save
// waits on it.
func TestLinkCommitsWhileReplySaves(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if db.Dialect() != sqlstore.DialectPostgres {
			t.Skip("SQLite runs one write transaction at a time")
		}
		ctx := context.Background()
		env := newEnv(t, db, nil)
		admin := sqlstoretest.Admin(t)
		schema := sqlstoretest.Schema(db)
		bot := botUser(t, env, "710")
		room := env.newRoom(t, bot)

		hold := openaifake.NewHold()
		defer hold.Release()
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"어서 ", "오세요!"}, Hold: hold, HoldAfter: 1})
		done := make(chan error, 1)
		go func() {
			_, err := env.eng.SendMessage(ctx, engine.TurnInput{UserID: bot.ID, RoomID: room.ID, Content: "안녕하세요", Source: engine.SourceTelegram}, nil)
			done <- err
		}()
		<-hold.Reached()
		tx, err := admin.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		for _, q := range []string{ // what LinkIdentity's merge does, in its order
			"SELECT id FROM " + schema + ".users WHERE id = $1 FOR UPDATE",
			"UPDATE " + schema + ".rooms SET owner_id = $2 WHERE owner_id = $1",
			"UPDATE " + schema + ".identities SET user_id = $2 WHERE user_id = $1",
			"DELETE FROM " + schema + ".users WHERE id = $1 AND id <> $2",
		} {
			if _, err := tx.Exec(q, bot.ID, env.alice.ID); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		hold.Release()
		for waiting := 0; waiting == 0; time.Sleep(time.Millisecond) {
			select { // the save has not reached the user's row yet
			case err := <-done:
				t.Fatalf("the turn ended (%v) without waiting for the merge", err)
			default:
			}
			err := admin.QueryRow("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", schema).Scan(&waiting)
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatalf("the turn ended with %v", err)
		}
		msgs := env.history(t, env.alice, room.ID)
		if len(msgs) != 2 || msgs[1].Status != engine.StatusComplete || msgs[1].Content != "어서 오세요!" {
			t.Fatalf("the account's room = %s; want the reply stored complete", dump(msgs))
		}
		usage, err := env.eng.ListUsage(ctx, env.alice.ID, 1)
		if err != nil || len(usage) != 1 || usage[0].Calls != 1 || usage[0].Surface != engine.SourceTelegram {
			t.Fatalf("the account's usage = %+v, %v; want the turn", usage, err)
		}
	})
}

// A turn the bot-only user started before the link is the account's: when
// the account is deleted, it ends at once, as the account's own turns do.
func TestDeleteAccountEndsMergedTurn(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		ctx := context.Background()
		bot := botUser(t, env, "720")
		room := env.newRoom(t, bot)
		hold := openaifake.NewHold()
		defer hold.Release()
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"어서 ", "오세요!"}, Hold: hold, HoldAfter: 1})
		c := newCollect()
		done := make(chan error, 1)
		go func() {
			_, err := env.eng.SendMessage(ctx, engine.TurnInput{UserID: bot.ID, RoomID: room.ID, Content: "안녕하세요", Source: engine.SourceTelegram}, c.sink)
			done <- err
		}()
		<-hold.Reached()
		<-c.first
		if _, err := env.eng.LinkIdentity(ctx, env.alice.ID, engine.ProviderTelegram, "720"); err != nil {
			t.Fatal(err)
		}
		if err := env.eng.DeleteUser(ctx, env.alice.ID); err != nil {
			t.Fatal(err)
		}
		hold.Release() // a turn still playing would stream the rest now
		wantCode(t, <-done, engine.CodeNotFound)
		if got := c.text(); got != "어서 " {
			t.Errorf("streamed %q, want only what came before the account was deleted", got)
		}
	})
}
