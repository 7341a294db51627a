package engine

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Theme groups scenarios for the gallery's filter.
type Theme string

// The themes a scenario may have.
const (
	ThemeDaily    Theme = "daily"
	ThemeTravel   Theme = "travel"
	ThemeWork     Theme = "work"
	ThemeSocial   Theme = "social"
	ThemeHealth   Theme = "health"
	ThemeShopping Theme = "shopping"
)

// Themes returns the known themes in the gallery's order.
func Themes() []Theme {
	return []Theme{ThemeDaily, ThemeTravel, ThemeWork, ThemeSocial, ThemeHealth, ThemeShopping}
}

// MaxScenarioDescriptionRunes is the longest one-line description of a
// scenario, in characters, in any language.
const MaxScenarioDescriptionRunes = 160

// Localized is a text in every interface language (SupportedLocales), by locale.
type Localized map[string]string

// In returns the text in locale (any BCP 47 tag), English when the locale is
// not an interface language.
func (l Localized) In(locale string) string {
	return l[NormalizeLocale(locale)]
}

// Scenario is a ready scene from the built-in library: what the learner and
// the bot play, the goals the learner works towards, and the levels it suits.
// Every text is written in every interface language; the scene can be played
// in any room language.
type Scenario struct {
	ID          string      `yaml:"id"` // stable, kebab-case
	Theme       Theme       `yaml:"theme"`
	Levels      []Level     `yaml:"levels"` // beginner first
	Title       Localized   `yaml:"title"`
	Description Localized   `yaml:"description"` // one line
	Situation   Localized   `yaml:"situation"`
	UserRole    Localized   `yaml:"user_role"`
	BotRole     Localized   `yaml:"bot_role"`
	Goals       []Localized `yaml:"goals"` // 1 to MaxRoomGoals, concrete tasks
}

// ScenarioText is a scenario in one interface language.
type ScenarioText struct {
	ID          string
	Theme       Theme
	Levels      []Level
	Title       string
	Description string
	Situation   string
	UserRole    string
	BotRole     string
	Goals       []string
}

// In returns s in locale (any BCP 47 tag; English when it is not an
// interface language).
func (s *Scenario) In(locale string) ScenarioText {
	goals := make([]string, len(s.Goals))
	for i, g := range s.Goals {
		goals[i] = g.In(locale)
	}
	return ScenarioText{ID: s.ID, Theme: s.Theme, Levels: slices.Clone(s.Levels), Title: s.Title.In(locale),
		Description: s.Description.In(locale), Situation: s.Situation.In(locale), UserRole: s.UserRole.In(locale),
		BotRole: s.BotRole.In(locale), Goals: goals}
}

// Suits reports whether s suits a learner at level.
func (s *Scenario) Suits(level Level) bool { return slices.Contains(s.Levels, level) }

