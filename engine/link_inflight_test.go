package engine_test

import (
	"context"
	"reflect"
	"testing"

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
