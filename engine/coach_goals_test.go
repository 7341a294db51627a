package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// goalRoom makes a room of owner with goals, feedback on or off.
func (env *coachEnv) goalRoom(t testing.TB, owner *engine.User, feedback bool, goals ...string) *engine.Room {
	t.Helper()
	in := cafe()
	in.Feedback, in.Goals = &feedback, goals
	r, err := env.eng.CreateRoom(context.Background(), owner.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// coachAnswer is a valid coach answer on a fine line, achieving ids.
func coachAnswer(line string, ids ...int64) map[string]any {
	if ids == nil {
		ids = []int64{}
	}
	return map[string]any{"corrected": line, "items": []any{}, "note": "좋아요", "achieved_goals": ids}
}

// achievedBy returns, per goal, the message that achieved it (0: open),
// checking that Achieved, AchievedAt and MessageID agree.
func achievedBy(t testing.TB, goals []engine.Goal) []int64 {
	t.Helper()
	out := make([]int64, len(goals))
	for i, g := range goals {
		if g.Achieved != (g.AchievedAt != nil) || g.Achieved != (g.MessageID != nil) {
			t.Fatalf("goal %+v: achieved, achieved_at and message_id disagree", g)
		}
		if g.MessageID != nil {
			out[i] = *g.MessageID
		}
	}
	return out
}

// The coach's one call ticks the open goals the learner's line achieved:
// they are stored with the line, shown with the feedback and by WaitGoals,
// ids that are not open goals of the room are dropped, a later line never
// un-achieves a goal, an invalid answer changes none, and a reset opens them
// all again.
func TestCoachAchievesGoals(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, nil)
		ctx := context.Background()
		room := env.goalRoom(t, env.alice, true, "order a latte", "ask for the Wi-Fi password", "pay by card")
		other := env.goalRoom(t, env.bob, true, "order a latte")
		g := room.Goals

		// Line 1 achieves goal 0; 999 and bob's goal are dropped.
		line1 := "라떼 한 잔 주세요."
		env.fake.EnqueueKind("feedback", openaifake.JSON(coachAnswer(line1, g[0].ID, 999, other.Goals[0].ID, g[0].ID)))
		res := env.say(t, env.alice, room.ID, line1, "en", nil)
		fb := res.WaitFeedback(ctx)
		if fb == nil || fb.Status != engine.FeedbackReady {
			t.Fatalf("feedback = %+v", fb)
		}
		want := fmt.Sprint([]int64{res.UserMessage.ID, 0, 0})
		if got := fmt.Sprint(achievedBy(t, fb.Goals)); got != want {
			t.Fatalf("Feedback.Goals achieved by %s, want %s", got, want)
		}
		if got := fmt.Sprint(achievedBy(t, res.WaitGoals(ctx))); got != want {
			t.Fatalf("WaitGoals achieved by %s, want %s", got, want)
		}
		found, err := env.eng.FindRoom(ctx, env.alice.ID, room.ID)
		if err != nil || fmt.Sprint(achievedBy(t, found.Goals)) != want {
			t.Fatalf("stored goals %+v (%v), want achieved by %s", found.Goals, err, want)
		}
		bobs, _ := env.eng.FindRoom(ctx, env.bob.ID, other.ID)
		if bobs.Goals[0].Achieved {
			t.Fatal("bob's goal achieved by alice's coach")
		}
		// The prompt listed the open goals as data, with their ids, and asked for achieved_goals.
		reqs := env.fake.RequestsOfKind("feedback")
		prompt := reqs[len(reqs)-1].Messages[0].Content
		if !strings.Contains(prompt, fmt.Sprintf(`"id": %d`, g[1].ID)) || !strings.Contains(prompt, `"achieved_goals"`) ||
			strings.Index(prompt, "ask for the Wi-Fi password") > strings.Index(prompt, "</input>") {
			t.Fatalf("coach prompt without the open goals in its input block:\n%s", prompt)
		}

		// Line 2 achieves goal 1 and says nothing of goal 0: goal 0 stays
		// achieved by line 1; goal 0 is no longer offered as open.
		line2 := "와이파이 비밀번호가 뭐예요?"
		env.fake.EnqueueKind("feedback", openaifake.JSON(coachAnswer(line2, g[1].ID)))
		res2 := env.say(t, env.alice, room.ID, line2, "en", nil)
		want = fmt.Sprint([]int64{res.UserMessage.ID, res2.UserMessage.ID, 0})
		if got := fmt.Sprint(achievedBy(t, res2.WaitGoals(ctx))); got != want {
			t.Fatalf("after line 2: achieved by %s, want %s", got, want)
		}
		reqs = env.fake.RequestsOfKind("feedback")
		if prompt := reqs[len(reqs)-1].Messages[0].Content; strings.Contains(prompt, "order a latte") {
			t.Fatalf("an achieved goal offered as open:\n%s", prompt)
		}

		// Invalid answers change no goal and break nothing: a missing
		// achieved_goals, bad JSON, a wrong shape, text around the JSON.
		for i, bad := range []openaifake.Reply{
			openaifake.JSON(map[string]any{"corrected": "x", "items": []any{}, "note": ""}),
			openaifake.InvalidJSON(),
			openaifake.WrongShape(),
			openaifake.Raw(`sure: {"corrected":"x","items":[],"note":"","achieved_goals":[` + fmt.Sprint(g[2].ID) + `]}`),
			openaifake.JSON(map[string]any{"corrected": "x", "items": []any{}, "note": "", "achieved_goals": []string{fmt.Sprint(g[2].ID)}}),
		} {
			env.fake.EnqueueKind("feedback", bad)
			r := env.say(t, env.alice, room.ID, fmt.Sprintf("카드로 계산할게요 %d", i), "en", nil)
			fb := r.WaitFeedback(ctx)
			if fb.Status != engine.FeedbackUnavailable || fmt.Sprint(achievedBy(t, fb.Goals)) != want {
				t.Fatalf("bad answer %d: feedback %+v, want unavailable and goals achieved by %s", i, fb, want)
			}
		}
		found, _ = env.eng.FindRoom(ctx, env.alice.ID, room.ID)
		if got := fmt.Sprint(achievedBy(t, found.Goals)); got != want {
			t.Fatalf("stored after bad answers: %s, want %s", got, want)
		}

		// A reset starts the scene over: every goal open again.
		if err := env.eng.ResetRoom(ctx, env.alice.ID, room.ID); err != nil {
			t.Fatal(err)
		}
		found, _ = env.eng.FindRoom(ctx, env.alice.ID, room.ID)
		if got := fmt.Sprint(achievedBy(t, found.Goals)); got != "[0 0 0]" {
			t.Fatalf("after a reset: achieved by %s", got)
		}
	})
}

