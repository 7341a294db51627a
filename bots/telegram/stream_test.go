package telegram

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// replyCalls returns the calls that show a reply in chat, in order: chat
// actions, messages and edits.
func (e *env) replyCalls(chat int64) []telegramfake.Call {
	var out []telegramfake.Call
	for _, c := range e.api.Calls("sendChatAction", "sendMessage", "editMessageText") {
		if c.Int("chat_id") == chat {
			out = append(out, c)
		}
	}
	return out
}

func methods(calls []telegramfake.Call) []string {
	var out []string
	for _, c := range calls {
		m := c.Method
		if c.ErrorCode != 0 {
			m += "!" // a failed call
		}
		out = append(out, m)
	}
	return out
}

// waitReply waits until the room's last message is a finished reply and returns it.
func (e *env) waitReply(u telegramfake.User, roomID int64) *engine.Message {
	e.t.Helper()
	deadline := time.Now().Add(telegramfake.WaitTimeout)
	for {
		msgs := e.history(u, roomID)
		if n := len(msgs); n > 0 && msgs[n-1].Role == engine.RoleAssistant && msgs[n-1].Status != engine.StatusPending {
			return msgs[n-1]
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("no finished reply in room %d: %+v", roomID, msgs)
		}
		time.Sleep(5 * time.Millisecond) // polling the database, with a deadline
	}
}

// shown returns the text of the reply's messages: every successful
// sendMessage in chat from the index from, in their current state.
func (e *env) shown(chat int64, from int) []string {
	var out []string
	for _, c := range e.sent(chat)[from:] {
		m, _ := e.api.Message(chat, c.MessageID())
		out = append(out, m.Text)
	}
	return out
}

// A reply streams: typing, the first part as soon as it comes, then one
// edit per paced slot with all that arrived meanwhile; the final text is
// the stored reply.
func TestChatTurnStreamsWithPacedEdits(t *testing.T) {
	// The edit's slot must still be ahead when the rest of the reply comes,
	// however slow the machine: an interval no test outlasts (the wait is
	// the test's gate, not the clock).
	const interval = time.Hour
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{bot: func(c *Config) { c.EditInterval = interval }})
		room := e.room(alice, aliceDM, cafe("en"))
		hold := openaifake.NewHold()
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Hello ", "there, ", "what can ", "I get you?"}, Hold: hold, HoldAfter: 1})
		e.closeGate()

		id := e.api.PushUpdate(telegramfake.Update{Message: telegramfake.Text(aliceDM, alice, "Hi, a coffee please")})
		first := e.api.WaitCalls(t, 1, "sendMessage")[0]
		if m, _ := e.api.Message(aliceDM.ID, first.MessageID()); m.Text != "Hello " {
			t.Fatalf("first part = %q", m.Text)
		}
		hold.Release()
		reply := e.waitReply(alice, room.ID) // the whole reply has arrived while the edit waits its turn
		e.openGate()
		e.waitHandled(id, 1)

		if got, want := methods(e.replyCalls(aliceDM.ID)), []string{"sendChatAction", "sendMessage", "editMessageText"}; !slices.Equal(got, want) {
			t.Fatalf("calls = %v, want %v", got, want)
		}
		if reply.Content != "Hello there, what can I get you?" || reply.Status != engine.StatusComplete {
			t.Fatalf("stored reply = %+v", reply)
		}
		if got := e.shown(aliceDM.ID, 0); !slices.Equal(got, []string{reply.Content}) {
			t.Fatalf("shown = %q, want the stored reply %q", got, reply.Content)
		}
		if w := e.waited(); len(w) != 1 || w[0] <= 0 || w[0] > interval {
			t.Fatalf("waits = %v, want one of about the edit interval", w)
		}
		edit := e.api.Calls("editMessageText")[0]
		if edit.Int("message_id") != int64(first.MessageID()) || edit.Fields["parse_mode"] != "HTML" {
			t.Fatalf("edit = %v", edit.Fields)
		}
		if msgs := e.history(alice, room.ID); len(msgs) != 2 || msgs[0].Content != "Hi, a coffee please" || msgs[0].Source != engine.SourceTelegram {
			t.Fatalf("history = %+v", msgs)
		}
	})
}

