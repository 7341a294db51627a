package engine_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// ledger is the real store, recording the kind of every ledger row written.
type ledger struct {
	*sqlstore.DB
	mu    sync.Mutex
	kinds []engine.CallKind
}

func (l *ledger) note(k engine.CallKind) {
	if k == "" {
		k = engine.CallReply
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.kinds = append(l.kinds, k)
}

func (l *ledger) RecordCall(ctx context.Context, c *engine.LLMCall) error {
	err := l.DB.RecordCall(ctx, c)
	if err == nil {
		l.note(c.Kind)
	}
	return err
}

func (l *ledger) FinishReply(ctx context.Context, r *engine.Message, c *engine.LLMCall) error {
	err := l.DB.FinishReply(ctx, r, c)
	if err == nil {
		l.note(c.Kind)
	}
	return err
}

// count returns how many rows of kind were written.
func (l *ledger) count(k engine.CallKind) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, got := range l.kinds {
		if got == k {
			n++
		}
	}
	return n
}

// coachEnv is a testEnv whose engine writes through a ledger.
type coachEnv struct {
	*testEnv
	ledger *ledger
}

// newCoachEnv is newEnv with the store wrapped in a ledger.
func newCoachEnv(t *testing.T, db *sqlstore.DB, tweak func(*engine.Config)) *coachEnv {
	t.Helper()
	env := newEnv(t, db, tweak)
	l := &ledger{DB: db}
	cfg := env.eng.Config()
	env.eng = engine.New(cfg, engine.Deps{
		Store:  l,
		Model:  openai.New(openai.Config{BaseURL: env.fake.URL(), Timeout: 5 * time.Second}),
		Tokens: mustTokenizer(t),
		Logger: slog.New(slog.DiscardHandler),
		Sleep:  func(ctx context.Context, d time.Duration) error { return ctx.Err() },
	})
	t.Cleanup(func() { env.eng.Close(context.Background()) })
	return &coachEnv{testEnv: env, ledger: l}
}

