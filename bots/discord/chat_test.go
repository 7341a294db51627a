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

// enter runs /room enter for p's room r in the test channel and returns the
// thread the bot opened.
func (e *env) enter(t *testing.T, p person, r *engine.Room) string {
	t.Helper()
	m := e.golden(t, "command_room_enter.json", p)
	set(t, m, "data.options.0.options.0.value", fmtRoomID(r))
	resp := e.sendOK(t, m)
	if respType(resp) != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) || !ephemeral(respData(t, resp)) {
		t.Fatalf("enter response = %v", resp)
	}
	threads := discordfake.Filter(e.fake.Calls(), http.MethodPost, "/channels/"+testChannelID+"/threads")
	if len(threads) == 0 {
		t.Fatal("no thread opened")
	}
	id, _ := threads[len(threads)-1].Response["id"].(string)
	return id
}

// shown returns what a channel (or an interaction's token) shows of the
// bot: its messages as last written, joined in order.
func (e *env) shown(channel string) string {
	var sb strings.Builder
	for _, m := range e.fake.Messages(channel) {
		sb.WriteString(m.Content)
	}
	return sb.String()
}

func TestRoomEnterOpensThreadAndScene(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe in Seoul")
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요! ", "무엇을 드릴까요?"}})
		thread := e.enter(t, alice, r)

		calls := e.fake.Calls()
		start := discordfake.Filter(calls, http.MethodPost, "/channels/"+testChannelID+"/threads")
		if len(start) != 1 || start[0].JSON["name"] != "Cafe in Seoul" || start[0].JSON["type"] != float64(11) {
			t.Fatalf("thread start = %v", start)
		}
		ch, _ := e.fake.Channel(thread)
		if ch.ParentID != testChannelID || ch.OwnerID != discordfake.BotUserID {
			t.Errorf("thread = %+v", ch)
		}
		// The ephemeral answer points at the thread.
		edits := discordfake.Filter(calls, http.MethodPatch, "/webhooks/"+testAppID+"/")
		if len(edits) != 1 || !strings.Contains(contents(edits)[0], "<#"+thread+">") {
			t.Errorf("answer = %v", contents(edits))
		}
		// The bot opened the scene in the thread, in character; what is shown is what is stored.
		opening := e.lastReply(t, alice, r.ID)
		if opening.Content != "어서 오세요! 무엇을 드릴까요?" || opening.Status != engine.StatusComplete || opening.Source != engine.SourceDiscord {
			t.Fatalf("opening = %+v", opening)
		}
		if got := e.shown(thread); got != opening.Content {
			t.Errorf("thread shows %q, want %q", got, opening.Content)
		}
		// The thread and the active room are bound to the room.
		for _, scope := range []string{"thread:" + thread, "active"} {
			b, err := e.eng.BoundRoom(context.Background(), e.user(t, alice).ID, engine.ProviderDiscord, scope)
			if err != nil || b.ID != r.ID {
				t.Errorf("bound room at %s = %v, %v", scope, b, err)
			}
		}

		// Entering again (a room with a conversation) does not open the scene twice.
		again := e.enter(t, alice, r)
		if n := len(e.history(t, alice, r.ID)); n != 1 || e.model.Count() != 1 {
			t.Errorf("history has %d messages after %d model calls, want the opening only", n, e.model.Count())
		}
		if got := e.shown(again); !strings.Contains(got, "Cafe in Seoul") {
			t.Errorf("second thread shows %q", got)
		}
	})
}

// writesTo returns the calls that wrote a message of channel (posts and
// edits), in order.
func writesTo(calls []discordfake.Call, channel string) []discordfake.Call {
	var out []discordfake.Call
	for _, c := range calls {
		if strings.HasPrefix(c.Path, "/channels/"+channel+"/messages") && c.Method != http.MethodGet {
			out = append(out, c)
		}
	}
	return out
}

// checkThrottled fails if two successive writes of one message came closer
// than the edit interval.
func checkThrottled(t *testing.T, writes []discordfake.Call) {
	t.Helper()
	for i := 1; i < len(writes); i++ {
		if gap := writes[i].At.Sub(writes[i-1].At); gap < testEditPeriod {
			t.Errorf("writes %d and %d are %v apart, less than %v", i-1, i, gap, testEditPeriod)
		}
	}
}

