package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// coachAnswer is a scripted coach answer correcting 가방이 좋아요 to 가방이 마음에 들어요.
func coachAnswer() openaifake.Reply {
	return openaifake.JSON(map[string]any{
		"corrected": "이 가방이 마음에 들어요.",
		"items": []map[string]any{{"kind": "naturalness", "original": "좋아요", "better": "마음에 들어요",
			"explanation": "For liking a thing you see, 마음에 들다 is more natural."}},
		"note": "",
	})
}

// newCoachedRoom creates a room of c with feedback on (newRoom's has it off).
func (c *client) newCoachedRoom() api.RoomResponse {
	c.ts.t.Helper()
	var body api.RoomBody
	c.must(http.StatusCreated, "POST", "/api/v1/rooms", cafe()).decode(c.ts.t, &body)
	if !body.Room.Feedback {
		c.ts.t.Fatal("a new room has feedback off")
	}
	return body.Room
}

// feedbackOf decodes the data of a feedback event.
func feedbackOf(t testing.TB, ev sseEvent) (int64, *api.FeedbackResponse) {
	t.Helper()
	var body struct {
		MessageID int64                 `json:"message_id"`
		Feedback  *api.FeedbackResponse `json:"feedback"`
	}
	if err := json.Unmarshal([]byte(ev.Data), &body); err != nil || body.Feedback == nil {
		t.Fatalf("%s event data %q: %v", ev.Event, ev.Data, err)
	}
	return body.MessageID, body.Feedback
}

// wantCorrected fails unless fb is the feedback of coachAnswer.
func wantCorrected(t testing.TB, fb *api.FeedbackResponse) {
	t.Helper()
	if fb == nil || fb.Status != "ready" || fb.Corrected != "이 가방이 마음에 들어요." || len(fb.Items) != 1 ||
		fb.Items[0].Kind != "naturalness" || fb.Items[0].Better != "마음에 들어요" || fb.Items[0].Original != "좋아요" {
		t.Fatalf("feedback = %+v, want the scripted correction", fb)
	}
}

// A streamed turn sends the reply as soon as it is done, the coach held
// still working; the feedback follows as the stream's last event once the
// coach answers. The history then carries it on the user message.
func TestStreamSendsFeedbackAfterTheReply(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("coached")
		room := c.newCoachedRoom()
		hold := openaifake.NewHold()
		defer hold.Release()
		ts.fake.EnqueueKind("feedback", openaifake.Slow(coachAnswer(), hold))
		ts.fake.Enqueue(openaifake.Reply{Chunks: []string{"어서 ", "오세요!"}})

		_, sse := c.stream(fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), map[string]string{"content": "이 가방이 좋아요."})
		var userID int64
		for {
			ev, err := sse.next()
			if err != nil {
				t.Fatalf("stream ended before the reply: %v", err)
			}
			if ev.Event == "message" {
				userID = messageOf(t, ev).ID
			}
			if ev.Event == "feedback" {
				t.Fatal("feedback before the reply")
			}
			if ev.Event == "reply" { // the coach is still held: the reply did not wait for it
				if m := messageOf(t, ev); m.Content != "어서 오세요!" || m.Status != "complete" {
					t.Fatalf("reply = %+v", m)
				}
				break
			}
		}
		hold.Release()
		evs := readAll(t, sse)
		if len(evs) != 1 || evs[0].Event != "feedback" {
			t.Fatalf("after the reply: %+v, want one feedback event", evs)
		}
		id, fb := feedbackOf(t, evs[0])
		if id != userID || userID == 0 {
			t.Fatalf("feedback for message %d, the line is %d", id, userID)
		}
		wantCorrected(t, fb)

		msgs := c.history(room.ID)
		if len(msgs) != 2 || msgs[1].Feedback != nil {
			t.Fatalf("history: %+v", msgs)
		}
		wantCorrected(t, msgs[0].Feedback)
		// The JSON names the fields as documented.
		raw := string(c.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), nil).body)
		for _, want := range []string{`"feedback":{"status":"ready","corrected":`, `"items":[{"kind":"naturalness","original":"좋아요","better":"마음에 들어요","explanation":`, `"feedback":null`} {
			if !strings.Contains(raw, want) {
				t.Errorf("history JSON lacks %s:\n%s", want, raw)
			}
		}
	})
}

