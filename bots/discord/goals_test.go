package discord

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/bots/discord/discordfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// sceneRoom makes p a room from the cafe-order scenario (goals in ko),
// feedback as given, bound as p's active room.
func (e *env) sceneRoom(t *testing.T, p person, feedback bool) *engine.Room {
	t.Helper()
	r, err := e.eng.CreateRoom(context.Background(), e.user(t, p).ID, engine.RoomInput{ScenarioID: "cafe-order",
		Language: "ko", Locale: "ko", Feedback: &feedback})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.eng.BindRoom(context.Background(), e.user(t, p).ID, r.ID, engine.ProviderDiscord, scopeActive); err != nil {
		t.Fatal(err)
	}
	if len(r.Goals) < 2 {
		t.Fatalf("goals = %v, want at least 2", r.Goals)
	}
	return r
}

// ephemeralEmbeds returns the embeds of the ephemeral followups of an
// interaction token, each followup's list in order.
func (e *env) ephemeralEmbeds(token string) [][]any {
	var out [][]any
	for _, c := range discordfake.Filter(e.fake.Calls(), http.MethodPost, "/webhooks/"+testAppID+"/"+token) {
		if c.JSON["flags"] == float64(discordgo.MessageFlagsEphemeral) {
			embeds, _ := c.JSON["embeds"].([]any)
			out = append(out, embeds)
		}
	}
	return out
}

// goalsAnswer is a coach answer on a fine line that achieved ids.
func goalsAnswer(ids ...int64) openaifake.Reply {
	return openaifake.JSON(map[string]any{"corrected": sayLine, "items": []any{}, "note": "좋아요", "achieved_goals": ids})
}

// After /say the feedback carries the room's goal progress: a field named
// "🎯 n/m" with the checklist; the line that achieves the last open goal
// also says so and invites the learner to /end, once. With feedback off,
// the progress alone is shown.
func TestSayShowsGoalProgress(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.sceneRoom(t, alice, true)
		g := r.Goals
		say := func(answer openaifake.Reply, kind string) (string, []any) {
			t.Helper()
			e.model.Enqueue(openaifake.Reply{Chunks: []string{"네."}})
			e.model.EnqueueKind(kind, answer)
			m := e.golden(t, "command_say.json", alice) // locale ko
			e.sendOK(t, m)
			all := e.ephemeralEmbeds(m["token"].(string))
			if len(all) != 1 || len(all[0]) != 1 {
				t.Fatalf("followup embeds = %v, want one embed", all)
			}
			em := all[0][0].(map[string]any)
			f := em["fields"].([]any)[0].(map[string]any)
			desc, _ := em["description"].(string)
			return f["name"].(string) + "\n" + f["value"].(string), []any{desc}
		}
		got, desc := say(goalsAnswer(g[0].ID), "feedback")
		want := "🎯 1/" + itoa(len(g)) + "\n✅ " + escapeMarkdown(g[0].Text) + "\n⬜ " + escapeMarkdown(g[1].Text)
		if !strings.HasPrefix(got, want) || desc[0] != "" {
			t.Errorf("progress = %q (%v), want %q…", got, desc, want)
		}
		var rest []int64
		for _, goal := range g[1:] {
			rest = append(rest, goal.ID)
		}
		got, desc = say(goalsAnswer(rest...), "feedback")
		if !strings.HasPrefix(got, "🎯 "+itoa(len(g))+"/"+itoa(len(g))+"\n✅ ") || strings.Contains(got, "⬜") ||
			desc[0] != text("ko", msgAllGoals) {
			t.Errorf("progress = %q, description %q, want all achieved and the invitation", got, desc)
		}
		// Said once: a later line does not repeat it.
		if _, desc = say(goalsAnswer(), "feedback"); desc[0] != "" {
			t.Errorf("description after all achieved = %q, want none", desc)
		}

		// Feedback off: the goals-only check, the progress alone.
		off := e.sceneRoom(t, bob, false)
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"네."}})
		e.model.EnqueueKind("goals", openaifake.JSON(map[string]any{"achieved_goals": []int64{off.Goals[1].ID}}))
		m := e.golden(t, "command_say.json", bob)
		m["locale"] = "ja"
		e.sendOK(t, m)
		calls := discordfake.Filter(e.fake.Calls(), http.MethodPost, "/webhooks/"+testAppID+"/"+m["token"].(string))
		if len(calls) != 1 {
			t.Fatalf("followups = %v, want one", calls)
		}
		if c, _ := calls[0].Content(); c != "" {
			t.Errorf("content = %q, want the progress alone", c)
		}
		if embeds := e.ephemeralEmbeds(m["token"].(string)); len(embeds) != 1 ||
			embeds[0][0].(map[string]any)["fields"].([]any)[0].(map[string]any)["name"] != "🎯 1/"+itoa(len(off.Goals)) {
			t.Errorf("embeds = %v", embeds)
		}
	})
}

// In a thread, the line that achieves the last open goal gets a message
// there that says so; the ✍️ answer carries the progress.
func TestThreadAnnouncesAllGoals(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.sceneRoom(t, alice, true)
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요!"}})
		thread := e.enter(t, alice, r)
		var ids []int64
		for _, g := range r.Goals[:len(r.Goals)-1] {
			ids = append(ids, g.ID)
		}
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"네."}})
		e.model.EnqueueKind("feedback", goalsAnswer(ids...))
		e.message(t, alice, thread, sayLine)
		announce := text("en", msgAllGoals) // alice's stored locale: the golden interactions' en-US
		if strings.Contains(e.shown(thread), announce) {
			t.Fatal("announced before every goal was achieved")
		}
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"네, 여기요."}})
		e.model.EnqueueKind("feedback", goalsAnswer(r.Goals[len(r.Goals)-1].ID))
		e.message(t, alice, thread, sayLine)
		shown := e.fake.Messages(thread)
		if last := shown[len(shown)-1]; last.Content != announce {
			t.Errorf("last message = %q, want %q", last.Content, announce)
		}
		line := e.history(t, alice, r.ID)[3]
		d := e.clickFeedback(t, alice, thread, feedbackID(r.ID, line.ID))
		embeds, _ := d["embeds"].([]any)
		if len(embeds) != 1 || embeds[0].(map[string]any)["fields"].([]any)[0].(map[string]any)["name"] != "🎯 "+itoa(len(r.Goals))+"/"+itoa(len(r.Goals)) {
			t.Errorf("✍️ answer embeds = %v", embeds)
		}
	})
}
