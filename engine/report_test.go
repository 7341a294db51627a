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

// The lines of the scene the report tests play.
const (
	reportBot1  = "어서 오세요! 뭐 드릴까요?"
	reportLine1 = "라떼 하나 줘."
	reportBot2  = "네, 따뜻한 걸로 드릴까요?"
	reportLine2 = "네, 따뜻한 라떼 주세요. 카드로 계산할게요."
)

// word is a vocabulary item of the report answers.
func word(term, meaning, example string) map[string]string {
	return map[string]string{"term": term, "meaning": meaning, "example": example}
}

// reportAnswer is a valid report answer on the scene playReportScene plays,
// with a mistake invented (dropped), a word whose example is not in the
// scene (dropped), a word said twice (dropped) and three next steps (the
// third dropped).
func reportAnswer() openaifake.Reply {
	return openaifake.JSON(map[string]any{
		"summary": "You ordered a warm latte and paid by card.",
		"mistakes": []any{
			map[string]string{"kind": "register", "original": "하나 줘", "better": "하나 주세요", "explanation": "Use polite speech with staff."},
			map[string]string{"kind": "grammar", "original": "not in any line", "better": "x", "explanation": "invented"},
		},
		"vocabulary": []any{
			word("라떼", "latte", reportLine1),
			word("따뜻하다", "to be warm", reportBot2),
			word("계산하다", "to pay", reportLine2),
			word("드리다", "to give (humble)", reportBot1),
			word("어서 오세요", "welcome", reportBot1),
			word("영수증", "receipt", "영수증 주세요."),
			word("라떼", "latte again", reportLine2),
			word("카드", "card", reportLine2),
		},
		"next_steps": []string{"Practise polite requests with 주세요.", "Ask for the receipt.", "A third step."},
	})
}

// playReportScene plays a scene of two learner lines in a room of owner with
// two goals, the first achieved by the second line, and feedback on the
// first line; it returns the room.
func playReportScene(t *testing.T, env *coachEnv, owner *engine.User) *engine.Room {
	t.Helper()
	ctx := context.Background()
	room := env.goalRoom(t, owner, true, "order a latte", "ask for the receipt")
	env.fake.Enqueue(openaifake.Reply{Chunks: []string{reportBot1}})
	if _, err := env.eng.OpenScene(ctx, owner.ID, room.ID, engine.SourceWeb, nil); err != nil {
		t.Fatal(err)
	}
	env.fake.Enqueue(openaifake.Reply{Chunks: []string{reportBot2}}, openaifake.Reply{Chunks: []string{"감사합니다."}})
	env.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": "라떼 하나 주세요.", "note": "Almost!", "achieved_goals": []int64{},
		"items": []any{map[string]string{"kind": "register", "original": "줘", "better": "주세요", "explanation": "Polite speech."}}}))
	env.say(t, owner, room.ID, reportLine1, "en", nil).WaitFeedback(ctx)
	env.fake.EnqueueKind("feedback", openaifake.JSON(coachAnswer(reportLine2, room.Goals[0].ID)))
	env.say(t, owner, room.ID, reportLine2, "en", nil).WaitFeedback(ctx)
	return room
}