// nearestLevel returns the level of s closest to want (want itself when s suits it).
func (s *Scenario) nearestLevel(want Level) Level {
	all := Levels()
	pos := func(l Level) int { return slices.Index(all, l) }
	best := s.Levels[0]
	for _, l := range s.Levels {
		if abs(pos(l)-pos(want)) < abs(pos(best)-pos(want)) {
			best = l
		}
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// scenarioFiles holds the built-in library: scenarios/*.yaml, each a list of
// scenarios (see scenarios/README.md).
//
//go:embed scenarios/*.yaml
var scenarioFiles embed.FS

// builtinScenarios is the library, read and validated once; a broken file
// panics at the first use (the tests read it, so it never ships broken).
var builtinScenarios = sync.OnceValue(func() []*Scenario {
	dir, err := fs.Sub(scenarioFiles, "scenarios")
	var all []*Scenario
	if err == nil {
		all, err = LoadScenarios(dir, DefaultLimits())
	}
	if err != nil {
		panic("engine: built-in scenarios: " + err.Error())
	}
	return all
})

// BuiltinScenarios returns the built-in library, in file order. The
// scenarios are shared: callers must not change them.
func BuiltinScenarios() []*Scenario { return builtinScenarios() }

// LoadScenarios reads every *.yaml file of fsys, in name order, strictly (an
// unknown key is an error), and validates each scenario against lim (see
// Scenario.validate); ids must be unique across the files.
func LoadScenarios(fsys fs.FS, lim Limits) ([]*Scenario, error) {
	paths, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	var all []*Scenario
	seen := map[string]string{}
	for _, path := range paths {
		f, err := fsys.Open(path)
		if err != nil {
			return nil, err
		}
		dec := yaml.NewDecoder(f)
		dec.KnownFields(true)
		var list []*Scenario
		err = dec.Decode(&list)
		f.Close()
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for i, s := range list {
			if s == nil {
				return nil, fmt.Errorf("%s: item %d is empty", path, i+1)
			}
			if err := s.validate(lim); err != nil {
				return nil, fmt.Errorf("%s: scenario %q: %w", path, s.ID, err)
			}
			if other, dup := seen[s.ID]; dup {
				return nil, fmt.Errorf("%s: scenario id %q is also used in %s", path, s.ID, other)
			}
			seen[s.ID] = path
			all = append(all, s)
		}
	}
	return all, nil
}

// scenarioID is the shape of a scenario id: lower-case kebab-case.
var scenarioID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// validate checks s: a kebab-case id, a known theme, valid levels beginner
// first without repeats, 1 to MaxRoomGoals goals, and every text present in
// every interface language (and no other), within the room's limits.
func (s *Scenario) validate(lim Limits) error {
	if !scenarioID.MatchString(s.ID) {
		return fmt.Errorf("the id must be kebab-case (a-z, 0-9, single hyphens)")
	}
	if !slices.Contains(Themes(), s.Theme) {
		return fmt.Errorf("theme %q is not one of %v", s.Theme, Themes())
	}
	if len(s.Levels) == 0 {
		return fmt.Errorf("no levels")
	}
	for i, l := range s.Levels {
		if !l.Valid() {
			return fmt.Errorf("level %q is not a CEFR level", l)
		}
		if i > 0 && slices.Index(Levels(), l) <= slices.Index(Levels(), s.Levels[i-1]) {
			return fmt.Errorf("levels must be listed beginner first, each once")
		}
	}
	if len(s.Goals) == 0 || len(s.Goals) > MaxRoomGoals {
		return fmt.Errorf("%d goals, want 1 to %d", len(s.Goals), MaxRoomGoals)
	}
	texts := []struct {
		name string
		text Localized
		max  int
	}{
		{"title", s.Title, lim.MaxTitleRunes},
		{"description", s.Description, MaxScenarioDescriptionRunes},
		{"situation", s.Situation, lim.MaxSituationRunes},
		{"user_role", s.UserRole, lim.MaxRoleRunes},
		{"bot_role", s.BotRole, lim.MaxRoleRunes},
	}
	for i, g := range s.Goals {
		texts = append(texts, struct {
			name string
			text Localized
			max  int
		}{fmt.Sprintf("goal %d", i+1), g, MaxGoalRunes})
	}
	for _, t := range texts {
		if len(t.text) != len(SupportedLocales) {
			return fmt.Errorf("%s: want exactly the languages %v, have %d", t.name, SupportedLocales, len(t.text))
		}
		for _, loc := range SupportedLocales {
			v, ok := t.text[loc]
			if !ok || strings.TrimSpace(v) == "" || v != strings.TrimSpace(v) {
				return fmt.Errorf("%s: the %s text is missing, empty or not trimmed", t.name, loc)
			}
			if err := checkText(t.name, v, t.max, true); err != nil {
				return fmt.Errorf("%s (%s): %w", t.name, loc, err)
			}
			if strings.Contains(v, "\n") && t.name != "situation" {
				return fmt.Errorf("%s: the %s text must be one line", t.name, loc)
			}
		}
	}
	return nil
}

// ListScenarios returns the built-in scenarios that suit level and have
// theme; an empty level or theme matches all. An unknown level or theme is
// invalid.
func (e *Engine) ListScenarios(level, theme string) ([]*Scenario, error) {
	var lv Level
	if strings.TrimSpace(level) != "" {
		lv = Level(strings.ToUpper(strings.TrimSpace(level)))
		if !lv.Valid() {
			return nil, Invalid("level", "Choose a level: %s.", levelCodes())
		}
	}
	th := Theme(strings.ToLower(strings.TrimSpace(theme)))
	if th != "" && !slices.Contains(Themes(), th) {
		return nil, Invalid("theme", "Choose a theme: %s.", themeCodes())
	}
	out := []*Scenario{}
	for _, s := range BuiltinScenarios() {
		if (lv == "" || s.Suits(lv)) && (th == "" || s.Theme == th) {
			out = append(out, s)
		}
	}
	return out, nil
}

// FindScenario returns the built-in scenario with id, or not found.
func (e *Engine) FindScenario(id string) (*Scenario, error) {
	for _, s := range BuiltinScenarios() {
		if s.ID == id {
			return s, nil
		}
	}
	return nil, Errorf(CodeNotFound, "Scenario not found.")
}

func themeCodes() string {
	var names []string
	for _, t := range Themes() {
		names = append(names, string(t))
	}
	return strings.Join(names, ", ")
}
