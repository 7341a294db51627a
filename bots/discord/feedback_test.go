package discord

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/bots/discord/discordfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// The line of command_say.json.
const sayLine = "안녕하세요, 아메리카노 한 잔 주세요."

// coachAnswer is a scripted coach answer on sayLine whose fields carry
// markdown and mentions, as a model might write them.
func coachAnswer() openaifake.Reply {
	return openaifake.JSON(map[string]any{
		"corrected": "안녕하세요, 아이스 아메리카노 한 잔 주세요.",
		"items": []any{map[string]any{"kind": "vocabulary", "original": "아메리카노", "better": "아이스 **아메리카노**",
			"explanation": "더운 날엔 ~~아이스~~ <@2000000000000000002> @everyone"}},
		"note": "좋아요 _잘했어요_",
	})
}

// coachView is what the learner sees of coachAnswer, in Korean: the changed
// parts marked, the model's text escaped.
const coachView = "**✍️ 피드백**\n원어민이라면 이렇게 말해요:\n> 안녕하세요, 아이스 아메리카노 한 잔 주세요.\n" +
	`• ~~아메리카노~~ → **아이스 \*\*아메리카노\*\*** (어휘)` + "\n" +
	`  더운 날엔 \~\~아이스\~\~ \<\@2000000000000000002\> \@everyone` + "\n" + `좋아요 \_잘했어요\_`

// ephemeralFollowups returns the ephemeral followups of an interaction token.
func (e *env) ephemeralFollowups(token string) []string {
	var out []string
	for _, c := range discordfake.Filter(e.fake.Calls(), http.MethodPost, "/webhooks/"+testAppID+"/"+token) {
		if s, ok := c.Content(); ok && c.JSON["flags"] == float64(discordgo.MessageFlagsEphemeral) {
			out = append(out, s)
		}
	}
	return out
}

// After /say, the learner alone sees the feedback on their line: an
// ephemeral followup once the reply is done, the model's text escaped, in
// the interaction's language; the public response holds only the reply.
func TestSayFeedbackEphemeral(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.practiceRoom(t, alice, "Cafe")
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"네, ", "아메리카노 한 잔이요."}})
		e.model.EnqueueKind("feedback", coachAnswer())
		m := e.golden(t, "command_say.json", alice) // locale ko
		e.sendOK(t, m)
		token := m["token"].(string)

		if got := e.ephemeralFollowups(token); len(got) != 1 || got[0] != coachView {
			t.Fatalf("ephemeral followups = %q, want\n%q", got, coachView)
		}
		if orig, _ := e.fake.Message(token, "@original"); orig.Content != "네, 아메리카노 한 잔이요." || orig.Flags != 0 {
			t.Errorf("public response = %+v, want the reply only", orig)
		}
		msgs := e.history(t, alice, r.ID)
		if fb := msgs[0].Feedback; fb == nil || fb.Status != engine.FeedbackReady || fb.Language != "ko" {
			t.Errorf("stored feedback = %+v, want ready, in the interaction's language", fb)
		}

		// A fine line gets a short note; the locale is the interaction's (ja).
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"はい。"}})
		e.model.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": sayLine, "items": []any{}, "note": "完璧です!"}))
		m = e.golden(t, "command_say.json", alice)
		m["locale"] = "ja"
		e.sendOK(t, m)
		if got := e.ephemeralFollowups(m["token"].(string)); len(got) != 1 || got[0] != "**✍️ フィードバック**\n✅ 完璧です!" {
			t.Errorf("fine line followups = %q", got)
		}
		if fb := e.history(t, alice, r.ID)[2].Feedback; fb == nil || fb.Language != "ja" {
			t.Errorf("stored feedback = %+v, want ja", fb)
		}

		// Garbage from the coach: the reply is whole, the learner is told (en).
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Sure."}})
		e.model.EnqueueKind("feedback", openaifake.InvalidJSON())
		m = e.golden(t, "command_say.json", alice)
		m["locale"] = "en-US"
		e.sendOK(t, m)
		token = m["token"].(string)
		if orig, _ := e.fake.Message(token, "@original"); orig.Content != "Sure." {
			t.Errorf("reply shows %q", orig.Content)
		}
		if got := e.ephemeralFollowups(token); len(got) != 1 || got[0] != "No feedback is available for this line." {
			t.Errorf("unavailable followups = %q", got)
		}
	})
}

// A room with feedback off asks no coach and shows nothing after /say.
func TestSayNoFeedbackWhenOff(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe")
		if err := e.eng.BindRoom(context.Background(), e.user(t, alice).ID, r.ID, engine.ProviderDiscord, "active"); err != nil {
			t.Fatal(err)
		}
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"네."}})
		m := e.golden(t, "command_say.json", alice)
		e.sendOK(t, m)
		if got := e.ephemeralFollowups(m["token"].(string)); len(got) != 0 {
			t.Errorf("followups = %q", got)
		}
		if n := len(e.model.RequestsOfKind("feedback")); n != 0 {
			t.Errorf("%d coach requests", n)
		}
	})
}

