package telegram

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/bots/replystream"
	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// A final edit that fails (a 502 from the proxy in front of the Bot API) is
// not taken as shown: it is tried again, and the chat ends showing the whole
// reply, as stored.
func TestFailedEditIsRetriedUntilShown(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.room(alice, aliceDM, cafe("en"))
		hold := openaifake.NewHold()
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Hello ", "there, ", "friend."}, Hold: hold, HoldAfter: 1})
		e.api.Fail("editMessageText", telegramfake.BadGateway())
		e.closeGate()

		id := e.api.PushUpdate(telegramfake.Update{Message: telegramfake.Text(aliceDM, alice, "Hi")})
		e.api.WaitCalls(t, 1, "sendMessage")
		hold.Release()
		reply := e.waitReply(alice, room.ID) // the whole reply has arrived while the edit waits its turn
		e.openGate()                         // so the edit that fails is the final one
		e.waitHandled(id, 1)

		if got := e.shown(aliceDM.ID, 0); !slices.Equal(got, []string{reply.Content}) || reply.Content != "Hello there, friend." {
			t.Fatalf("chat shows %q, stored %q", got, reply.Content)
		}
		if got, want := methods(e.replyCalls(aliceDM.ID)), []string{"sendChatAction", "sendMessage", "editMessageText!", "editMessageText"}; !slices.Equal(got, want) {
			t.Fatalf("calls = %v, want %v", got, want)
		}
		if c := e.api.Calls("editMessageText")[0]; c.ErrorCode != 502 {
			t.Fatalf("first edit answered %d, want the scripted 502", c.ErrorCode)
		}
	})
}

// A reply that cannot be shown whole (every edit fails) ends with a short
// note in the user's language saying so.
func TestUnshownReplySaysSo(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.room(bob, bobDM, cafe("ko"))
		hold := openaifake.NewHold()
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"안녕하세요, ", "어서 오세요."}, Hold: hold, HoldAfter: 1})
		for range replystream.FinalAttempts + 2 { // the final attempts, and up to two streamed edits before them
			e.api.Fail("editMessageText", telegramfake.BadGateway())
		}
		e.closeGate()

		id := e.api.PushUpdate(telegramfake.Update{Message: telegramfake.Text(bobDM, bob, "안녕")})
		e.api.WaitCalls(t, 1, "sendMessage")
		hold.Release()
		reply := e.waitReply(bob, room.ID)
		e.openGate()
		e.waitHandled(id, 1)

		if reply.Content != "안녕하세요, 어서 오세요." {
			t.Fatalf("stored %q", reply.Content)
		}
		want := []string{"안녕하세요, ", "(답장을 다 보여 드리지 못했어요 — /retry 를 해 보세요)"}
		if got := e.shown(bobDM.ID, 0); !slices.Equal(got, want) {
			t.Fatalf("chat shows %q, want %q", got, want)
		}
		edits := e.api.Calls("editMessageText")
		if len(edits) < replystream.FinalAttempts || len(edits) > replystream.FinalAttempts+2 {
			t.Fatalf("%d edits, want the %d final attempts (and perhaps streamed ones)", len(edits), replystream.FinalAttempts)
		}
		for _, c := range edits {
			if c.ErrorCode != 502 {
				t.Fatalf("an edit was answered %d", c.ErrorCode)
			}
		}
	})
}

// panicModel is a model whose every call panics.
type panicModel struct{}

func (panicModel) Stream(context.Context, engine.ModelRequest, func(string)) (engine.ModelResult, error) {
	panic("the model panicked")
}

// "typing…" stops when the update is done, even when the turn panicked: the
// typing ticker is stopped, nothing takes its ticks any more, and no
// sendChatAction comes after the update's end.
func TestTypingStopsWhenTheTurnPanics(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{model: panicModel{}})
		tick, stopped := make(chan time.Time), make(chan struct{})
		e.bot.ticker = func(time.Duration) (<-chan time.Time, func()) { return tick, func() { close(stopped) } }
		e.room(alice, aliceDM, cafe("en"))

		id := e.send(aliceDM, alice, "Hi")
		if !strings.Contains(e.logs.String(), "telegram: panic handling update") {
			t.Fatalf("the panic was not recovered and logged:\n%s", e.logs.String())
		}
		n := len(e.api.Calls("sendChatAction"))
		select {
		case <-stopped:
		default:
			t.Fatal("the typing ticker still runs after the update was handled")
		}
		select {
		case tick <- time.Now():
			t.Fatal("the typing loop still runs after the update was handled")
		default:
		}
		if got := len(e.api.Calls("sendChatAction")); got != n || n != 1 {
			t.Fatalf("%d chat actions, then %d: want one, and none after update %d", n, got, id)
		}
	})
}

func (panicModel) Complete(context.Context, engine.StructuredRequest) (engine.StructuredResult, error) {
	panic("the model broke")
}
