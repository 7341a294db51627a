package discord

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/bots/discord/discordfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

func TestRoomNew(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		resp := e.sendOK(t, e.golden(t, "command_room_new.json", alice)) // locale ko
		if respType(resp) != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) || !ephemeral(respData(t, resp)) {
			t.Fatalf("response = %v", resp)
		}
		// The answer (the deferral's edit) says the room is made; the scene starts (roomnew_test.go).
		if edits := contents(discordfake.Filter(e.fake.Calls(), http.MethodPatch, "/webhooks/"+testAppID+"/")); len(edits) != 1 ||
			!strings.Contains(edits[0], "**Cafe in Seoul** 방을 만들었습니다") {
			t.Errorf("answer = %v", edits)
		}
		u := e.user(t, alice)
		if u.Locale != "ko" || u.DisplayName != "Alice" {
			t.Errorf("user = %+v, want locale ko and the global name", u)
		}
		rooms, _, err := e.eng.ListRooms(context.Background(), u.ID, engine.Page{})
		if err != nil || len(rooms) != 1 {
			t.Fatalf("rooms = %v, %v", rooms, err)
		}
		r := rooms[0]
		if r.Title != "Cafe in Seoul" || r.Language != "ko" || r.Situation != "ordering coffee in a cafe in Seoul" ||
			r.UserRole != "customer" || r.BotRole != "barista" {
			t.Errorf("room = %+v", r)
		}

		// An invalid language is refused in the user's language, and nothing is made.
		m := e.golden(t, "command_room_new.json", alice)
		set(t, m, "data.options.0.options.0.value", "xx")
		d := respData(t, e.sendOK(t, m))
		if !ephemeral(d) || !strings.Contains(d["content"].(string), "올바르지 않은 값입니다: language") {
			t.Errorf("invalid language answered %v", d)
		}
		if n, _ := db.CountRooms(context.Background(), u.ID); n != 1 {
			t.Errorf("rooms = %d, want 1", n)
		}
	})
}

func TestRoomList(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		var rooms []*engine.Room
		for _, title := range []string{"one", "two", "three", "four", "five"} {
			rooms = append(rooms, e.room(t, alice, title))
		}
		e.room(t, bob, "bob's secret")

		d := respData(t, e.sendOK(t, e.golden(t, "command_room_list.json", alice)))
		content := d["content"].(string)
		if !ephemeral(d) || !strings.Contains(content, "**five**") || !strings.Contains(content, "**two**") ||
			strings.Contains(content, "**one**") || strings.Contains(content, "bob") {
			t.Errorf("first page = %q", content)
		}
		rows := d["components"].([]any)
		if len(rows) != 5 {
			t.Fatalf("rows = %d, want 4 rooms and a next-page row", len(rows))
		}
		first := rows[0].(map[string]any)["components"].([]any)
		var ids []string
		for _, b := range first {
			ids = append(ids, b.(map[string]any)["custom_id"].(string))
		}
		want := []string{"room:enter:" + fmtRoomID(rooms[4]), "room:edit:" + fmtRoomID(rooms[4]), "room:delete:" + fmtRoomID(rooms[4])}
		if strings.Join(ids, " ") != strings.Join(want, " ") {
			t.Errorf("buttons = %v, want %v", ids, want)
		}
		next := rows[4].(map[string]any)["components"].([]any)[0].(map[string]any)["custom_id"].(string)

		// The next-page button replaces the list with the rest.
		m := e.golden(t, "button.json", alice)
		set(t, m, "data.custom_id", next)
		resp := e.sendOK(t, m)
		if respType(resp) != int(discordgo.InteractionResponseUpdateMessage) {
			t.Fatalf("next page response = %v", resp)
		}
		if c := respData(t, resp)["content"].(string); !strings.Contains(c, "**one**") || strings.Contains(c, "**two**") {
			t.Errorf("second page = %q", c)
		}
	})
}