// clickFeedback presses the feedback button of custom id cid as p, in
// channel, and returns the answer's data.
func (e *env) clickFeedback(t *testing.T, p person, channel, cid string) map[string]any {
	t.Helper()
	m := e.golden(t, "button.json", p) // locale en-US
	set(t, m, "data.custom_id", cid)
	m["channel_id"] = channel
	resp := e.sendOK(t, m)
	d := respData(t, resp)
	if respType(resp) != int(discordgo.InteractionResponseChannelMessageWithSource) || !ephemeral(d) {
		t.Fatalf("button answered %v, want an ephemeral message", resp)
	}
	return d
}

// waitFeedback waits until the coach is done with message id of p's room.
func (e *env) waitFeedback(t *testing.T, p person, roomID, id int64) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		fb, err := e.eng.FindFeedback(context.Background(), e.user(t, p).ID, roomID, id)
		if err == nil && fb.Status != engine.FeedbackPending {
			return
		}
	}
	t.Fatal("the coach never finished")
}

// In a thread a reply gets a "✍️ Feedback" button; pressing it shows the
// feedback to the room's owner alone, ephemerally; anyone else is refused.
// A room with feedback off gets no button.
func TestThreadFeedbackButton(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.practiceRoom(t, alice, "Cafe")
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요!"}})
		thread := e.enter(t, alice, r)
		e.user(t, bob)

		hold := openaifake.NewHold()
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"네, 아메리카노 한 잔이요."}})
		e.model.EnqueueKind("feedback", openaifake.Slow(coachAnswer(), hold))
		e.message(t, alice, thread, sayLine)
		msgs := e.history(t, alice, r.ID)
		line := msgs[1]
		shown := e.fake.Messages(thread)
		last := shown[len(shown)-1]
		if last.Content != "네, 아메리카노 한 잔이요." || len(last.Components) != 1 {
			t.Fatalf("reply = %+v, want the reply with one row of components", last)
		}
		button := last.Components[0].(map[string]any)["components"].([]any)[0].(map[string]any)
		cid := "room:fb:" + fmtRoomID(r) + ":" + fmtID(line.ID)
		if button["custom_id"] != cid || button["label"] != "✍️ Feedback" {
			t.Fatalf("button = %v, want %s", button, cid)
		}
		if len(shown[0].Components) != 0 {
			t.Errorf("the opening has a button: %v", shown[0].Components)
		}

		// While the coach works: say so.
		if d := e.clickFeedback(t, alice, thread, cid); d["content"] != "The feedback on this line is still being written. Try again in a moment." {
			t.Errorf("pending answered %v", d["content"])
		}
		hold.Release()
		e.waitFeedback(t, alice, r.ID, line.ID)
		d := e.clickFeedback(t, alice, thread, cid)
		want := strings.NewReplacer("피드백", "Feedback", "원어민이라면 이렇게 말해요:", "A native speaker would say:", "(어휘)", "(vocabulary)").Replace(coachView)
		if d["content"] != want {
			t.Errorf("alice sees %q, want %q", d["content"], want)
		}

		// Bob, in the same thread, with the same button (or a forged one): refused.
		for _, id := range []string{cid, "room:fb:" + fmtRoomID(r) + ":1", "room:fb:x:y"} {
			if d := e.clickFeedback(t, bob, thread, id); d["content"] != "Only the learner who plays this room can use this." {
				t.Errorf("bob pressing %s sees %v", id, d["content"])
			}
		}

		// A room with feedback off: no button, no coach.
		off := e.room(t, alice, "Quiet")
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"안녕하세요."}}, openaifake.Reply{Chunks: []string{"네."}})
		quiet := e.enter(t, alice, off)
		e.message(t, alice, quiet, "안녕")
		for _, msg := range e.fake.Messages(quiet) {
			if len(msg.Components) != 0 {
				t.Errorf("a message in a room with feedback off has components: %+v", msg)
			}
		}
		if n := len(e.model.RequestsOfKind("feedback")); n != 1 {
			t.Errorf("%d coach requests, want 1", n)
		}
	})
}

// A slow coach never holds the reply of /say back: the reply is shown whole
// while the coach still works, and the feedback follows when it is done.
func TestSayReplyNotDelayedByCoach(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		e.practiceRoom(t, alice, "Cafe")
		hold := openaifake.NewHold()
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"네, ", "아메리카노 한 잔이요."}})
		e.model.EnqueueKind("feedback", openaifake.Slow(coachAnswer(), hold))
		m := e.golden(t, "command_say.json", alice)
		token := m["token"].(string)
		if status, _ := e.send(t, m); status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		e.fake.WaitFor(t, "the whole reply while the coach holds", func([]discordfake.Call) bool {
			orig, _ := e.fake.Message(token, "@original")
			return orig.Content == "네, 아메리카노 한 잔이요."
		})
		if got := e.ephemeralFollowups(token); len(got) != 0 {
			t.Errorf("followups before the coach answered: %q", got)
		}
		hold.Release()
		e.idle()
		if got := e.ephemeralFollowups(token); len(got) != 1 || got[0] != coachView {
			t.Errorf("followups = %q", got)
		}
	})
}
