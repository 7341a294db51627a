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

func hintAnswer() openaifake.Reply {
	return openaifake.JSON(map[string]any{"lines": []any{
		map[string]any{"text": "따뜻한 걸로 주세요.", "translation": "A hot one, please."},
		map[string]any{"text": "얼마예요?", "translation": "How much is it?"},
	}})
}

func TestHint(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, func(c *engine.Config) { c.Limits.TurnsPerMinute = 2 })
		ctx := context.Background()
		room := env.newRoom(t, env.alice)
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"뭐 드릴까요?"}})
		if _, err := env.eng.OpenScene(ctx, env.alice.ID, room.ID, engine.SourceWeb, nil); err != nil {
			t.Fatal(err)
		}
		env.fake.EnqueueKind("hint", hintAnswer())
		h, err := env.eng.HintFrom(ctx, env.alice.ID, room.ID, engine.SourceWeb, "en-US")
		if err != nil || len(h.Lines) != 2 || h.Lines[0].Text != "따뜻한 걸로 주세요." || h.Lines[1].Translation != "How much is it?" {
			t.Fatalf("Hint = %+v, %v", h, err)
		}
		req := env.fake.RequestsOfKind("hint")[0].Messages[0].Content
		for _, want := range []string{"뭐 드릴까요?", "customer", "English", "Korean", "B1"} {
			if !strings.Contains(req, want) {
				t.Errorf("hint prompt lacks %q", want)
			}
		}
		if len(env.history(t, env.alice, room.ID)) != 1 {
			t.Error("a hint was stored as a message")
		}
		if env.ledger.count(engine.CallHint) != 1 {
			t.Errorf("%d hint ledger rows", env.ledger.count(engine.CallHint))
		}
		// The opening and the hint were the two turns of the minute: a third
		// hint, or a message, is refused.
		_, err = env.eng.HintFrom(ctx, env.alice.ID, room.ID, engine.SourceWeb, "en")
		wantCode(t, err, engine.CodeRateLimited)
		_, err = send(env.testEnv, env.alice, room.ID, "네", nil)
		wantCode(t, err, engine.CodeRateLimited)
		if len(env.fake.RequestsOfKind("hint")) != 1 {
			t.Error("a refused hint reached the model")
		}
	})
}

func TestHintBadAnswer(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, nil)
		room := env.newRoom(t, env.alice)
		env.fake.EnqueueKind("hint", openaifake.WrongShape())
		_, err := env.eng.HintFrom(context.Background(), env.alice.ID, room.ID, engine.SourceWeb, "en")
		wantCode(t, err, engine.CodeModelUnavailable)
		if env.ledger.count(engine.CallHint) != 1 {
			t.Errorf("a failed hint must still be one ledger row: %d", env.ledger.count(engine.CallHint))
		}
	})
}

func TestTranslateCaches(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, func(c *engine.Config) { c.Limits.TurnsPerMinute = 3 })
		ctx := context.Background()
		room := env.newRoom(t, env.alice)
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"따뜻한 걸로 드릴까요?"}})
		if _, err := env.eng.OpenScene(ctx, env.alice.ID, room.ID, engine.SourceWeb, nil); err != nil {
			t.Fatal(err)
		}
		last, err := env.eng.LastReply(ctx, env.alice.ID, room.ID)
		if err != nil || last.Content != "따뜻한 걸로 드릴까요?" {
			t.Fatalf("LastReply = %+v, %v", last, err)
		}
		env.fake.EnqueueKind("translate", openaifake.JSON(map[string]any{"text": "Would you like it hot?"}),
			openaifake.JSON(map[string]any{"text": "ホットにしますか？"}))
		for range 3 {
			tr, err := env.eng.TranslateFrom(ctx, env.alice.ID, room.ID, last.ID, engine.SourceWeb, "en-GB")
			if err != nil || tr.Text != "Would you like it hot?" || tr.Language != "en" || tr.MessageID != last.ID {
				t.Fatalf("Translate = %+v, %v", tr, err)
			}
		}
		if n := len(env.fake.RequestsOfKind("translate")); n != 1 {
			t.Fatalf("three asks made %d model calls, want 1", n)
		}
		// Cached answers counted no turn: the opening and one translation
		// are two of three; another language is a new call, the third.
		tr, err := env.eng.TranslateFrom(ctx, env.alice.ID, room.ID, last.ID, engine.SourceWeb, "ja")
		if err != nil || tr.Text != "ホットにしますか？" || len(env.fake.RequestsOfKind("translate")) != 2 {
			t.Fatalf("Translate ja = %+v, %v", tr, err)
		}
		if env.ledger.count(engine.CallTranslate) != 2 {
			t.Errorf("%d translate ledger rows, want 2", env.ledger.count(engine.CallTranslate))
		}
		_, err = env.eng.TranslateFrom(ctx, env.alice.ID, room.ID, last.ID, engine.SourceWeb, "ko")
		wantCode(t, err, engine.CodeRateLimited)
		// A reset deletes the messages and, with them, the cache.
		if err := env.eng.ResetRoom(ctx, env.alice.ID, room.ID); err != nil {
			t.Fatal(err)
		}
		_, err = env.eng.TranslateFrom(ctx, env.alice.ID, room.ID, last.ID, engine.SourceWeb, "en")
		wantCode(t, err, engine.CodeNotFound)
		_, err = env.eng.LastReply(ctx, env.alice.ID, room.ID)
		wantCode(t, err, engine.CodeNotFound)
	})
}

