package api

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
)

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
