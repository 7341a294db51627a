package telegram

import (
	"context"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// activeRoom returns u's active room in chat, failing the test if none.
func (e *env) activeRoom(u telegramfake.User, chat telegramfake.Chat) *engine.Room {
	e.t.Helper()
	r, err := e.eng.BoundRoom(context.Background(), e.user(u).ID, engine.ProviderTelegram, (&request{chatID: chat.ID}).scope())
	if err != nil {
		e.t.Fatalf("active room of %s in %d: %v", u.Username, chat.ID, err)
	}
	return r
}

// wantOpening checks that the room's only message is the bot's opening line
// and that the bot's last message in chat shows it.
func (e *env) wantOpening(u telegramfake.User, chat telegramfake.Chat, room *engine.Room, want string) {
	e.t.Helper()
	msgs := e.history(u, room.ID)
	if len(msgs) != 1 || msgs[0].Role != engine.RoleAssistant || msgs[0].Content != want || msgs[0].Status != engine.StatusComplete {
		e.t.Fatalf("history = %+v, want the opening %q", msgs, want)
	}
	if got := e.lastText(chat.ID); got != want {
		e.t.Fatalf("last message = %q, want the opening %q", got, want)
	}
}

func TestNewStepByStep(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요! ", "뭘 드릴까요?"}})

		e.send(aliceDM, alice, "/new")
		question := e.sent(aliceDM.ID)[0]
		if got := e.lastText(aliceDM.ID); got != "Which language shall we play in?" {
			t.Fatalf("question = %q", got)
		}
		golden(t, "new_language_keyboard", question.Fields["reply_markup"])

		e.press(aliceDM, alice, question.MessageID(), "lang::ko")
		if m, _ := e.api.Message(aliceDM.ID, question.MessageID()); m.Text != "Language: Korean" || m.ReplyMarkup != nil {
			t.Fatalf("language question after the press = %q %s", m.Text, m.ReplyMarkup)
		}
		level := e.sent(aliceDM.ID)[1]
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "What is your level in this language?") {
			t.Fatalf("level question = %q", got)
		}
		golden(t, "new_level_keyboard", level.Fields["reply_markup"])
		e.press(aliceDM, alice, level.MessageID(), "nlevel::A2")
		if m, _ := e.api.Message(aliceDM.ID, level.MessageID()); m.Text != "Level: A2 · elementary" || m.ReplyMarkup != nil {
			t.Fatalf("level question after the press = %q %s", m.Text, m.ReplyMarkup)
		}
		scene := e.sent(aliceDM.ID)[2]
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "Choose a scene (page 1 of") {
			t.Fatalf("scene question = %q", got)
		}
		e.press(aliceDM, alice, scene.MessageID(), "custom")
		if m, _ := e.api.Message(aliceDM.ID, scene.MessageID()); m.Text != "Scene: your own" || m.ReplyMarkup != nil {
			t.Fatalf("scene question after the press = %q %s", m.Text, m.ReplyMarkup)
		}
		steps := []struct{ question, answer string }{
			{"What is the situation?", "ordering coffee in a café in Seoul"},
			{"Who are you in this scene?", "a customer"},
			{"And who am I?", "the barista"},
		}
		for _, s := range steps {
			ask := e.sent(aliceDM.ID)
			last := ask[len(ask)-1]
			if text := e.lastText(aliceDM.ID); !strings.HasPrefix(text, s.question) {
				t.Fatalf("question = %q, want %q", text, s.question)
			}
			var fr struct {
				ForceReply bool `json:"force_reply"`
			}
			if err := last.Decode("reply_markup", &fr); err != nil || !fr.ForceReply {
				t.Fatalf("question %q is not a ForceReply: %s", s.question, last.Fields["reply_markup"])
			}
			e.replyTo(aliceDM, alice, last.MessageID(), s.answer)
		}

		room := e.activeRoom(alice, aliceDM)
		if room.Language != "ko" || room.Level != engine.LevelA2 || room.Situation != "ordering coffee in a café in Seoul" || room.UserRole != "a customer" || room.BotRole != "the barista" {
			t.Fatalf("room = %+v", room)
		}
		e.wantOpening(alice, aliceDM, room, "어서 오세요! 뭘 드릴까요?")
		if n := len(e.model.Requests()); n != 1 {
			t.Fatalf("model calls = %d, want 1 (the opening)", n)
		}
	})
}

func TestNewInOneLine(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Hi! ", "What can I get you?"}})

		e.send(aliceDM, alice, "/new en | ordering coffee | customer | barista")
		room := e.activeRoom(alice, aliceDM)
		if room.Language != "en" || room.Situation != "ordering coffee" || room.UserRole != "customer" || room.BotRole != "barista" {
			t.Fatalf("room = %+v", room)
		}
		msgs := e.sent(aliceDM.ID)
		if m, _ := e.api.Message(aliceDM.ID, msgs[0].MessageID()); !strings.HasPrefix(m.Text, "Room ready.") || !strings.Contains(m.Text, "Situation: ordering coffee") {
			t.Fatalf("first message = %q", m.Text)
		}
		e.wantOpening(alice, aliceDM, room, "Hi! What can I get you?")

		// A malformed line is explained; a language the engine refuses is named.
		e.send(aliceDM, alice, "/new en | only two")
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "To make a room in one line") {
			t.Fatalf("usage = %q", got)
		}
		e.send(bobDM, bob, "/new xx | 상황 | 손님 | 바리스타")
		if got := e.lastText(bobDM.ID); !strings.HasPrefix(got, "지원하는 언어를 골라 주세요") {
			t.Fatalf("invalid language = %q", got)
		}
		if n := len(e.model.Requests()); n != 1 {
			t.Fatalf("model calls = %d, want 1", n)
		}
	})
}

// A field the engine refuses is asked again, alone, and the room is made
// with the corrected answer: the rule (the length) stays in the engine.
func TestNewStepByStepAsksRefusedFieldAgain(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{engine: func(c *engine.Config) { c.Limits.MaxSituationRunes = 20 }})
		e.send(aliceDM, alice, "/new")
		e.send(aliceDM, alice, "English") // the language may also be typed
		e.send(aliceDM, alice, "c1")      // and so may the level
		e.send(aliceDM, alice, strings.Repeat("a very long situation ", 3))
		e.send(aliceDM, alice, "customer")
		e.send(aliceDM, alice, "barista")
		texts := e.sent(aliceDM.ID)
		refusal, _ := e.api.Message(aliceDM.ID, texts[len(texts)-2].MessageID())
		if refusal.Text != "“Situation” must be 1 to 20 characters of plain text." {
			t.Fatalf("refusal = %q", refusal.Text)
		}
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "What is the situation?") {
			t.Fatalf("question = %q", got)
		}
		e.send(aliceDM, alice, "at a café")
		room := e.activeRoom(alice, aliceDM)
		if room.Language != "en" || room.Level != engine.LevelC1 || room.Situation != "at a café" || room.UserRole != "customer" || room.BotRole != "barista" {
			t.Fatalf("room = %+v", room)
		}
	})
}