func TestThreadChatStreams(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe")
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요!"}})
		thread := e.enter(t, alice, r)
		before := len(e.fake.Calls())

		hold := openaifake.NewHold()
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Hello ", "there, ", "friend."}, Hold: hold, HoldAfter: 1})
		id := "1500000000000000001"
		e.bot.onMessageCreate(e.bot.session, &discordgo.MessageCreate{Message: &discordgo.Message{ID: id, ChannelID: thread,
			GuildID: testGuildID, Content: "아메리카노 주세요", Type: discordgo.MessageTypeDefault,
			Author: &discordgo.User{ID: alice.id, Username: alice.username}}})
		// The first words are shown while the model is still writing.
		e.fake.WaitFor(t, "the first words", func(calls []discordfake.Call) bool {
			for _, c := range writesTo(calls[before:], thread) {
				if s, _ := c.Content(); s == "Hello " {
					return true
				}
			}
			return false
		})
		hold.Release()
		e.idle()

		reply := e.lastReply(t, alice, r.ID)
		if reply.Content != "Hello there, friend." || reply.Status != engine.StatusComplete {
			t.Fatalf("stored reply = %+v", reply)
		}
		writes := writesTo(e.fake.Calls()[before:], thread)
		if len(writes) < 2 || writes[0].Method != http.MethodPost {
			t.Fatalf("writes = %v", writes)
		}
		// The reply answers the user's message, grows by edits, and ends as stored.
		ref, _ := writes[0].JSON["message_reference"].(map[string]any)
		if ref["message_id"] != id {
			t.Errorf("first write references %v, want the user's message", ref)
		}
		var prev string
		for _, c := range writes {
			s, _ := c.Content()
			if !strings.HasPrefix(s, prev) {
				t.Errorf("write %q does not extend %q", s, prev)
			}
			prev = s
		}
		if prev != reply.Content || e.shown(thread)[len("어서 오세요!"):] != reply.Content {
			t.Errorf("last write %q, thread shows %q; stored %q", prev, e.shown(thread), reply.Content)
		}
		checkThrottled(t, writes)
		if msgs := e.history(t, alice, r.ID); len(msgs) != 3 || msgs[1].Content != "아메리카노 주세요" {
			t.Errorf("history = %v", msgs)
		}

		// The same message delivered again has no second effect.
		n := len(writesTo(e.fake.Calls(), thread))
		e.bot.onMessageCreate(e.bot.session, &discordgo.MessageCreate{Message: &discordgo.Message{ID: id, ChannelID: thread,
			GuildID: testGuildID, Content: "아메리카노 주세요", Type: discordgo.MessageTypeDefault,
			Author: &discordgo.User{ID: alice.id, Username: alice.username}}})
		e.idle()
		if len(writesTo(e.fake.Calls(), thread)) != n || e.model.Count() != 2 || len(e.history(t, alice, r.ID)) != 3 {
			t.Errorf("a repeated message had an effect")
		}
	})
}

func TestThreadIgnoresOthers(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe")
		thread := e.enter(t, alice, r)
		e.idle()
		calls, models := len(e.fake.Calls()), e.model.Count()

		e.message(t, bob, thread, "hi, I am not alice")                // another person
		e.message(t, alice, testChannelID, "a message in the channel") // not a thread
		e.bot.onMessageCreate(e.bot.session, &discordgo.MessageCreate{Message: &discordgo.Message{ID: "1500000000000000009",
			ChannelID: thread, GuildID: testGuildID, Content: "beep", Author: &discordgo.User{ID: "3", Bot: true}}}) // a bot
		e.idle()
		if got := e.fake.Calls()[calls:]; len(discordfake.Filter(got, http.MethodPost, "")) != 0 || e.model.Count() != models {
			t.Errorf("others' messages had effects: %v, %d model calls", got, e.model.Count()-models)
		}
		if n := len(e.history(t, alice, r.ID)); n != 1 {
			t.Errorf("history has %d messages", n)
		}
		// A stranger writing in someone's thread is not made a chatplay user.
		if u, err := db.FindIdentityUser(context.Background(), engine.ProviderDiscord, bob.id); err == nil {
			t.Errorf("bob's message in alice's thread created user %d", u.ID)
		}
	})
}

