package telegram

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// holdReplies makes every model reply wait until the returned hold is
// released (at the latest when the test ends).
func holdReplies(t *testing.T, e *env) *openaifake.Hold {
	hold := openaifake.NewHold()
	t.Cleanup(hold.Release) // before the env's cleanup waits for the replies
	e.model.Default = func(req openaifake.Request) openaifake.Reply {
		reply := openaifake.Echo(req)
		reply.Hold = hold
		return reply
	}
	return hold
}

// waitNoQueues waits until the bot holds no queue: each queue's goroutine
// forgets its key right after its last job.
func waitNoQueues(t *testing.T, b *Bot) {
	t.Helper()
	for i := 0; b.lines.Keys()+b.slowDowns.Keys() != 0; i++ {
		if i == 1e7 {
			t.Fatalf("%d update queues and %d answer queues kept with nothing to do", b.lines.Keys(), b.slowDowns.Keys())
		}
		runtime.Gosched()
	}
}

// A burst of messages from one user while their first turn is being
// written: the first maxQueuedUpdates are played in order; the next
// maxSlowDowns are answered "slow down" and not stored; one more, while
// those answers are not yet sent, is dropped unanswered. Chatter in the
// group not addressed to the bot takes no place in the queue, another user in
// the same chat is not held back, and no queue is kept afterwards.
func TestBurstPastTheBoundIsAnsweredSlowDown(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		aliceRoom := e.room(alice, group, cafe("en"))
		bobRoom := e.room(bob, group, cafe("ko"))
		hold := holdReplies(t, e)
		// The first answer past the bound meets a 429 and waits, so that the
		// answers past it are still unsent when the last line comes.
		e.closeGate()
		e.api.Fail("sendMessage", telegramfake.TooManyRequests(1))

		const burst = maxQueuedUpdates + maxSlowDowns + 1
		var updates []telegramfake.Update
		for i := range burst {
			updates = append(updates, telegramfake.Update{Message: telegramfake.Text(group, alice, fmt.Sprintf("@chatplay_test_bot line %d", i+1))})
			if i == 0 { // chatter not addressed to the bot takes no place in the queue
				for range maxQueuedUpdates {
					updates = append(updates, telegramfake.Update{Message: telegramfake.Text(group, alice, "brb")})
				}
			}
		}
		updates = append(updates, telegramfake.Update{Message: telegramfake.Text(group, bob, "@chatplay_test_bot 안녕하세요")})
		ids := e.api.PushUpdates(updates...)
		lines := append(ids[:1:1], ids[1+maxQueuedUpdates:1+maxQueuedUpdates+burst-1]...)
		e.waitHandled(lines[burst-1], 1) // the last line is dropped at once
		e.openGate()
		hold.Release()
		for _, id := range ids {
			e.waitHandled(id, 1)
		}

		var want []string
		for i := range maxQueuedUpdates {
			want = append(want, fmt.Sprintf("line %d", i+1), fmt.Sprintf("echo: line %d", i+1))
		}
		var got []string
		for _, m := range e.history(alice, aliceRoom.ID) {
			got = append(got, m.Content)
			if m.Status != engine.StatusComplete {
				t.Errorf("message %q is %s", m.Content, m.Status)
			}
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("Alice's history =\n%q\nwant\n%q", got, want)
		}
		got = nil
		for _, m := range e.history(bob, bobRoom.ID) {
			got = append(got, m.Content)
		}
		if strings.Join(got, "|") != "안녕하세요|echo: 안녕하세요" {
			t.Fatalf("Bob's history = %q", got)
		}

		// The slow-down answers, each replying to its line.
		var answered []string
		for _, c := range e.sent(group.ID) {
			if m, _ := e.api.Message(group.ID, c.MessageID()); m.Text != langEn.t("slowDown") {
				continue
			}
			var to struct {
				MessageID int `json:"message_id"`
			}
			if err := c.Decode("reply_parameters", &to); err != nil {
				t.Fatal(err)
			}
			line, _ := e.api.Message(group.ID, to.MessageID)
			answered = append(answered, line.Text)
		}
		if strings.Join(answered, "|") != "@chatplay_test_bot line 11|@chatplay_test_bot line 12" {
			t.Fatalf("slow-down answers to %q, want lines 11 and 12", answered)
		}
		for _, id := range lines[maxQueuedUpdates:] { // not handled: not even claimed
			if claimed, err := e.eng.ClaimEvent(t.Context(), engine.ProviderTelegram, e.bot.eventID(id)); err != nil || !claimed {
				t.Fatalf("update %d past the bound was claimed (claim=%v, err=%v)", id, claimed, err)
			}
		}
		if !strings.Contains(e.logs.String(), "its user's queue is full") {
			t.Errorf("the dropped line was not logged:\n%s", e.logs.String())
		}
		waitNoQueues(t, e.bot)
	})
}

// A button pressed past the bound is not handled, but its spinner stops
// with the slow-down words (plain text within Telegram's bound, in each
// language).
func TestButtonPastTheBoundIsAnswered(t *testing.T) {
	for _, l := range langs {
		if s := l.t("slowDown"); strings.ContainsAny(s, "<>&") || telegramfake.TextLen(s) > maxCallbackText {
			t.Fatalf("%s: %q is no callback answer", l, s)
		}
	}
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.room(alice, aliceDM, cafe("en"))
		hold := holdReplies(t, e)
		var updates []telegramfake.Update
		for i := range maxQueuedUpdates {
			updates = append(updates, telegramfake.Update{Message: telegramfake.Text(aliceDM, alice, fmt.Sprintf("line %d", i+1))})
		}
		ids := e.api.PushUpdates(updates...)
		pressed := e.press(aliceDM, alice, 1, "new")
		calls := e.api.Calls("answerCallbackQuery")
		if len(calls) != 1 || calls[0].Fields["text"] != langEn.t("slowDown") {
			t.Fatalf("answerCallbackQuery = %v, want the slow-down text", calls)
		}
		hold.Release()
		for _, id := range ids {
			e.waitHandled(id, 1)
		}
		if n := len(e.history(alice, room.ID)); n != 2*maxQueuedUpdates {
			t.Fatalf("%d messages in the room, want the %d turns", n, maxQueuedUpdates)
		}
		if claimed, err := e.eng.ClaimEvent(t.Context(), engine.ProviderTelegram, e.bot.eventID(pressed)); err != nil || !claimed {
			t.Fatalf("the press past the bound was claimed (claim=%v, err=%v)", claimed, err)
		}
		if n := len(e.api.Calls("answerCallbackQuery")); n != 1 {
			t.Fatalf("%d callback answers, want 1", n)
		}
		waitNoQueues(t, e.bot)
	})
}
