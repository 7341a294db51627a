package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
)

// roomRequest is the body of POST /rooms and PATCH /rooms/{id}; absent fields
// are left as they are by PATCH.
type roomRequest struct {
	Title     *string `json:"title"`
	Language  *string `json:"language"`
	Situation *string `json:"situation"`
	UserRole  *string `json:"user_role"`
	BotRole   *string `json:"bot_role"`
	Model     *string `json:"model"`
	Level     *string `json:"level"`
	Feedback  *bool   `json:"feedback"`
	// FeedbackHidden keeps corrections behind a button; false by default.
	FeedbackHidden *bool `json:"feedback_hidden"`
	// ScenarioID (POST only) makes the room from a built-in scenario.
	ScenarioID *string   `json:"scenario_id"`
	Goals      *[]string `json:"goals"` // replaces the room's goals
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// listRooms answers a page of the caller's rooms, newest first.
func (h *handlers) listRooms(c *gin.Context) {
	p, ok := h.page(c, "cursor")
	if !ok {
		return
	}
	rooms, next, err := h.eng.ListRooms(c.Request.Context(), userID(c), p)
	if err != nil {
		h.abortWith(c, err)
		return
	}
	out := RoomList{Rooms: make([]RoomResponse, len(rooms)), NextCursor: next}
	for i, r := range rooms {
		out.Rooms[i] = newRoomResponse(r)
	}
	c.JSON(http.StatusOK, out)
}

// createRoom creates a room of the caller.
func (h *handlers) createRoom(c *gin.Context) {
	var in roomRequest
	if !h.decode(c, &in, false) {
		return
	}
	input := engine.RoomInput{Title: deref(in.Title), Language: deref(in.Language),
		Situation: deref(in.Situation), UserRole: deref(in.UserRole), BotRole: deref(in.BotRole), Model: in.Model,
		Level: deref(in.Level), Feedback: in.Feedback, FeedbackHidden: in.FeedbackHidden}
	if err := h.scenarioRoomInput(c, in, &input); err != nil {
		h.abortWith(c, err)
		return
	}
	r, err := h.eng.CreateRoom(c.Request.Context(), userID(c), input)
	if err != nil {
		h.abortWith(c, err)
		return
	}
	c.Header("Location", apiPrefix+"/rooms/"+strconv.FormatInt(r.ID, 10))
	c.JSON(http.StatusCreated, RoomBody{Room: newRoomResponse(r)})
}

// getRoom answers one of the caller's rooms.
func (h *handlers) getRoom(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	r, err := h.eng.FindRoom(c.Request.Context(), userID(c), id)
	if err != nil {
		h.abortWith(c, err)
		return
	}
	c.JSON(http.StatusOK, RoomBody{Room: newRoomResponse(r)})
}

// updateRoom changes the fields sent of one of the caller's rooms.
func (h *handlers) updateRoom(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var in roomRequest
	if !h.decode(c, &in, false) {
		return
	}
	if in.ScenarioID != nil {
		h.abortWith(c, engine.Invalid("scenario_id", "A room's scenario cannot be changed: make a new room from the scenario."))
		return
	}
	r, err := h.eng.UpdateRoom(c.Request.Context(), userID(c), id, engine.RoomUpdate{Title: in.Title, Language: in.Language,
		Situation: in.Situation, UserRole: in.UserRole, BotRole: in.BotRole, Model: in.Model, Level: in.Level, Feedback: in.Feedback,
		FeedbackHidden: in.FeedbackHidden, Goals: in.Goals})
	if err != nil {
		h.abortWith(c, err)
		return
	}
	c.JSON(http.StatusOK, RoomBody{Room: newRoomResponse(r)})
}

// deleteRoom deletes one of the caller's rooms and its conversation.
func (h *handlers) deleteRoom(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	if err := h.eng.DeleteRoom(c.Request.Context(), userID(c), id); err != nil {
		h.abortWith(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// resetRoom clears the conversation of one of the caller's rooms.
func (h *handlers) resetRoom(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	if err := h.eng.ResetRoom(c.Request.Context(), userID(c), id); err != nil {
		h.abortWith(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// listMessages answers a page of a room's conversation, oldest first; before
// is the cursor of the older page.
func (h *handlers) listMessages(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	p, ok := h.page(c, "before")
	if !ok {
		return
	}
	msgs, next, err := h.eng.ListMessages(c.Request.Context(), userID(c), id, p)
	if err != nil {
		h.abortWith(c, err)
		return
	}
	out := MessageList{Messages: make([]*MessageResponse, len(msgs)), NextCursor: next}
	for i, m := range msgs {
		out.Messages[i] = newMessageResponse(m)
	}
	c.JSON(http.StatusOK, out)
}

// usage answers the caller's token use by day and model, over ?days= (30 by default).
func (h *handlers) usage(c *gin.Context) {
	days := 30
	if s := c.Query("days"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			h.abortWith(c, engine.Invalid("days", "days must be a whole number of at least 1."))
			return
		}
		days = min(n, engine.MaxUsageDays)
	}
	rows, err := h.eng.ListUsage(c.Request.Context(), userID(c), days)
	if err != nil {
		h.abortWith(c, err)
		return
	}
	out := UsageBody{Days: days, Usage: make([]UsageRow, len(rows))}
	for i, u := range rows {
		out.Usage[i] = UsageRow{Day: u.Day, Model: u.Model, Surface: string(u.Surface), Kind: string(u.Kind), Calls: u.Calls, PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens}
	}
	c.JSON(http.StatusOK, out)
}