// A reply longer than a message goes on in new messages, cut at 4096 UTF-16
// code units, never inside a surrogate pair.
func TestLongReplySplits(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.room(alice, aliceDM, cafe("ko"))
		var chunks []string
		for i := 0; i < 800; i++ {
			chunks = append(chunks, "커피 한 잔 😀☕ ") // 11 UTF-16 units per chunk, 8800 in all
		}
		e.model.Enqueue(openaifake.Reply{Chunks: chunks})
		e.send(aliceDM, alice, "메뉴 좀 보여 주세요")

		reply := e.waitReply(alice, room.ID)
		shown := e.shown(aliceDM.ID, 0)
		if len(shown) != 3 {
			t.Fatalf("%d messages, want 3", len(shown))
		}
		for i, s := range shown {
			if n := TextLen(s); n > MaxMessageLen || n < MaxMessageLen/2 && i < len(shown)-1 {
				t.Fatalf("message %d is %d UTF-16 units", i, n)
			}
		}
		if strings.Join(shown, "") != reply.Content {
			t.Fatal("the messages do not add up to the stored reply")
		}
	})
}

// Model text full of <, > and & shows exactly as written: the fake Bot API
// parses HTML as Telegram does and would refuse a broken message.
func TestModelTextIsEscaped(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.room(alice, aliceDM, engine.RoomInput{Language: "en", Situation: "<b>HTML</b> & <i>friends</i>",
			UserRole: "a <coder>", BotRole: "the &amp; parser"})
		text := "<b>bold?</b> 1 < 2 && 3 > 2 &amp; &lt;tag&gt; <a href=\"x\">link</a> <"
		e.model.Enqueue(openaifake.Reply{Chunks: openaifake.SplitWords(text)})
		e.send(aliceDM, alice, "<script>alert(1)</script> & more")

		reply := e.waitReply(alice, room.ID)
		if reply.Content != text {
			t.Fatalf("stored reply = %q", reply.Content)
		}
		if got := e.shown(aliceDM.ID, 0); !slices.Equal(got, []string{text}) {
			t.Fatalf("shown = %q, want %q", got, text)
		}
		for _, c := range e.api.Calls("sendMessage", "editMessageText") {
			if c.ErrorCode != 0 {
				t.Fatalf("Telegram refused %s: %s", c.Method, c.Description)
			}
		}
		if msgs := e.history(alice, room.ID); msgs[0].Content != "<script>alert(1)</script> & more" {
			t.Fatalf("user message = %q", msgs[0].Content)
		}

		e.send(aliceDM, alice, "/room")
		want := "Active room:\n\n<b>HTML</b> & <i>friends</i>\nLanguage: English\nLevel: B1 · intermediate\nCorrections: on\nSituation: <b>HTML</b> & <i>friends</i>\nYou: a <coder>\nMe: the &amp; parser"
		if got := e.lastText(aliceDM.ID); got != want {
			t.Fatalf("/room = %q, want %q", got, want)
		}
	})
}