// EndScene builds the report from a scripted answer: its goals from the
// stored goals, the bad items dropped; it is stored, listed, found, and its
// words are in the vocabulary list with their scene.
func TestEndScene(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, nil)
		ctx := context.Background()
		room := playReportScene(t, env, env.alice)
		env.fake.EnqueueKind("report", reportAnswer())
		r, err := env.eng.EndSceneFrom(ctx, env.alice.ID, room.ID, engine.SourceWeb, "en-US")
		if err != nil {
			t.Fatal(err)
		}
		if r.ID == 0 || r.RoomID != room.ID || r.Scene != "Coffee" || r.Language != "en" || r.Summary != "You ordered a warm latte and paid by card." || r.CreatedAt.IsZero() {
			t.Fatalf("report = %+v", r)
		}
		if got := fmt.Sprint(r.Goals); got != "[{order a latte true} {ask for the receipt false}]" {
			t.Fatalf("goals = %s", got)
		}
		if len(r.Mistakes) != 1 || r.Mistakes[0].Better != "하나 주세요" {
			t.Fatalf("mistakes = %+v", r.Mistakes)
		}
		var terms []string
		for _, w := range r.Vocabulary {
			terms = append(terms, w.Term)
		}
		if got := strings.Join(terms, ","); got != "라떼,따뜻하다,계산하다,드리다,어서 오세요,카드" {
			t.Fatalf("vocabulary = %s", got)
		}
		if len(r.NextSteps) != 2 {
			t.Fatalf("next steps = %q", r.NextSteps)
		}
		if env.ledger.count(engine.CallReport) != 1 {
			t.Fatalf("%d report ledger rows", env.ledger.count(engine.CallReport))
		}
		// The prompt: the scene, the goals with their state, the lines and
		// the feedback stored on them, as data; in the learner's language.
		req := env.fake.RequestsOfKind("report")[0]
		prompt := req.Messages[0].Content
		block := prompt[strings.Index(prompt, "<input>"):strings.Index(prompt, "</input>")]
		for _, want := range []string{reportBot1, reportLine1, reportLine2, `"achieved": true`, "ask for the receipt", "Polite speech.", "ordering coffee"} {
			if !strings.Contains(block, want) {
				t.Errorf("the report prompt's input lacks %q", want)
			}
		}
		if !strings.Contains(prompt, "English") || req.MaxTokens < 1000 {
			t.Errorf("report request: max_tokens %d, prompt:\n%s", req.MaxTokens, prompt)
		}

		// Found, listed, and the words in the vocabulary list.
		found, err := env.eng.FindReport(ctx, env.alice.ID, r.ID)
		if err != nil || fmt.Sprint(found) != fmt.Sprint(r) {
			t.Fatalf("FindReport = %+v, %v; want %+v", found, err, r)
		}
		env.fake.EnqueueKind("report", reportAnswer())
		r2, err := env.eng.EndSceneFrom(ctx, env.alice.ID, room.ID, engine.SourceWeb, "ko")
		if err != nil || r2.Language != "ko" {
			t.Fatalf("second report: %+v, %v", r2, err)
		}
		list, next, err := env.eng.ListReports(ctx, env.alice.ID, engine.Page{Limit: 1})
		if err != nil || len(list) != 1 || list[0].ID != r2.ID || next == "" || len(list[0].Vocabulary) != 6 {
			t.Fatalf("ListReports page 1 = %+v, %q, %v", list, next, err)
		}
		list, next, err = env.eng.ListReports(ctx, env.alice.ID, engine.Page{Limit: 1, Cursor: next})
		if err != nil || len(list) != 1 || list[0].ID != r.ID || next != "" {
			t.Fatalf("ListReports page 2 = %+v, %q, %v", list, next, err)
		}
		words, next, err := env.eng.ListVocabulary(ctx, env.alice.ID, engine.Page{Limit: 4})
		if err != nil || len(words) != 4 || next == "" {
			t.Fatalf("ListVocabulary = %+v, %q, %v", words, next, err)
		}
		if w := words[0]; w.Term != "라떼" || w.ReportID != r2.ID || w.RoomID != room.ID || w.Scene != "Coffee" || w.Example != reportLine1 || w.CreatedAt.IsZero() {
			t.Fatalf("newest word = %+v", w)
		}
		var all []*engine.VocabularyEntry
		for cursor := ""; ; {
			page, next, err := env.eng.ListVocabulary(ctx, env.alice.ID, engine.Page{Limit: 5, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page...)
			if cursor = next; cursor == "" {
				break
			}
		}
		if len(all) != 12 || all[6].ReportID != r.ID || all[6].Term != "라떼" || all[11].Term != "카드" {
			t.Fatalf("%d words; the older report's start at 6: %+v", len(all), all[6])
		}

		// The room stays and can be reset; the reports survive its deletion.
		if err := env.eng.ResetRoom(ctx, env.alice.ID, room.ID); err != nil {
			t.Fatal(err)
		}
		if err := env.eng.DeleteRoom(ctx, env.alice.ID, room.ID); err != nil {
			t.Fatal(err)
		}
		found, err = env.eng.FindReport(ctx, env.alice.ID, r.ID)
		if err != nil || found.RoomID != 0 || found.Scene != "Coffee" || len(found.Vocabulary) != 6 {
			t.Fatalf("after the room's deletion: %+v, %v", found, err)
		}
	})
}

