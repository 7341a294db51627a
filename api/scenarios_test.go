package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

func listScenarios(t *testing.T, c *client, query string) api.ScenarioList {
	t.Helper()
	var out api.ScenarioList
	c.must(http.StatusOK, "GET", "/api/v1/scenarios"+query, nil).decode(t, &out)
	return out
}

func scenarioByID(list api.ScenarioList, id string) *api.ScenarioResponse {
	for i := range list.Scenarios {
		if list.Scenarios[i].ID == id {
			return &list.Scenarios[i]
		}
	}
	return nil
}

// The gallery: public, filtered by level and theme, written in the learner's
// own language: ?locale=, else the signed-in user's locale, else
// Accept-Language, else English.
func TestListScenariosAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		cafeOrder, err := ts.eng.FindScenario("cafe-order")
		if err != nil {
			t.Fatal(err)
		}
		anon := ts.anon()
		all := listScenarios(t, anon, "")
		if all.Locale != "en" || len(all.Scenarios) != len(engine.BuiltinScenarios()) {
			t.Fatalf("anonymous: locale %q, %d scenarios", all.Locale, len(all.Scenarios))
		}
		got := scenarioByID(all, "cafe-order")
		if got == nil || got.Title != cafeOrder.Title["en"] || got.Theme != "daily" || got.UserRole != cafeOrder.UserRole["en"] ||
			len(got.Goals) != len(cafeOrder.Goals) || got.Goals[0] != cafeOrder.Goals[0]["en"] || got.Levels[0] != "A1" {
			t.Fatalf("cafe-order = %+v", got)
		}
		// Every field is in the JSON, by its documented name.
		var raw struct {
			Scenarios []map[string]json.RawMessage `json:"scenarios"`
		}
		if err := json.Unmarshal(anon.must(http.StatusOK, "GET", "/api/v1/scenarios", nil).body, &raw); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"id", "theme", "title", "description", "situation", "user_role", "bot_role", "goals", "levels"} {
			if _, ok := raw.Scenarios[0][k]; !ok {
				t.Errorf("a scenario has no %q", k)
			}
		}

		filtered := listScenarios(t, anon, "?level=a1&theme=travel")
		if len(filtered.Scenarios) == 0 || len(filtered.Scenarios) >= len(all.Scenarios) {
			t.Fatalf("A1 travel: %d scenarios", len(filtered.Scenarios))
		}
		for _, s := range filtered.Scenarios {
			if s.Theme != "travel" || s.Levels[0] != "A1" {
				t.Errorf("%s (%s, %v) listed for A1 travel", s.ID, s.Theme, s.Levels)
			}
		}
		for _, q := range []string{"?level=Z1", "?theme=space"} {
			if code, field := anon.must(http.StatusBadRequest, "GET", "/api/v1/scenarios"+q, nil).errorCode(); code != "invalid" || field != strings.TrimPrefix(strings.Split(q, "=")[0], "?") {
				t.Errorf("%s: %s %s", q, code, field)
			}
		}

		// Accept-Language: the best supported match, in the client's order.
		anon.header.Set("Accept-Language", "fr-FR,fr;q=0.9,ja;q=0.8,en;q=0.5")
		if got := listScenarios(t, anon, ""); got.Locale != "ja" || scenarioByID(got, "cafe-order").Situation != cafeOrder.Situation["ja"] {
			t.Fatalf("Accept-Language ja: locale %q", got.Locale)
		}
		// ?locale= first.
		if got := listScenarios(t, anon, "?locale=ko-KR"); got.Locale != "ko" || scenarioByID(got, "cafe-order").Goals[1] != cafeOrder.Goals[1]["ko"] {
			t.Fatalf("?locale=ko-KR: %q", got.Locale)
		}
		// A token that is not valid is no error on this public route.
		anon.token = "not-a-token"
		if got := listScenarios(t, anon, ""); got.Locale != "ja" {
			t.Fatalf("with a bad token: locale %q", got.Locale)
		}

		// Signed in: the stored locale over Accept-Language; ?locale= over both.
		mina := ts.signup("mina")
		mina.must(http.StatusOK, "PATCH", "/api/v1/auth/me", map[string]any{"locale": "ko"})
		mina.header.Set("Accept-Language", "ja")
		if got := listScenarios(t, mina, ""); got.Locale != "ko" || scenarioByID(got, "cafe-order").Title != cafeOrder.Title["ko"] {
			t.Fatalf("signed in with locale ko: %q", got.Locale)
		}
		if got := listScenarios(t, mina, "?locale=en"); got.Locale != "en" {
			t.Fatalf("signed in, ?locale=en: %q", got.Locale)
		}
		// A stored locale with no scenario texts (zh) reads in English.
		mina.must(http.StatusOK, "PATCH", "/api/v1/auth/me", map[string]any{"locale": "zh"})
		if got := listScenarios(t, mina, ""); got.Locale != "en" {
			t.Fatalf("signed in with locale zh: %q", got.Locale)
		}
	})
}