// With feedback off, a room with open goals still gets its goals checked:
// one goals-only call (schema "goals", kind feedback in the ledger), no
// feedback; with no open goal left, or no goals, no call at all.
func TestGoalsOnlyCheckWithFeedbackOff(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, nil)
		ctx := context.Background()
		room := env.goalRoom(t, env.alice, false, "order a latte", "pay by card")
		g := room.Goals

		// An invalid answer first: nothing changes, the turn is fine.
		env.fake.EnqueueKind("goals", openaifake.JSON(map[string]any{"achieved": []int64{g[0].ID}}))
		res := env.say(t, env.alice, room.ID, "안녕하세요", "en", nil)
		if res.Feedback != nil || res.WaitFeedback(ctx) != nil {
			t.Fatalf("feedback in a room with feedback off: %+v", res.Feedback)
		}
		if got := fmt.Sprint(achievedBy(t, res.WaitGoals(ctx))); got != "[0 0]" {
			t.Fatalf("after an invalid answer: achieved by %s", got)
		}
		if res.Reply.Status != engine.StatusComplete {
			t.Fatalf("reply %+v", res.Reply)
		}

		env.fake.EnqueueKind("goals", openaifake.JSON(map[string]any{"achieved_goals": []int64{g[1].ID, g[0].ID}}))
		res = env.say(t, env.alice, room.ID, "라떼 주세요. 카드로 할게요.", "en", nil)
		want := fmt.Sprint([]int64{res.UserMessage.ID, res.UserMessage.ID})
		if got := fmt.Sprint(achievedBy(t, res.WaitGoals(ctx))); got != want {
			t.Fatalf("achieved by %s, want %s", got, want)
		}
		if n := len(env.fake.RequestsOfKind("goals")); n != 2 {
			t.Fatalf("%d goals-only calls, want 2", n)
		}
		if n := len(env.fake.RequestsOfKind("feedback")); n != 0 {
			t.Fatalf("%d feedback calls in a room with feedback off", n)
		}
		if n := env.ledger.count(engine.CallFeedback); n != 2 {
			t.Fatalf("%d ledger rows of kind feedback, want 2", n)
		}
		prompt := env.fake.RequestsOfKind("goals")[1].Messages[0].Content
		if !strings.Contains(prompt, fmt.Sprintf(`"id": %d`, g[0].ID)) || !strings.Contains(prompt, "라떼 주세요. 카드로 할게요.") {
			t.Fatalf("goals prompt:\n%s", prompt)
		}

		// Every goal achieved: no more checks, the goals still reported.
		res = env.say(t, env.alice, room.ID, "감사합니다", "en", nil)
		if got := fmt.Sprint(achievedBy(t, res.WaitGoals(ctx))); got != want {
			t.Fatalf("after all goals: achieved by %s, want %s", got, want)
		}
		if !engine.AllGoalsAchieved(res.WaitGoals(ctx)) || engine.AllGoalsAchieved(nil) {
			t.Fatal("AllGoalsAchieved")
		}
		if n := len(env.fake.RequestsOfKind("goals")); n != 2 {
			t.Fatalf("%d goals-only calls, want still 2", n)
		}

		// No goals, feedback off: no coach, no goals.
		plain := env.goalRoom(t, env.alice, false)
		res = env.say(t, env.alice, plain.ID, "안녕하세요", "en", nil)
		if res.WaitGoals(ctx) != nil || res.WaitFeedback(ctx) != nil {
			t.Fatal("goals or feedback in a room with neither")
		}
		if n := len(env.fake.RequestsOfKind("goals")) + len(env.fake.RequestsOfKind("feedback")); n != 2 {
			t.Fatalf("%d aid calls, want still 2", n)
		}
	})
}
