package discord

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/bots/discord/discordfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// scenarioAutocomplete sends the autocomplete of /room new's scenario option
// for p in locale, typed so far, with a level option when level is not "",
// and returns the choices as name → value, in order.
func (e *env) scenarioAutocomplete(t *testing.T, p person, locale, typed, level string) [][2]string {
	t.Helper()
	m := e.golden(t, "autocomplete_room_enter.json", p)
	m["locale"] = locale
	opts := []any{map[string]any{"name": optLanguage, "type": 3, "value": "ko"}}
	if level != "" {
		opts = append(opts, map[string]any{"name": optLevel, "type": 3, "value": level})
	}
	opts = append(opts, map[string]any{"name": optScenario, "type": 3, "value": typed, "focused": true})
	set(t, m, "data.options.0", map[string]any{"name": subNew, "type": 1, "options": opts})
	resp := e.sendOK(t, m)
	if respType(resp) != int(discordgo.InteractionApplicationCommandAutocompleteResult) {
		t.Fatalf("autocomplete response = %v", resp)
	}
	var out [][2]string
	for _, c := range respData(t, resp)["choices"].([]any) {
		cm := c.(map[string]any)
		out = append(out, [2]string{cm["name"].(string), cm["value"].(string)})
	}
	return out
}

// /room new's scenario option offers the built-in scenarios in the user's
// language, filtered by what they typed and by the level they chose, at most
// 25 (Discord's bound), each name within 100 characters.
func TestScenarioAutocomplete(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		all := engine.BuiltinScenarios()
		if len(all) <= maxChoices {
			t.Fatalf("only %d scenarios: the bound is not tested", len(all))
		}
		got := e.scenarioAutocomplete(t, alice, "en-US", "", "")
		if len(got) != maxChoices {
			t.Errorf("%d choices, want %d", len(got), maxChoices)
		}
		for _, c := range got {
			if utf8.RuneCountInString(c[0]) > maxChoiceName || c[0] == "" {
				t.Errorf("choice name %q is not 1 to %d characters", c[0], maxChoiceName)
			}
			if _, err := e.eng.FindScenario(c[1]); err != nil {
				t.Errorf("choice value %q is no scenario", c[1])
			}
		}

		cafe, err := e.eng.FindScenario("cafe-order")
		if err != nil {
			t.Fatal(err)
		}
		// Filtered by what was typed, named in the user's language.
		for _, tc := range []struct{ locale, typed string }{{"en-US", "CAFÉ"}, {"ko", "카페"}, {"ja", "カフェ"}} {
			got := e.scenarioAutocomplete(t, alice, tc.locale, tc.typed, "")
			title := cafe.Title.In(tc.locale)
			i := slices.IndexFunc(got, func(c [2]string) bool { return c[1] == "cafe-order" })
			if i < 0 || !strings.HasPrefix(got[i][0], title+" (A1–B1) — ") {
				t.Errorf("%s %q: choices = %v, want %q", tc.locale, tc.typed, got, title)
			}
			for _, c := range got {
				s, _ := e.eng.FindScenario(c[1])
				txt := s.In(tc.locale)
				if !strings.Contains(strings.ToLower(txt.Title+txt.Description+txt.ID), strings.ToLower(tc.typed)) {
					t.Errorf("%s %q: %q does not match", tc.locale, tc.typed, c[0])
				}
			}
		}
		// Filtered by the level already chosen.
		got = e.scenarioAutocomplete(t, alice, "en-US", "", "C1")
		if len(got) == 0 {
			t.Fatal("no scenario at C1")
		}
		for _, c := range got {
			if s, _ := e.eng.FindScenario(c[1]); !s.Suits(engine.LevelC1) {
				t.Errorf("%s offered at C1", c[1])
			}
		}
		// Nothing matches: an empty list, which Discord needs present.
		if got := e.scenarioAutocomplete(t, alice, "en-US", "zzzz-no-such-scene", ""); len(got) != 0 {
			t.Errorf("choices = %v, want none", got)
		}
	})
}

// /room new with a scenario makes the room from it in one step: the
// scenario's situation, roles and goals in the interaction's language, the
// room's language and level as chosen; the answer lists the goals.
func TestRoomNewFromScenario(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"いらっしゃいませ!"}})
		_, r := e.newRoom(t, alice, func(m map[string]any) {
			m["locale"] = "ja"
			set(t, m, "data.options.0.options", []any{
				map[string]any{"name": optLanguage, "type": 3, "value": "ko"},
				map[string]any{"name": optScenario, "type": 3, "value": "cafe-order"},
				map[string]any{"name": optLevel, "type": 3, "value": "A2"},
			})
		})
		s, _ := e.eng.FindScenario("cafe-order")
		txt := s.In("ja")
		if r.ScenarioID == nil || *r.ScenarioID != "cafe-order" || r.Language != "ko" || r.Level != engine.LevelA2 ||
			r.Situation != txt.Situation || r.UserRole != txt.UserRole || r.Title != txt.Title || len(r.Goals) != len(txt.Goals) {
			t.Fatalf("room = %+v", r)
		}
		for i, g := range r.Goals {
			if g.Text != txt.Goals[i] || g.Achieved {
				t.Errorf("goal %d = %+v, want %q open", i, g, txt.Goals[i])
			}
		}
		edits := contents(discordfake.Filter(e.fake.Calls(), http.MethodPatch, "/webhooks/"+testAppID+"/"))
		want := "\n🎯 0/" + itoa(len(txt.Goals)) + "\n⬜ " + escapeMarkdown(txt.Goals[0])
		if len(edits) != 1 || !strings.Contains(edits[0], "ルーム **"+txt.Title+"** を作りました") || !strings.Contains(edits[0], want) {
			t.Errorf("answer = %q, want the goals %q", edits, want)
		}

		// /room list describes the room with its goals.
		d := respData(t, e.sendOK(t, e.golden(t, "command_room_list.json", alice)))
		if c, _ := d["content"].(string); !strings.Contains(c, "🎯 0/"+itoa(len(txt.Goals))) || !strings.Contains(c, "⬜ ") {
			t.Errorf("list = %q, want the goals", c)
		}
	})
}

// Without a scenario, /room new needs a situation and both roles: missing
// one, it says so (in the user's language, to them alone) and makes nothing.
func TestRoomNewNeedsASceneWithoutScenario(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		for _, drop := range []string{optSituation, optUserRole, optBotRole} {
			m := e.golden(t, "command_room_new.json", alice) // locale ko
			sub := m["data"].(map[string]any)["options"].([]any)[0].(map[string]any)
			var kept []any
			for _, o := range sub["options"].([]any) {
				if o.(map[string]any)["name"] != drop {
					kept = append(kept, o)
				}
			}
			sub["options"] = kept
			d := respData(t, e.sendOK(t, m))
			if c, _ := d["content"].(string); !ephemeral(d) || c != text("ko", msgNeedScene) {
				t.Errorf("without %s: answer = %v", drop, d)
			}
		}
		if rooms, _, _ := e.eng.ListRooms(context.Background(), e.user(t, alice).ID, engine.Page{}); len(rooms) != 0 {
			t.Errorf("rooms = %v, want none", rooms)
		}
		if e.model.Count() != 0 {
			t.Error("the model was called")
		}
	})
}

// itoa formats n.
func itoa(n int) string { return fmtID(int64(n)) }