// The aids spend the daily allowance like turns: once it is spent, the
// coach leaves feedback unavailable without calling the model, and a hint or
// a translation is rate_limited. Every call is one ledger row of its kind.
func TestAidsInsideTheAllowance(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, func(c *engine.Config) { c.Limits.TokensPerDay = 1 })
		ctx := context.Background()
		room := env.coachedRoom(t, env.alice)
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"네."}})
		// The reply is admitted (nothing used yet) and holds far more than
		// the allowance: the coach beside it is refused.
		res := env.say(t, env.alice, room.ID, line, "en", nil)
		if fb := res.WaitFeedback(ctx); fb.Status != engine.FeedbackUnavailable {
			t.Fatalf("feedback with the allowance spent = %+v", fb)
		}
		if n := len(env.fake.RequestsOfKind("feedback")); n != 0 {
			t.Fatalf("the coach called the model %d times with the allowance spent", n)
		}
		_, err := env.eng.HintFrom(ctx, env.alice.ID, room.ID, engine.SourceWeb, "en")
		wantCode(t, err, engine.CodeRateLimited)
		_, err = env.eng.TranslateFrom(ctx, env.alice.ID, room.ID, res.Reply.ID, engine.SourceWeb, "en")
		wantCode(t, err, engine.CodeRateLimited)
		if env.ledger.count(engine.CallReply) != 1 || len(env.fake.Requests()) != 1 {
			t.Fatalf("ledger %v, %d requests", env.ledger.kinds, len(env.fake.Requests()))
		}
	})
}

func TestAidLedgerKinds(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, func(c *engine.Config) { c.Coach.Model = "coach-model" })
		ctx := context.Background()
		room := env.coachedRoom(t, env.alice)
		env.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": line, "items": []any{}, "note": "Good."}))
		res := env.say(t, env.alice, room.ID, line, "en", nil)
		res.WaitFeedback(ctx)
		env.fake.EnqueueKind("hint", hintAnswer())
		if _, err := env.eng.HintFrom(ctx, env.alice.ID, room.ID, engine.SourceWeb, "en"); err != nil {
			t.Fatal(err)
		}
		env.fake.EnqueueKind("translate", openaifake.JSON(map[string]any{"text": "Yes."}))
		if _, err := env.eng.TranslateFrom(ctx, env.alice.ID, room.ID, res.Reply.ID, engine.SourceWeb, "en"); err != nil {
			t.Fatal(err)
		}
		for _, k := range []engine.CallKind{engine.CallReply, engine.CallFeedback, engine.CallHint, engine.CallTranslate} {
			if env.ledger.count(k) != 1 {
				t.Errorf("%d ledger rows of kind %s, want 1 (%v)", env.ledger.count(k), k, env.ledger.kinds)
			}
		}
		// The aids used coach.model, and their tokens are in the daily totals.
		for _, r := range env.fake.RequestsOfKind("hint") {
			if r.Model != "coach-model" {
				t.Errorf("hint model = %q", r.Model)
			}
		}
		usage, err := env.eng.ListUsage(ctx, env.alice.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		calls := map[string]int{}
		for _, u := range usage {
			calls[u.Model] += u.Calls
		}
		if calls["test-model"] != 1 || calls["coach-model"] != 3 {
			t.Fatalf("usage = %+v", usage)
		}
	})
}