func TestSayDeferredWhileModelIsSlow(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe")
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요!"}})
		thread := e.enter(t, alice, r)

		hold := openaifake.NewHold()
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"네, ", "아메리카노 ", "한 잔이요."}, Hold: hold})
		m := e.golden(t, "command_say.json", alice)
		m["channel_id"] = thread
		status, resp := e.send(t, m) // answered while the model holds its reply
		if status != http.StatusOK || respType(resp) != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) ||
			ephemeral(respData(t, resp)) {
			t.Fatalf("say answered %d %v, want a public deferral", status, resp)
		}
		<-hold.Reached()
		hold.Release()
		e.idle()

		reply := e.lastReply(t, alice, r.ID)
		if reply.Content != "네, 아메리카노 한 잔이요." {
			t.Fatalf("stored reply %q", reply.Content)
		}
		if got := e.shown(m["token"].(string)); got != reply.Content {
			t.Errorf("response shows %q, want %q", got, reply.Content)
		}
		if msgs := e.history(t, alice, r.ID); msgs[1].Content != "안녕하세요, 아메리카노 한 잔 주세요." || msgs[1].Source != engine.SourceDiscord {
			t.Errorf("user message = %+v", msgs[1])
		}
	})
}

func TestReplySplitAt2000(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe")
		if err := e.eng.BindRoom(context.Background(), e.user(t, alice).ID, r.ID, engine.ProviderDiscord, "active"); err != nil {
			t.Fatal(err)
		}
		var chunks []string
		for i := 0; i < 450; i++ {
			chunks = append(chunks, "커피 한 잔 ") // 7 characters each: 3150 in all
		}
		chunks = append(chunks, strings.Repeat("가", 2100)) // one word longer than a message
		e.model.Enqueue(openaifake.Reply{Chunks: chunks})
		m := e.golden(t, "command_say.json", alice)
		e.sendOK(t, m)

		reply := e.lastReply(t, alice, r.ID)
		msgs := e.fake.Messages(m["token"].(string))
		if len(msgs) != 4 { // 2000 cut after a space, the other 1150 of the words, then 2000 + 100 of the long word
			t.Fatalf("%d messages, want 4", len(msgs))
		}
		var joined strings.Builder
		for _, msg := range msgs {
			if n := len([]rune(msg.Content)); n > 2000 || n == 0 {
				t.Errorf("a message of %d characters", n)
			}
			joined.WriteString(msg.Content)
		}
		if joined.String() != reply.Content {
			t.Errorf("the messages do not add up to the stored reply")
		}
		if !strings.HasSuffix(msgs[0].Content, " ") || !strings.HasSuffix(msgs[1].Content, "잔 ") {
			t.Errorf("messages end %q and %q, want cuts after a space", msgs[0].Content[len(msgs[0].Content)-10:], msgs[1].Content[len(msgs[1].Content)-10:])
		}
		followups := discordfake.Filter(e.fake.Calls(), http.MethodPost, "/webhooks/"+testAppID+"/"+m["token"].(string))
		if len(followups) != 3 {
			t.Errorf("%d followups, want 3", len(followups))
		}
	})
}

func TestMentionsNeverPing(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "@everyone <@2000000000000000002>")
		ping := "@everyone @here <@2000000000000000002> <@&1000000000000000003> hi"
		e.model.Enqueue(openaifake.Reply{Chunks: []string{ping}}, openaifake.Reply{Chunks: []string{ping}})
		thread := e.enter(t, alice, r)
		e.message(t, alice, thread, "say it again")
		m := e.golden(t, "command_say.json", alice)
		m["channel_id"] = thread
		e.sendOK(t, m)
		calls := e.fake.Calls()
		n := 0
		for _, c := range calls {
			if s, ok := c.Content(); ok && strings.Contains(s, "@everyone") {
				n++
			}
		}
		if n < 3 {
			t.Fatalf("%d writes carry the mentions, want the opening, the reply and the /say answer", n)
		}
		checkNoMentions(t, calls) // every write, with {"parse": []}
	})
}

