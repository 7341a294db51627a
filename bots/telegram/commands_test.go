package telegram

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

func TestCommandMenuInThreeLanguages(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		var menus []map[string]any
		for _, c := range e.api.Calls("setMyCommands") {
			var cmds any
			if err := c.Decode("commands", &cmds); err != nil {
				t.Fatal(err)
			}
			menus = append(menus, map[string]any{"language_code": c.Fields["language_code"], "commands": cmds})
		}
		b, _ := json.Marshal(menus)
		golden(t, "set_my_commands", string(b))
	})
}

func TestStartHelpAndUnknown(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		japanese := telegramfake.User{ID: 1005, FirstName: "Yuki", LanguageCode: "ja"}
		jaDM := telegramfake.Chat{ID: 1005, Type: "private"}
		e.send(jaDM, japanese, "/start")
		if got := e.lastText(jaDM.ID); !strings.HasPrefix(got, "chatplayへようこそ！") {
			t.Fatalf("/start = %q", got)
		}
		golden(t, "start_keyboard_ja", e.sent(jaDM.ID)[0].Fields["reply_markup"])
		e.press(jaDM, japanese, e.lastID(jaDM.ID), "new")
		if got := e.lastText(jaDM.ID); got != "どの言語で演じますか？" {
			t.Fatalf("new button = %q", got)
		}

		e.send(bobDM, bob, "/help")
		if got := e.lastText(bobDM.ID); !strings.HasPrefix(got, "명령어\n/new") {
			t.Fatalf("/help = %q", got)
		}
		e.send(aliceDM, alice, "/dance")
		if got := e.lastText(aliceDM.ID); got != "I don't know that command. Send /help." {
			t.Fatalf("unknown = %q", got)
		}
		e.send(aliceDM, alice, "what now?")
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "You have no active room in this chat.") {
			t.Fatalf("no room = %q", got)
		}
		sticker := telegramfake.Text(aliceDM, alice, "")
		id := e.api.PushUpdate(telegramfake.Update{Message: sticker})
		e.waitHandled(id, 1)
		if got := e.lastText(aliceDM.ID); got != "I can only read text messages." {
			t.Fatalf("no text = %q", got)
		}
	})
}

func TestRoomsEnterEditDelete(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		first := e.room(alice, aliceDM, engine.RoomInput{Title: "Café", Language: "ko", Situation: "ordering coffee", UserRole: "customer", BotRole: "barista"})
		second := e.room(alice, aliceDM, engine.RoomInput{Language: "ja", Situation: "asking the way", UserRole: "tourist", BotRole: "station staff"})

		e.send(aliceDM, alice, "/rooms")
		list := e.sent(aliceDM.ID)[0]
		want := "Your rooms (✅ active here)\n✅ asking the way · Japanese\n    tourist ↔ station staff\n▫️ Café · Korean\n    customer ↔ barista"
		if got := e.lastText(aliceDM.ID); got != want {
			t.Fatalf("/rooms = %q, want %q", got, want)
		}
		golden(t, "rooms_keyboard", strings.NewReplacer(fmt.Sprint(first.ID), "FIRST", fmt.Sprint(second.ID), "SECOND").Replace(list.Fields["reply_markup"]))

		e.press(aliceDM, alice, list.MessageID(), fmt.Sprintf("enter:%d", first.ID))
		if got := e.activeRoom(alice, aliceDM); got.ID != first.ID {
			t.Fatalf("active room = %d, want %d", got.ID, first.ID)
		}
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "You are in this room now.") {
			t.Fatalf("enter = %q", got)
		}

		// /edit: a field by button, the value by reply.
		e.send(aliceDM, alice, "/edit")
		e.press(aliceDM, alice, e.lastID(aliceDM.ID), fmt.Sprintf("field:%d:u", first.ID))
		if got := e.lastText(aliceDM.ID); got != "Send the new value of “Your role”. Now: customer" {
			t.Fatalf("edit question = %q", got)
		}
		e.replyTo(aliceDM, alice, e.lastID(aliceDM.ID), "regular customer")
		e.send(aliceDM, alice, "/edit")
		e.press(aliceDM, alice, e.lastID(aliceDM.ID), fmt.Sprintf("field:%d:l", first.ID))
		e.press(aliceDM, alice, e.lastID(aliceDM.ID), fmt.Sprintf("setlang:%d:en", first.ID))
		room := e.activeRoom(alice, aliceDM)
		if room.UserRole != "regular customer" || room.Language != "en" {
			t.Fatalf("edited room = %+v", room)
		}

		// /delete asks first; Cancel keeps the room, Delete removes it and its binding.
		e.send(aliceDM, alice, "/delete")
		confirm := e.lastID(aliceDM.ID)
		e.press(aliceDM, alice, confirm, "cancel")
		if m, _ := e.api.Message(aliceDM.ID, confirm); m.Text != "Cancelled." || m.ReplyMarkup != nil {
			t.Fatalf("after cancel: %q %s", m.Text, m.ReplyMarkup)
		}
		// Pressing it again edits to the same text: Telegram's "message is not
		// modified" is not an error, and nothing more is said.
		before := len(e.sent(aliceDM.ID))
		e.press(aliceDM, alice, confirm, "cancel")
		edits := e.api.Calls("editMessageText")
		if last := edits[len(edits)-1]; !strings.Contains(last.Description, "message is not modified") || len(e.sent(aliceDM.ID)) != before {
			t.Fatalf("second cancel: %q, %d messages after %d", last.Description, len(e.sent(aliceDM.ID)), before)
		}
		e.activeRoom(alice, aliceDM)
		e.send(aliceDM, alice, "/delete")
		confirm = e.lastID(aliceDM.ID)
		e.press(aliceDM, alice, confirm, fmt.Sprintf("delok:%d", first.ID))
		if m, _ := e.api.Message(aliceDM.ID, confirm); m.Text != "Room deleted." {
			t.Fatalf("after delete: %q", m.Text)
		}
		if _, err := e.eng.FindRoom(t.Context(), e.user(alice).ID, first.ID); engine.ErrorCode(err) != engine.CodeNotFound {
			t.Fatalf("deleted room: %v", err)
		}
		e.send(aliceDM, alice, "/room")
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "You have no active room") {
			t.Fatalf("/room after delete = %q", got)
		}
	})
}

