package telegram

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// The correction's format, in each language: the corrected line, each change
// as <s>old</s> → <b>new</b> with its kind and explanation, the note; the
// coach's text escaped (model output is untrusted); a fine line is one quiet
// ✓ line. Each is valid Telegram HTML.
func TestFeedbackMessageFormat(t *testing.T) {
	withIssues := &engine.Feedback{Status: engine.FeedbackReady,
		Corrected: "I'd like a <large> coffee & a cake, please.",
		Items: []engine.FeedbackItem{
			{Kind: engine.IssueNaturalness, Original: "I want", Better: "I'd like", Explanation: "“I'd like” is more polite when <ordering>."},
			{Kind: engine.IssueGrammar, Original: "", Better: "a", Explanation: "Count nouns need an article."},
			{Kind: engine.IssueVocabulary, Original: "big", Better: "<large>", Explanation: ""},
			{Kind: "unknown", Original: "plz", Better: "", Explanation: "Drop it & say please."},
		},
		Note: "Good try — <b>almost</b> there!"}
	fine := &engine.Feedback{Status: engine.FeedbackReady, Corrected: "A coffee, please.", Note: "Natural & polite."}
	fineNoNote := &engine.Feedback{Status: engine.FeedbackReady, Corrected: "A coffee, please."}
	out := map[string]string{}
	for _, l := range langs {
		for name, fb := range map[string]*engine.Feedback{"issues": withIssues, "fine": fine, "fine_no_note": fineNoNote} {
			text := feedbackText(l, fb)
			if _, err := telegramfake.ParseHTML(text); err != nil {
				t.Fatalf("%s/%s: %v: %s", l, name, err, text)
			}
			out[string(l)+"/"+name] = text
		}
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the golden file shows the markup as sent
	if err := enc.Encode(out); err != nil {
		t.Fatal(err)
	}
	golden(t, "feedback_message", b.String())
}

// At the bounds (the most items, each fragment and explanation at its
// longest, in characters that count double in UTF-16) the correction is
// still one message Telegram accepts.
func TestFeedbackMessageFitsAtItsBounds(t *testing.T) {
	long := func(n int) string { return strings.Repeat("😀", n+10) } // cut to n
	fb := &engine.Feedback{Status: engine.FeedbackReady, Corrected: long(maxCorrectedLen), Note: long(maxNoteLen)}
	for i := 0; i < maxFeedbackItems+3; i++ {
		fb.Items = append(fb.Items, engine.FeedbackItem{Kind: engine.IssueRegister,
			Original: long(maxFragmentLen), Better: long(maxFragmentLen), Explanation: long(maxExplanationLen)})
	}
	for _, l := range langs {
		plain, err := telegramfake.ParseHTML(feedbackText(l, fb))
		if err != nil {
			t.Fatal(err)
		}
		if n := telegramfake.TextLen(plain); n > MaxMessageLen {
			t.Fatalf("%s: %d UTF-16 units, more than %d", l, n, MaxMessageLen)
		}
		if got := strings.Count(plain, "• "); got != maxFeedbackItems {
			t.Fatalf("%s: %d items shown, want %d", l, got, maxFeedbackItems)
		}
	}
}

// replyParams returns the message a sendMessage call replies to (0: none).
func replyParams(c telegramfake.Call) int {
	var p struct {
		MessageID int `json:"message_id"`
	}
	if c.Fields["reply_parameters"] == "" {
		return 0
	}
	_ = c.Decode("reply_parameters", &p)
	return p.MessageID
}

// buttons returns the callback data of a message's inline keyboard as it
// stands, by button text.
func (e *env) buttons(chat int64, msgID int) map[string]string {
	e.t.Helper()
	m, _ := e.api.Message(chat, msgID)
	out := map[string]string{}
	if m.ReplyMarkup == nil {
		return out
	}
	var kb inlineKeyboard
	if err := json.Unmarshal(m.ReplyMarkup, &kb); err != nil {
		e.t.Fatal(err)
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			out[b.Text] = b.CallbackData
		}
	}
	return out
}

