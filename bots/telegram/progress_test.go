package telegram

import (
	"strings"
	"testing"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// withGoals is in with the goals of a latte order.
func withGoals(in engine.RoomInput) engine.RoomInput {
	in.Goals = []string{"Order a <latte>", "Pay by card"}
	return in
}

// coachSays is the coach's answer to a line: fine, achieving ids.
func coachSays(ids ...int64) openaifake.Reply {
	if ids == nil {
		ids = []int64{}
	}
	return openaifake.JSON(map[string]any{"corrected": "A latte, please.", "items": []any{}, "note": "좋아요!", "achieved_goals": ids})
}

// The correction carries the 🎯 line: the count and the goals the line
// achieved; the line achieving the last one invites the learner to /end, once.
func TestGoalsProgressWithTheCorrection(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.room(bob, bobDM, withGoals(coached("en")))
		g := room.Goals
		steps := []struct {
			achieved []int64
			want     string
		}{
			{nil, "✓ 좋아요!\n\n🎯 0/2"},
			{[]int64{g[0].ID}, "✓ 좋아요!\n\n🎯 1/2\n☑ Order a <latte>"},
			{[]int64{g[1].ID, g[0].ID}, "✓ 좋아요!\n\n🎯 2/2\n☑ Pay by card\n\n🏁 목표를 모두 달성했어요! /end 를 보내면 리포트를 받을 수 있어요. 계속 연기해도 돼요."},
			{nil, "✓ 좋아요!\n\n🎯 2/2"},
		}
		for i, s := range steps {
			e.model.Enqueue(openaifake.Reply{Chunks: []string{"Sure."}})
			e.model.EnqueueKind("feedback", coachSays(s.achieved...))
			e.send(bobDM, bob, "A latte, please.")
			if got := e.lastText(bobDM.ID); got != s.want {
				t.Fatalf("line %d: correction = %q, want %q", i, got, s.want)
			}
		}
	})
}

// Without corrections, the 🎯 line comes alone after the reply, and only
// when the line achieved a goal.
func TestGoalsProgressAloneWithoutCorrections(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.room(alice, aliceDM, withGoals(cafe("en")))
		g := room.Goals

		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Hello!"}})
		e.model.EnqueueKind("goals", openaifake.JSON(map[string]any{"achieved_goals": []int64{}}))
		e.send(aliceDM, alice, "Hi")
		if n := len(e.sent(aliceDM.ID)); n != 1 {
			t.Fatalf("%d messages after a line that achieved nothing, want the reply alone", n)
		}

		e.model.Enqueue(openaifake.Reply{Chunks: []string{"One latte."}})
		e.model.EnqueueKind("goals", openaifake.JSON(map[string]any{"achieved_goals": []int64{g[0].ID}}))
		e.send(aliceDM, alice, "A latte, please")
		sent := e.sent(aliceDM.ID)
		if got := e.lastText(aliceDM.ID); len(sent) != 3 || got != "🎯 1/2\n☑ Order a <latte>" {
			t.Fatalf("progress = %q (%d messages)", got, len(sent))
		}
		if sent[2].Fields["disable_notification"] != "true" || replyParams(sent[2]) == 0 {
			t.Fatalf("progress is not a quiet reply to the line: %v", sent[2].Fields)
		}

		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Card is fine."}})
		e.model.EnqueueKind("goals", openaifake.JSON(map[string]any{"achieved_goals": []int64{g[1].ID}}))
		e.send(aliceDM, alice, "By card")
		if got := e.lastText(aliceDM.ID); got != "🎯 2/2\n☑ Pay by card\n\n🏁 All goals done! Send /end for your report, or play on." {
			t.Fatalf("progress = %q", got)
		}
		// All achieved: no more goal checks, nothing more after the reply.
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Bye!"}})
		e.send(aliceDM, alice, "Thanks")
		if got := e.lastText(aliceDM.ID); got != "Bye!" {
			t.Fatalf("last message = %q, want the reply", got)
		}
		if r := e.activeRoom(alice, aliceDM); !engine.AllGoalsAchieved(r.Goals) || !strings.Contains(string(roomView(langEn, r)), "☑ Pay by card") {
			t.Fatalf("room goals = %+v", r.Goals)
		}
	})
}