// A JSON turn answers once the reply is done, with the feedback as it then
// stands: pending while the coach still works; ready in the history after.
// A room with feedback off has none, and its stream ends with the reply.
func TestJSONTurnFeedback(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("json")
		room := c.newCoachedRoom()
		hold := openaifake.NewHold()
		defer hold.Release()
		ts.fake.EnqueueKind("feedback", openaifake.Slow(coachAnswer(), hold))
		ts.fake.Enqueue(openaifake.Reply{Chunks: []string{"네, 손님."}})
		var turn api.TurnResponse
		c.must(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), map[string]string{"content": "이 가방이 좋아요."}).decode(t, &turn)
		if turn.Message == nil || turn.Message.Feedback == nil || turn.Message.Feedback.Status != "pending" || turn.Reply.Content != "네, 손님." {
			t.Fatalf("turn = %+v, want the reply with the line's feedback pending", turn)
		}
		// The first coach has taken its answer before the second one is
		// queued: a coach runs beside the turn that returned, and the
		// second line's could otherwise reach the model first and take it.
		select {
		case <-hold.Reached():
		case <-time.After(30 * time.Second): // a bound on failure only
			t.Fatal("the first line's coach never reached the model")
		}
		hold.Release()
		// A second turn's stream waits for its own coach, which comes after
		// the first one's: once it ends, the first line's feedback is stored.
		ts.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": "감사합니다.", "items": []any{}, "note": "Natural."}))
		ts.fake.Enqueue(openaifake.Reply{Chunks: []string{"천만에요."}})
		_, sse := c.stream(fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), map[string]string{"content": "감사합니다."})
		evs := readAll(t, sse)
		if last := evs[len(evs)-1]; last.Event != "feedback" {
			t.Fatalf("stream ends with %s", last.Event)
		} else if _, fb := feedbackOf(t, last); fb.Status != "ready" || fb.Corrected != "감사합니다." || len(fb.Items) != 0 || fb.Note != "Natural." {
			t.Fatalf("a fine line's feedback = %+v", fb)
		}
		waitFeedbackSettled(t, c, room.ID)
		wantCorrected(t, c.history(room.ID)[0].Feedback)

		off := cafe()
		off["feedback"] = false
		var quiet api.RoomBody
		c.must(http.StatusCreated, "POST", "/api/v1/rooms", off).decode(t, &quiet)
		ts.fake.Enqueue(openaifake.Reply{Chunks: []string{"네."}})
		c.must(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/rooms/%d/messages", quiet.Room.ID), map[string]string{"content": "하나 주세요."}).decode(t, &turn)
		if turn.Message.Feedback != nil {
			t.Fatalf("feedback off, the line carries %+v", turn.Message.Feedback)
		}
		ts.fake.Enqueue(openaifake.Reply{Chunks: []string{"네."}})
		_, sse = c.stream(fmt.Sprintf("/api/v1/rooms/%d/messages", quiet.Room.ID), map[string]string{"content": "둘 주세요."})
		if evs := readAll(t, sse); evs[len(evs)-1].Event != "reply" {
			t.Fatalf("feedback off, the stream ends with %s", evs[len(evs)-1].Event)
		}
		if h := c.history(quiet.Room.ID); h[0].Feedback != nil || h[2].Feedback != nil {
			t.Fatalf("feedback off, history carries feedback: %+v", h[0].Feedback)
		}
		if n := len(ts.fake.RequestsOfKind("feedback")); n != 2 {
			t.Fatalf("%d coach calls, want 2 (none in the room with feedback off)", n)
		}
	})
}

// waitFeedbackSettled waits, without a clock, until no line of roomID has
// feedback pending: every stream of the room has ended, so a pending one is
// the coach of a JSON turn, which a new GET eventually sees settled.
func waitFeedbackSettled(t *testing.T, c *client, roomID int64) {
	t.Helper()
	for range 1000 {
		pending := false
		for _, m := range c.history(roomID) {
			pending = pending || (m.Feedback != nil && m.Feedback.Status == "pending")
		}
		if !pending {
			return
		}
	}
	t.Fatal("feedback still pending after 1000 looks")
}

