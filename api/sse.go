package api

import (
	"encoding/json"
	"net/http"
	"time"
)

// The Server-Sent Events of a streamed turn, in order: message (the stored
// user message; not for a regeneration or an opening), reply_started (the
// pending reply), delta (each piece of the reply), then reply (the stored,
// complete reply) or error; then, when the turn stored a learner's line in
// a room with feedback on, feedback (the coach's feedback on it, ready or
// unavailable; the stream stays open for it at most the coach's timeout);
// then, when that room has goals, goals (the room's goals as they stand once
// the coach has read the line).
const (
	eventMessage      = "message"
	eventReplyStarted = "reply_started"
	eventDelta        = "delta"
	eventReply        = "reply"
	eventError        = "error"
	eventFeedback     = "feedback"
	eventGoals        = "goals"
)

// goalsEvent is the data of a goals event: every goal of the room, in order.
type goalsEvent struct {
	Goals []GoalResponse `json:"goals"`
}

// messageEvent is the data of message, reply_started and reply events.
type messageEvent struct {
	Message *MessageResponse `json:"message"`
}

// deltaEvent is the data of a delta event.
type deltaEvent struct {
	Text string `json:"text"`
}

// errorEvent is the data of an error event: the error, and the failed reply
// as stored when there is one.
type errorEvent struct {
	Error ErrorDetail      `json:"error"`
	Reply *MessageResponse `json:"reply,omitempty"`
}

// sseWriteTimeout bounds each event's write, so that a client that stops
// reading cannot hold up the turn: its connection is dropped instead.
const sseWriteTimeout = 10 * time.Second

// sseWriter writes events to one response, flushing each. It sends the
// response headers with the first event. After a failed write (the client
// left) it drops the rest.
type sseWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	started bool
	broken  bool
}

func newSSEWriter(w http.ResponseWriter) *sseWriter {
	return &sseWriter{w: w, rc: http.NewResponseController(w)}
}

// send writes one event with data as JSON on a single data line.
func (s *sseWriter) send(event string, data any) {
	s.sendID(event, "", data)
}

// sendID writes one event with its id (none when "") and data as JSON on a
// single data line.
func (s *sseWriter) sendID(event, id string, data any) {
	if s.broken {
		return
	}
	b, err := json.Marshal(data)
	if err != nil {
		s.broken = true
		return
	}
	buf := make([]byte, 0, len(event)+len(id)+len(b)+24)
	buf = append(buf, "event: "...)
	buf = append(buf, event...)
	if id != "" {
		buf = append(buf, "\nid: "...)
		buf = append(buf, id...)
	}
	buf = append(buf, "\ndata: "...)
	buf = append(buf, b...)
	buf = append(buf, "\n\n"...)
	s.write(buf)
}

// comment writes a comment line (": text"), which clients ignore and which
// keeps proxies from closing an idle stream.
func (s *sseWriter) comment(text string) {
	s.write([]byte(": " + text + "\n\n"))
}

// start sends the response headers, once.
func (s *sseWriter) start() {
	if s.started || s.broken {
		return
	}
	h := s.w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // tell nginx not to buffer the stream
	s.w.WriteHeader(http.StatusOK)
	s.started = true
}

// write writes buf and flushes it, within sseWriteTimeout.
func (s *sseWriter) write(buf []byte) {
	if s.broken {
		return
	}
	s.start()
	_ = s.rc.SetWriteDeadline(time.Now().Add(sseWriteTimeout))
	if _, err := s.w.Write(buf); err != nil {
		s.broken = true
		return
	}
	if err := s.rc.Flush(); err != nil {
		s.broken = true
	}
}

// finish clears the write deadline the stream set, so that the next request
// on a kept-alive connection does not inherit it.
func (s *sseWriter) finish() {
	if s.started {
		_ = s.rc.SetWriteDeadline(time.Time{})
	}
}
