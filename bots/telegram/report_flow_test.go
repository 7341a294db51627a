package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// reportAnswer is the model's scripted report of the scene played by
// playScene, its words taken from that scene.
func reportAnswer() openaifake.Reply {
	word := func(term, meaning, example string) map[string]any {
		return map[string]any{"term": term, "meaning": meaning, "example": example}
	}
	return openaifake.JSON(map[string]any{
		"summary": "You ordered an oat-milk latte & asked about <Wi-Fi>.",
		"mistakes": []any{map[string]any{"kind": "grammar", "original": "a oat", "better": "an oat",
			"explanation": "Use “an” before a vowel <sound>."}},
		"vocabulary": []any{
			word("oat milk", "귀리 우유", "I want a oat milk latte"),
			word("latte", "라떼", "I want a oat milk latte"),
			word("anything else", "더 필요한 것", "Anything else?"),
			word("Wi-Fi", "와이파이", "What is the Wi-Fi password"),
			word("password", "비밀번호", "What is the Wi-Fi password"),
		},
		"next_steps": []string{"Practise “an” before vowels & <sounds>."},
	})
}

// playScene plays two lines of a room with goals for u: the opening is
// stored by the room helper's caller; the lines achieve nothing.
func (e *env) playScene(u telegramfake.User, chat telegramfake.Chat) *engine.Room {
	e.t.Helper()
	room := e.room(u, chat, withGoals(cafe("en")))
	for _, line := range []struct{ user, bot string }{
		{"I want a oat milk latte", "Sure! Anything else?"},
		{"What is the Wi-Fi password", "It is on the receipt."},
	} {
		e.model.Enqueue(openaifake.Reply{Chunks: []string{line.bot}})
		e.model.EnqueueKind("goals", openaifake.JSON(map[string]any{"achieved_goals": []int64{room.Goals[0].ID}}))
		e.send(chat, u, line.user)
	}
	return room
}

// /end shows the scene's report, built from a scripted answer, stored; it
// is found again with /reports and its button.
func TestEndShowsTheReport(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.playScene(bob, bobDM)
		before := len(e.sent(bobDM.ID))
		e.model.EnqueueKind("report", reportAnswer())
		e.send(bobDM, bob, "/end")
		sent := e.sent(bobDM.ID)[before:]
		if len(sent) != 1 {
			t.Fatalf("%d report messages, want 1", len(sent))
		}
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(sent[0].Fields["text"]); err != nil {
			t.Fatal(err)
		}
		golden(t, "end_report", b.String())
		reqs := e.model.RequestsOfKind("report")
		if len(reqs) != 1 || !strings.Contains(string(reqs[0].Body), "Korean") {
			t.Fatalf("report requests = %d, want one in the learner's Korean", len(reqs))
		}
		reports, _, err := e.eng.ListReports(context.Background(), e.user(bob).ID, engine.Page{Limit: 10})
		if err != nil || len(reports) != 1 || reports[0].RoomID != room.ID {
			t.Fatalf("stored reports = %+v, %v", reports, err)
		}

		// /reports lists it with a button that shows it again.
		e.send(bobDM, bob, "/reports")
		list := e.sent(bobDM.ID)
		data := dataOf(keyboardOf(t, list[len(list)-1]))
		if len(data) != 1 || data[0] != fmt.Sprintf("rep:%d", reports[0].ID) {
			t.Fatalf("/reports buttons = %v", data)
		}
		if got := e.lastText(bobDM.ID); !strings.HasPrefix(got, "내 리포트 (최신순)\n📋 ") || !strings.Contains(got, "🎯 1/2") {
			t.Fatalf("/reports = %q", got)
		}
		e.press(bobDM, bob, list[len(list)-1].MessageID(), data[0])
		if again := e.sent(bobDM.ID); again[len(again)-1].Fields["text"] != sent[0].Fields["text"] {
			t.Fatalf("the report shown again = %q", again[len(again)-1].Fields["text"])
		}
	})
}

// A scene with no line of the learner's has nothing to report: said so,
// and no model call is made.
func TestEndOfAnEmptyScene(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		e.room(alice, aliceDM, withGoals(cafe("en")))
		e.send(aliceDM, alice, "/end")
		if got := e.lastText(aliceDM.ID); got != "Say something in the scene first: there is nothing to report yet." {
			t.Fatalf("/end = %q", got)
		}
		if n := len(e.model.RequestsOfKind("report")); n != 0 {
			t.Fatalf("%d report calls", n)
		}
		e.send(aliceDM, alice, "/reports")
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "No reports yet.") {
			t.Fatalf("/reports = %q", got)
		}
	})
}

