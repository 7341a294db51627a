package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

func goalTexts(goals []engine.Goal) []string {
	out := make([]string, len(goals))
	for i, g := range goals {
		out[i] = g.Text
	}
	return out
}

// A room made from a scenario takes its situation, roles, title and goals in
// the learner's own language, keeps the scenario id, and is played in the
// room language chosen; FindRoom and ListRooms return it with its goals.
func TestCreateRoomFromScenario(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		ctx := context.Background()
		s, err := env.eng.FindScenario("cafe-order")
		if err != nil {
			t.Fatal(err)
		}
		room, err := env.eng.CreateRoom(ctx, env.alice.ID, engine.RoomInput{ScenarioID: "cafe-order", Language: "ja", Level: "a2", Locale: "ko-KR"})
		if err != nil {
			t.Fatal(err)
		}
		ko := s.In("ko")
		if room.ScenarioID == nil || *room.ScenarioID != "cafe-order" || room.Language != "ja" || room.Level != engine.LevelA2 ||
			room.Title != ko.Title || room.Situation != ko.Situation || room.UserRole != ko.UserRole || room.BotRole != ko.BotRole {
			t.Fatalf("room = %+v, want the Korean texts of cafe-order, played in Japanese at A2", room)
		}
		if got := goalTexts(room.Goals); strings.Join(got, "|") != strings.Join(ko.Goals, "|") {
			t.Fatalf("goals = %q, want %q", got, ko.Goals)
		}
		for _, g := range room.Goals {
			if g.ID == 0 || g.Achieved || g.AchievedAt != nil || g.MessageID != nil {
				t.Fatalf("a new goal: %+v", g)
			}
		}
		found, err := env.eng.FindRoom(ctx, env.alice.ID, room.ID)
		if err != nil || found.ScenarioID == nil || *found.ScenarioID != "cafe-order" || len(found.Goals) != len(ko.Goals) ||
			found.Goals[0] != room.Goals[0] || found.Goals[len(ko.Goals)-1].Text != ko.Goals[len(ko.Goals)-1] {
			t.Fatalf("found %+v (%v)", found, err)
		}

		// English by default (and for a locale with no scenario texts); a
		// title of one's own; no level: B1, which these scenarios suit.
		en, err := env.eng.CreateRoom(ctx, env.alice.ID, engine.RoomInput{ScenarioID: " hotel-check-in ", Language: "ko", Title: "My trip"})
		if err != nil {
			t.Fatal(err)
		}
		hotel, _ := env.eng.FindScenario("hotel-check-in")
		if en.Title != "My trip" || en.Situation != hotel.Situation["en"] || en.Goals[0].Text != hotel.Goals[0]["en"] || en.Level != engine.LevelB1 {
			t.Fatalf("english room = %+v", en)
		}
		low, err := env.eng.CreateRoom(ctx, env.alice.ID, engine.RoomInput{ScenarioID: "job-interview", Language: "en", Locale: "zh"})
		if err != nil || low.Level != engine.LevelB1 || low.Situation == "" {
			t.Fatalf("job-interview with no level: %+v, %v", low, err)
		}

		// One page of rooms: each with its own goals; a custom room with none.
		custom := env.newRoom(t, env.alice)
		if custom.ScenarioID != nil || custom.Goals == nil || len(custom.Goals) != 0 {
			t.Fatalf("custom room: scenario %v, goals %#v", custom.ScenarioID, custom.Goals)
		}
		rooms, _, err := env.eng.ListRooms(ctx, env.alice.ID, engine.Page{})
		if err != nil || len(rooms) != 4 {
			t.Fatalf("%d rooms (%v)", len(rooms), err)
		}
		want := map[int64]int{custom.ID: 0, low.ID: len(low.Goals), en.ID: len(hotel.Goals), room.ID: len(ko.Goals)}
		for _, r := range rooms {
			if len(r.Goals) != want[r.ID] || r.Goals == nil {
				t.Errorf("room %d listed with %d goals, want %d", r.ID, len(r.Goals), want[r.ID])
			}
		}
		if rooms[3].Goals[1].Text != ko.Goals[1] {
			t.Errorf("listed goals of the first room = %q", goalTexts(rooms[3].Goals))
		}
	})
}

