package telegram

import (
	"strings"
	"testing"

	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// In a group the bot answers only when mentioned or replied to, and each
// user plays in their own active room there.
func TestGroupMentionRules(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		aliceRoom := e.room(alice, group, cafe("en"))
		bobRoom := e.room(bob, group, cafe("ko"))
		e.model.Default = func(req openaifake.Request) openaifake.Reply {
			return openaifake.Reply{Chunks: []string{"echo: " + req.LastUserMessage()}}
		}

		// Not addressed: ignored (not even claimed).
		quiet := e.send(group, alice, "hello everyone")
		e.send(group, alice, "/rooms@some_other_bot")
		e.send(group, alice, "talking about @chatplay_test_bot_fan here")
		if calls := e.api.Calls("sendMessage", "sendChatAction"); len(calls) != 0 {
			t.Fatalf("the bot answered unaddressed messages: %v", methods(calls))
		}
		if msgs := e.history(alice, aliceRoom.ID); len(msgs) != 0 {
			t.Fatalf("history = %+v", msgs)
		}
		e.send(aliceDM, alice, "/help") // the update id above was not claimed either
		if claimed, _ := e.eng.ClaimEvent(t.Context(), "telegram", e.bot.eventID(quiet)); !claimed {
			t.Fatal("an ignored group message was claimed")
		}

		// Mentioned: a turn in Alice's room, the mention taken out.
		e.send(group, alice, "@chatplay_test_bot one espresso")
		reply := e.waitReply(alice, aliceRoom.ID)
		if msgs := e.history(alice, aliceRoom.ID); msgs[0].Content != "one espresso" || reply.Content != "echo: one espresso" {
			t.Fatalf("history = %+v", msgs)
		}
		answer := e.sent(group.ID)[0]
		if !strings.Contains(answer.Fields["reply_parameters"], `"message_id":`) {
			t.Fatalf("the group answer does not reply to the user's message: %v", answer.Fields)
		}

		// Replied to: a turn in Bob's own room.
		e.replyTo(group, bob, answer.MessageID(), "아메리카노 주세요")
		if msgs := e.history(bob, bobRoom.ID); len(msgs) != 2 || msgs[0].Content != "아메리카노 주세요" {
			t.Fatalf("Bob's history = %+v", msgs)
		}
		if msgs := e.history(alice, aliceRoom.ID); len(msgs) != 2 {
			t.Fatalf("Alice's history = %+v, want only her turn", msgs)
		}

		// A command in the group, to the bot by name or not, is answered.
		e.send(group, bob, "/room@chatplay_test_bot")
		if got := e.lastText(group.ID); !strings.HasPrefix(got, "현재 방:") {
			t.Fatalf("/room in the group = %q", got)
		}
		carol := telegramfake.User{ID: 1003, FirstName: "Carol", LanguageCode: "ja"}
		e.send(group, carol, "@chatplay_test_bot こんにちは")
		if got := e.lastText(group.ID); !strings.HasPrefix(got, "このチャットに今のルームがありません。") {
			t.Fatalf("no active room = %q", got)
		}
	})
}
