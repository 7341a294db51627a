package api

import (
	"bufio"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
)

// VocabularyEntryResponse is a word of the learner's vocabulary list with
// the scene it came from.
type VocabularyEntryResponse struct {
	Term     string `json:"term"`    // in the room's language
	Meaning  string `json:"meaning"` // in the learner's language
	Example  string `json:"example"` // the sentence of the scene it came from
	ReportID int64  `json:"report_id"`
	// RoomID is the room of the scene; null once that room is deleted.
	RoomID    *int64    `json:"room_id"`
	Scene     string    `json:"scene"` // the room's title when the report was made
	CreatedAt time.Time `json:"created_at"`
}

// VocabularyList is a page of the vocabulary list, newest first; NextCursor
// is "" on the last page.
type VocabularyList struct {
	Vocabulary []VocabularyEntryResponse `json:"vocabulary"`
	NextCursor string                    `json:"next_cursor"`
}

func newVocabularyEntryResponse(v *engine.VocabularyEntry) VocabularyEntryResponse {
	return VocabularyEntryResponse{Term: v.Term, Meaning: v.Meaning, Example: v.Example, ReportID: v.ReportID,
		RoomID: optionalID(v.RoomID), Scene: v.Scene, CreatedAt: v.CreatedAt}
}

// vocabularyTSVName is the file name a TSV export is saved under.
const vocabularyTSVName = "chatplay-vocabulary.tsv"

// listVocabulary answers a page of the words of the caller's reports, or,
// with ?format=tsv, all of them as a tab-separated file for Anki.
func (h *handlers) listVocabulary(c *gin.Context) {
	switch c.Query("format") {
	case "", "json":
	case "tsv":
		h.exportVocabulary(c)
		return
	default:
		h.abortWith(c, engine.Invalid("format", "format must be json or tsv."))
		return
	}
	p, ok := h.page(c, "cursor")
	if !ok {
		return
	}
	words, next, err := h.eng.ListVocabulary(c.Request.Context(), userID(c), p)
	if err != nil {
		h.abortWith(c, err)
		return
	}
	out := VocabularyList{Vocabulary: make([]VocabularyEntryResponse, len(words)), NextCursor: next}
	for i, v := range words {
		out.Vocabulary[i] = newVocabularyEntryResponse(v)
	}
	c.JSON(http.StatusOK, out)
}

// exportVocabulary writes every word of the caller's reports, newest first,
// one line each: front (the term) TAB back (its meaning) TAB the example,
// the format Anki imports (File › Import, fields separated by Tab). It reads
// the list a page at a time, so the whole list is never held at once.
func (h *handlers) exportVocabulary(c *gin.Context) {
	ctx := c.Request.Context()
	uid := userID(c)
	size := h.eng.Config().Limits.MaxPageSize
	words, next, err := h.eng.ListVocabulary(ctx, uid, engine.Page{Limit: size})
	if err != nil { // nothing written yet: an ordinary error answer
		h.abortWith(c, err)
		return
	}
	hd := c.Writer.Header()
	hd.Set("Content-Type", "text/tab-separated-values; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="`+vocabularyTSVName+`"`)
	hd.Set("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	w := bufio.NewWriter(c.Writer)
	defer w.Flush()
	for {
		for _, v := range words {
			_, _ = w.WriteString(tsvField(v.Term) + "\t" + tsvField(v.Meaning) + "\t" + tsvField(v.Example) + "\n")
		}
		if next == "" {
			return
		}
		if words, next, err = h.eng.ListVocabulary(ctx, uid, engine.Page{Limit: size, Cursor: next}); err != nil {
			// The answer has begun: cut it short, the error logged.
			h.log.ErrorContext(ctx, "vocabulary export", "err", err)
			return
		}
	}
}

// tsvSpaces turns the characters that would break a TSV line (tab, line
// feed, carriage return, and the other line breaks a text editor honours)
// into spaces.
var tsvSpaces = strings.NewReplacer("\t", " ", "\r\n", " ", "\n", " ", "\r", " ", "\v", " ", "\f", " ", "\u0085", " ", "\u2028", " ", "\u2029", " ")

// tsvField is s as one field of a TSV line.
func tsvField(s string) string {
	return tsvSpaces.Replace(s)
}
