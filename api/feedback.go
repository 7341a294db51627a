package api

import (
	"context"

	"github.com/gin-gonic/gin"

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

// learnerLocale returns the caller's own language as stored on the account
// (set by signup and PATCH /auth/me): the language of the coach's
// explanations, hints' translations and translations.
func (h *handlers) learnerLocale(ctx context.Context, userID int64) (string, error) {
	u, err := h.eng.FindUser(ctx, userID)
	if err != nil {
		return "", err
	}
	return u.Locale, nil
}

// languageRequest is the optional body of POST /rooms/{id}/hint and POST
// /rooms/{id}/messages/{message_id}/translate: the language to translate
// into, the caller's stored locale when absent.
type languageRequest struct {
	Language *string `json:"language"`
}

// requestLanguage reads the optional {"language"} body: a room language code
// or a BCP 47 tag of one, else the caller's stored locale. It answers the
// error itself and returns false on failure.
func (h *handlers) requestLanguage(c *gin.Context) (string, bool) {
	var in languageRequest
	if !h.decode(c, &in, true) {
		return "", false
	}
	if in.Language != nil {
		code, ok := engine.ParseLanguage(*in.Language)
		if !ok {
			h.abortWith(c, engine.Invalid("language", "language must be one of the room languages (ko, en, ja, zh, es, fr, de)."))
			return "", false
		}
		return code, true
	}
	locale, err := h.learnerLocale(c.Request.Context(), userID(c))
	if err != nil {
		h.abortWith(c, err)
		return "", false
	}
	return engine.LearnerLanguage(locale), true
}
