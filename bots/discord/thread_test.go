package discord

import (
	"context"
	"net/http"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/bots/discord/discordfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// /room enter in a thread someone else opened is refused, in the user's
// language, and binds nothing: the bot plays only in threads it opens, so a
// binding there would be followed by silence.
func TestRoomEnterRefusesAThreadNotMine(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe")
		const foreign = "1000000000000000077"
		e.fake.AddChannel(discordfake.Channel{ID: foreign, Type: 11, GuildID: testGuildID, ParentID: testChannelID,
			OwnerID: bob.id, Name: "bob's thread"})
		for _, lang := range []string{"ko", "en-US", "ja"} {
			m := e.golden(t, "command_room_enter.json", alice)
			set(t, m, "data.options.0.options.0.value", fmtRoomID(r))
			set(t, m, "channel_id", foreign)
			set(t, m, "channel.id", foreign)
			set(t, m, "channel.type", 11)
			set(t, m, "locale", lang)
			resp := e.sendOK(t, m)
			d := respData(t, resp)
			want := text(engine.NormalizeLocale(lang), msgNotMyThread)
			if respType(resp) != int(discordgo.InteractionResponseChannelMessageWithSource) || !ephemeral(d) || d["content"] != want {
				t.Errorf("%s: answer = %v, want %q, ephemeral", lang, resp, want)
			}
		}
		if _, err := e.eng.BoundRoom(context.Background(), e.user(t, alice).ID, engine.ProviderDiscord, threadScope(foreign)); engine.ErrorCode(err) != engine.CodeNotFound {
			t.Errorf("the thread was bound: %v", err)
		}
		calls := len(e.fake.Calls())
		e.message(t, alice, foreign, "hello?")
		if got := e.fake.Calls()[calls:]; len(discordfake.Filter(got, http.MethodPost, "")) != 0 || e.model.Count() != 0 {
			t.Errorf("a line in the refused thread had effects: %v", got)
		}
	})
}
