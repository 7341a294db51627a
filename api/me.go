package api

import (
	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
)

// updateMeRequest is the body of PATCH /auth/me: the account's settings to
// change.
type updateMeRequest struct {
	// Locale is the learner's own language: a room language code (ko, en,
	// ja, zh, es, fr, de) or a BCP 47 tag of one.
	Locale *string `json:"locale"`
}

// updateMe changes the caller's settings and answers the account.
func (h *handlers) updateMe(c *gin.Context) {
	var in updateMeRequest
	if !h.decode(c, &in, false) {
		return
	}
	if in.Locale == nil {
		h.abortWith(c, engine.Invalid("locale", "locale is required."))
		return
	}
	u, err := h.eng.SetUserLocale(c.Request.Context(), userID(c), *in.Locale)
	if err != nil {
		h.abortWith(c, err)
		return
	}
	h.answerMe(c, u)
}
