package engine_test

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/chatplay/chatplay/engine"
)

// The built-in library loads, is large enough, covers every theme and level,
// and every scenario reads fully in every interface language.
func TestScenarioLibrary(t *testing.T) {
	all := engine.BuiltinScenarios()
	if len(all) < 30 {
		t.Fatalf("%d built-in scenarios, want at least 30", len(all))
	}
	themes, levels, ids := map[engine.Theme]int{}, map[engine.Level]int{}, map[string]bool{}
	for _, s := range all {
		if ids[s.ID] {
			t.Errorf("scenario id %q twice", s.ID)
		}
		ids[s.ID] = true
		themes[s.Theme]++
		for _, l := range s.Levels {
			levels[l]++
		}
		for _, loc := range engine.SupportedLocales {
			x := s.In(loc)
			for name, v := range map[string]string{"title": x.Title, "description": x.Description, "situation": x.Situation,
				"user_role": x.UserRole, "bot_role": x.BotRole} {
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s: %s is empty in %s", s.ID, name, loc)
				}
			}
			if len(x.Goals) < 1 || len(x.Goals) > 3 {
				t.Errorf("%s: %d goals, want 1 to 3", s.ID, len(x.Goals))
			}
			if loc != "en" && (x.Title == s.In("en").Title || x.Situation == s.In("en").Situation) {
				t.Errorf("%s: the %s text is the English one", s.ID, loc)
			}
		}
		// Korean and Japanese are written in their own scripts.
		if !hasRune(s.Title["ko"], 0xAC00, 0xD7A3) || !hasRune(s.Situation["ja"], 0x3040, 0x30FF) {
			t.Errorf("%s: the ko title or the ja situation is not in Hangul or kana", s.ID)
		}
	}
	for _, th := range engine.Themes() {
		if themes[th] == 0 {
			t.Errorf("no scenario of theme %s", th)
		}
	}
	for _, l := range engine.Levels() {
		if levels[l] == 0 {
			t.Errorf("no scenario suits %s", l)
		}
	}
	for _, id := range []string{"cafe-order", "restaurant-dinner", "hotel-check-in", "ask-directions", "pharmacy-cold", "doctor-visit",
		"bank-open-account", "phone-restaurant-reservation", "return-purchase", "job-interview", "meet-new-colleague",
		"apartment-viewing", "taxi-ride", "airport-check-in", "neighbour-small-talk", "hotel-room-complaint", "birthday-invitation"} {
		if !ids[id] {
			t.Errorf("no scenario %q", id)
		}
	}
	// An unknown locale reads in English.
	if got := all[0].In("de-DE").Title; got != all[0].Title["en"] {
		t.Errorf("title in de = %q, want the English one", got)
	}
}

func hasRune(s string, lo, hi rune) bool {
	for _, r := range s {
		if r >= lo && r <= hi {
			return true
		}
	}
	return false
}

// validScenario is one valid scenario file; each case of
// TestLoadScenariosRejects breaks it in one way.
const validScenario = `
- id: tea-shop
  theme: daily
  levels: [A1, B2]
  title: {en: Tea, ko: 차, ja: お茶}
  description: {en: Buy tea., ko: 차를 사요., ja: お茶を買います。}
  situation: {en: A tea shop., ko: 찻집., ja: お茶屋。}
  user_role: {en: Customer, ko: 손님, ja: 客}
  bot_role: {en: Seller, ko: 점원, ja: 店員}
  goals:
    - {en: Buy green tea, ko: 녹차 사기, ja: 緑茶を買う}
`

