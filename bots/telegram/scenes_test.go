package telegram

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// keyboardOf returns the inline keyboard of a sendMessage or edit call.
func keyboardOf(t *testing.T, c telegramfake.Call) inlineKeyboard {
	t.Helper()
	var k inlineKeyboard
	if err := json.Unmarshal([]byte(c.Fields["reply_markup"]), &k); err != nil {
		t.Fatalf("reply_markup %q: %v", c.Fields["reply_markup"], err)
	}
	return k
}

// dataOf returns the callback data of every button of k, in order.
func dataOf(k inlineKeyboard) []string {
	var out []string
	for _, row := range k.InlineKeyboard {
		for _, b := range row {
			out = append(out, b.CallbackData)
		}
	}
	return out
}

// Every page of every level's scenes fits Telegram's limits: callback data
// within 64 bytes (data() panics otherwise), a page's text valid HTML.
func TestSceneKeyboardsFit(t *testing.T) {
	all := engine.BuiltinScenarios()
	if len(all) <= scenesPerPage {
		t.Fatalf("%d scenarios: the tests of paging need more than a page", len(all))
	}
	for _, l := range langs {
		for page := 0; page < scenePages(len(all)); page++ {
			k := sceneKeyboard(l, all, page)
			for _, d := range dataOf(*k) {
				if len(d) > maxCallbackData {
					t.Errorf("callback data %q: %d bytes", d, len(d))
				}
			}
			if _, err := telegramfake.ParseHTML(sceneText(l, all, page)); err != nil {
				t.Errorf("%s page %d: %v", l, page, err)
			}
		}
	}
}

func TestNewFromScenario(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Hi there! ", "What can I get you?"}})
		e.send(aliceDM, alice, "/new")
		e.press(aliceDM, alice, e.lastID(aliceDM.ID), "lang::en")
		e.press(aliceDM, alice, e.lastID(aliceDM.ID), "nlevel::A2")

		scenes, err := e.eng.ListScenarios("A2", "")
		if err != nil || len(scenes) <= scenesPerPage {
			t.Fatalf("A2 scenes: %d, %v (the test pages through more than one page)", len(scenes), err)
		}
		ask := e.sent(aliceDM.ID)
		first := ask[len(ask)-1]
		k := keyboardOf(t, first)
		data := dataOf(k)
		want := []string{}
		for _, s := range scenes[:scenesPerPage] {
			want = append(want, "scn::"+s.ID)
		}
		want = append(want, "scnp::1", "custom")
		if strings.Join(data, " ") != strings.Join(want, " ") {
			t.Fatalf("first page's buttons = %v, want %v", data, want)
		}
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "Choose a scene (page 1 of") || !strings.Contains(got, scenes[0].Title.In("en")) {
			t.Fatalf("first page = %q", got)
		}

		// ▶ turns the page in place; ◀ comes back.
		e.press(aliceDM, alice, first.MessageID(), "scnp::1")
		edits := e.api.Calls("editMessageText")
		second := edits[len(edits)-1]
		data = dataOf(keyboardOf(t, second))
		if data[0] != "scn::"+scenes[scenesPerPage].ID || !strings.Contains(strings.Join(data, " "), "scnp::0") {
			t.Fatalf("second page's buttons = %v", data)
		}
		if m, _ := e.api.Message(aliceDM.ID, first.MessageID()); !strings.HasPrefix(m.Text, "Choose a scene (page 2 of") {
			t.Fatalf("second page = %q", m.Text)
		}
		// A page that does not exist is refused.
		e.press(aliceDM, alice, first.MessageID(), "scnp::99")
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "This step has expired") {
			t.Fatalf("page 99 = %q", got)
		}

		// Choosing a scene of the second page makes the room in one step,
		// its texts in the learner's language (ko for Bob, en for Alice).
		chosen := scenes[scenesPerPage]
		e.press(aliceDM, alice, first.MessageID(), "scn::"+chosen.ID)
		room := e.activeRoom(alice, aliceDM)
		text := chosen.In("en")
		if room.ScenarioID == nil || *room.ScenarioID != chosen.ID || room.Language != "en" || room.Level != engine.LevelA2 ||
			room.Situation != text.Situation || room.UserRole != text.UserRole || len(room.Goals) != len(text.Goals) {
			t.Fatalf("room = %+v, want scenario %s", room, chosen.ID)
		}
		if m, _ := e.api.Message(aliceDM.ID, first.MessageID()); !strings.HasPrefix(m.Text, "Scene: ") || !strings.Contains(m.Text, text.Title) || m.ReplyMarkup != nil {
			t.Fatalf("scene question after the choice = %q %s", m.Text, m.ReplyMarkup)
		}
		msgs := e.sent(aliceDM.ID)
		created, _ := e.api.Message(aliceDM.ID, msgs[len(msgs)-2].MessageID())
		if !strings.HasPrefix(created.Text, "Room ready.") || !strings.Contains(created.Text, "Goals\n☐ "+text.Goals[0]) {
			t.Fatalf("room created = %q", created.Text)
		}
		e.wantOpening(alice, aliceDM, room, "Hi there! What can I get you?")

		// The step is over: the same button again is expired.
		e.press(aliceDM, alice, first.MessageID(), "scn::"+chosen.ID)
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "This step has expired") {
			t.Fatalf("second press = %q", got)
		}
	})
}

