package telegram

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// hintAnswer is a scripted hint with model text full of markup.
func hintAnswer() openaifake.Reply {
	return openaifake.JSON(map[string]any{"lines": []any{
		map[string]any{"text": "Can I get a <large> latte?", "translation": "라지 <라떼> 주세요 & 감사합니다"},
		map[string]any{"text": "What do you recommend?", "translation": "뭘 추천하세요?"},
	}})
}

const wantHintKo = "💡 이렇게 말해 보세요:\n\nCan I get a <large> latte?\n라지 <라떼> 주세요 & 감사합니다\n\nWhat do you recommend?\n뭘 추천하세요?"

// /hint offers lines to say next, each as code (copied with a tap) with its
// translation into the learner's language; the 💡 button under a reply does
// the same, as a reply to that message.
func TestHint(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		e.room(bob, bobDM, cafe("en"))
		e.model.EnqueueKind("hint", hintAnswer(), hintAnswer())
		e.send(bobDM, bob, "/hint")
		if got := e.lastText(bobDM.ID); got != wantHintKo {
			t.Fatalf("/hint = %q", got)
		}
		if c := e.sent(bobDM.ID)[0]; !strings.Contains(c.Fields["text"], "<code>Can I get a &lt;large&gt; latte?</code>\n<i>라지 &lt;라떼&gt; 주세요 &amp; 감사합니다</i>") {
			t.Fatalf("hint markup = %q", c.Fields["text"])
		}
		reqs := e.model.RequestsOfKind("hint")
		if len(reqs) != 1 || !strings.Contains(string(reqs[0].Body), "own language is Korean") {
			t.Fatalf("hint requests = %d, want one with Korean translations", len(reqs))
		}

		e.send(bobDM, bob, "Hello")
		reply := e.sent(bobDM.ID)[1].MessageID()
		e.press(bobDM, bob, reply, e.buttons(bobDM.ID, reply)["💡 힌트"])
		last := e.sent(bobDM.ID)[len(e.sent(bobDM.ID))-1]
		if got := e.lastText(bobDM.ID); got != wantHintKo || replyParams(last) != reply {
			t.Fatalf("💡 = %q, replying to %d, want %d", got, replyParams(last), reply)
		}
		if n := len(e.model.RequestsOfKind("hint")); n != 2 {
			t.Fatalf("hint requests = %d, want 2", n)
		}
	})
}

// /translate as a reply to a bot reply translates that reply; alone, the
// room's last bot line; the 🌐 button, the reply it is under. Model text is
// escaped.
func TestTranslate(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		e.room(alice, aliceDM, cafe("ko"))
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요!"}}, openaifake.Reply{Chunks: []string{"라떼 한 잔이요?"}})
		e.send(aliceDM, alice, "안녕하세요")
		first := e.lastID(aliceDM.ID)
		e.send(aliceDM, alice, "라떼 주세요")
		second := e.lastID(aliceDM.ID)
		if first == second {
			t.Fatal("one message for two replies")
		}

		e.model.EnqueueKind("translate", openaifake.JSON(map[string]any{"text": "Welcome <in>!"}))
		e.replyTo(aliceDM, alice, first, "/translate")
		last := e.sent(aliceDM.ID)[len(e.sent(aliceDM.ID))-1]
		if got := e.lastText(aliceDM.ID); got != "🌐 Welcome <in>!" || replyParams(last) != first {
			t.Fatalf("/translate as a reply = %q replying to %d, want the first reply %d", got, replyParams(last), first)
		}
		reqs := e.model.RequestsOfKind("translate")
		if len(reqs) != 1 || !strings.Contains(string(reqs[0].Body), "어서 오세요!") {
			t.Fatalf("translate requests = %d, want one of the first reply", len(reqs))
		}

		e.model.EnqueueKind("translate", openaifake.JSON(map[string]any{"text": "A latte?"}))
		e.send(aliceDM, alice, "/translate")
		if got := e.lastText(aliceDM.ID); got != "🌐 A latte?" {
			t.Fatalf("/translate alone = %q", got)
		}
		if reqs := e.model.RequestsOfKind("translate"); len(reqs) != 2 || !strings.Contains(string(reqs[1].Body), "라떼 한 잔이요?") {
			t.Fatalf("translate requests = %d, want the second of the last reply", len(reqs))
		}

		// The button under the first reply: the cached translation, no new call.
		e.press(aliceDM, alice, first, e.buttons(aliceDM.ID, first)["🌐 Translate"])
		last = e.sent(aliceDM.ID)[len(e.sent(aliceDM.ID))-1]
		if got := e.lastText(aliceDM.ID); got != "🌐 Welcome <in>!" || replyParams(last) != first {
			t.Fatalf("🌐 = %q replying to %d", got, replyParams(last))
		}
		if n := len(e.model.RequestsOfKind("translate")); n != 2 {
			t.Fatalf("translate requests = %d, want 2 (the button's is cached)", n)
		}
	})
}

// /translate with nothing said yet says so.
func TestTranslateNothingYet(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		e.room(bob, bobDM, cafe("en"))
		e.send(bobDM, bob, "/translate")
		if got := e.lastText(bobDM.ID); got != "아직 번역할 봇의 대사가 없어요." {
			t.Fatalf("/translate = %q", got)
		}
	})
}

// The buttons under a reply in a group can be pressed by anyone: only the
// room's owner gets anything; another user gets a notice that only they see,
// no message and no model call. /translate replying to another user's reply
// is refused too.
func TestPracticeButtonsRefuseOtherUsers(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.room(alice, group, cafe("en"))
		e.send(group, alice, "@"+e.api.Me().Username+" Hello")
		reply := e.waitReply(alice, room.ID)
		shown := e.lastID(group.ID)
		before := len(e.sent(group.ID))
		calls := e.model.Count()
		for _, data := range []string{
			fmt.Sprintf("hint:%d", room.ID),
			fmt.Sprintf("tr:%d:%d", room.ID, reply.ID),
			fmt.Sprintf("fb:%d:%d.1", room.ID, reply.ID-1),
		} {
			e.press(group, bob, shown, data)
			answers := e.api.Calls("answerCallbackQuery")
			if got := answers[len(answers)-1].Fields["text"]; got != "다른 사람의 장면이에요." {
				t.Fatalf("%s: Bob's press answered %q", data, got)
			}
		}
		if n := len(e.sent(group.ID)) - before; n != 0 {
			t.Fatalf("Bob's presses sent %d messages: %q", n, e.lastText(group.ID))
		}
		if n := e.model.Count() - calls; n != 0 {
			t.Fatalf("Bob's presses made %d model calls", n)
		}

		e.room(bob, group, cafe("ko")) // Bob has a room of his own here
		e.replyTo(group, bob, shown, "/translate")
		if got := e.lastText(group.ID); got != "다른 사람의 장면이에요." {
			t.Fatalf("Bob's /translate of Alice's reply = %q", got)
		}
		if n := e.model.Count() - calls; n != 0 {
			t.Fatalf("Bob's /translate made %d model calls", n)
		}
	})
}