// coachedRoom makes a room of owner with feedback on.
func (env *coachEnv) coachedRoom(t testing.TB, owner *engine.User) *engine.Room {
	t.Helper()
	in := cafe()
	in.Feedback = nil // on, the default
	r, err := env.eng.CreateRoom(context.Background(), owner.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// say sends text to roomID as user, learner language locale.
func (env *coachEnv) say(t testing.TB, user *engine.User, roomID int64, text, locale string, sink engine.Sink) *engine.TurnResult {
	t.Helper()
	res, err := env.eng.SendMessage(context.Background(), engine.TurnInput{UserID: user.ID, RoomID: roomID, Content: text,
		Source: engine.SourceWeb, Locale: locale}, sink)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// storedFeedback returns the feedback ListMessages shows on the user message id.
func (env *coachEnv) storedFeedback(t testing.TB, owner *engine.User, roomID, id int64) *engine.Feedback {
	t.Helper()
	for _, m := range env.history(t, owner, roomID) {
		if m.Role == engine.RoleAssistant && m.Feedback != nil {
			t.Fatalf("a reply carries feedback: %+v", m)
		}
		if m.ID == id {
			return m.Feedback
		}
	}
	t.Fatalf("message %d not listed", id)
	return nil
}

const line = "아메리카노 하나 줘."

func TestCoachStoresFeedback(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, nil)
		room := env.coachedRoom(t, env.alice)
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요! 뭐 드릴까요?"}})
		if _, err := env.eng.OpenScene(context.Background(), env.alice.ID, room.ID, engine.SourceWeb, nil); err != nil {
			t.Fatal(err)
		}
		env.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{
			"corrected": "아메리카노 하나 주세요.",
			"items": []any{
				map[string]any{"kind": "register", "original": "줘", "better": "주세요", "explanation": "バリスタには丁寧に。"},
				map[string]any{"kind": "grammar", "original": "커피를", "better": "커피", "explanation": "invented"}, // not in the line
			},
			"note": "いいですね。",
		}))
		res := env.say(t, env.alice, room.ID, line, "ja-JP", nil)
		if res.Feedback == nil || res.UserMessage.Feedback == nil || res.UserMessage.Feedback.Status != engine.FeedbackPending {
			t.Fatalf("turn feedback = %+v, stored with the line as %+v", res.Feedback, res.UserMessage.Feedback)
		}
		fb := res.WaitFeedback(context.Background())
		if fb.Status != engine.FeedbackReady || fb.Corrected != "아메리카노 하나 주세요." || len(fb.Items) != 1 ||
			fb.Items[0].Kind != engine.IssueRegister || fb.Note != "いいですね。" || fb.Language != "ja" || fb.MessageID != res.UserMessage.ID {
			t.Fatalf("feedback = %+v", fb)
		}
		if again := res.WaitFeedback(context.Background()); again.Status != fb.Status || len(again.Items) != 1 {
			t.Fatalf("a second wait = %+v", again)
		}
		stored := env.storedFeedback(t, env.alice, room.ID, res.UserMessage.ID)
		if stored == nil || stored.Status != engine.FeedbackReady || stored.Corrected != fb.Corrected || len(stored.Items) != 1 || stored.Items[0] != fb.Items[0] {
			t.Fatalf("listed feedback = %+v", stored)
		}
		found, err := env.eng.FindFeedback(context.Background(), env.alice.ID, room.ID, res.UserMessage.ID)
		if err != nil || found.Status != engine.FeedbackReady || found.Note != fb.Note {
			t.Fatalf("FindFeedback = %+v, %v", found, err)
		}
		// The coach was asked with the scene, the bot's line, the learner's line and language.
		reqs := env.fake.RequestsOfKind("feedback")
		if len(reqs) != 1 {
			t.Fatalf("%d coach requests", len(reqs))
		}
		prompt := reqs[0].Messages[0].Content
		for _, want := range []string{line, "어서 오세요! 뭐 드릴까요?", "ordering coffee", "Japanese", "Korean", "B1"} {
			if !strings.Contains(prompt, want) {
				t.Errorf("coach prompt lacks %q", want)
			}
		}
		if n := env.ledger.count(engine.CallFeedback); n != 1 {
			t.Errorf("%d feedback ledger rows, want 1", n)
		}
		// A room with feedback off: no coach, no feedback anywhere.
		off := false
		if _, err := env.eng.UpdateRoom(context.Background(), env.alice.ID, room.ID, engine.RoomUpdate{Feedback: &off}); err != nil {
			t.Fatal(err)
		}
		res2 := env.say(t, env.alice, room.ID, "감사합니다.", "ja", nil)
		if res2.Feedback != nil || res2.WaitFeedback(context.Background()) != nil || len(env.fake.RequestsOfKind("feedback")) != 1 {
			t.Fatalf("feedback off: %+v", res2.Feedback)
		}
		for _, m := range env.history(t, env.alice, room.ID) {
			if m.Feedback != nil {
				t.Fatalf("feedback shown in a room with feedback off: %+v", m)
			}
		}
	})
}

// A line that is already natural gets no items and a note: the answer
// passes as it came, and the prompt forbids inventing mistakes.
func TestCoachFineLine(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, nil)
		room := env.coachedRoom(t, env.alice)
		fine := "아메리카노 한 잔 주세요."
		env.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": fine, "items": []any{}, "note": "Perfect!"}))
		fb := env.say(t, env.alice, room.ID, fine, "en", nil).WaitFeedback(context.Background())
		if fb.Status != engine.FeedbackReady || len(fb.Items) != 0 || fb.Corrected != fine || fb.Note != "Perfect!" {
			t.Fatalf("feedback on a fine line = %+v", fb)
		}
		if p := env.fake.RequestsOfKind("feedback")[0].Messages[0].Content; !strings.Contains(p, "Do not invent mistakes") {
			t.Errorf("the coach prompt does not forbid invented mistakes")
		}
	})
}

