package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
)

// messageRequest is the body of POST /rooms/{id}/messages.
type messageRequest struct {
	Content *string `json:"content"`
}

// turnFunc plays one turn, handing its events to sink.
type turnFunc func(ctx context.Context, sink engine.Sink) (*engine.TurnResult, error)

// sendMessage plays a chat turn with the caller's message.
func (h *handlers) sendMessage(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var in messageRequest
	if !h.decode(c, &in, false) {
		return
	}
	if in.Content == nil {
		h.abortWith(c, engine.Invalid("content", "content is required."))
		return
	}
	uid := userID(c)
	h.playTurn(c, http.StatusCreated, func(ctx context.Context, sink engine.Sink) (*engine.TurnResult, error) {
		// No Locale: the coach reads the account's own, off the reply's path.
		return h.eng.SendMessage(ctx, engine.TurnInput{UserID: uid, RoomID: id, Content: *in.Content, Source: engine.SourceWeb}, sink)
	})
}

// regenerate replaces the last reply of a room.
func (h *handlers) regenerate(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	uid := userID(c)
	h.playTurn(c, http.StatusCreated, func(ctx context.Context, sink engine.Sink) (*engine.TurnResult, error) {
		return h.eng.Regenerate(ctx, uid, id, engine.SourceWeb, sink)
	})
}

// openScene has the bot open an empty room's scene, in character.
func (h *handlers) openScene(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	uid := userID(c)
	h.playTurn(c, http.StatusCreated, func(ctx context.Context, sink engine.Sink) (*engine.TurnResult, error) {
		return h.eng.OpenScene(ctx, uid, id, engine.SourceWeb, sink)
	})
}

// playTurn runs a turn and answers it: as JSON once the reply is complete, or,
// when the client accepts text/event-stream, as Server-Sent Events while it
// is written. An error before the stream starts is an ordinary error
// response; after, an error event. A client that hangs up does not stop the
// turn: the engine stores the reply whatever happens to the connection.
//
// The coach's feedback on the learner's line never holds up the reply: the
// JSON answer carries it as it stands when the reply is done (pending if the
// coach is not), and the stream sends it as a last event once the coach is
// done (bounded by the coach's timeout), followed, in a room with goals, by
// the room's goals.
func (h *handlers) playTurn(c *gin.Context, status int, run turnFunc) {
	ctx := c.Request.Context()
	if !strings.Contains(c.GetHeader("Accept"), "text/event-stream") {
		res, err := run(ctx, nil)
		if err != nil {
			h.abortWith(c, err)
			return
		}
		c.JSON(status, TurnResponse{Message: withFeedback(res.UserMessage, feedbackNow(res)), Reply: newMessageResponse(res.Reply)})
		return
	}
	s := newSSEWriter(c.Writer)
	defer s.finish()
	res, err := run(ctx, func(ev engine.Event) {
		switch ev.Kind {
		case engine.EventUserMessage:
			s.send(eventMessage, messageEvent{Message: newMessageResponse(ev.Message)})
		case engine.EventReplyStarted:
			s.send(eventReplyStarted, messageEvent{Message: newMessageResponse(ev.Message)})
		case engine.EventDelta:
			s.send(eventDelta, deltaEvent{Text: ev.Delta})
		}
	})
	if err != nil && !s.started {
		h.abortWith(c, err)
		return
	}
	if err != nil {
		e := publicError(h.log, err)
		ev := errorEvent{Error: errorBody(e).Error}
		if res != nil {
			ev.Reply = newMessageResponse(res.Reply)
		}
		s.send(eventError, ev)
	} else {
		s.send(eventReply, messageEvent{Message: newMessageResponse(res.Reply)})
	}
	// The learner's line is stored whether or not the reply failed: its
	// feedback follows once the coach is done, unless the client left.
	if res == nil || res.UserMessage == nil || s.broken {
		return
	}
	if res.Feedback != nil {
		fb := res.WaitFeedback(ctx)
		s.send(eventFeedback, feedbackEvent{MessageID: res.UserMessage.ID, Feedback: newFeedbackResponse(fb)})
	}
	// The room's goals as the coach left them: nil when the room has none.
	if goals := res.WaitGoals(ctx); goals != nil && !s.broken {
		s.send(eventGoals, goalsEvent{Goals: newGoalResponses(goals)})
	}
}

// feedbackNow returns the feedback of a turn's learner line as it stands now,
// without waiting for the coach; nil when the turn has none.
func feedbackNow(res *engine.TurnResult) *engine.Feedback {
	if res.Feedback == nil {
		return nil
	}
	done, cancel := context.WithCancel(context.Background())
	cancel() // WaitFeedback with an ended context answers at once
	return res.WaitFeedback(done)
}

// withFeedback returns m as the API shows it, with the feedback fb.
func withFeedback(m *engine.Message, fb *engine.Feedback) *MessageResponse {
	out := newMessageResponse(m)
	if out != nil && fb != nil {
		out.Feedback = newFeedbackResponse(fb)
	}
	return out
}