// Telegram's 429 is honoured: the call waits retry_after, then is tried
// again, and the chat's next calls keep that distance too.
func TestRetryAfterIsHonoured(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.room(alice, aliceDM, cafe("en"))
		hold := openaifake.NewHold()
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"One, ", "two."}, Hold: hold, HoldAfter: 1})
		e.api.Fail("editMessageText", telegramfake.TooManyRequests(7))

		start := time.Now() // the 429 comes after it: the chat is held until start + 7 s at least
		id := e.api.PushUpdate(telegramfake.Update{Message: telegramfake.Text(aliceDM, alice, "count")})
		e.api.WaitCalls(t, 1, "sendMessage")
		hold.Release()
		e.waitHandled(id, 1)

		if got, want := methods(e.replyCalls(aliceDM.ID)), []string{"sendChatAction", "sendMessage", "editMessageText!", "editMessageText"}; !slices.Equal(got, want) {
			t.Fatalf("calls = %v, want %v", got, want)
		}
		if w := e.waited(); !slices.Contains(w, 7*time.Second) {
			t.Fatalf("waits = %v, want retry_after's 7s among them", w)
		}
		if d, least := e.bot.pacer.reserve(aliceDM.ID), 7*time.Second-time.Since(start); d < least {
			t.Fatalf("the chat's next slot is in %v, want at least %v: retry_after's 7 s from the 429", d, least)
		}
		reply := e.waitReply(alice, room.ID)
		if got := e.shown(aliceDM.ID, 0); !slices.Equal(got, []string{reply.Content}) {
			t.Fatalf("shown = %q, want %q", got, reply.Content)
		}
	})
}

// The same with the real clock: the retry comes retry_after later.
func TestRetryAfterWaitsForReal(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{wait: true})
		e.api.Fail("sendMessage", telegramfake.TooManyRequests(1))
		e.send(aliceDM, alice, "/help")
		calls := e.api.Calls("sendMessage")
		if len(calls) != 2 || calls[0].ErrorCode != 429 || calls[1].ErrorCode != 0 {
			t.Fatalf("calls = %v", methods(calls))
		}
		if gap := calls[1].At.Sub(calls[0].At); gap < time.Second {
			t.Fatalf("retried after %v, before retry_after's 1s", gap)
		}
	})
}

// A failed reply ends with one short message in the user's language, and
// what they typed is kept.
func TestErrorsAreToldInTheUsersLanguage(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{engine: func(c *engine.Config) {
			c.Limits.TurnsPerMinute = 2
			c.Limits.MaxMessageRunes = 50
			c.Retry.MaxAttempts = 2
		}})
		room := e.room(bob, bobDM, cafe("ko"))
		e.model.Enqueue(openaifake.Reply{Status: 500}, openaifake.Reply{Status: 500})
		e.send(bobDM, bob, "안녕하세요")
		if got := e.lastText(bobDM.ID); got != "지금 모델이 응답하지 않아요. 잠시 후 /retry 로 다시 시도해 주세요." {
			t.Fatalf("model down = %q", got)
		}
		if msgs := e.history(bob, room.ID); len(msgs) != 2 || msgs[0].Content != "안녕하세요" || msgs[1].Status != engine.StatusFailed {
			t.Fatalf("history = %+v", msgs)
		}

		e.send(bobDM, bob, strings.Repeat("가", 51))
		if got := e.lastText(bobDM.ID); got != "메시지가 너무 길어요. 최대 50자까지 가능해요." {
			t.Fatalf("too long = %q", got)
		}
		e.send(bobDM, bob, "또 왔어요")
		e.send(bobDM, bob, "또 왔어요")
		if got := e.lastText(bobDM.ID); !strings.HasPrefix(got, "메시지가 너무 많아요.") || !strings.Contains(got, "초 후에") {
			t.Fatalf("rate limited = %q", got)
		}

		e.send(aliceDM, alice, "/rooms")
		e.press(aliceDM, alice, e.lastID(aliceDM.ID), "enter:999999")
		if got := e.lastText(aliceDM.ID); got != "That room was not found. See /rooms." {
			t.Fatalf("not found = %q", got)
		}
	})
}

func TestNoModelConfigured(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{model: engine.UnconfiguredModel{Setting: "CHATPLAY_MODEL_API_KEY"}})
		e.user(alice)
		e.send(aliceDM, alice, "/new ja | 駅で道を聞く | 旅行者 | 駅員")
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "No language model is configured") {
			t.Fatalf("not configured = %q", got)
		}
		e.send(aliceDM, alice, "hello")
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "No language model is configured") {
			t.Fatalf("not configured = %q", got)
		}
	})
}
