package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
)

// ReportResponse is an end-of-scene report as its owner sees it.
type ReportResponse struct {
	ID int64 `json:"id"`
	// RoomID is the room of the scene; null once that room is deleted
	// (reports outlive their room).
	RoomID *int64 `json:"room_id"`
	// ScenarioID is the built-in scenario of the scene; null for a custom room.
	ScenarioID *string                 `json:"scenario_id"`
	Scene      string                  `json:"scene"` // the room's title when the report was made
	Summary    string                  `json:"summary"`
	Goals      []engine.ReportGoal     `json:"goals"`
	Mistakes   []engine.ReportMistake  `json:"mistakes"`
	Vocabulary []engine.VocabularyItem `json:"vocabulary"`
	NextSteps  []string                `json:"next_steps"`
	Language   string                  `json:"language"` // the learner's language the report is written in
	CreatedAt  time.Time               `json:"created_at"`
}

// nonNil returns s, or an empty slice for nil: lists are [] in JSON, never null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// optionalID is id as a nullable JSON number: nil for 0.
func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func newReportResponse(r *engine.Report) ReportResponse {
	return ReportResponse{ID: r.ID, RoomID: optionalID(r.RoomID), ScenarioID: r.ScenarioID, Scene: r.Scene, Summary: r.Summary,
		Goals: nonNil(r.Goals), Mistakes: nonNil(r.Mistakes), Vocabulary: nonNil(r.Vocabulary), NextSteps: nonNil(r.NextSteps),
		Language: r.Language, CreatedAt: r.CreatedAt}
}

// ReportBody wraps a report.
type ReportBody struct {
	Report ReportResponse `json:"report"`
}

// ReportList is a page of reports, newest first; NextCursor is "" on the last page.
type ReportList struct {
	Reports    []ReportResponse `json:"reports"`
	NextCursor string           `json:"next_cursor"`
}

// endScene ends the scene of one of the caller's rooms: the report of it,
// built by the model from the conversation, stored, and answered.
func (h *handlers) endScene(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	uid := userID(c)
	locale, err := h.learnerLocale(ctx, uid)
	if err != nil {
		h.abortWith(c, err)
		return
	}
	r, err := h.eng.EndSceneFrom(ctx, uid, id, engine.SourceWeb, locale)
	if err != nil {
		h.abortWith(c, err)
		return
	}
	c.Header("Location", apiPrefix+"/reports/"+strconv.FormatInt(r.ID, 10))
	c.JSON(http.StatusCreated, ReportBody{Report: newReportResponse(r)})
}

// listReports answers a page of the caller's reports, newest first.
func (h *handlers) listReports(c *gin.Context) {
	p, ok := h.page(c, "cursor")
	if !ok {
		return
	}
	reports, next, err := h.eng.ListReports(c.Request.Context(), userID(c), p)
	if err != nil {
		h.abortWith(c, err)
		return
	}
	out := ReportList{Reports: make([]ReportResponse, len(reports)), NextCursor: next}
	for i, r := range reports {
		out.Reports[i] = newReportResponse(r)
	}
	c.JSON(http.StatusOK, out)
}

// getReport answers one of the caller's reports.
func (h *handlers) getReport(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	r, err := h.eng.FindReport(c.Request.Context(), userID(c), id)
	if err != nil {
		h.abortWith(c, err)
		return
	}
	c.JSON(http.StatusOK, ReportBody{Report: newReportResponse(r)})
}
