package api

import (
	"github.com/chatplay/chatplay/engine"
)

// FeedbackResponse is the coach's feedback on a learner's line: pending while
// the coach works, then ready (corrected, items, note) or unavailable.
// Corrected equals the line when it was fine; items is then empty and note
// says so. Explanations and the note are in the learner's own language.
type FeedbackResponse struct {
	Status    string                `json:"status"` // pending, ready or unavailable
	Corrected string                `json:"corrected"`
	Items     []engine.FeedbackItem `json:"items"`
	Note      string                `json:"note"`
}

// newFeedbackResponse returns f as the API shows it; nil for none.
func newFeedbackResponse(f *engine.Feedback) *FeedbackResponse {
	if f == nil {
		return nil
	}
	items := f.Items
	if items == nil {
		items = []engine.FeedbackItem{}
	}
	return &FeedbackResponse{Status: string(f.Status), Corrected: f.Corrected, Items: items, Note: f.Note}
}

// feedbackEvent is the data of a feedback event: the coach's feedback on the
// user message message_id.
type feedbackEvent struct {
	MessageID int64             `json:"message_id"`
	Feedback  *FeedbackResponse `json:"feedback"`
}