// An answer that cannot be used is model_unavailable and stores nothing; a
// scene with no learner line is invalid before any model call.
func TestEndSceneRefusals(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, nil)
		ctx := context.Background()
		room := playReportScene(t, env, env.alice)
		few := openaifake.JSON(map[string]any{"summary": "s", "mistakes": []any{}, "next_steps": []string{"x"},
			"vocabulary": []any{word("a", "b", reportLine1), word("c", "d", reportLine1), word("e", "f", reportLine1), word("g", "h", reportLine1)}})
		noSteps := openaifake.JSON(map[string]any{"summary": "s", "mistakes": []any{}, "next_steps": []string{" "},
			"vocabulary": []any{word("a", "b", reportLine1), word("c", "d", reportLine1), word("e", "f", reportLine1), word("g", "h", reportLine1), word("i", "j", reportLine1)}})
		bad := []openaifake.Reply{openaifake.InvalidJSON(), openaifake.WrongShape(), openaifake.Truncated(map[string]any{"summary": "s"}), few, noSteps,
			openaifake.Raw(`{"summary":"","mistakes":[],"vocabulary":[],"next_steps":[]}`)}
		for i, reply := range bad {
			env.fake.EnqueueKind("report", reply)
			_, err := env.eng.EndSceneFrom(ctx, env.alice.ID, room.ID, engine.SourceWeb, "en")
			if e := wantCode(t, err, engine.CodeModelUnavailable); e == nil {
				t.Fatalf("answer %d", i)
			}
		}
		if list, _, err := env.eng.ListReports(ctx, env.alice.ID, engine.Page{}); err != nil || len(list) != 0 {
			t.Fatalf("reports stored from bad answers: %+v, %v", list, err)
		}
		if words, _, _ := env.eng.ListVocabulary(ctx, env.alice.ID, engine.Page{}); len(words) != 0 {
			t.Fatalf("words stored from bad answers: %+v", words)
		}
		if n := env.ledger.count(engine.CallReport); n != len(bad) {
			t.Fatalf("%d report ledger rows, want one per failed call (%d)", n, len(bad))
		}

		// No learner line: invalid, no call. An opened scene has none either.
		empty := env.goalRoom(t, env.alice, true, "greet")
		_, err := env.eng.EndSceneFrom(ctx, env.alice.ID, empty.ID, engine.SourceWeb, "en")
		if e := wantCode(t, err, engine.CodeInvalid); e.Reason != engine.ReasonEmptyScene {
			t.Fatalf("reason %q", e.Reason)
		}
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요!"}})
		if _, err := env.eng.OpenScene(ctx, env.alice.ID, empty.ID, engine.SourceWeb, nil); err != nil {
			t.Fatal(err)
		}
		_, err = env.eng.EndSceneFrom(ctx, env.alice.ID, empty.ID, engine.SourceWeb, "en")
		wantCode(t, err, engine.CodeInvalid)
		if n := len(env.fake.RequestsOfKind("report")); n != len(bad) {
			t.Fatalf("%d report calls, want %d", n, len(bad))
		}
	})
}

