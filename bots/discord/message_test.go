package discord

import (
	"fmt"
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

// push hands a plain message to the bot as the gateway would, without
// waiting for its handling, and returns its id.
func (e *env) push(p person, channelID, content string) string {
	id := fmt.Sprint(e.seq.Add(1))
	e.bot.onMessageCreate(e.bot.session, &discordgo.MessageCreate{Message: &discordgo.Message{ID: id, ChannelID: channelID,
		GuildID: testGuildID, Content: content, Type: discordgo.MessageTypeDefault,
		Author: &discordgo.User{ID: p.id, Username: p.username, GlobalName: p.global}}})
	return id
}

// replyTo returns the id of the bot's message in channel that answers the
// message with id, from the calls.
func replyTo(calls []discordfake.Call, channel, id string) (string, bool) {
	for _, c := range discordfake.Filter(calls, http.MethodPost, "/channels/"+channel+"/messages") {
		if ref, ok := c.JSON["message_reference"].(map[string]any); ok && ref["message_id"] == id {
			mid, _ := c.Response["id"].(string)
			return mid, true
		}
	}
	return "", false
}

// Lines written quickly in a thread are played in the order they were sent,
// each reply answering its own line, while the first reply is still being
// written; a line past the queue's bound is answered "slow down" and not
// played; once done, the queue is let go.
func TestThreadLinesKeepTheirOrder(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe")
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요!"}})
		thread := e.enter(t, alice, r)

		hold := openaifake.NewHold()
		t.Cleanup(hold.Release) // before the env's cleanup waits for the replies
		e.model.Default = func(req openaifake.Request) openaifake.Reply {
			reply := openaifake.Echo(req)
			reply.Hold = hold // every reply waits until the test lets them go
			return reply
		}
		var ids, lines []string
		for i := range maxQueuedMessages {
			line := fmt.Sprintf("line %d", i+1)
			lines = append(lines, line)
			ids = append(ids, e.push(alice, thread, line))
		}
		<-hold.Reached() // one line is being answered, the others wait
		over := e.push(alice, thread, "one line too many")
		hold.Release()
		e.idle()

		want := []string{"어서 오세요!"}
		for _, l := range lines {
			want = append(want, l, "echo: "+l)
		}
		var got []string
		for _, m := range e.history(t, alice, r.ID) {
			got = append(got, m.Content)
			if m.Status != engine.StatusComplete {
				t.Errorf("message %q is %s", m.Content, m.Status)
			}
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("history =\n%q\nwant\n%q", got, want)
		}
		calls := e.fake.Calls()
		for i, id := range ids {
			mid, ok := replyTo(calls, thread, id)
			m, _ := e.fake.Message(thread, mid)
			if !ok || m.Content != "echo: "+lines[i] {
				t.Errorf("the answer to %q is %q", lines[i], m.Content)
			}
		}
		mid, ok := replyTo(calls, thread, over)
		if m, _ := e.fake.Message(thread, mid); !ok || m.Content != text("", msgSlowDown) {
			t.Errorf("the line past the bound got %q, want the slow-down answer", m.Content)
		}
		if n := e.bot.lines.Keys(); n != 0 {
			t.Errorf("%d queues kept after every line was played", n)
		}
	})
}