func TestCreateRoomFromScenarioRejects(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		ctx := context.Background()
		for _, tt := range []struct {
			name  string
			in    engine.RoomInput
			field string
		}{
			{"unknown scenario", engine.RoomInput{ScenarioID: "moon-landing", Language: "ko"}, "scenario_id"},
			{"no language", engine.RoomInput{ScenarioID: "cafe-order"}, "language"},
			{"bad level", engine.RoomInput{ScenarioID: "cafe-order", Language: "ko", Level: "Z9"}, "level"},
			{"a situation of its own", engine.RoomInput{ScenarioID: "cafe-order", Language: "ko", Situation: "mine"}, "situation"},
			{"a role of its own", engine.RoomInput{ScenarioID: "cafe-order", Language: "ko", BotRole: "a pirate"}, "bot_role"},
			{"goals of its own", engine.RoomInput{ScenarioID: "cafe-order", Language: "ko", Goals: []string{"win"}}, "goals"},
		} {
			_, err := env.eng.CreateRoom(ctx, env.alice.ID, tt.in)
			if e := wantCode(t, err, engine.CodeInvalid); e.Field != tt.field {
				t.Errorf("%s: field %q, want %q", tt.name, e.Field, tt.field)
			}
		}
		if n, _ := db.CountRooms(ctx, env.alice.ID); n != 0 {
			t.Fatalf("%d rooms made", n)
		}
	})
}

// A custom room's goals: at most MaxRoomGoals, each at most MaxGoalRunes
// characters, present and one line; trimmed, in order.
func TestCustomGoalLimits(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		ctx := context.Background()
		withGoals := func(goals ...string) engine.RoomInput {
			in := cafe()
			in.Goals = goals
			return in
		}
		full := make([]string, engine.MaxRoomGoals)
		for i := range full {
			full[i] = strings.Repeat("가", engine.MaxGoalRunes-1) + string(rune('A'+i))
		}
		full[0] = "  " + full[0] + "  "
		room, err := env.eng.CreateRoom(ctx, env.alice.ID, withGoals(full...))
		if err != nil {
			t.Fatalf("%d goals of %d characters: %v", engine.MaxRoomGoals, engine.MaxGoalRunes, err)
		}
		if len(room.Goals) != engine.MaxRoomGoals || room.Goals[0].Text != strings.TrimSpace(full[0]) || room.Goals[4].Text != full[4] {
			t.Fatalf("goals = %q", goalTexts(room.Goals))
		}
		for _, tt := range []struct {
			name   string
			goals  []string
			reason engine.Reason
		}{
			{"one goal too many", append(append([]string{}, full...), "one more"), engine.ReasonTooMany},
			{"one character too long", []string{strings.Repeat("a", engine.MaxGoalRunes+1)}, engine.ReasonTooLong},
			{"empty", []string{"order tea", "   "}, engine.ReasonRequired},
			{"two lines", []string{"order tea\nand cake"}, engine.ReasonBadText},
			{"a control character", []string{"order\x00tea"}, engine.ReasonBadText},
		} {
			_, err := env.eng.CreateRoom(ctx, env.alice.ID, withGoals(tt.goals...))
			if e := wantCode(t, err, engine.CodeInvalid); e.Field != "goals" || e.Reason != tt.reason {
				t.Errorf("%s: field %q reason %q, want goals %q", tt.name, e.Field, e.Reason, tt.reason)
			}
		}

		// UpdateRoom replaces the goals, all open, at the same limits; an
		// empty list removes them; another user's room is not found.
		goals := []string{" ask for the bill ", "tip the waiter"}
		got, err := env.eng.UpdateRoom(ctx, env.alice.ID, room.ID, engine.RoomUpdate{Goals: &goals})
		if err != nil || strings.Join(goalTexts(got.Goals), "|") != "ask for the bill|tip the waiter" || got.Situation != room.Situation {
			t.Fatalf("after replacing: %+v, %v", got, err)
		}
		tooMany := append(append([]string{}, full...), "x")
		_, err = env.eng.UpdateRoom(ctx, env.alice.ID, room.ID, engine.RoomUpdate{Goals: &tooMany})
		wantCode(t, err, engine.CodeInvalid)
		_, err = env.eng.UpdateRoom(ctx, env.bob.ID, room.ID, engine.RoomUpdate{Goals: &goals})
		wantCode(t, err, engine.CodeNotFound)
		none := []string{}
		got, err = env.eng.UpdateRoom(ctx, env.alice.ID, room.ID, engine.RoomUpdate{Goals: &none})
		if err != nil || len(got.Goals) != 0 {
			t.Fatalf("after removing: %+v, %v", got.Goals, err)
		}
		reread, _ := env.eng.FindRoom(ctx, env.alice.ID, room.ID)
		if len(reread.Goals) != 0 {
			t.Fatalf("stored goals after removing: %q", goalTexts(reread.Goals))
		}
	})
}

