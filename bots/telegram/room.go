package telegram

import (
	"strings"
	"unicode/utf8"

	"github.com/chatplay/chatplay/engine"
)

// roomField is a field of a room the user can change by /edit.
type roomField struct {
	code  string // in callback data
	name  string // engine's field name
	label string // catalog key of its name
	ask   string // catalog key of the question that asks for it in /new
	max   func(engine.Limits) int
}

// roomFieldList is the order fields are offered in.
var roomFieldList = []roomField{
	{code: "l", name: "language", label: "fieldLanguage", max: func(engine.Limits) int { return 2 }},
	{code: "v", name: "level", label: "fieldLevel", max: func(engine.Limits) int { return 2 }},
	{code: "f", name: "feedback", label: "fieldFeedback", max: func(engine.Limits) int { return 6 }},
	{code: "s", name: "situation", label: "fieldSituation", ask: "askSituation", max: func(l engine.Limits) int { return l.MaxSituationRunes }},
	{code: "u", name: "user_role", label: "fieldUserRole", ask: "askUserRole", max: func(l engine.Limits) int { return l.MaxRoleRunes }},
	{code: "b", name: "bot_role", label: "fieldBotRole", ask: "askBotRole", max: func(l engine.Limits) int { return l.MaxRoleRunes }},
	{code: "t", name: "title", label: "fieldTitle", ask: "askTitle", max: func(l engine.Limits) int { return l.MaxTitleRunes }},
}

// roomFields are the fields by engine name.
var roomFields = func() map[string]roomField {
	m := make(map[string]roomField)
	for _, f := range roomFieldList {
		m[f.name] = f
	}
	return m
}()

// fieldByCode returns the field with callback code c.
func fieldByCode(c string) (roomField, bool) {
	for _, f := range roomFieldList {
		if f.code == c {
			return f, true
		}
	}
	return roomField{}, false
}

// value returns the field's current value in r.
func (f roomField) value(r *engine.Room) string {
	switch f.name {
	case "language":
		return r.Language
	case "level":
		return string(r.Level)
	case "feedback":
		return feedbackMode(r)
	case "situation":
		return r.Situation
	case "user_role":
		return r.UserRole
	case "bot_role":
		return r.BotRole
	}
	return r.Title
}

// update returns the engine update that sets the field to v.
func (f roomField) update(v string) engine.RoomUpdate {
	switch f.name {
	case "language":
		return engine.RoomUpdate{Language: &v}
	case "level":
		return engine.RoomUpdate{Level: &v}
	case "feedback":
		u, _ := feedbackUpdate(v)
		return u
	case "situation":
		return engine.RoomUpdate{Situation: &v}
	case "user_role":
		return engine.RoomUpdate{UserRole: &v}
	case "bot_role":
		return engine.RoomUpdate{BotRole: &v}
	}
	return engine.RoomUpdate{Title: &v}
}

// roomView describes a room in l, in Telegram HTML, its goals (if any) as
// a checklist.
func roomView(l lang, r *engine.Room) safeHTML {
	s := l.t("roomView", roomName(r), l.languageName(r.Language), levelName(l, r.Level),
		l.t("fbMode_"+feedbackMode(r)), r.Situation, r.UserRole, r.BotRole)
	if len(r.Goals) > 0 {
		s += "\n" + l.t("goalsTitle") + goalsView(r.Goals)
	}
	return safeHTML(s)
}

// roomName is what a room is called in lists: its title, else its situation,
// cut short.
func roomName(r *engine.Room) string {
	name := r.Title
	if strings.TrimSpace(name) == "" {
		name = r.Situation
	}
	return shorten(name, 40)
}

// shorten cuts s to n characters, marking the cut with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// parseLanguage reads a room language as users write it: a code (en), or a
// name in English, Korean or Japanese. Anything else is passed on as written,
// for the engine to accept or refuse.
func parseLanguage(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for code, names := range languageNames {
		if s == code {
			return code
		}
		for _, n := range names {
			if s == strings.ToLower(n) {
				return code
			}
		}
	}
	switch s {
	case "kr", "한국말", "korean language":
		return "ko"
	case "jp":
		return "ja"
	}
	return s
}
