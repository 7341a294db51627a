package engine

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Room is a role-play scene: the language it is played in, the situation, the
// part the user plays and the part the bot plays. A room belongs to one owner
// and is invisible to everyone else.
type Room struct {
	ID        int64
	OwnerID   int64
	Title     string
	Language  string // a key of Languages
	Situation string
	UserRole  string
	BotRole   string
	Model     *string // nil: the configured default model
	Level     Level   // the learner's CEFR level, which the bot speaks to
	Feedback  bool    // whether the learner's lines get corrections
	// FeedbackHidden says the corrections are shown behind a button rather
	// than at once (Telegram's "/feedback hidden"); it matters only with
	// Feedback on.
	FeedbackHidden bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Languages are the languages a room can be played in, by code, with the name
// the prompt uses.
var Languages = map[string]string{
	"ko": "Korean",
	"en": "English",
	"ja": "Japanese",
	"zh": "Chinese",
	"es": "Spanish",
	"fr": "French",
	"de": "German",
}

// RoomInput holds the fields of a new room.
type RoomInput struct {
	Title     string
	Language  string
	Situation string
	UserRole  string
	BotRole   string
	Model     *string
	Level     string // a CEFR level, any case ("b2"); "": DefaultLevel
	Feedback  *bool  // nil: on
	// FeedbackHidden: nil is false (corrections shown at once).
	FeedbackHidden *bool
}

// RoomUpdate holds the fields to change in a room; nil fields stay as they are.
// An empty Model (pointer to "") resets the room to the default model.
type RoomUpdate struct {
	Title     *string
	Language  *string
	Situation *string
	UserRole  *string
	BotRole   *string
	Model     *string
	Level     *string // a CEFR level, any case
	Feedback  *bool
	// FeedbackHidden: whether corrections are shown behind a button.
	FeedbackHidden *bool
}

// normalized returns u with its set fields as they are stored: trimmed of
// surrounding white space (an empty Model stays empty: the default model),
// the level in upper case.
func (u RoomUpdate) normalized() RoomUpdate {
	trim := func(p *string) *string {
		if p == nil {
			return nil
		}
		v := strings.TrimSpace(*p)
		return &v
	}
	level := trim(u.Level)
	if level != nil {
		*level = strings.ToUpper(*level)
	}
	return RoomUpdate{Title: trim(u.Title), Language: trim(u.Language), Situation: trim(u.Situation),
		UserRole: trim(u.UserRole), BotRole: trim(u.BotRole), Model: trim(u.Model), Level: level, Feedback: u.Feedback,
		FeedbackHidden: u.FeedbackHidden}
}

// apply writes the set fields of u into r.
func (u RoomUpdate) apply(r *Room) {
	u = u.normalized()
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&r.Title, u.Title)
	set(&r.Language, u.Language)
	set(&r.Situation, u.Situation)
	set(&r.UserRole, u.UserRole)
	set(&r.BotRole, u.BotRole)
	if u.Level != nil {
		r.Level = Level(*u.Level)
	}
	if u.Feedback != nil {
		r.Feedback = *u.Feedback
	}
	if u.FeedbackHidden != nil {
		r.FeedbackHidden = *u.FeedbackHidden
	}
	if u.Model != nil {
		r.Model = nil
		if *u.Model != "" {
			r.Model = u.Model
		}
	}
}

// validateRoom checks every field of r against the limits and the model allowlist.
func validateRoom(r *Room, lim Limits, models ModelPolicy) error {
	model := r.Model
	if model == nil {
		model = new(string) // the default model
	}
	level := string(r.Level)
	return validateRoomUpdate(RoomUpdate{Title: &r.Title, Language: &r.Language, Situation: &r.Situation,
		UserRole: &r.UserRole, BotRole: &r.BotRole, Model: model, Level: &level}, lim, models)
}

// validateRoomUpdate checks the set fields of u, normalized, against the
// limits and the model allowlist. No rule spans two fields, so a change of
// some fields is valid whenever those fields are.
func validateRoomUpdate(u RoomUpdate, lim Limits, models ModelPolicy) error {
	if u.Language != nil {
		if _, ok := Languages[*u.Language]; !ok {
			return Invalid("language", "Choose a supported language: %s.", strings.Join(LanguageCodes(), ", "))
		}
	}
	if u.Level != nil && !Level(*u.Level).Valid() {
		return Invalid("level", "Choose a level: %s.", levelCodes())
	}
	for _, f := range []struct {
		name     string
		value    *string
		max      int
		required bool
	}{
		{"title", u.Title, lim.MaxTitleRunes, false},
		{"situation", u.Situation, lim.MaxSituationRunes, true},
		{"user_role", u.UserRole, lim.MaxRoleRunes, true},
		{"bot_role", u.BotRole, lim.MaxRoleRunes, true},
	} {
		if f.value == nil {
			continue
		}
		if err := checkText(f.name, *f.value, f.max, f.required); err != nil {
			return err
		}
	}
	if u.Model != nil && *u.Model != "" && !models.Allowed(*u.Model) {
		return Invalid("model", "This model is not available. Leave it empty for the default.")
	}
	return nil
}

// checkText validates one text field: required, at most max characters, and
// free of control characters other than newline and tab.
func checkText(field, value string, max int, required bool) error {
	if required && strings.TrimSpace(value) == "" {
		return invalidBecause(ReasonRequired, field, "%s is required.", field)
	}
	if !utf8.ValidString(value) {
		return invalidBecause(ReasonBadText, field, "%s is not valid UTF-8 text.", field)
	}
	if n := utf8.RuneCountInString(value); n > max {
		return invalidBecause(ReasonTooLong, field, "%s is too long: %d characters, at most %d.", field, n, max)
	}
	for _, c := range value {
		if c < 0x20 && c != '\n' && c != '\t' && c != '\r' || c == 0x7f {
			return invalidBecause(ReasonBadText, field, "%s contains a control character.", field)
		}
	}
	return nil
}

// ParseLanguage returns the code of the supported language named by tag, a
// code or a BCP 47 tag in any case ("ja", "ja-JP", "zh_Hant"), or false when
// chatplay does not support it.
func ParseLanguage(tag string) (string, bool) {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	base, _, _ = strings.Cut(base, "_")
	if _, ok := Languages[base]; !ok {
		return "", false
	}
	return base, true
}

// LanguageCodes returns the supported language codes in a stable order.
func LanguageCodes() []string {
	return []string{"ko", "en", "ja", "zh", "es", "fr", "de"}
}