// Another user's room, report or words are not found, never shown.
func TestReportsBOLA(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, nil)
		ctx := context.Background()
		room := playReportScene(t, env, env.alice)
		env.fake.EnqueueKind("report", reportAnswer())
		r, err := env.eng.EndSceneFrom(ctx, env.alice.ID, room.ID, engine.SourceWeb, "en")
		if err != nil {
			t.Fatal(err)
		}
		_, err = env.eng.EndSceneFrom(ctx, env.bob.ID, room.ID, engine.SourceWeb, "en")
		wantCode(t, err, engine.CodeNotFound)
		_, err = env.eng.FindReport(ctx, env.bob.ID, r.ID)
		wantCode(t, err, engine.CodeNotFound)
		if list, next, err := env.eng.ListReports(ctx, env.bob.ID, engine.Page{}); err != nil || len(list) != 0 || next != "" {
			t.Fatalf("bob's reports: %+v, %v", list, err)
		}
		if words, next, err := env.eng.ListVocabulary(ctx, env.bob.ID, engine.Page{}); err != nil || len(words) != 0 || next != "" {
			t.Fatalf("bob's words: %+v, %v", words, err)
		}
		if n := len(env.fake.RequestsOfKind("report")); n != 1 {
			t.Fatalf("%d report calls; bob's reached the model", n)
		}
		_, err = env.eng.FindReport(ctx, env.alice.ID, r.ID+1000)
		wantCode(t, err, engine.CodeNotFound)
		_, _, err = env.eng.ListReports(ctx, env.alice.ID, engine.Page{Cursor: "x"})
		wantCode(t, err, engine.CodeInvalid)

		// Deleting the account deletes its reports and words.
		if err := env.eng.DeleteUser(ctx, env.alice.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindReport(ctx, env.alice.ID, r.ID); err == nil {
			t.Fatal("a deleted user's report survived")
		}
	})
}

// A report is a turn for turns_per_minute and is held in the daily
// allowance: refused (rate_limited) without calling the model.
func TestEndSceneQuotas(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, func(c *engine.Config) { c.Limits.TurnsPerMinute = 4 })
		ctx := context.Background()
		room := playReportScene(t, env, env.alice) // three turns: the opening and two lines
		env.fake.EnqueueKind("report", reportAnswer())
		if _, err := env.eng.EndSceneFrom(ctx, env.alice.ID, room.ID, engine.SourceWeb, "en"); err != nil {
			t.Fatal(err)
		}
		_, err := env.eng.EndSceneFrom(ctx, env.alice.ID, room.ID, engine.SourceWeb, "en")
		wantCode(t, err, engine.CodeRateLimited)

		spent := newCoachEnv(t, db, func(c *engine.Config) { c.Limits.TokensPerDay = 1 })
		// bob has used nothing: his scene's reply is admitted, then the allowance is spent.
		room = spent.goalRoom(t, spent.bob, false)
		spent.fake.Enqueue(openaifake.Reply{Chunks: []string{"네."}, PromptTokens: 50, CompletionTokens: 5})
		spent.say(t, spent.bob, room.ID, reportLine1, "en", nil)
		_, err = spent.eng.EndSceneFrom(ctx, spent.bob.ID, room.ID, engine.SourceWeb, "en")
		wantCode(t, err, engine.CodeRateLimited)
		if n := len(spent.fake.RequestsOfKind("report")); n != 0 {
			t.Fatalf("%d report calls past the allowance", n)
		}
	})
}

// The report's prompt shows the newest lines that fit its budget (here the
// room's prompt window, smaller than the report's own), never the oldest.
func TestEndSceneTranscriptBudget(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, func(c *engine.Config) { c.Prompt.ContextTokens, c.Prompt.MaxReplyTokens = 2000, 1000 })
		ctx := context.Background()
		room := env.goalRoom(t, env.alice, false)
		filler := strings.Repeat(" coffee", 150) // about 150 tokens a line: six lines fill the window
		for i := range 8 {
			env.fake.Enqueue(openaifake.Reply{Chunks: []string{fmt.Sprintf("reply %d", i)}})
			env.say(t, env.alice, room.ID, fmt.Sprintf("line %d%s", i, filler), "en", nil)
		}
		env.fake.EnqueueKind("report", reportAnswer())
		_, _ = env.eng.EndSceneFrom(ctx, env.alice.ID, room.ID, engine.SourceWeb, "en") // the answer's examples are not this scene's: refused, no matter
		reqs := env.fake.RequestsOfKind("report")
		if len(reqs) != 1 {
			t.Fatalf("%d report calls", len(reqs))
		}
		prompt := reqs[0].Messages[0].Content
		if !strings.Contains(prompt, "line 7") || !strings.Contains(prompt, "reply 7") || !strings.Contains(prompt, "line 4") {
			t.Fatalf("the newest lines are missing:\n%s", prompt)
		}
		if strings.Contains(prompt, "line 0") || strings.Contains(prompt, "reply 0") {
			t.Fatalf("the oldest line is past the budget of 1000 tokens but shown:\n%s", prompt)
		}
	})
}
