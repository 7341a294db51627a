package discord

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/bots/discord/discordfake"
	"github.com/chatplay/chatplay/bots/replystream"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// refused returns the calls Discord refused with 400.
func refused(calls []discordfake.Call) []discordfake.Call {
	var out []discordfake.Call
	for _, c := range calls {
		if c.Status == http.StatusBadRequest {
			out = append(out, c)
		}
	}
	return out
}

// A reply whose first piece is only white space (a model that begins with a
// newline) is not cut short: the blank piece is never posted, which Discord
// would refuse, and the thread shows the whole reply, not "(no reply)".
func TestBlankFirstPieceIsNotPosted(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe")
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요!"}})
		thread := e.enter(t, alice, r)
		opening := e.shown(thread)

		hold := openaifake.NewHold()
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"\n\n", "네, ", "아메리카노 한 잔이요."}, Hold: hold, HoldAfter: 1})
		done := make(chan struct{})
		go func() { defer close(done); e.message(t, alice, thread, "아메리카노 주세요") }()
		<-hold.Reached() // the blank piece has gone out to the bot
		hold.Release()
		<-done

		reply := e.lastReply(t, alice, r.ID)
		if reply.Content != "\n\n네, 아메리카노 한 잔이요." || reply.Status != engine.StatusComplete {
			t.Fatalf("stored %+v", reply)
		}
		if bad := refused(e.fake.Calls()); len(bad) != 0 {
			t.Fatalf("Discord refused %v: %v", bad, bad[0].Response)
		}
		if got := e.shown(thread)[len(opening):]; got != reply.Content {
			t.Fatalf("thread shows %q, want the stored reply %q", got, reply.Content)
		}
	})
}

// A part of only white space inside a long reply is never posted: the
// parts around it are, and the thread shows every word of the reply.
func TestBlankPartIsNotPosted(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe")
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요!"}})
		thread := e.enter(t, alice, r)
		before := len(e.fake.Messages(thread))

		// Cut at 2000: "네,\n", then 2000 spaces (a blank part), then the rest.
		long := []string{"네,\n", strings.Repeat(" ", 2100), "아메리카노 한 잔이요."}
		e.model.Enqueue(openaifake.Reply{Chunks: long})
		e.message(t, alice, thread, "아메리카노 주세요")

		reply := e.lastReply(t, alice, r.ID)
		if bad := refused(e.fake.Calls()); len(bad) != 0 {
			t.Fatalf("Discord refused %v: %v", bad, bad[0].Response)
		}
		msgs := e.fake.Messages(thread)[before:]
		var words []string
		for _, m := range msgs {
			words = append(words, strings.Fields(m.Content)...)
		}
		if len(msgs) != 2 || strings.Join(words, " ") != strings.Join(strings.Fields(reply.Content), " ") {
			t.Fatalf("thread shows %d messages with %q, want 2 with every word of %q", len(msgs), words, reply.Content)
		}
	})
}

// A reply that cannot be shown whole (every edit of it fails) says so in
// the thread, in the user's language.
func TestUnshownReplySaysSo(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe")
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요!"}})
		thread := e.enter(t, alice, r)
		before := len(e.fake.Messages(thread))
		e.bot.streamWait = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }

		hold := openaifake.NewHold()
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"네, ", "아메리카노 한 잔이요."}, Hold: hold, HoldAfter: 1})
		for range replystream.FinalAttempts + 2 { // the final attempts, and up to two streamed edits before them
			e.fake.Fail(discordfake.Failure{Method: http.MethodPatch, PathPrefix: "/channels/" + thread + "/messages/", Status: http.StatusInternalServerError})
		}
		done := make(chan struct{})
		go func() { defer close(done); e.message(t, alice, thread, "아메리카노 주세요") }()
		e.fake.WaitFor(t, "the first words", func(calls []discordfake.Call) bool {
			return len(discordfake.Filter(calls, http.MethodPost, "/channels/"+thread+"/messages")) > before
		})
		hold.Release()
		<-done

		msgs := e.fake.Messages(thread)[before:]
		if len(msgs) != 2 || msgs[0].Content != "네, " || msgs[1].Content != text(e.user(t, alice).Locale, msgReplyUnshown) {
			t.Fatalf("thread shows %+v, want the first words and the note", msgs)
		}
	})
}