func TestRoomEdit(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		cafe := e.room(t, alice, "Cafe")
		e.room(t, alice, "Bakery")
		e.room(t, bob, "Bob's cafe")

		// Autocomplete offers the caller's rooms that match, and only theirs.
		resp := e.sendOK(t, e.golden(t, "autocomplete_room_enter.json", alice)) // typed "caf"
		if respType(resp) != int(discordgo.InteractionApplicationCommandAutocompleteResult) {
			t.Fatalf("autocomplete response = %v", resp)
		}
		choices := respData(t, resp)["choices"].([]any)
		if len(choices) != 1 || choices[0].(map[string]any)["value"] != fmtRoomID(cafe) {
			t.Errorf("choices = %v, want alice's Cafe only", choices)
		}

		// /room edit opens a modal holding the room's fields.
		m := e.golden(t, "command_room_edit.json", alice)
		set(t, m, "data.options.0.options.0.value", fmtRoomID(cafe))
		resp = e.sendOK(t, m)
		d := respData(t, resp)
		if respType(resp) != int(discordgo.InteractionResponseModal) || d["custom_id"] != "room:save:"+fmtRoomID(cafe) {
			t.Fatalf("edit response = %v", resp)
		}
		var values []string
		for _, row := range d["components"].([]any) {
			in := row.(map[string]any)["components"].([]any)[0].(map[string]any)
			values = append(values, in["custom_id"].(string)+"="+in["value"].(string))
		}
		if got := strings.Join(values, ","); got != "title=Cafe,language=ko,situation=ordering coffee in a cafe in Seoul,user_role=customer,bot_role=barista" {
			t.Errorf("modal inputs = %s", got)
		}

		// Submitting it saves the room.
		m = e.golden(t, "modal_submit.json", alice)
		set(t, m, "data.custom_id", "room:save:"+fmtRoomID(cafe))
		d = respData(t, e.sendOK(t, m))
		if !ephemeral(d) || d["content"] != "Room **Late-night cafe** is saved.\nlevel B1 · corrections off" {
			t.Errorf("save answered %v", d)
		}
		r, err := e.eng.FindRoom(context.Background(), e.user(t, alice).ID, cafe.ID)
		if err != nil || r.Title != "Late-night cafe" || r.Language != "ja" || r.Situation != "ordering tea in a cafe in Kyoto" ||
			r.UserRole != "tourist" || r.BotRole != "tea master" {
			t.Errorf("room = %+v, %v", r, err)
		}
	})
}

func TestRoomDelete(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe")
		m := e.golden(t, "command_room_delete.json", alice)
		set(t, m, "data.options.0.options.0.value", fmtRoomID(r))
		d := respData(t, e.sendOK(t, m))
		if !ephemeral(d) || d["content"] != "Delete **Cafe** and its whole conversation?" {
			t.Fatalf("delete answered %v", d)
		}
		confirm := d["components"].([]any)[0].(map[string]any)["components"].([]any)[0].(map[string]any)["custom_id"].(string)
		if confirm != "room:confirm:"+fmtRoomID(r) {
			t.Fatalf("confirm button = %s", confirm)
		}
		if _, err := e.eng.FindRoom(context.Background(), e.user(t, alice).ID, r.ID); err != nil {
			t.Fatal("the room went before the confirmation")
		}

		m = e.golden(t, "button.json", alice)
		set(t, m, "data.custom_id", confirm)
		resp := e.sendOK(t, m)
		if respType(resp) != int(discordgo.InteractionResponseDeferredMessageUpdate) {
			t.Fatalf("confirm response = %v", resp)
		}
		edits := discordfake.Filter(e.fake.Calls(), http.MethodPatch, "/webhooks/"+testAppID+"/"+m["token"].(string)+"/messages/@original")
		if len(edits) != 1 || contents(edits)[0] != "Room **Cafe** is deleted." {
			t.Errorf("edits = %v", contents(edits))
		}
		if _, err := e.eng.FindRoom(context.Background(), e.user(t, alice).ID, r.ID); engine.ErrorCode(err) != engine.CodeNotFound {
			t.Errorf("room still there: %v", err)
		}
	})
}

// Another user reaches none of alice's rooms, whatever ids the interaction carries.
func TestOtherUsersRefused(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe")
		rid := fmtRoomID(r)
		notFound := "That room does not exist."

		for _, tc := range []struct {
			golden, path, value string
		}{
			{"command_room_edit.json", "data.options.0.options.0.value", rid},
			{"command_room_delete.json", "data.options.0.options.0.value", rid},
			{"command_room_enter.json", "data.options.0.options.0.value", rid},
			{"button.json", "data.custom_id", "room:confirm:" + rid},
			{"button.json", "data.custom_id", "room:edit:" + rid},
			{"button.json", "data.custom_id", "room:enter:" + rid},
			{"modal_submit.json", "data.custom_id", "room:save:" + rid},
		} {
			m := e.golden(t, tc.golden, bob)
			set(t, m, tc.path, tc.value)
			resp := e.sendOK(t, m)
			d := respData(t, resp)
			if respType(resp) != int(discordgo.InteractionResponseChannelMessageWithSource) || !ephemeral(d) || d["content"] != notFound {
				t.Errorf("%s %s: answered %v", tc.golden, tc.value, resp)
			}
		}
		// Autocomplete shows bob nothing of alice's.
		d := respData(t, e.sendOK(t, e.golden(t, "autocomplete_room_enter.json", bob)))
		if len(d["choices"].([]any)) != 0 {
			t.Errorf("bob's choices = %v", d["choices"])
		}
		got, err := e.eng.FindRoom(context.Background(), e.user(t, alice).ID, r.ID)
		if err != nil || got.Title != "Cafe" {
			t.Errorf("alice's room = %+v, %v", got, err)
		}
		if n := len(discordfake.Filter(e.fake.Calls(), http.MethodPost, "/channels/")); n != 0 {
			t.Errorf("%d channel posts (threads, messages) for bob", n)
		}
		if e.model.Count() != 0 {
			t.Errorf("the model was called %d times", e.model.Count())
		}
	})
}

