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

// newRoom runs /room new (the golden "Cafe in Seoul") for p, changed by
// edit, and returns the response and the room it made.
func (e *env) newRoom(t *testing.T, p person, edit func(m map[string]any)) (map[string]any, *engine.Room) {
	t.Helper()
	m := e.golden(t, "command_room_new.json", p)
	if edit != nil {
		edit(m)
	}
	resp := e.sendOK(t, m)
	rooms, _, err := e.eng.ListRooms(context.Background(), e.user(t, p).ID, engine.Page{})
	if err != nil || len(rooms) != 1 {
		t.Fatalf("rooms = %v, %v", rooms, err)
	}
	return resp, rooms[0]
}

// /room new in a server's text channel starts the scene at once, as
// Telegram's /new does: the bot opens the room's thread, binds it and opens
// the scene there, in character; no /room enter is needed.
func TestRoomNewStartsTheSceneInAThread(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요! ", "무엇을 드릴까요?"}})
		resp, r := e.newRoom(t, alice, nil) // locale ko
		if respType(resp) != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) || !ephemeral(respData(t, resp)) {
			t.Fatalf("response = %v, want an ephemeral deferral", resp)
		}
		calls := e.fake.Calls()
		start := discordfake.Filter(calls, http.MethodPost, "/channels/"+testChannelID+"/threads")
		if len(start) != 1 || start[0].JSON["name"] != "Cafe in Seoul" {
			t.Fatalf("thread start = %v", start)
		}
		thread, _ := start[0].Response["id"].(string)
		edits := discordfake.Filter(calls, http.MethodPatch, "/webhooks/"+testAppID+"/")
		if len(edits) != 1 || !strings.Contains(contents(edits)[0], "**Cafe in Seoul**") || !strings.Contains(contents(edits)[0], "<#"+thread+">") {
			t.Errorf("answer = %v, want the room and its thread", contents(edits))
		}
		opening := e.lastReply(t, alice, r.ID)
		if opening.Content != "어서 오세요! 무엇을 드릴까요?" || opening.Status != engine.StatusComplete {
			t.Fatalf("opening = %+v", opening)
		}
		if got := e.shown(thread); got != opening.Content {
			t.Errorf("thread shows %q, want the opening %q", got, opening.Content)
		}
		for _, scope := range []string{threadScope(thread), scopeActive} {
			b, err := e.eng.BoundRoom(context.Background(), e.user(t, alice).ID, engine.ProviderDiscord, scope)
			if err != nil || b.ID != r.ID {
				t.Errorf("bound room at %s = %v, %v", scope, b, err)
			}
		}
		// The learner's next line in the thread is a turn of the new room.
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"네, 알겠습니다."}})
		e.message(t, alice, thread, "아메리카노 주세요")
		if got := e.lastReply(t, alice, r.ID).Content; got != "네, 알겠습니다." {
			t.Errorf("reply to the first line = %q", got)
		}
	})
}

// /room new in a DM binds the DM and opens the scene there.
func TestRoomNewStartsTheSceneInADM(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"어서 ", "오세요!"}})
		dm := e.golden(t, "command_help_dm.json", alice)
		var token string
		_, r := e.newRoom(t, alice, func(m map[string]any) {
			token = m["token"].(string)
			for _, k := range []string{"guild", "guild_id", "guild_locale", "member"} {
				delete(m, k)
			}
			m["user"], m["channel"], m["channel_id"], m["context"] = dm["user"], dm["channel"], dm["channel_id"], dm["context"]
		})
		if got := e.shown(token); got != "어서 오세요!" || e.lastReply(t, alice, r.ID).Content != got {
			t.Errorf("DM shows %q, want the opening", got)
		}
		if len(discordfake.Filter(e.fake.Calls(), http.MethodPost, "/channels/")) != 0 {
			t.Error("a thread was opened for a DM")
		}
		if b, err := e.eng.BoundRoom(context.Background(), e.user(t, alice).ID, engine.ProviderDiscord, scopeActive); err != nil || b.ID != r.ID {
			t.Errorf("active room = %v, %v", b, err)
		}
	})
}

// /room new in a thread the bot did not open makes the room and says so,
// with where to play it; it binds nothing and opens no scene there.
func TestRoomNewInAThreadNotMine(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		const foreign = "1000000000000000077"
		e.fake.AddChannel(discordfake.Channel{ID: foreign, Type: 11, GuildID: testGuildID, ParentID: testChannelID,
			OwnerID: bob.id, Name: "bob's thread"})
		resp, r := e.newRoom(t, alice, func(m map[string]any) {
			set(t, m, "channel_id", foreign)
			set(t, m, "channel.id", foreign)
			set(t, m, "channel.type", 11)
		})
		d := respData(t, resp)
		if c, _ := d["content"].(string); !ephemeral(d) || !strings.Contains(c, "**Cafe in Seoul** 방을 만들었습니다") ||
			!strings.Contains(c, text("ko", msgNotMyThread)) {
			t.Errorf("answer = %v", d)
		}
		if _, err := e.eng.BoundRoom(context.Background(), e.user(t, alice).ID, engine.ProviderDiscord, scopeActive); engine.ErrorCode(err) != engine.CodeNotFound {
			t.Errorf("a room was bound: %v", err)
		}
		if e.model.Count() != 0 || len(e.history(t, alice, r.ID)) != 0 {
			t.Error("a scene was opened in a thread not the bot's")
		}
	})
}