func TestRateLimitHonoured(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe")
		if err := e.eng.BindRoom(context.Background(), e.user(t, alice).ID, r.ID, engine.ProviderDiscord, "active"); err != nil {
			t.Fatal(err)
		}
		const wait = 300 * 1e6 // 300ms
		e.fake.RateLimit(discordfake.Limit{Method: http.MethodPatch, PathPrefix: "/webhooks/", RetryAfter: wait})
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"천천히 ", "말해 주세요."}})
		m := e.golden(t, "command_say.json", alice)
		e.sendOK(t, m)

		edits := discordfake.Filter(e.fake.Calls(), http.MethodPatch, "/webhooks/")
		if len(edits) < 2 || edits[0].Status != http.StatusTooManyRequests {
			t.Fatalf("edits = %v", edits)
		}
		if gap := edits[1].At.Sub(edits[0].At); gap < wait {
			t.Errorf("retried %v after a 429 asking for %v", gap, wait)
		}
		reply := e.lastReply(t, alice, r.ID)
		if got := e.shown(m["token"].(string)); got != reply.Content || reply.Content != "천천히 말해 주세요." {
			t.Errorf("shows %q, stored %q", got, reply.Content)
		}
	})
}

func TestSayErrors(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		// No room here: a short ephemeral answer in the user's language, with what they typed.
		m := e.golden(t, "command_say.json", alice)
		d := respData(t, e.sendOK(t, m))
		if !ephemeral(d) || !strings.HasPrefix(d["content"].(string), "여기에는 방이 없습니다") ||
			!strings.Contains(d["content"].(string), "> 안녕하세요, 아메리카노 한 잔 주세요.") {
			t.Errorf("no room answered %v", d)
		}

		// The model fails: the user's message is kept, the error is ephemeral
		// and in Korean, the empty deferred response is removed.
		r := e.room(t, alice, "Cafe")
		if err := e.eng.BindRoom(context.Background(), e.user(t, alice).ID, r.ID, engine.ProviderDiscord, "active"); err != nil {
			t.Fatal(err)
		}
		e.model.Enqueue(openaifake.Reply{Status: 400, ErrorMessage: "bad request"})
		m = e.golden(t, "command_say.json", alice)
		e.sendOK(t, m)
		token := m["token"].(string)
		calls := e.fake.Calls()
		if del := discordfake.Filter(calls, http.MethodDelete, "/webhooks/"+testAppID+"/"+token+"/messages/@original"); len(del) != 1 {
			t.Errorf("deferred response not removed")
		}
		fu := discordfake.Filter(calls, http.MethodPost, "/webhooks/"+testAppID+"/"+token)
		if len(fu) != 1 || fu[0].JSON["flags"] != float64(discordgo.MessageFlagsEphemeral) ||
			!strings.HasPrefix(contents(fu)[0], "모델이 이 대화를 거부했습니다") {
			t.Errorf("followups = %v", fu)
		}
		msgs := e.history(t, alice, r.ID)
		if len(msgs) != 2 || msgs[0].Content != "안녕하세요, 아메리카노 한 잔 주세요." || msgs[1].Status != engine.StatusFailed {
			t.Errorf("history = %+v", msgs)
		}

		// The model fails mid-reply: what was shown stays, the error follows.
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"네, "}, ErrorMessage: "server overloaded"})
		m = e.golden(t, "command_say.json", alice)
		e.sendOK(t, m)
		token = m["token"].(string)
		calls = e.fake.Calls()
		if del := discordfake.Filter(calls, http.MethodDelete, "/webhooks/"+testAppID+"/"+token); len(del) != 0 {
			t.Errorf("a response showing part of the reply was removed")
		}
		shown := e.fake.Messages(token)
		if len(shown) != 2 || shown[0].Content != "네, " || shown[1].Flags != int(discordgo.MessageFlagsEphemeral) ||
			!strings.HasPrefix(shown[1].Content, "지금은 모델이 응답하지 않습니다") {
			t.Errorf("messages = %+v", shown)
		}
	})
}

func TestRetryAndReset(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe")
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"first"}}, openaifake.Reply{Chunks: []string{"second"}})
		thread := e.enter(t, alice, r)
		m := e.golden(t, "command_retry.json", alice)
		m["channel_id"] = thread
		e.sendOK(t, m)
		if got := e.shown(m["token"].(string)); got != "second" || e.lastReply(t, alice, r.ID).Content != "second" {
			t.Errorf("retry shows %q", got)
		}
		m = e.golden(t, "command_reset.json", alice)
		m["channel_id"] = thread
		resp := e.sendOK(t, m)
		if !ephemeral(respData(t, resp)) || e.shown(m["token"].(string)) != "The conversation of **Cafe** is cleared." {
			t.Errorf("reset shows %q", e.shown(m["token"].(string)))
		}
		if n := len(e.history(t, alice, r.ID)); n != 0 {
			t.Errorf("%d messages after reset", n)
		}
	})
}
