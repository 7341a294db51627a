package engine

import "context"

// Hint is "what could I say next?": one or two lines for the learner's role.
type Hint struct {
	Lines []HintLine
}

// HintLine is one line the learner could say next.
type HintLine struct {
	Text        string `json:"text"`        // in the room's language, at the room's level
	Translation string `json:"translation"` // in the learner's language
}

// Hint returns one or two lines the learner could say next in roomID, with
// translations into locale (see LearnerLanguage). It is a model call of kind
// hint, counted as a turn for turns_per_minute, its tokens in the daily
// allowance. It is not stored as a message. Another user's room: not found.
func (e *Engine) Hint(ctx context.Context, userID, roomID int64, locale string) (*Hint, error) {
	return nil, Internal(errNotBuilt)
}
