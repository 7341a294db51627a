package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
)

// HintLine is one line the learner could say next, in the room's language,
// with its translation into the learner's.
type HintLine struct {
	Text        string `json:"text"`
	Translation string `json:"translation"`
}

// HintResponse is what POST /rooms/{id}/hint answers: one or two lines.
type HintResponse struct {
	Lines []HintLine `json:"lines"`
}

// HintBody wraps a hint.
type HintBody struct {
	Hint HintResponse `json:"hint"`
}

// hint answers lines the caller could say next in one of their rooms. It is a
// model call: it counts as a turn for the rate limit and its tokens in the
// daily allowance.
func (h *handlers) hint(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	language, ok := h.requestLanguage(c)
	if !ok {
		return
	}
	hint, err := h.eng.HintFrom(c.Request.Context(), userID(c), id, engine.SourceWeb, language)
	if err != nil {
		h.abortWith(c, err)
		return
	}
	out := HintBody{Hint: HintResponse{Lines: make([]HintLine, len(hint.Lines))}}
	for i, l := range hint.Lines {
		out.Hint.Lines[i] = HintLine{Text: l.Text, Translation: l.Translation}
	}
	c.JSON(http.StatusOK, out)
}