// Garbage from the coach never breaks the turn: the reply streams, and the
// line's feedback is unavailable.
func TestInvalidCoachAnswer(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("garbage")
		room := c.newCoachedRoom()
		ts.fake.EnqueueKind("feedback", openaifake.InvalidJSON())
		ts.fake.Enqueue(openaifake.Reply{Chunks: []string{"네."}})
		_, sse := c.stream(fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), map[string]string{"content": "안녕"})
		evs := readAll(t, sse)
		if len(evs) < 2 || evs[len(evs)-2].Event != "reply" || evs[len(evs)-1].Event != "feedback" {
			t.Fatalf("events %+v", evs)
		}
		if _, fb := feedbackOf(t, evs[len(evs)-1]); fb.Status != "unavailable" || len(fb.Items) != 0 {
			t.Fatalf("feedback on garbage = %+v", fb)
		}
	})
}

// The coach explains in the caller's stored locale (PATCH /auth/me).
func TestTurnUsesTheLearnersLocale(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("yuki")
		c.must(http.StatusOK, "PATCH", "/api/v1/auth/me", map[string]string{"locale": "ja"})
		room := c.newCoachedRoom()
		ts.fake.EnqueueKind("feedback", coachAnswer())
		ts.fake.Enqueue(openaifake.Reply{Chunks: []string{"네."}})
		_, sse := c.stream(fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), map[string]string{"content": "이 가방이 좋아요."})
		readAll(t, sse)
		reqs := ts.fake.RequestsOfKind("feedback")
		if len(reqs) != 1 {
			t.Fatalf("%d coach calls", len(reqs))
		}
		if !strings.Contains(string(reqs[0].Body), "own language is Japanese") { // the coach prompt names it (engine/aidprompt.go)
			first, _, _ := strings.Cut(reqs[0].Messages[0].Content, "\n")
			t.Fatalf("the coach was not asked to explain in Japanese: %s", first)
		}
	})
}

// The room form's feedback_hidden is stored, shown and changed like level
// and feedback.
func TestRoomFeedbackHidden(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("hidden")
		if room := c.newRoom(); room.FeedbackHidden {
			t.Fatal("a new room hides its feedback")
		}
		body := cafe()
		body["feedback_hidden"] = true
		var made api.RoomBody
		c.must(http.StatusCreated, "POST", "/api/v1/rooms", body).decode(t, &made)
		if !made.Room.FeedbackHidden || !made.Room.Feedback {
			t.Fatalf("created hidden: %+v", made.Room)
		}
		var stored api.RoomBody
		c.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rooms/%d", made.Room.ID), nil).decode(t, &stored)
		if !stored.Room.FeedbackHidden {
			t.Fatalf("feedback_hidden not stored: %+v", stored.Room)
		}
		var edited api.RoomBody
		c.must(http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/rooms/%d", made.Room.ID), map[string]any{"feedback_hidden": false}).decode(t, &edited)
		if edited.Room.FeedbackHidden || edited.Room.Level != "B1" {
			t.Fatalf("after PATCH: %+v", edited.Room)
		}
		wantInvalid(t, c.do("PATCH", fmt.Sprintf("/api/v1/rooms/%d", made.Room.ID), map[string]any{"feedback_hidden": "yes"}), "feedback_hidden")
	})
}

// A reply that fails does not take the line's feedback with it: the stream
// ends with the error, then the feedback.
func TestFeedbackAfterAFailedReply(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("failed")
		room := c.newCoachedRoom()
		ts.fake.EnqueueKind("feedback", coachAnswer())
		ts.fake.Enqueue(openaifake.Reply{Status: 400, ErrorMessage: "bad request"})
		_, sse := c.stream(fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), map[string]string{"content": "이 가방이 좋아요."})
		evs := readAll(t, sse)
		if len(evs) < 2 || evs[len(evs)-2].Event != "error" || evs[len(evs)-1].Event != "feedback" {
			t.Fatalf("events %+v, want error then feedback", evs)
		}
		_, fb := feedbackOf(t, evs[len(evs)-1])
		wantCorrected(t, fb)
	})
}