// A report at the engine's bounds goes out in several messages, each
// accepted by Telegram (the fake parses the HTML and checks the length).
func TestLongReportInSeveralMessages(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		e.room(alice, aliceDM, cafe("en"))
		line := strings.Repeat("a long line about coffee ", 40) // 1,000 characters
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Sure."}})
		e.send(aliceDM, alice, line)
		var words []any
		for i := 0; i < 15; i++ {
			words = append(words, map[string]any{"term": fmt.Sprintf("term %d %s", i, strings.Repeat("x", 80)),
				"meaning": strings.Repeat("meaning & ", 29), "example": line[:590]})
		}
		e.model.EnqueueKind("report", openaifake.JSON(map[string]any{"summary": strings.Repeat("A summary <of> the scene. ", 45),
			"mistakes": []any{}, "vocabulary": words, "next_steps": []string{strings.Repeat("next ", 70)}}))
		before := len(e.sent(aliceDM.ID))
		e.send(aliceDM, alice, "/end")
		sent := e.sent(aliceDM.ID)[before:]
		if len(sent) < 3 {
			t.Fatalf("%d messages, want the report in several", len(sent))
		}
		var shown []string
		for _, c := range sent {
			m, _ := e.api.Message(aliceDM.ID, c.MessageID())
			if telegramfake.TextLen(m.Text) > MaxMessageLen {
				t.Fatalf("message of %d units", telegramfake.TextLen(m.Text))
			}
			shown = append(shown, m.Text)
		}
		all := strings.Join(shown, "\n")
		for i := 0; i < 15; i++ {
			if strings.Count(all, fmt.Sprintf("term %d x", i)) != 1 {
				t.Fatalf("word %d is not shown once", i)
			}
		}
		if !strings.HasSuffix(all, "Find it again with /reports. /reset plays the scene again.") {
			t.Fatalf("the report does not end with its footer: %q", all[len(all)-200:])
		}
	})
}

// Report buttons with forged data never show another user's report: the
// report id goes to the engine with the presser's own user.
func TestReportButtonsAreThePressersOwn(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		e.playScene(alice, aliceDM)
		e.model.EnqueueKind("report", reportAnswer())
		e.send(aliceDM, alice, "/end")
		reports, _, err := e.eng.ListReports(context.Background(), e.user(alice).ID, engine.Page{Limit: 10})
		if err != nil || len(reports) != 1 {
			t.Fatalf("alice's reports = %d, %v", len(reports), err)
		}
		before := len(e.sent(bobDM.ID))
		for _, data := range []string{fmt.Sprintf("rep:%d", reports[0].ID), "rep:abc", "rep:-1", "reps::abc", fmt.Sprintf("reps::%d", reports[0].ID+1)} {
			e.send(bobDM, bob, "/start") // a message to press on
			e.press(bobDM, bob, e.lastID(bobDM.ID), data)
		}
		for _, c := range e.sent(bobDM.ID)[before:] {
			m, _ := e.api.Message(bobDM.ID, c.MessageID())
			if strings.Contains(m.Text, "oat") || strings.Contains(m.Text, "리포트:") {
				t.Fatalf("bob was shown alice's report: %q", m.Text)
			}
		}
		want := []string{"리포트를 찾을 수 없어요. /reports 를 확인해 주세요.", "이 단계는 만료됐어요", "이 단계는 만료됐어요", "입력이 올바르지 않아요.", "아직 리포트가 없어요."}
		sent := e.sent(bobDM.ID)[before:]
		for i, w := range want {
			m, _ := e.api.Message(bobDM.ID, sent[2*i+1].MessageID())
			if !strings.HasPrefix(m.Text, w) {
				t.Fatalf("press %d: %q, want %q", i, m.Text, w)
			}
		}
	})
}

// /reports pages: reportsPage reports, newest first, then More › to the rest.
func TestReportsArePaged(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.playScene(alice, aliceDM)
		var ids []int64
		for i := 0; i < reportsPage+1; i++ {
			e.model.EnqueueKind("report", reportAnswer())
			r, err := e.eng.EndSceneFrom(context.Background(), e.user(alice).ID, room.ID, engine.SourceTelegram, "en")
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		e.send(aliceDM, alice, "/reports")
		first := e.sent(aliceDM.ID)
		data := dataOf(keyboardOf(t, first[len(first)-1]))
		if len(data) != reportsPage+1 || data[0] != fmt.Sprintf("rep:%d", ids[len(ids)-1]) || !strings.HasPrefix(data[reportsPage], "reps::") {
			t.Fatalf("first page's buttons = %v (reports %v)", data, ids)
		}
		e.press(aliceDM, alice, first[len(first)-1].MessageID(), data[reportsPage])
		next := e.sent(aliceDM.ID)
		data = dataOf(keyboardOf(t, next[len(next)-1]))
		if len(data) != 1 || data[0] != fmt.Sprintf("rep:%d", ids[0]) {
			t.Fatalf("second page's buttons = %v", data)
		}
	})
}
