package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// A room carries its level and feedback switch: B1 and on unless asked
// otherwise, set on create, changed by PATCH only when sent, an unknown level
// refused by name.
func TestRoomLevelAndFeedback(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("mina")

		var created api.RoomBody
		c.must(http.StatusCreated, "POST", "/api/v1/rooms", cafe()).decode(t, &created)
		room := created.Room
		if room.Level != "B1" || !room.Feedback {
			t.Fatalf("a room created with neither: level %q, feedback %v; want B1, true", room.Level, room.Feedback)
		}
		// The JSON names the fields level and feedback.
		raw := c.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rooms/%d", room.ID), nil).body
		var fields struct {
			Room map[string]json.RawMessage `json:"room"`
		}
		if err := json.Unmarshal(raw, &fields); err != nil || string(fields.Room["level"]) != `"B1"` || string(fields.Room["feedback"]) != "true" {
			t.Fatalf("room JSON = %s", raw)
		}

		body := cafe()
		body["level"], body["feedback"] = "a2", false
		var made api.RoomBody
		c.must(http.StatusCreated, "POST", "/api/v1/rooms", body).decode(t, &made)
		if made.Room.Level != "A2" || made.Room.Feedback {
			t.Fatalf("created with level a2, feedback false: %+v", made.Room)
		}

		base := fmt.Sprintf("/api/v1/rooms/%d", made.Room.ID)
		var edited api.RoomBody
		c.must(http.StatusOK, "PATCH", base, map[string]any{"level": "C1"}).decode(t, &edited)
		if edited.Room.Level != "C1" || edited.Room.Feedback {
			t.Fatalf("after PATCH level: %+v", edited.Room)
		}
		c.must(http.StatusOK, "PATCH", base, map[string]any{"feedback": true, "title": "Tea"}).decode(t, &edited)
		if edited.Room.Level != "C1" || !edited.Room.Feedback || edited.Room.Title != "Tea" {
			t.Fatalf("after PATCH feedback: %+v", edited.Room)
		}

		for _, tt := range []struct {
			method, path string
			body         map[string]any
			field        string
		}{
			{"PATCH", base, map[string]any{"level": "B3"}, "level"},
			{"PATCH", base, map[string]any{"level": ""}, "level"},
			{"PATCH", base, map[string]any{"level": 2}, "level"},
			{"PATCH", base, map[string]any{"feedback": "yes"}, "feedback"},
			{"POST", "/api/v1/rooms", func() map[string]any { b := cafe(); b["level"] = "native"; return b }(), "level"},
		} {
			r := c.do(tt.method, tt.path, tt.body)
			if code, field := r.errorCode(); r.status != http.StatusBadRequest || code != "invalid" || field != tt.field {
				t.Errorf("%s %v: %d %s %s, want 400 invalid %s", tt.method, tt.body, r.status, code, field, tt.field)
			}
		}
		var reread api.RoomBody
		c.must(http.StatusOK, "GET", base, nil).decode(t, &reread)
		if reread.Room.Level != "C1" || !reread.Room.Feedback {
			t.Errorf("after the refused edits: %+v", reread.Room)
		}

		// Another user can neither see nor change them.
		other := ts.signup("eve")
		other.must(http.StatusNotFound, "PATCH", base, map[string]any{"level": "A1", "feedback": false})
	})
}

// GET /meta lists the levels, beginner first, with the default.
func TestMetaLevels(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		var meta api.MetaBody
		ts.anon().must(http.StatusOK, "GET", "/api/v1/meta", nil).decode(t, &meta)
		if want := []string{"A1", "A2", "B1", "B2", "C1", "C2"}; !slices.Equal(meta.Levels, want) || meta.DefaultLevel != string(engine.DefaultLevel) {
			t.Errorf("levels = %v, default %q; want %v, B1", meta.Levels, meta.DefaultLevel, want)
		}
	})
}