// Garbage, wrong-shaped, cut, failed or late answers leave the feedback
// unavailable, while the reply is complete.
func TestCoachBadAnswers(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, func(c *engine.Config) { c.Coach.Timeout = 300 * time.Millisecond })
		never := openaifake.NewHold() // released only at cleanup: beyond any timeout
		for name, answer := range map[string]openaifake.Reply{
			"invalid JSON": openaifake.InvalidJSON(),
			"wrong shape":  openaifake.WrongShape(),
			"truncated":    openaifake.Truncated(map[string]any{"corrected": "x", "items": []any{}, "note": "a long note"}),
			"server error": {Status: 500},
			"empty object": openaifake.EmptyObject(openaifake.Request{}),
			"too slow":     openaifake.Slow(openaifake.JSON(map[string]any{"corrected": "x", "items": []any{}, "note": ""}), never),
		} {
			t.Run(name, func(t *testing.T) {
				room := env.coachedRoom(t, env.alice)
				env.fake.EnqueueKind("feedback", answer)
				env.fake.Enqueue(openaifake.Reply{Chunks: []string{"네, ", "알겠습니다."}})
				res := env.say(t, env.alice, room.ID, line, "en", nil)
				if res.Reply.Status != engine.StatusComplete || res.Reply.Content != "네, 알겠습니다." {
					t.Fatalf("reply = %+v", res.Reply)
				}
				fb := res.WaitFeedback(context.Background())
				if fb.Status != engine.FeedbackUnavailable || len(fb.Items) != 0 {
					t.Fatalf("feedback = %+v, want unavailable", fb)
				}
				if stored := env.storedFeedback(t, env.alice, room.ID, res.UserMessage.ID); stored.Status != engine.FeedbackUnavailable {
					t.Fatalf("stored feedback = %+v", stored)
				}
			})
		}
	})
}

// The reply's first delta reaches the surface while the coach's answer is
// still held, and the whole reply completes before the coach answers.
func TestCoachDoesNotDelayTheReply(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, nil)
		room := env.coachedRoom(t, env.alice)
		coach := openaifake.NewHold()
		env.fake.EnqueueKind("feedback", openaifake.Slow(openaifake.JSON(map[string]any{"corrected": "아메리카노 하나 주세요.",
			"items": []any{map[string]any{"kind": "register", "original": "줘", "better": "주세요", "explanation": "Be polite."}}, "note": "Almost!"}), coach))
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"네, ", "알겠습니다."}})
		c := newCollect()
		res := env.say(t, env.alice, room.ID, line, "en", c.sink)
		select {
		case <-c.first:
		default:
			t.Fatal("the turn returned without a delta")
		}
		<-coach.Reached() // the coach's request is at the model, its answer held
		if res.Reply.Status != engine.StatusComplete || res.Feedback.Status != engine.FeedbackPending {
			t.Fatalf("with the coach held: reply %+v, feedback %+v", res.Reply, res.Feedback)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if fb := res.WaitFeedback(ctx); fb.Status != engine.FeedbackPending {
			t.Fatalf("WaitFeedback on an ended context = %+v, want pending", fb)
		}
		if stored := env.storedFeedback(t, env.alice, room.ID, res.UserMessage.ID); stored.Status != engine.FeedbackPending {
			t.Fatalf("listed while the coach works: %+v", stored)
		}
		coach.Release()
		var wg sync.WaitGroup
		for range 3 { // any number of waiters, from any goroutine
			wg.Add(1)
			go func() {
				defer wg.Done()
				if fb := res.WaitFeedback(context.Background()); fb.Status != engine.FeedbackReady || len(fb.Items) != 1 {
					t.Errorf("feedback = %+v", fb)
				}
			}()
		}
		wg.Wait()
	})
}
