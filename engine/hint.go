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

// hintHistoryMessages is how many of the newest messages of a room a hint's
// prompt shows the model.
const hintHistoryMessages = 12

// HintFrom returns one or two lines the learner could say next in roomID,
// asked for on surface, with translations into locale (see
// LearnerLanguage). It is a model call of kind hint, recorded with surface,
// counted as a turn for turns_per_minute, its tokens in the daily allowance
// (spent: rate_limited). It is not stored as a message. Another user's
// room: not found.
func (e *Engine) HintFrom(ctx context.Context, userID, roomID int64, surface Source, locale string) (*Hint, error) {
	if !surface.Valid() {
		return nil, Invalid("source", "Unknown source.")
	}
	room, err := e.FindRoom(ctx, userID, roomID)
	if err != nil {
		return nil, err
	}
	end, err := e.startAid(ctx, userID)
	if err != nil {
		return nil, err
	}
	defer end()
	msgs, err := e.store.ListMessages(ctx, room.ID, 0, hintHistoryMessages)
	if err != nil {
		return nil, Internal(err)
	}
	recent := make([]hintTurn, 0, len(msgs))
	for i := len(msgs) - 1; i >= 0; i-- { // oldest first
		m := msgs[i]
		if m.Status != StatusComplete || m.Content == "" {
			continue
		}
		speaker := "partner"
		if m.Role == RoleUser {
			speaker = "learner"
		}
		recent = append(recent, hintTurn{Speaker: speaker, Text: m.Content})
	}
	ctx, done := e.aidContext(ctx, userID)
	defer done()
	var hint *Hint
	err = e.callAid(ctx, aidCall{kind: CallHint, surface: surface, userID: userID, room: room,
		messages: hintPrompt(room, LearnerLanguage(locale), recent), schema: hintSchema,
		check: func(content string) (err error) {
			hint, err = checkHint(content)
			return err
		}})
	if err != nil {
		return nil, err
	}
	return hint, nil
}