// POST /rooms with scenario_id makes the room in one step, its texts and
// goals in the learner's stored locale; the room carries scenario_id and its
// goals; another user cannot see or change them.
func TestCreateRoomFromScenarioAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		hotel, err := ts.eng.FindScenario("hotel-check-in")
		if err != nil {
			t.Fatal(err)
		}
		mina := ts.signup("mina")
		mina.must(http.StatusOK, "PATCH", "/api/v1/auth/me", map[string]any{"locale": "ja"})
		var made api.RoomBody
		mina.must(http.StatusCreated, "POST", "/api/v1/rooms", map[string]any{"scenario_id": "hotel-check-in", "language": "ko", "level": "A2"}).decode(t, &made)
		r := made.Room
		if r.ScenarioID == nil || *r.ScenarioID != "hotel-check-in" || r.Language != "ko" || r.Level != "A2" || r.Title != hotel.Title["ja"] ||
			r.Situation != hotel.Situation["ja"] || r.UserRole != hotel.UserRole["ja"] || r.BotRole != hotel.BotRole["ja"] || len(r.Goals) != len(hotel.Goals) {
			t.Fatalf("room = %+v", r)
		}
		for i, g := range r.Goals {
			if g.ID == 0 || g.Text != hotel.Goals[i]["ja"] || g.Achieved || g.AchievedAt != nil || g.MessageID != nil {
				t.Fatalf("goal %d = %+v", i, g)
			}
		}
		path := fmt.Sprintf("/api/v1/rooms/%d", r.ID)
		var raw struct {
			Room struct {
				ScenarioID json.RawMessage              `json:"scenario_id"`
				Goals      []map[string]json.RawMessage `json:"goals"`
			} `json:"room"`
		}
		if err := json.Unmarshal(mina.must(http.StatusOK, "GET", path, nil).body, &raw); err != nil {
			t.Fatal(err)
		}
		if string(raw.Room.ScenarioID) != `"hotel-check-in"` || string(raw.Room.Goals[0]["achieved"]) != "false" ||
			string(raw.Room.Goals[0]["achieved_at"]) != "null" || string(raw.Room.Goals[0]["message_id"]) != "null" {
			t.Fatalf("room JSON: scenario_id %s, goal %v", raw.Room.ScenarioID, raw.Room.Goals[0])
		}
		custom := mina.newRoom()
		if custom.ScenarioID != nil || custom.Goals == nil || len(custom.Goals) != 0 {
			t.Fatalf("custom room: %+v", custom)
		}
		var list api.RoomList
		mina.must(http.StatusOK, "GET", "/api/v1/rooms", nil).decode(t, &list)
		if len(list.Rooms) != 2 || len(list.Rooms[1].Goals) != len(hotel.Goals) || list.Rooms[1].Goals[0] != r.Goals[0] || len(list.Rooms[0].Goals) != 0 {
			t.Fatalf("listed: %+v", list.Rooms)
		}

		for _, tt := range []struct {
			name, method, path string
			body               map[string]any
			field              string
		}{
			{"unknown scenario", "POST", "/api/v1/rooms", map[string]any{"scenario_id": "moon-walk", "language": "ko"}, "scenario_id"},
			{"scenario with a situation", "POST", "/api/v1/rooms", map[string]any{"scenario_id": "taxi-ride", "language": "ko", "situation": "x"}, "situation"},
			{"scenario with goals", "POST", "/api/v1/rooms", map[string]any{"scenario_id": "taxi-ride", "language": "ko", "goals": []string{"x"}}, "goals"},
			{"scenario without a language", "POST", "/api/v1/rooms", map[string]any{"scenario_id": "taxi-ride"}, "language"},
			{"changing the scenario", "PATCH", path, map[string]any{"scenario_id": "taxi-ride"}, "scenario_id"},
		} {
			if code, field := mina.must(http.StatusBadRequest, tt.method, tt.path, tt.body).errorCode(); code != "invalid" || field != tt.field {
				t.Errorf("%s: %s %s, want invalid %s", tt.name, code, field, tt.field)
			}
		}

		// Another user meets not found, and changes nothing.
		bob := ts.signup("bob")
		bob.must(http.StatusNotFound, "GET", path, nil)
		bob.must(http.StatusNotFound, "PATCH", path, map[string]any{"goals": []string{"steal the room"}})
		var after api.RoomBody
		mina.must(http.StatusOK, "GET", path, nil).decode(t, &after)
		if len(after.Room.Goals) != len(hotel.Goals) || after.Room.Goals[0] != r.Goals[0] {
			t.Fatalf("after bob's PATCH: %+v", after.Room.Goals)
		}
	})
}

