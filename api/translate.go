package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
)

// TranslationResponse is a message put into a language.
type TranslationResponse struct {
	Text     string `json:"text"`
	Language string `json:"language"` // a room language code: ko, en, ja, zh, es, fr or de
}

// TranslationBody wraps a translation.
type TranslationBody struct {
	Translation TranslationResponse `json:"translation"`
}

// translate answers a message of one of the caller's rooms in the language
// asked for (the caller's own by default). A translation asked before comes
// from the cache and costs nothing.
func (h *handlers) translate(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	msgID, err := strconv.ParseInt(c.Param("message_id"), 10, 64)
	if err != nil || msgID <= 0 {
		h.abortWith(c, engine.Errorf(engine.CodeNotFound, "Message not found."))
		return
	}
	language, ok := h.requestLanguage(c)
	if !ok {
		return
	}
	tr, err := h.eng.TranslateFrom(c.Request.Context(), userID(c), id, msgID, engine.SourceWeb, language)
	if err != nil {
		h.abortWith(c, err)
		return
	}
	c.JSON(http.StatusOK, TranslationBody{Translation: TranslationResponse{Text: tr.Text, Language: tr.Language}})
}