func TestResetAndRetry(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.room(alice, aliceDM, cafe("en"))
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"First answer."}}, openaifake.Reply{Chunks: []string{"Second answer."}})
		e.send(aliceDM, alice, "hello")
		e.send(aliceDM, alice, "/retry")
		msgs := e.history(alice, room.ID)
		if len(msgs) != 2 || msgs[1].Content != "Second answer." {
			t.Fatalf("after /retry: %+v", msgs)
		}
		if got := e.lastText(aliceDM.ID); got != "Second answer." {
			t.Fatalf("retry shown = %q", got)
		}

		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Welcome in!"}})
		e.send(aliceDM, alice, "/reset")
		msgs = e.history(alice, room.ID)
		if len(msgs) != 1 || msgs[0].Content != "Welcome in!" {
			t.Fatalf("after /reset: %+v", msgs)
		}
		texts := e.shown(aliceDM.ID, len(e.sent(aliceDM.ID))-2)
		if !slices.Equal(texts, []string{"Conversation cleared. The scene starts again.", "Welcome in!"}) {
			t.Fatalf("reset shown = %q", texts)
		}
	})
}

func TestRoomsPages(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		for i := range roomsPage + 1 {
			e.room(alice, aliceDM, engine.RoomInput{Language: "en", Situation: fmt.Sprintf("scene %d", i), UserRole: "a", BotRole: "b"})
		}
		e.send(aliceDM, alice, "/rooms")
		var kb inlineKeyboard
		if err := e.sent(aliceDM.ID)[0].Decode("reply_markup", &kb); err != nil {
			t.Fatal(err)
		}
		last := kb.InlineKeyboard[len(kb.InlineKeyboard)-1]
		if len(kb.InlineKeyboard) != roomsPage+1 || len(last) != 2 || !strings.HasPrefix(last[1].CallbackData, "rooms::") {
			t.Fatalf("first page keyboard = %+v", kb)
		}
		e.press(aliceDM, alice, e.lastID(aliceDM.ID), last[1].CallbackData)
		if got := e.lastText(aliceDM.ID); !strings.Contains(got, "scene 0") || strings.Contains(got, "scene 1 ") || strings.Count(got, "scene") != 1 {
			t.Fatalf("second page = %q", got)
		}
	})
}
