package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// A client that hangs up mid-stream loses nothing: the reply is finished,
// stored, and in history.
func TestStreamHangUpKeepsTheReply(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("hangup")
		room := c.newRoom()
		hold := openaifake.NewHold()
		ts.fake.Enqueue(openaifake.Reply{Chunks: []string{"첫 ", "번째 ", "답입니다."}, Hold: hold, HoldAfter: 1})

		resp, sse := c.stream(fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), map[string]string{"content": "안녕"})
		for {
			ev, err := sse.next()
			if err != nil {
				t.Fatalf("stream ended before the first delta: %v", err)
			}
			if ev.Event == "delta" {
				var d struct{ Text string }
				json.Unmarshal([]byte(ev.Data), &d)
				if d.Text != "첫 " {
					t.Fatalf("first delta = %q", d.Text)
				}
				break
			}
		}
		<-hold.Reached()
		resp.Body.Close() // the client hangs up mid-reply
		hold.Release()
		// Close waits for every request in flight, the abandoned turn included.
		ts.srv.Close()

		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		ts.router.ServeHTTP(rec, req)
		var list api.MessageList
		if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || rec.Code != http.StatusOK {
			t.Fatalf("history: %d %s", rec.Code, rec.Body)
		}
		if len(list.Messages) != 2 || list.Messages[0].Content != "안녕" || list.Messages[1].Content != "첫 번째 답입니다." || list.Messages[1].Status != "complete" {
			t.Fatalf("history after hang-up: %+v", list.Messages)
		}
	})
}

// A model failure after the stream began is an error event carrying the code
// and the failed reply; before, an ordinary error response.
func TestStreamErrors(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("errs")
		room := c.newRoom()
		path := fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID)
		ts.fake.Enqueue(openaifake.Reply{Status: 400, ErrorMessage: "bad request"})
		_, sse := c.stream(path, map[string]string{"content": "hi"})
		evs := readAll(t, sse)
		last := evs[len(evs)-1]
		var body struct {
			Error api.ErrorDetail
			Reply *api.MessageResponse
		}
		json.Unmarshal([]byte(last.Data), &body)
		if last.Event != "error" || body.Error.Code != "model_rejected" || body.Reply == nil || body.Reply.Status != "failed" {
			t.Fatalf("events %+v", evs)
		}
		// JSON: the same failure is a 502 in the envelope; the message is kept.
		ts.fake.Enqueue(openaifake.Reply{Status: 400, ErrorMessage: "bad request"})
		if code, _ := c.must(http.StatusBadGateway, "POST", path, map[string]string{"content": "again"}).errorCode(); code != "model_rejected" {
			t.Fatalf("code %s", code)
		}
		resp, _ := c.stream(path, map[string]string{"content": ""})
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("invalid streamed turn: %d, want 400 before any event", resp.StatusCode)
		}
		msgs := c.history(room.ID)
		if len(msgs) != 4 || msgs[0].Content != "hi" || msgs[1].Status != "failed" || msgs[1].ErrorCode != "model_rejected" || msgs[2].Content != "again" {
			t.Fatalf("history: %+v", msgs)
		}
	})
}