// A learner's line gets its correction as a quiet reply to it, after the
// bot's reply (which carries 💡 and 🌐), the coach's text escaped and its
// explanations asked for in the learner's language (Bob's Korean).
func TestCorrectionFollowsTheReply(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.room(bob, bobDM, coached("en"))
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Sure, ", "one coffee."}})
		e.model.EnqueueKind("feedback", openaifake.JSON(map[string]any{
			"corrected": "I'd like a coffee <please>.",
			"items": []any{map[string]any{"kind": "naturalness", "original": "I want", "better": "I'd like",
				"explanation": "<b>더</b> 공손한 표현이에요 & 자연스러워요."}},
			"note": "좋아요!"}))

		id := e.send(bobDM, bob, "I want coffee <please>")
		sent := e.sent(bobDM.ID)
		if len(sent) != 2 {
			t.Fatalf("messages = %d, want the reply and the correction; calls:\n%v", len(sent), e.api.Calls())
		}
		reply, correction := sent[0], sent[1]
		if got := e.shown(bobDM.ID, 0)[0]; got != "Sure, one coffee." {
			t.Fatalf("reply = %q", got)
		}
		stored := e.waitReply(bob, room.ID)
		msgs := e.history(bob, room.ID)
		if got := e.buttons(bobDM.ID, reply.MessageID()); got["💡 힌트"] != fmt.Sprintf("hint:%d", room.ID) ||
			got["🌐 번역"] != fmt.Sprintf("tr:%d:%d", room.ID, stored.ID) || len(got) != 2 {
			t.Fatalf("reply buttons = %v", got)
		}
		m, _ := e.api.Message(bobDM.ID, correction.MessageID())
		want := "✍️ I'd like a coffee <please>.\n• I want → I'd like · 자연스러움\n   <b>더</b> 공손한 표현이에요 & 자연스러워요.\n좋아요!"
		if m.Text != want {
			t.Fatalf("correction = %q, want %q", m.Text, want)
		}
		if !strings.Contains(correction.Fields["text"], "<s>I want</s> → <b>I&#39;d like</b>") && !strings.Contains(correction.Fields["text"], "<s>I want</s> → <b>I'd like</b>") {
			t.Fatalf("correction markup = %q", correction.Fields["text"])
		}
		if replyParams(correction) == 0 || replyParams(correction) == reply.MessageID() {
			t.Fatalf("correction replies to %d, want the learner's message", replyParams(correction))
		}
		if orig, _ := e.api.Message(bobDM.ID, replyParams(correction)); orig.Text != "I want coffee <please>" {
			t.Fatalf("correction replies to %q", orig.Text)
		}
		if correction.Fields["disable_notification"] != "true" {
			t.Fatalf("correction notifies: %v", correction.Fields)
		}
		if len(msgs) != 2 || msgs[0].Feedback == nil || msgs[0].Feedback.Status != engine.FeedbackReady {
			t.Fatalf("stored feedback = %+v", msgs)
		}
		reqs := e.model.RequestsOfKind("feedback")
		if len(reqs) != 1 || !strings.Contains(string(reqs[0].Body), "own language is Korean") {
			t.Fatalf("coach requests = %d, want one asking for Korean explanations", len(reqs))
		}
		e.waitHandled(id, 1)
	})
}

// A line that is already fine gets one quiet ✓ line with the coach's note;
// a coach that answers garbage gets no message at all, and the reply is
// shown as usual.
func TestFineLineAndUnavailableFeedback(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		e.room(alice, aliceDM, coached("en"))
		e.model.EnqueueKind("feedback", openaifake.JSON(map[string]any{
			"corrected": "A coffee, please.", "items": []any{}, "note": "Natural & polite."}))
		e.send(aliceDM, alice, "A coffee, please.")
		if got := e.lastText(aliceDM.ID); got != "✓ Natural & polite." {
			t.Fatalf("fine line = %q", got)
		}
		before := len(e.sent(aliceDM.ID))
		e.model.EnqueueKind("feedback", openaifake.InvalidJSON())
		e.send(aliceDM, alice, "And a cake.")
		if n := len(e.sent(aliceDM.ID)) - before; n != 1 {
			t.Fatalf("%d messages after a garbage coach answer, want the reply only", n)
		}
		if got := e.lastText(aliceDM.ID); strings.HasPrefix(got, "✓") || strings.HasPrefix(got, "✍️") {
			t.Fatalf("last = %q, want the reply", got)
		}
	})
}

// A room with corrections off sends nothing but the reply, and asks no coach.
func TestFeedbackOffSendsNothing(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		off := false
		in := cafe("en")
		in.Feedback = &off
		room := e.room(alice, aliceDM, in)
		e.send(aliceDM, alice, "I want coffee")
		if n := len(e.sent(aliceDM.ID)); n != 1 {
			t.Fatalf("%d messages, want the reply only", n)
		}
		if n := len(e.model.RequestsOfKind("feedback")); n != 0 {
			t.Fatalf("coach requests = %d", n)
		}
		if got := e.buttons(aliceDM.ID, e.lastID(aliceDM.ID)); len(got) != 2 || got["💡 Hint"] == "" {
			t.Fatalf("reply buttons = %v", got)
		}
		if msgs := e.history(alice, room.ID); msgs[0].Feedback != nil {
			t.Fatalf("feedback = %+v", msgs[0].Feedback)
		}
	})
}