func TestLoadScenariosRejects(t *testing.T) {
	lim := engine.DefaultLimits()
	load := func(files map[string]string) error {
		fsys := fstest.MapFS{}
		for name, text := range files {
			fsys[name] = &fstest.MapFile{Data: []byte(text)}
		}
		_, err := engine.LoadScenarios(fsys, lim)
		return err
	}
	if err := load(map[string]string{"a.yaml": validScenario}); err != nil {
		t.Fatalf("the valid scenario: %v", err)
	}
	long := func(n int) string { return strings.Repeat("가", n) }
	for _, tt := range []struct {
		name, old, new string
	}{
		{"id not kebab-case", "id: tea-shop", "id: Tea_Shop"},
		{"id with a double hyphen", "id: tea-shop", "id: tea--shop"},
		{"unknown theme", "theme: daily", "theme: sports"},
		{"no levels", "levels: [A1, B2]", "levels: []"},
		{"invalid level", "levels: [A1, B2]", "levels: [A1, B7]"},
		{"levels out of order", "levels: [A1, B2]", "levels: [B2, A1]"},
		{"a language missing", "ja: お茶}", "}"},
		{"an extra language", "ja: お茶}", "ja: お茶, fr: Thé}"},
		{"an empty text", "ko: 손님,", "ko: '',"},
		{"an untrimmed text", "ko: 손님,", "ko: ' 손님',"},
		{"no goals", "  goals:\n    - {en: Buy green tea, ko: 녹차 사기, ja: 緑茶を買う}\n", "  goals: []\n"},
		{"too many goals", "    - {en: Buy green tea, ko: 녹차 사기, ja: 緑茶を買う}\n",
			strings.Repeat("    - {en: Buy green tea, ko: 녹차 사기, ja: 緑茶を買う}\n", engine.MaxRoomGoals+1)},
		{"a goal over the limit", "ko: 녹차 사기", "ko: " + long(engine.MaxGoalRunes+1)},
		{"a title over the limit", "ko: 차,", "ko: " + long(lim.MaxTitleRunes+1) + ","},
		{"a role over the limit", "ko: 점원", "ko: " + long(lim.MaxRoleRunes+1)},
		{"a description over the limit", "ko: 차를 사요.", "ko: " + long(engine.MaxScenarioDescriptionRunes+1)},
		{"an unknown key", "theme: daily", "theme: daily\n  colour: red"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Replace(validScenario, tt.old, tt.new, 1)
			if text == validScenario {
				t.Fatalf("the case changes nothing")
			}
			if err := load(map[string]string{"a.yaml": text}); err == nil {
				t.Fatalf("loaded:\n%s", text)
			}
		})
	}
	t.Run("limits at their edge", func(t *testing.T) {
		text := strings.Replace(validScenario, "ko: 녹차 사기", "ko: "+long(engine.MaxGoalRunes), 1)
		text = strings.Replace(text, "ko: 차를 사요.", "ko: "+long(engine.MaxScenarioDescriptionRunes), 1)
		text = strings.Replace(text, "ko: 점원", "ko: "+long(lim.MaxRoleRunes), 1)
		text = strings.Replace(text, "    - {en: Buy green tea, ko: 녹차 사기, ja: 緑茶を買う}\n",
			strings.Repeat("    - {en: Buy green tea, ko: 녹차 사기, ja: 緑茶を買う}\n", engine.MaxRoomGoals), 1)
		if err := load(map[string]string{"a.yaml": text}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("an id in two files", func(t *testing.T) {
		if err := load(map[string]string{"a.yaml": validScenario, "b.yaml": validScenario}); err == nil {
			t.Fatal("loaded the same id twice")
		}
	})
}

func TestListScenarios(t *testing.T) {
	eng := engine.New(engine.DefaultConfig(), engine.Deps{})
	all, err := eng.ListScenarios("", "")
	if err != nil || len(all) != len(engine.BuiltinScenarios()) {
		t.Fatalf("unfiltered: %d scenarios (%v), want all %d", len(all), err, len(engine.BuiltinScenarios()))
	}
	a1, err := eng.ListScenarios(" a1 ", "")
	if err != nil || len(a1) == 0 || len(a1) == len(all) {
		t.Fatalf("A1: %d scenarios (%v), want some, not all", len(a1), err)
	}
	for _, s := range a1 {
		if !s.Suits(engine.LevelA1) {
			t.Errorf("%s listed for A1, suits %v", s.ID, s.Levels)
		}
	}
	both, err := eng.ListScenarios("B2", "Work")
	if err != nil || len(both) == 0 {
		t.Fatalf("B2 work: %d (%v)", len(both), err)
	}
	for _, s := range both {
		if s.Theme != engine.ThemeWork || !slices.Contains(s.Levels, engine.LevelB2) {
			t.Errorf("%s (%s, %v) listed for B2 work", s.ID, s.Theme, s.Levels)
		}
	}
	_, err = eng.ListScenarios("D1", "")
	if e := wantCode(t, err, engine.CodeInvalid); e.Field != "level" {
		t.Errorf("field = %q, want level", e.Field)
	}
	_, err = eng.ListScenarios("", "sports")
	if e := wantCode(t, err, engine.CodeInvalid); e.Field != "theme" {
		t.Errorf("field = %q, want theme", e.Field)
	}
	s, err := eng.FindScenario("cafe-order")
	if err != nil || s.ID != "cafe-order" || utf8.RuneCountInString(s.Title["ko"]) == 0 {
		t.Fatalf("FindScenario: %+v, %v", s, err)
	}
	_, err = eng.FindScenario("no-such-scene")
	wantCode(t, err, engine.CodeNotFound)
}