// A custom room's goals: up to engine.MaxRoomGoals, each up to
// engine.MaxGoalRunes characters; PATCH replaces them.
func TestCustomGoalsAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("mina")
		full := make([]string, engine.MaxRoomGoals)
		for i := range full {
			full[i] = strings.Repeat("あ", engine.MaxGoalRunes)
		}
		full[0] = "order an oat-milk latte and ask for the Wi-Fi password"
		body := cafe()
		body["goals"] = full
		var made api.RoomBody
		c.must(http.StatusCreated, "POST", "/api/v1/rooms", body).decode(t, &made)
		if len(made.Room.Goals) != engine.MaxRoomGoals || made.Room.Goals[0].Text != full[0] || made.Room.Goals[4].Text != full[4] {
			t.Fatalf("goals = %+v", made.Room.Goals)
		}
		for _, goals := range [][]string{append(append([]string{}, full...), "one more"), {strings.Repeat("あ", engine.MaxGoalRunes+1)}, {""}} {
			body["goals"] = goals
			if code, field := c.must(http.StatusBadRequest, "POST", "/api/v1/rooms", body).errorCode(); code != "invalid" || field != "goals" {
				t.Errorf("%d goals: %s %s", len(goals), code, field)
			}
		}
		path := fmt.Sprintf("/api/v1/rooms/%d", made.Room.ID)
		var edited api.RoomBody
		c.must(http.StatusOK, "PATCH", path, map[string]any{"goals": []string{"pay by card"}}).decode(t, &edited)
		if len(edited.Room.Goals) != 1 || edited.Room.Goals[0].Text != "pay by card" || edited.Room.Title != "Coffee" {
			t.Fatalf("after PATCH: %+v", edited.Room)
		}
		var meta api.MetaBody
		ts.anon().must(http.StatusOK, "GET", "/api/v1/meta", nil).decode(t, &meta)
		if meta.Limits.Goals != engine.MaxRoomGoals || meta.Limits.Goal != engine.MaxGoalRunes {
			t.Fatalf("meta limits: %+v", meta.Limits)
		}
	})
}