// Bob (ko) gets the scene step and the room's texts in Korean; a scenario
// id that does not exist makes no room.
func TestNewFromScenarioInKorean(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Hello!"}})
		e.send(bobDM, bob, "/new")
		e.press(bobDM, bob, e.lastID(bobDM.ID), "lang::ja")
		e.press(bobDM, bob, e.lastID(bobDM.ID), "nlevel::B1")
		if got := e.lastText(bobDM.ID); !strings.HasPrefix(got, "장면을 골라 주세요") {
			t.Fatalf("scene question = %q", got)
		}
		ask := e.lastID(bobDM.ID)
		e.press(bobDM, bob, ask, "scn::no-such-scene")
		if got := e.lastText(bobDM.ID); !strings.HasPrefix(got, "이 단계는 만료됐어요") {
			t.Fatalf("unknown scene = %q", got)
		}
		s, _ := e.eng.ListScenarios("B1", "")
		e.press(bobDM, bob, ask, "scn::"+s[0].ID)
		room := e.activeRoom(bob, bobDM)
		if room.Language != "ja" || room.Level != engine.LevelB1 || room.Situation != s[0].In("ko").Situation || room.Goals[0].Text != s[0].In("ko").Goals[0] {
			t.Fatalf("room = %+v", room)
		}
		rooms, _, _ := e.eng.ListRooms(context.Background(), e.user(bob).ID, engine.Page{Limit: 10})
		if len(rooms) != 1 {
			t.Fatalf("rooms = %d, want 1", len(rooms))
		}
	})
}

// Another user's press on the scene step (in a group, anyone can press)
// touches nothing of the wizard it was not made for.
func TestSceneStepIsThePressersOwn(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		e.send(group, alice, "/new")
		e.press(group, alice, e.lastID(group.ID), "lang::en")
		e.press(group, alice, e.lastID(group.ID), "nlevel::A1")
		ask := e.lastID(group.ID)
		s, _ := e.eng.ListScenarios("A1", "")
		e.press(group, bob, ask, "scn::"+s[0].ID)
		if got := e.lastText(group.ID); !strings.HasPrefix(got, "이 단계는 만료됐어요") {
			t.Fatalf("bob's press = %q", got)
		}
		rooms, _, _ := e.eng.ListRooms(context.Background(), e.user(bob).ID, engine.Page{Limit: 10})
		if len(rooms) != 0 {
			t.Fatalf("bob has %d rooms", len(rooms))
		}
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Hello!"}})
		e.press(group, alice, ask, "scn::"+s[0].ID)
		if r := e.activeRoom(alice, group); r.ScenarioID == nil || *r.ScenarioID != s[0].ID {
			t.Fatalf("alice's room = %+v", r)
		}
	})
}