// addOption appends an option to the subcommand of a /room interaction.
func addOption(t testing.TB, m map[string]any, name string, typ int, value any) {
	t.Helper()
	sub := m["data"].(map[string]any)["options"].([]any)[0].(map[string]any)
	opts, _ := sub["options"].([]any)
	sub["options"] = append(opts, map[string]any{"name": name, "type": typ, "value": value})
}

// A room's level and feedback are set by /room new and /room edit, and shown
// where the room is described, in the user's language; another user's
// /room edit changes nothing.
func TestRoomLevelAndFeedback(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		m := e.golden(t, "command_room_new.json", alice) // locale ko
		addOption(t, m, "level", 3, "A2")
		addOption(t, m, "feedback", 5, false)
		e.sendOK(t, m) // deferred: the answer follows as an edit, once the thread is open
		e.idle()
		if c := e.shown(m["token"].(string)); !strings.HasSuffix(c, "\n수준 A2 · 교정 끔") {
			t.Errorf("/room new answered %q", c)
		}
		rooms, _, err := e.eng.ListRooms(context.Background(), e.user(t, alice).ID, engine.Page{})
		if err != nil || len(rooms) != 1 || rooms[0].Level != engine.LevelA2 || rooms[0].Feedback {
			t.Fatalf("rooms = %+v, %v", rooms, err)
		}
		r := rooms[0]
		// Without the options: B1, feedback on.
		m = e.golden(t, "command_room_new.json", alice)
		e.sendOK(t, m)
		e.idle()
		if c := e.shown(m["token"].(string)); !strings.HasSuffix(c, "\n수준 B1 · 교정 켬") {
			t.Errorf("/room new without options answered %q", c)
		}

		d := respData(t, e.sendOK(t, e.golden(t, "command_room_list.json", alice))) // en-US
		if c := d["content"].(string); !strings.Contains(c, "customer / barista · level A2 · corrections off") ||
			!strings.Contains(c, "level B1 · corrections on") {
			t.Errorf("/room list = %q", c)
		}

		// /room edit with a level saves it at once, without the form.
		m = e.golden(t, "command_room_edit.json", alice)
		set(t, m, "data.options.0.options.0.value", fmtRoomID(r))
		addOption(t, m, "level", 3, "C1")
		resp := e.sendOK(t, m)
		d = respData(t, resp)
		if respType(resp) != int(discordgo.InteractionResponseChannelMessageWithSource) || !ephemeral(d) ||
			d["content"] != "Room **Cafe in Seoul** is saved.\nlevel C1 · corrections off" {
			t.Errorf("/room edit level answered %v", resp)
		}
		m = e.golden(t, "command_room_edit.json", alice)
		m["locale"] = "ja"
		set(t, m, "data.options.0.options.0.value", fmtRoomID(r))
		addOption(t, m, "feedback", 5, true)
		if d := respData(t, e.sendOK(t, m)); d["content"] != "ルーム **Cafe in Seoul** を保存しました。\nレベル C1 · 添削オン" {
			t.Errorf("/room edit feedback answered %v", d["content"])
		}
		got, err := e.eng.FindRoom(context.Background(), e.user(t, alice).ID, r.ID)
		if err != nil || got.Level != engine.LevelC1 || !got.Feedback || got.Situation != r.Situation || got.Title != r.Title {
			t.Errorf("room = %+v, %v", got, err)
		}

		// An unknown level is refused; bob cannot change alice's room.
		m = e.golden(t, "command_room_edit.json", alice)
		set(t, m, "data.options.0.options.0.value", fmtRoomID(r))
		addOption(t, m, "level", 3, "Z9")
		if d := respData(t, e.sendOK(t, m)); !ephemeral(d) || !strings.Contains(strings.ToLower(d["content"].(string)), "level") {
			t.Errorf("level Z9 answered %v", d["content"])
		}
		m = e.golden(t, "command_room_edit.json", bob)
		set(t, m, "data.options.0.options.0.value", fmtRoomID(r))
		addOption(t, m, "level", 3, "A1")
		addOption(t, m, "feedback", 5, false)
		if d := respData(t, e.sendOK(t, m)); d["content"] != "That room does not exist." {
			t.Errorf("bob's /room edit answered %v", d["content"])
		}
		if got, _ := e.eng.FindRoom(context.Background(), e.user(t, alice).ID, r.ID); got.Level != engine.LevelC1 || !got.Feedback {
			t.Errorf("bob changed alice's room: %+v", got)
		}
	})
}
