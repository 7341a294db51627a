package telegram

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// Callback data carries room ids; another user's id reaches nothing.
func TestCallbackCannotReachAnotherUsersRoom(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.room(alice, aliceDM, cafe("en"))
		e.send(bobDM, bob, "/start")
		msg := e.lastID(bobDM.ID)
		for _, data := range []string{"enter:%d", "edit:%d", "field:%d:s", "setlang:%d:ja", "del:%d", "delok:%d"} {
			data = fmt.Sprintf(data, room.ID)
			e.press(bobDM, bob, msg, data)
			if got := e.lastText(bobDM.ID); got != "방을 찾을 수 없어요. /rooms 를 확인해 주세요." {
				t.Fatalf("%s: %q, want not found", data, got)
			}
		}
		// Bob's answer to a question he never got is a chat turn with no room.
		e.send(bobDM, bob, "new situation")
		if got := e.lastText(bobDM.ID); !strings.HasPrefix(got, "이 채팅에 현재 방이 없어요.") {
			t.Fatalf("after the presses: %q", got)
		}
		got, err := e.eng.FindRoom(t.Context(), e.user(alice).ID, room.ID)
		if err != nil || got.Language != "en" || got.Situation != "ordering coffee" {
			t.Fatalf("Alice's room = %+v, %v", got, err)
		}
		if _, err := e.eng.BoundRoom(t.Context(), e.user(bob).ID, engine.ProviderTelegram, fmt.Sprintf("chat:%d", bobDM.ID)); engine.ErrorCode(err) != engine.CodeNotFound {
			t.Fatalf("Bob has an active room: %v", err)
		}
		if n := len(e.model.Requests()); n != 0 {
			t.Fatalf("model calls = %d", n)
		}
		for _, c := range e.api.Calls("answerCallbackQuery") {
			if c.ErrorCode != 0 {
				t.Fatalf("answerCallbackQuery failed: %s", c.Description)
			}
		}
		if n := len(e.api.Calls("answerCallbackQuery")); n != 6 {
			t.Fatalf("%d callbacks answered, want 6", n)
		}
	})
}

func TestCallbackDataFitsTelegram(t *testing.T) {
	const maxID = int64(1<<63 - 1)
	l := langEn
	room := &engine.Room{ID: maxID, Language: "en", Situation: strings.Repeat("긴 상황 ", 40), UserRole: "a", BotRole: "b"}
	keyboards := []*inlineKeyboard{
		newRoomKeyboard(l), languageKeyboard(0), languageKeyboard(maxID), roomKeyboard(l, maxID),
		fieldsKeyboard(l, maxID), confirmDeleteKeyboard(l, maxID),
		roomsKeyboard(l, []*engine.Room{room}, fmt.Sprint(maxID)),
		levelKeyboard(0, engine.LevelC2), levelKeyboard(maxID, engine.LevelA1), feedbackKeyboard(l, maxID, fbHidden),
		replyKeyboard(l, maxID, maxID, feedbackRef(maxID, 1<<31-1)),
	}
	for _, k := range keyboards {
		for _, row := range k.InlineKeyboard {
			for _, b := range row {
				if n := len(b.CallbackData); n == 0 || n > maxCallbackData {
					t.Errorf("callback data %q is %d bytes", b.CallbackData, n)
				}
				c, ok := parseCallback(b.CallbackData)
				if !ok || c.data() != b.CallbackData {
					t.Errorf("callback data %q does not parse back (%+v)", b.CallbackData, c)
				}
			}
		}
	}
	for _, bad := range []string{"enter:-1", "enter:abc", "a:b:c:d", "enter:99999999999999999999", strings.Repeat("x", 65)} {
		if c, ok := parseCallback(bad); ok {
			t.Errorf("parseCallback(%q) = %+v, ok", bad, c)
		}
	}
}
