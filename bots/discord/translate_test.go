package discord

import (
	"context"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// ephemeralAnswer returns what an ephemeral (deferred, then edited) answer
// of interaction m shows, failing unless its first response was ephemeral.
func (e *env) ephemeralAnswer(t *testing.T, m map[string]any) string {
	t.Helper()
	resp := e.sendOK(t, m)
	if !ephemeral(respData(t, resp)) {
		t.Fatalf("answered %v, want ephemeral", resp)
	}
	if s, ok := respData(t, resp)["content"].(string); ok && s != "" {
		return s
	}
	orig, _ := e.fake.Message(m["token"].(string), "@original")
	return orig.Content
}

// /hint answers ephemerally with lines to say and their translations into
// the interaction's language, escaped; it never reaches another's room.
func TestHint(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.practiceRoom(t, alice, "Cafe")
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요!"}})
		thread := e.enter(t, alice, r)
		e.model.EnqueueKind("hint", openaifake.JSON(map[string]any{"lines": []any{
			map[string]any{"text": "아이스 아메리카노 *한 잔* 주세요.", "translation": "アイスアメリカーノを一杯ください。"},
			map[string]any{"text": "메뉴 좀 보여 주세요.", "translation": "メニューを見せてください。"},
		}}))
		m := e.golden(t, "command_hint.json", alice) // locale ja
		m["channel_id"] = thread
		want := "💡 こう言ってみましょう：\n• **아이스 아메리카노 \\*한 잔\\* 주세요.**\n  アイスアメリカーノを一杯ください。\n" +
			"• **메뉴 좀 보여 주세요.**\n  メニューを見せてください。"
		if got := e.ephemeralAnswer(t, m); got != want {
			t.Errorf("/hint shows %q, want %q", got, want)
		}
		if n := len(e.history(t, alice, r.ID)); n != 1 {
			t.Errorf("a hint was stored: %d messages", n)
		}

		// Bob in alice's thread has no room there: no hint, no model call.
		before := len(e.model.RequestsOfKind("hint"))
		m = e.golden(t, "command_hint.json", bob)
		m["channel_id"] = thread
		if got := e.ephemeralAnswer(t, m); got != "ここにはルームがありません。`/room enter` を使ってください（先に `/room new`）。" {
			t.Errorf("bob's /hint shows %q", got)
		}
		if n := len(e.model.RequestsOfKind("hint")); n != before {
			t.Errorf("bob's /hint called the model")
		}
	})
}

// /translate answers ephemerally with the room's last bot line in the
// interaction's language.
func TestTranslateLast(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.practiceRoom(t, alice, "Cafe")
		m := e.golden(t, "command_translate.json", alice) // locale ko
		if got := e.ephemeralAnswer(t, m); got != "이 방에서 제가 아직 아무 말도 하지 않았어요." {
			t.Errorf("/translate before any line shows %q", got)
		}
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Welcome in!"}})
		thread := e.enter(t, alice, r)
		e.model.EnqueueKind("translate", openaifake.JSON(map[string]any{"text": "어서 오세요! **환영**"}))
		m = e.golden(t, "command_translate.json", alice)
		m["channel_id"] = thread
		if got := e.ephemeralAnswer(t, m); got != "🌐 번역:\n어서 오세요! \\*\\*환영\\*\\*" {
			t.Errorf("/translate shows %q", got)
		}
		tr, err := e.eng.TranslateFrom(context.Background(), e.user(t, alice).ID, r.ID, e.lastReply(t, alice, r.ID).ID, engine.SourceDiscord, "ko")
		if err != nil || tr.Text != "어서 오세요! **환영**" || tr.Language != "ko" {
			t.Errorf("cached translation = %+v, %v", tr, err)
		}
	})
}

// The message context-menu Translate puts the bot line a Discord message
// shows into the learner's language, for the room's owner alone.
func TestTranslateMessage(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.practiceRoom(t, alice, "Cafe")
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요!"}}, openaifake.Reply{Chunks: []string{"네, 아메리카노 한 잔이요."}})
		e.model.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": "주세요.", "items": []any{}, "note": "Good."}))
		thread := e.enter(t, alice, r)
		e.message(t, alice, thread, "주세요.")
		opening := e.history(t, alice, r.ID)[0]

		menu := func(p person, author, content string) map[string]any {
			m := e.golden(t, "message_translate.json", p) // locale en-US
			m["channel_id"] = thread
			set(t, m, "data.resolved.messages.1290000000000000007.content", content)
			set(t, m, "data.resolved.messages.1290000000000000007.author.id", author)
			return m
		}
		// Not the bot's line, or none of the room's: refused, no model call.
		for _, m := range []map[string]any{menu(alice, alice.id, "어서 오세요!"), menu(alice, testBotID, "a line never said")} {
			if got := e.ephemeralAnswer(t, m); got != "I can translate only my own lines of the room you play here." {
				t.Errorf("answered %q", got)
			}
		}
		// Bob in alice's thread: refused.
		if got := e.ephemeralAnswer(t, menu(bob, testBotID, "어서 오세요!")); got != "Only the learner who plays this room can use this." {
			t.Errorf("bob answered %q", got)
		}
		if n := len(e.model.RequestsOfKind("translate")); n != 0 {
			t.Fatalf("%d translate requests before alice asked", n)
		}

		// Alice: the opening (not the last line) is translated.
		e.model.EnqueueKind("translate", openaifake.JSON(map[string]any{"text": "Welcome!"}))
		if got := e.ephemeralAnswer(t, menu(alice, testBotID, "어서 오세요!")); got != "🌐 Translation:\nWelcome!" {
			t.Errorf("Translate shows %q", got)
		}
		tr, err := e.eng.TranslateFrom(context.Background(), e.user(t, alice).ID, r.ID, opening.ID, engine.SourceDiscord, "en")
		if err != nil || tr.Text != "Welcome!" || len(e.model.RequestsOfKind("translate")) != 1 {
			t.Errorf("the opening's cached translation = %+v, %v", tr, err)
		}
	})
}

// testBotID is the bot's user id in the fake.
const testBotID = "1100000000000000001"

var _ = discordgo.MessageApplicationCommand
