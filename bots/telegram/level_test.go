package telegram

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// room returns u's room as stored now.
func (e *env) stored(u telegramfake.User, roomID int64) *engine.Room {
	e.t.Helper()
	r, err := e.eng.FindRoom(e.t.Context(), e.user(u).ID, roomID)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// /level shows the level with a button per level; a button or an argument
// sets it; a level the engine refuses is explained; another user's button
// reaches nothing.
func TestLevelCommand(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.room(alice, aliceDM, cafe("en"))

		e.send(aliceDM, alice, "/level")
		if got := e.lastText(aliceDM.ID); got != "Your level in this room: B1 · intermediate\nChoose another:" {
			t.Fatalf("/level = %q", got)
		}
		var kb inlineKeyboard
		if err := e.sent(aliceDM.ID)[0].Decode("reply_markup", &kb); err != nil || len(kb.InlineKeyboard) != 2 ||
			kb.InlineKeyboard[0][2].Text != "✅ B1" || kb.InlineKeyboard[1][1].CallbackData != fmt.Sprintf("level:%d:C1", room.ID) {
			t.Fatalf("level keyboard = %+v, %v", kb, err)
		}
		msg := e.lastID(aliceDM.ID)
		e.press(aliceDM, alice, msg, fmt.Sprintf("level:%d:C1", room.ID))
		if m, _ := e.api.Message(aliceDM.ID, msg); !strings.HasPrefix(m.Text, "Level set: C1 · advanced.") || m.ReplyMarkup != nil {
			t.Fatalf("after the press = %q %s", m.Text, m.ReplyMarkup)
		}
		if got := e.stored(alice, room.ID).Level; got != engine.LevelC1 {
			t.Fatalf("level = %s, want C1", got)
		}

		e.send(aliceDM, alice, "/level a2")
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "Level set: A2 · elementary.") {
			t.Fatalf("/level a2 = %q", got)
		}
		e.send(aliceDM, alice, "/level Z9")
		if got := e.lastText(aliceDM.ID); got != "Choose a level: A1, A2, B1, B2, C1, C2." {
			t.Fatalf("/level Z9 = %q", got)
		}
		if got := e.stored(alice, room.ID).Level; got != engine.LevelA2 {
			t.Fatalf("level = %s, want A2", got)
		}

		// Bob (Korean) has his own room; Alice's button reaches nothing of hers.
		e.room(bob, bobDM, cafe("ko"))
		e.send(bobDM, bob, "/level")
		if got := e.lastText(bobDM.ID); got != "이 방의 내 레벨: B1 · 중급\n다른 레벨을 골라 주세요:" {
			t.Fatalf("/level in Korean = %q", got)
		}
		e.press(bobDM, bob, e.lastID(bobDM.ID), fmt.Sprintf("level:%d:A1", room.ID))
		if got := e.lastText(bobDM.ID); got != "방을 찾을 수 없어요. /rooms 를 확인해 주세요." {
			t.Fatalf("Bob's press on Alice's room = %q", got)
		}
		if got := e.stored(alice, room.ID).Level; got != engine.LevelA2 {
			t.Fatalf("level after Bob's press = %s, want A2", got)
		}
	})
}

// /feedback sets the room's mode: on, hidden (behind a button) or off, by
// argument or button; alone it shows the mode.
func TestFeedbackCommand(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		japanese := telegramfake.User{ID: 1005, FirstName: "Yuki", LanguageCode: "ja"}
		jaDM := telegramfake.Chat{ID: 1005, Type: "private"}
		room := e.room(japanese, jaDM, coached("ko"))

		e.send(jaDM, japanese, "/feedback")
		if got := e.lastText(jaDM.ID); !strings.HasPrefix(got, "このルームでのセリフの添削: オン\n") {
			t.Fatalf("/feedback = %q", got)
		}
		mode := func() string { return feedbackMode(e.stored(japanese, room.ID)) }
		e.send(jaDM, japanese, "/feedback hidden")
		if got := e.lastText(jaDM.ID); got != "添削: ボタンの後ろに隠す。" || mode() != fbHidden {
			t.Fatalf("/feedback hidden = %q, mode %s", got, mode())
		}
		if r := e.stored(japanese, room.ID); !r.Feedback || !r.FeedbackHidden {
			t.Fatalf("hidden room = %+v", r)
		}
		e.send(jaDM, japanese, "/feedback OFF")
		if got := e.lastText(jaDM.ID); got != "添削: オフ。" || mode() != fbOff {
			t.Fatalf("/feedback off = %q, mode %s", got, mode())
		}
		e.send(jaDM, japanese, "/feedback")
		msg := e.lastID(jaDM.ID)
		e.press(jaDM, japanese, msg, fmt.Sprintf("fbmode:%d:on", room.ID))
		if m, _ := e.api.Message(jaDM.ID, msg); m.Text != "添削: オン。" || mode() != fbOn {
			t.Fatalf("after the press = %q, mode %s", m.Text, mode())
		}
		e.send(jaDM, japanese, "/feedback sometimes")
		if got := e.lastText(jaDM.ID); !strings.HasPrefix(got, "/feedback on、/feedback hidden、/feedback off") || mode() != fbOn {
			t.Fatalf("/feedback sometimes = %q, mode %s", got, mode())
		}
		e.press(aliceDM, alice, msg, fmt.Sprintf("fbmode:%d:off", room.ID))
		if got := e.lastText(aliceDM.ID); got != "That room was not found. See /rooms." || mode() != fbOn {
			t.Fatalf("Alice's press on Yuki's room = %q, mode %s", got, mode())
		}
	})
}

// /edit offers the level and the corrections too, by buttons.
func TestEditLevelAndFeedback(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.room(alice, aliceDM, coached("en"))
		e.send(aliceDM, alice, "/edit")
		e.press(aliceDM, alice, e.lastID(aliceDM.ID), fmt.Sprintf("field:%d:v", room.ID))
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "Your level in this room: B1") {
			t.Fatalf("level field = %q", got)
		}
		e.press(aliceDM, alice, e.lastID(aliceDM.ID), fmt.Sprintf("level:%d:B2", room.ID))
		e.press(aliceDM, alice, e.lastID(aliceDM.ID), fmt.Sprintf("field:%d:f", room.ID))
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "Corrections of your lines in this room: on") {
			t.Fatalf("feedback field = %q", got)
		}
		e.press(aliceDM, alice, e.lastID(aliceDM.ID), fmt.Sprintf("fbmode:%d:hidden", room.ID))
		if r := e.stored(alice, room.ID); r.Level != engine.LevelB2 || !r.FeedbackHidden {
			t.Fatalf("room = %+v", r)
		}
		e.send(aliceDM, alice, "/room")
		if got := e.lastText(aliceDM.ID); !strings.Contains(got, "Level: B2 · upper intermediate\nCorrections: behind a button\n") {
			t.Fatalf("/room = %q", got)
		}
	})
}

// /new in one line takes the level as an optional fifth part.
func TestNewInOneLineWithLevel(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		e.send(aliceDM, alice, "/new ja | at a station | tourist | station staff | a1")
		if r := e.activeRoom(alice, aliceDM); r.Language != "ja" || r.Level != engine.LevelA1 || r.BotRole != "station staff" {
			t.Fatalf("room = %+v", r)
		}
		e.send(bobDM, bob, "/new ko | 카페 | 손님 | 바리스타 | expert")
		if got := e.lastText(bobDM.ID); got != "레벨을 골라 주세요: A1, A2, B1, B2, C1, C2." {
			t.Fatalf("refused level = %q", got)
		}
	})
}
