package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// The aids' answers come from the model: untrusted text, checked here before
// anything of them is stored or shown. Every limit is named.
const (
	// maxFeedbackItems is the most issues one line's feedback lists; the
	// coach is asked for at most as many, and further items are dropped.
	maxFeedbackItems = 5
	// maxCorrectedRunes bounds the corrected line: twice the longest chat
	// message (engine default), room enough for a line put into the room's
	// language.
	maxCorrectedRunes = 8000
	// maxFragmentRunes bounds an item's original and better fragments.
	maxFragmentRunes = 500
	// maxExplanationRunes bounds an item's explanation.
	maxExplanationRunes = 600
	// maxNoteRunes bounds the feedback's note.
	maxNoteRunes = 400
	// maxHintLines is how many lines a hint offers at most (it offers at
	// least one).
	maxHintLines = 2
	// maxHintTextRunes bounds a hint line and its translation.
	maxHintTextRunes = 400
	// maxTranslationRunes bounds a translation: twice the longest chat
	// message (engine default).
	maxTranslationRunes = 8000
)

// errBadAnswer is an aid's answer that is not of its schema or breaks a limit.
var errBadAnswer = errors.New("the model's answer is not usable")

// badAnswer returns errBadAnswer with why.
func badAnswer(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errBadAnswer, fmt.Sprintf(format, args...))
}

// decodeStrict decodes content, one JSON object and nothing after it, into
// v, refusing fields v does not have.
func decodeStrict(content string, v any) error {
	dec := json.NewDecoder(strings.NewReader(content))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badAnswer("decode: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badAnswer("text after the JSON object")
	}
	return nil
}

// cleanText reports whether s is text fit to show: valid UTF-8, at most max
// characters, no control character but newline and tab.
func cleanText(s string, max int) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
		return false
	}
	for _, c := range s {
		if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// coachAnswer is the JSON the coach answers (see coachSchema). Pointers
// tell a missing field from an empty one.
type coachAnswer struct {
	Corrected     *string         `json:"corrected"`
	Items         *[]FeedbackItem `json:"items"`
	Note          *string         `json:"note"`
	AchievedGoals *[]int64        `json:"achieved_goals"` // with open goals only (coachGoalsSchema)
}

// checkFeedback validates the coach's answer content on line and returns
// the feedback it makes (status ready), or errBadAnswer.
//
// The answer as a whole is refused when it is not one JSON object of the
// schema (a missing or unknown field, a wrong type, text around it) or when
// its corrected line or note breaks a limit. A single bad item is dropped
// instead, and the rest kept: an item of a kind chatplay does not know (a
// model that adds "pronunciation"), with an empty or over-long field, whose
// original does not occur in the learner's line (an invented mistake), or
// whose better is its original (no change). One doubtful item is no reason to
// withhold the good ones. Items past maxFeedbackItems are dropped.
//
// With open goals (the room's goals not achieved yet, as the prompt listed
// them), achieved_goals is required too, and the ids of open goals among it
// are returned; any other id is dropped (see achievedOf).
func checkFeedback(content, line string, open []Goal) (*Feedback, []int64, error) {
	var a coachAnswer
	if err := decodeStrict(content, &a); err != nil {
		return nil, nil, err
	}
	if a.Corrected == nil || a.Items == nil || a.Note == nil || len(open) > 0 && a.AchievedGoals == nil {
		return nil, nil, badAnswer("a field is missing")
	}
	corrected, note := strings.TrimSpace(*a.Corrected), strings.TrimSpace(*a.Note)
	if corrected == "" || !cleanText(corrected, maxCorrectedRunes) {
		return nil, nil, badAnswer("corrected is empty or not clean text")
	}
	if !cleanText(note, maxNoteRunes) {
		return nil, nil, badAnswer("note is not clean text")
	}
	items := []FeedbackItem{}
	for _, it := range *a.Items {
		if len(items) == maxFeedbackItems {
			break
		}
		it.Original, it.Better, it.Explanation = strings.TrimSpace(it.Original), strings.TrimSpace(it.Better), strings.TrimSpace(it.Explanation)
		switch {
		case !it.Kind.Valid(),
			it.Original == "" || it.Better == "" || it.Explanation == "",
			!cleanText(it.Original, maxFragmentRunes) || !cleanText(it.Better, maxFragmentRunes),
			!cleanText(it.Explanation, maxExplanationRunes),
			!strings.Contains(line, it.Original),
			it.Original == it.Better:
			continue
		}
		items = append(items, it)
	}
	var achieved []int64
	if a.AchievedGoals != nil {
		achieved = achievedOf(*a.AchievedGoals, open)
	}
	return &Feedback{Status: FeedbackReady, Corrected: corrected, Items: items, Note: note}, achieved, nil
}

// goalsAnswer is the JSON the goals-only check answers (see goalsSchema).
type goalsAnswer struct {
	AchievedGoals *[]int64 `json:"achieved_goals"`
}

// checkGoals validates the goals-only check's answer content and returns the
// ids of the open goals it says the line achieved (see achievedOf).
func checkGoals(content string, open []Goal) ([]int64, error) {
	var a goalsAnswer
	if err := decodeStrict(content, &a); err != nil {
		return nil, err
	}
	if a.AchievedGoals == nil {
		return nil, badAnswer("achieved_goals is missing")
	}
	return achievedOf(*a.AchievedGoals, open), nil
}

// achievedOf returns the ids of ids that are ids of open goals, once each,
// in the goals' order: an id the model invented, of a goal achieved already
// or of another room is dropped, never an error (the rest of the answer is
// good).
func achievedOf(ids []int64, open []Goal) []int64 {
	var out []int64
	for _, g := range open {
		if !g.Achieved && slices.Contains(ids, g.ID) {
			out = append(out, g.ID)
		}
	}
	return out
}

// hintAnswer is the JSON a hint answers (see hintSchema).
type hintAnswer struct {
	Lines *[]HintLine `json:"lines"`
}

// checkHint validates a hint's answer content: one JSON object of the
// schema with at least one line; lines past maxHintLines are dropped, and a
// line with an empty or over-long text or translation refuses the answer.
func checkHint(content string) (*Hint, error) {
	var a hintAnswer
	if err := decodeStrict(content, &a); err != nil {
		return nil, err
	}
	if a.Lines == nil || len(*a.Lines) == 0 {
		return nil, badAnswer("no lines")
	}
	lines := *a.Lines
	if len(lines) > maxHintLines {
		lines = lines[:maxHintLines]
	}
	h := &Hint{Lines: make([]HintLine, 0, len(lines))}
	for _, l := range lines {
		l.Text, l.Translation = strings.TrimSpace(l.Text), strings.TrimSpace(l.Translation)
		if l.Text == "" || l.Translation == "" || !cleanText(l.Text, maxHintTextRunes) || !cleanText(l.Translation, maxHintTextRunes) {
			return nil, badAnswer("a line is empty or not clean text")
		}
		h.Lines = append(h.Lines, l)
	}
	return h, nil
}

// translateAnswer is the JSON a translation answers (see translateSchema).
type translateAnswer struct {
	Text *string `json:"text"`
}

// checkTranslation validates a translation's answer content and returns its text.
func checkTranslation(content string) (string, error) {
	var a translateAnswer
	if err := decodeStrict(content, &a); err != nil {
		return "", err
	}
	if a.Text == nil {
		return "", badAnswer("no text")
	}
	text := strings.TrimSpace(*a.Text)
	if text == "" || !cleanText(text, maxTranslationRunes) {
		return "", badAnswer("text is empty or not clean text")
	}
	return text, nil
}