// Another user's room or message is not found by every aid, and reaches
// neither the model nor the ledger.
func TestAidsBOLA(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, nil)
		ctx := context.Background()
		room := env.coachedRoom(t, env.alice)
		env.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": line, "items": []any{}, "note": "Good."}))
		res := env.say(t, env.alice, room.ID, line, "en", nil)
		res.WaitFeedback(ctx)
		bobs := env.coachedRoom(t, env.bob)
		requests := env.fake.Count()
		for _, roomID := range []int64{room.ID, bobs.ID} { // alice's room; bob's own room with alice's message ids
			_, err := env.eng.HintFrom(ctx, env.bob.ID, room.ID, engine.SourceWeb, "en")
			wantCode(t, err, engine.CodeNotFound)
			for _, id := range []int64{res.UserMessage.ID, res.Reply.ID} {
				_, err = env.eng.TranslateFrom(ctx, env.bob.ID, roomID, id, engine.SourceWeb, "en")
				wantCode(t, err, engine.CodeNotFound)
				_, err = env.eng.FindFeedback(ctx, env.bob.ID, roomID, id)
				wantCode(t, err, engine.CodeNotFound)
			}
		}
		_, err := env.eng.LastReply(ctx, env.bob.ID, room.ID)
		wantCode(t, err, engine.CodeNotFound)
		_, _, err = env.eng.ListMessages(ctx, env.bob.ID, room.ID, engine.Page{})
		wantCode(t, err, engine.CodeNotFound)
		if env.fake.Count() != requests || env.ledger.count(engine.CallHint)+env.ledger.count(engine.CallTranslate) != 0 {
			t.Fatal("bob's asks reached the model or the ledger")
		}
		// Alice's own reply has no feedback to find.
		_, err = env.eng.FindFeedback(ctx, env.alice.ID, room.ID, res.Reply.ID)
		wantCode(t, err, engine.CodeNotFound)
	})
}

// A crash leaves no feedback pending for ever: the recovery sweep of a
// later process settles it as unavailable once a coach could no longer be
// at work, and leaves a coach at work alone.
func TestRecoverySettlesPendingFeedback(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, nil)
		ctx := context.Background()
		room := env.coachedRoom(t, env.alice)
		// What a crashed process left: a line and its pending feedback.
		msg := &engine.Message{RoomID: room.ID, Role: engine.RoleUser, Content: line, Status: engine.StatusComplete, Source: engine.SourceWeb}
		if err := db.CreateMessages(ctx, msg); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateFeedback(ctx, &engine.Feedback{MessageID: msg.ID, Status: engine.FeedbackPending, Language: "en"}); err != nil {
			t.Fatal(err)
		}
		if _, err := env.eng.RecoverPending(ctx); err != nil {
			t.Fatal(err)
		}
		if fb := env.storedFeedback(t, env.alice, room.ID, msg.ID); fb.Status != engine.FeedbackPending {
			t.Fatalf("a fresh pending feedback was settled: %+v", fb)
		}
		cfg := env.eng.Config()
		later := engine.New(cfg, engine.Deps{Store: db, Tokens: mustTokenizer(t),
			Now: func() time.Time { return time.Now().Add(cfg.Coach.Timeout + time.Minute) }})
		defer later.Close(ctx)
		if _, err := later.RecoverPending(ctx); err != nil {
			t.Fatal(err)
		}
		fb := env.storedFeedback(t, env.alice, room.ID, msg.ID)
		if fb.Status != engine.FeedbackUnavailable {
			t.Fatalf("after recovery = %+v", fb)
		}
	})
}

// An account deleted while its coach works: the coach ends, its wait
// returns, nothing is left behind, and the engine closes.
func TestAccountDeletedMidCoach(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, nil)
		ctx := context.Background()
		room := env.coachedRoom(t, env.alice)
		hold := openaifake.NewHold()
		env.fake.EnqueueKind("feedback", openaifake.Slow(openaifake.JSON(map[string]any{"corrected": line, "items": []any{}, "note": "ok"}), hold))
		res := env.say(t, env.alice, room.ID, line, "en", nil)
		<-hold.Reached()
		if err := env.eng.DeleteUser(ctx, env.alice.ID); err != nil {
			t.Fatal(err)
		}
		if fb := res.WaitFeedback(ctx); fb.Status == engine.FeedbackPending {
			t.Fatalf("feedback of a deleted account = %+v", fb)
		}
		if err := env.eng.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if env.ledger.count(engine.CallFeedback) != 0 {
			t.Errorf("a ledger row was written for a deleted account")
		}
		if _, err := db.FindFeedback(ctx, res.UserMessage.ID); engine.ErrorCode(err) != engine.CodeNotFound {
			t.Errorf("feedback of a deleted account: %v", err)
		}
	})
}

func TestLearnerLanguage(t *testing.T) {
	for in, want := range map[string]string{"ko": "ko", "ko-KR": "ko", "en-US": "en", "ja": "ja", "zh-TW": "zh", "zh_Hant": "zh",
		"es_ES": "es", "fr-CA": "fr", "DE": "de", "pt-BR": "en", "": "en", "x": "en"} {
		if got := engine.LearnerLanguage(in); got != want {
			t.Errorf("LearnerLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}
