package api

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
)

// The Server-Sent Events of GET /rooms/{id}/events, besides those of a turn
// (message, reply_started, delta, reply, feedback, goals): ready (after the
// replay, with the room's newest event id) and reload (the stream ends:
// re-read the history, then reconnect without an id).
const (
	eventReady  = "ready"
	eventReload = "reload"
)

// ssePingInterval is how long a room's event stream stays silent before a
// ": ping" comment line, which keeps proxies from closing it.
const ssePingInterval = 15 * time.Second

// readyEvent is the data of a ready event.
type readyEvent struct {
	LastEventID int64 `json:"last_event_id"`
}

// roomDeltaEvent is the data of a room stream's delta event: a piece of
// the reply message_id.
type roomDeltaEvent struct {
	MessageID int64  `json:"message_id"`
	Text      string `json:"text"`
}

// roomEvents streams the events of one of the caller's rooms as they
// happen, wherever the turn is played: the stored events after the id of
// the Last-Event-ID header (or ?last_event_id=), replayed, then ready, then
// the live ones. Another user's room is not_found, before any stream.
func (h *handlers) roomEvents(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	after, ok := h.lastEventID(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	w, err := h.eng.WatchRoom(ctx, userID(c), id, after)
	if err != nil {
		h.abortWith(c, err)
		return
	}
	defer w.Close()
	s := newSSEWriter(c.Writer)
	defer s.finish()
	s.start()
	for !s.broken {
		wait, cancel := context.WithTimeout(ctx, ssePingInterval)
		ev, err := w.Next(wait)
		cancel()
		switch {
		case err == nil:
			sendRoomEvent(s, ev)
			if ev.Kind == engine.RoomEventReload {
				return
			}
		case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
			s.comment("ping")
		default: // the client left, or the watch ended (the service stops)
			return
		}
	}
}

// lastEventID reads the id to resume after: the Last-Event-ID header, else
// the last_event_id parameter; 0 (none) when neither is set.
func (h *handlers) lastEventID(c *gin.Context) (int64, bool) {
	s := c.GetHeader("Last-Event-ID")
	if s == "" {
		s = c.Query("last_event_id")
	}
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		h.abortWith(c, engine.Invalid("last_event_id", "last_event_id must be a whole number."))
		return 0, false
	}
	return n, true
}

// sendRoomEvent writes ev in the wire format of the room's event stream.
func sendRoomEvent(s *sseWriter, ev engine.RoomEvent) {
	id := ""
	if ev.ID > 0 || ev.Kind == engine.RoomEventReady {
		id = strconv.FormatInt(ev.ID, 10)
	}
	switch ev.Kind {
	case engine.RoomEventMessage, engine.RoomEventReplyStarted, engine.RoomEventReply:
		s.sendID(string(ev.Kind), id, messageEvent{Message: newMessageResponse(ev.Message)})
	case engine.RoomEventDelta:
		s.send(eventDelta, roomDeltaEvent{MessageID: ev.MessageID, Text: ev.Delta})
	case engine.RoomEventFeedback:
		s.sendID(eventFeedback, id, feedbackEvent{MessageID: ev.MessageID, Feedback: newFeedbackResponse(ev.Feedback)})
	case engine.RoomEventGoals:
		s.sendID(eventGoals, id, goalsEvent{Goals: newGoalResponses(ev.Goals)})
	case engine.RoomEventReady:
		s.sendID(eventReady, id, readyEvent{LastEventID: ev.ID})
	case engine.RoomEventReload:
		s.send(eventReload, struct{}{})
	}
}
