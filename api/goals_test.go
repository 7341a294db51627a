package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// goalsOf decodes the data of a goals event.
func goalsOf(t testing.TB, ev sseEvent) []api.GoalResponse {
	t.Helper()
	var body struct {
		Goals []api.GoalResponse `json:"goals"`
	}
	if err := json.Unmarshal([]byte(ev.Data), &body); err != nil || body.Goals == nil {
		t.Fatalf("%s event data %q: %v", ev.Event, ev.Data, err)
	}
	return body.Goals
}

// A streamed turn in a room with goals ends with a goals event after the
// feedback: every goal of the room, the ones the line achieved ticked with
// the line's id. A room without goals gets no such event.
func TestStreamSendsGoalsAfterFeedback(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("goals")
		in := cafe()
		in["goals"] = []string{"Order a latte", "Ask for the Wi-Fi password"}
		var body api.RoomBody
		c.must(http.StatusCreated, "POST", "/api/v1/rooms", in).decode(t, &body)
		room := body.Room
		if len(room.Goals) != 2 {
			t.Fatalf("room goals = %+v", room.Goals)
		}
		ts.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": "라테 주세요.", "items": []any{}, "note": "",
			"achieved_goals": []int64{room.Goals[0].ID}}))
		ts.fake.Enqueue(openaifake.Reply{Chunks: []string{"네!"}})
		_, sse := c.stream(fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), map[string]string{"content": "라테 주세요."})
		evs := readAll(t, sse)
		var names []string
		for _, ev := range evs {
			names = append(names, ev.Event)
		}
		n := len(evs)
		if n < 3 || evs[n-3].Event != "reply" || evs[n-2].Event != "feedback" || evs[n-1].Event != "goals" {
			t.Fatalf("events %v: want …, reply, feedback, goals", names)
		}
		userID := messageOf(t, evs[0]).ID
		goals := goalsOf(t, evs[n-1])
		if len(goals) != 2 || !goals[0].Achieved || goals[0].MessageID == nil || *goals[0].MessageID != userID ||
			goals[0].AchievedAt == nil || goals[1].Achieved || goals[0].Text != "Order a latte" {
			t.Fatalf("goals = %+v, want the first achieved by message %d", goals, userID)
		}
		var again api.RoomBody
		c.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rooms/%d", room.ID), nil).decode(t, &again)
		if !again.Room.Goals[0].Achieved || again.Room.Goals[1].Achieved {
			t.Fatalf("stored goals = %+v", again.Room.Goals)
		}

		// No goals: the stream ends with the feedback.
		plain := c.newCoachedRoom()
		ts.fake.EnqueueKind("feedback", coachAnswer())
		ts.fake.Enqueue(openaifake.Reply{Chunks: []string{"네!"}})
		_, sse = c.stream(fmt.Sprintf("/api/v1/rooms/%d/messages", plain.ID), map[string]string{"content": "이 가방이 좋아요."})
		evs = readAll(t, sse)
		if last := evs[len(evs)-1]; last.Event != "feedback" {
			t.Fatalf("a room without goals ends with %s", last.Event)
		}
	})
}