// In a room that hides corrections the reply has a ✍️ button that shows the
// correction as a reply to the learner's line; another user's press is
// refused with a notice only they see, and shows nothing.
func TestHiddenFeedbackBehindAButton(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.room(alice, group, cafe("en"))
		e.send(group, alice, "/feedback hidden")
		e.model.EnqueueKind("feedback", openaifake.JSON(map[string]any{
			"corrected": "I'd like a coffee.", "items": []any{map[string]any{"kind": "grammar",
				"original": "I want", "better": "I'd like", "explanation": "More polite."}}, "note": ""}))
		before := len(e.sent(group.ID))
		e.send(group, alice, "@"+e.api.Me().Username+" I want coffee")
		if n := len(e.sent(group.ID)) - before; n != 1 {
			t.Fatalf("%d messages after the line, want the reply only", n)
		}
		reply := e.lastID(group.ID)
		fb := e.buttons(group.ID, reply)["✍️ Feedback"]
		if !strings.HasPrefix(fb, fmt.Sprintf("fb:%d:", room.ID)) {
			t.Fatalf("reply buttons = %v", e.buttons(group.ID, reply))
		}
		msgs := e.history(alice, room.ID)
		waitFeedback(t, e, alice, room.ID, msgs[len(msgs)-2].ID)

		e.press(group, bob, reply, fb)
		if got := e.api.Calls("answerCallbackQuery"); got[len(got)-1].Fields["text"] != "다른 사람의 장면이에요." {
			t.Fatalf("Bob's press answered %v", got[len(got)-1].Fields)
		}
		if n := len(e.sent(group.ID)) - before; n != 1 {
			t.Fatalf("Bob's press sent a message: %q", e.lastText(group.ID))
		}

		e.press(group, alice, reply, fb)
		correction := e.sent(group.ID)[len(e.sent(group.ID))-1]
		if got := e.lastText(group.ID); got != "✍️ I'd like a coffee.\n• I want → I'd like · grammar\n   More polite." {
			t.Fatalf("revealed = %q", got)
		}
		if orig, _ := e.api.Message(group.ID, replyParams(correction)); !strings.HasSuffix(orig.Text, "I want coffee") {
			t.Fatalf("correction replies to %q", orig.Text)
		}
	})
}

// waitFeedback waits until the feedback of message msgID is no longer pending.
func waitFeedback(t *testing.T, e *env, u telegramfake.User, roomID, msgID int64) {
	t.Helper()
	deadline := time.Now().Add(telegramfake.WaitTimeout)
	for {
		fb, err := e.eng.FindFeedback(t.Context(), e.user(u).ID, roomID, msgID)
		if err == nil && fb.Status != engine.FeedbackPending {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("feedback of %d still pending: %+v, %v", msgID, fb, err)
		}
		time.Sleep(5 * time.Millisecond) // polling the database, with a deadline
	}
}

// A coach that does not answer holds the user's queue no longer than the
// coach's timeout: the reply is shown, no correction follows, and the next
// line is handled.
func TestSlowCoachDoesNotHoldTheQueue(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{engine: func(c *engine.Config) { c.Coach.Timeout = 50 * time.Millisecond }})
		room := e.room(alice, aliceDM, coached("en"))
		hold := openaifake.NewHold()
		t.Cleanup(hold.Release)
		e.model.EnqueueKind("feedback", openaifake.Slow(openaifake.JSON(map[string]any{"corrected": "x", "items": []any{}, "note": "late"}), hold))
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"First."}}, openaifake.Reply{Chunks: []string{"Second."}})
		e.send(aliceDM, alice, "one")
		e.send(aliceDM, alice, "two")
		if got := e.shown(aliceDM.ID, 0); len(got) != 2 || got[0] != "First." || got[1] != "Second." {
			t.Fatalf("shown = %q, want the two replies only", got)
		}
		msgs := e.history(alice, room.ID)
		if msgs[0].Feedback == nil || msgs[0].Feedback.Status != engine.FeedbackUnavailable {
			t.Fatalf("first line's feedback = %+v, want unavailable", msgs[0].Feedback)
		}
	})
}

// When the reply fails, the learner's line (stored) still gets its
// correction, after the error; the failed reply gets no buttons.
func TestCorrectionAfterAFailedReply(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		e.room(alice, aliceDM, coached("en"))
		e.model.Enqueue(openaifake.Reply{Status: 400, ErrorMessage: "bad request"})
		e.model.EnqueueKind("feedback", openaifake.JSON(map[string]any{
			"corrected": "I'd like coffee.", "items": []any{map[string]any{"kind": "naturalness",
				"original": "I want", "better": "I'd like", "explanation": "Softer."}}, "note": ""}))
		e.send(aliceDM, alice, "I want coffee.")
		got := e.shown(aliceDM.ID, 0)
		if len(got) != 2 || !strings.HasPrefix(got[0], "The model refused") || !strings.HasPrefix(got[1], "✍️ I'd like coffee.") {
			t.Fatalf("shown = %q, want the error then the correction", got)
		}
		if n := len(e.api.Calls("editMessageReplyMarkup")); n != 0 {
			t.Fatalf("%d keyboards set on a failed reply", n)
		}
	})
}