// AchieveGoals ticks open goals with the line that achieved them, never
// un-achieves or re-dates one, ignores other rooms' goals and messages, and a
// reset of the room opens them all again.
func TestAchieveGoals(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		ctx := context.Background()
		in := cafe()
		in.Goals = []string{"greet", "order a latte", "pay"}
		room, err := env.eng.CreateRoom(ctx, env.alice.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		other, err := env.eng.CreateRoom(ctx, env.bob.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"네"}}, openaifake.Reply{Chunks: []string{"네"}}, openaifake.Reply{Chunks: []string{"네"}})
		first, err := send(env, env.alice, room.ID, "안녕하세요, 라떼 주세요", nil)
		if err != nil {
			t.Fatal(err)
		}
		second, err := send(env, env.alice, room.ID, "카드로 할게요", nil)
		if err != nil {
			t.Fatal(err)
		}
		bobs, err := send(env, env.bob, other.ID, "hi", nil)
		if err != nil {
			t.Fatal(err)
		}
		g := room.Goals

		// Goals 0 and 1 by the first line; bob's goal id is ignored.
		goals, err := env.eng.AchieveGoals(ctx, room.ID, []int64{g[1].ID, g[0].ID, g[1].ID, other.Goals[0].ID}, first.UserMessage.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !goals[0].Achieved || !goals[1].Achieved || goals[2].Achieved || goals[0].AchievedAt == nil ||
			goals[1].MessageID == nil || *goals[1].MessageID != first.UserMessage.ID || goals[2].MessageID != nil {
			t.Fatalf("after the first line: %+v", goals)
		}
		at := *goals[0].AchievedAt
		bobRoom, _ := env.eng.FindRoom(ctx, env.bob.ID, other.ID)
		if bobRoom.Goals[0].Achieved {
			t.Fatal("bob's goal was achieved by alice's line")
		}

		// A later line achieves goal 2 but does not re-date goal 0.
		goals, err = env.eng.AchieveGoals(ctx, room.ID, []int64{g[0].ID, g[2].ID}, second.UserMessage.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !goals[2].Achieved || *goals[2].MessageID != second.UserMessage.ID || *goals[0].MessageID != first.UserMessage.ID || !goals[0].AchievedAt.Equal(at) {
			t.Fatalf("after the second line: %+v", goals)
		}
		// Nothing to achieve: the goals as they are.
		goals, err = env.eng.AchieveGoals(ctx, room.ID, nil, second.UserMessage.ID)
		if err != nil || len(goals) != 3 || !goals[2].Achieved {
			t.Fatalf("achieving nothing: %+v, %v", goals, err)
		}

		// A message of another room achieves nothing.
		if err := env.eng.ResetRoom(ctx, env.alice.ID, room.ID); err != nil {
			t.Fatal(err)
		}
		found, _ := env.eng.FindRoom(ctx, env.alice.ID, room.ID)
		for _, g := range found.Goals {
			if g.Achieved || g.AchievedAt != nil || g.MessageID != nil {
				t.Fatalf("after a reset: %+v", found.Goals)
			}
		}
		goals, err = env.eng.AchieveGoals(ctx, room.ID, []int64{g[0].ID}, bobs.UserMessage.ID)
		if err != nil || goals[0].Achieved {
			t.Fatalf("achieved by another room's message: %+v, %v", goals, err)
		}
		// The reset removed the first line: it achieves nothing any more.
		goals, err = env.eng.AchieveGoals(ctx, room.ID, []int64{g[0].ID}, first.UserMessage.ID)
		if err != nil || goals[0].Achieved {
			t.Fatalf("achieved by a deleted message: %+v, %v", goals, err)
		}
	})
}
