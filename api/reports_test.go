package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// The scripted scene: one learner line (with a line break and a tab in it)
// and the bot's reply. The words of the scripted report quote it.
const (
	sceneLine  = "라테 한 잔 주세요.\n와이파이\t비밀번호가 뭐예요?"
	sceneReply = "네, 손님. 영수증에 있어요."
)

// reportAnswer is a scripted report of the scene: its words have tabs and
// line breaks in them, for the TSV export to flatten.
func reportAnswer(summary string) openaifake.Reply {
	return openaifake.JSON(map[string]any{
		"summary": summary,
		"mistakes": []map[string]any{{"kind": "naturalness", "original": "한 잔 주세요", "better": "한 잔 부탁드려요",
			"explanation": "More polite at a counter."}},
		"vocabulary": []map[string]any{
			{"term": "라테", "meaning": "latte\tcoffee", "example": "라테 한 잔 주세요."},
			{"term": "한 잔", "meaning": "one cup", "example": "와이파이\t비밀번호가 뭐예요?"},
			{"term": "주세요", "meaning": "please give\nme", "example": "라테 한 잔 주세요.\n와이파이"},
			{"term": "비밀번호", "meaning": "password", "example": "비밀번호가 뭐예요?"},
			{"term": "영수증", "meaning": "receipt", "example": "영수증에 있어요."},
		},
		"next_steps": []string{"Practise polite requests."},
	})
}

// playScene creates a room of c with two goals and plays one turn in it.
func playScene(t *testing.T, ts *testServer, c *client) api.RoomResponse {
	t.Helper()
	in := cafe()
	in["title"] = "Café"
	in["goals"] = []string{"Order a latte", "Ask for the Wi-Fi password"}
	var body api.RoomBody
	c.must(http.StatusCreated, "POST", "/api/v1/rooms", in).decode(t, &body)
	ts.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": sceneLine, "items": []any{}, "note": "",
		"achieved_goals": []int64{body.Room.Goals[0].ID}}))
	ts.fake.Enqueue(openaifake.Reply{Chunks: []string{sceneReply}})
	// Streamed: the stream ends once the coach has stored the goal.
	_, sse := c.stream(fmt.Sprintf("/api/v1/rooms/%d/messages", body.Room.ID), map[string]string{"content": sceneLine})
	if evs := readAll(t, sse); evs[len(evs)-1].Event != "goals" {
		t.Fatalf("the turn ended with %+v", evs[len(evs)-1])
	}
	return body.Room
}

// endScene ends room's scene with a scripted report and returns it.
func endScene(t *testing.T, ts *testServer, c *client, roomID int64, summary string) api.ReportResponse {
	t.Helper()
	ts.fake.EnqueueKind(reportKind, reportAnswer(summary))
	var body api.ReportBody
	r := c.must(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/rooms/%d/end", roomID), nil)
	r.decode(t, &body)
	if loc := r.header.Get("Location"); loc != fmt.Sprintf("/api/v1/reports/%d", body.Report.ID) {
		t.Errorf("Location = %q", loc)
	}
	return body.Report
}

// reportKind is the ledger kind (the schema's name) of the report's call.
const reportKind = "report"

// POST /rooms/{id}/end answers the stored report in the documented shape;
// GET /reports/{id} finds it again and GET /reports lists it. Another user
// gets 404 for the room and the report and sees nothing of it in their
// lists; a scene without a learner line cannot end.
func TestEndSceneAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("ender")
		room := playScene(t, ts, c)
		rep := endScene(t, ts, c, room.ID, "You ordered a latte.")
		if rep.ID == 0 || rep.RoomID == nil || *rep.RoomID != room.ID || rep.ScenarioID != nil || rep.Scene != "Café" ||
			rep.Summary != "You ordered a latte." || len(rep.Goals) != 2 || !rep.Goals[0].Achieved || rep.Goals[1].Achieved ||
			rep.Goals[0].Text != "Order a latte" || len(rep.Mistakes) != 1 || rep.Mistakes[0].Better != "한 잔 부탁드려요" ||
			len(rep.Vocabulary) != 5 || len(rep.NextSteps) != 1 || rep.CreatedAt.IsZero() {
			t.Fatalf("report = %+v", rep)
		}
		raw := string(c.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/reports/%d", rep.ID), nil).body)
		for _, want := range []string{`"report":{"id":`, `"room_id":`, `"scenario_id":null`, `"goals":[{"text":"Order a latte","achieved":true}`,
			`"mistakes":[{"kind":"naturalness","original":"한 잔 주세요","better":"한 잔 부탁드려요","explanation":`,
			`"vocabulary":[{"term":"라테","meaning":"latte\tcoffee","example":`, `"next_steps":["Practise polite requests."]`, `"created_at":`} {
			if !strings.Contains(raw, want) {
				t.Errorf("GET /reports/{id} lacks %s:\n%s", want, raw)
			}
		}
		var list api.ReportList
		c.must(http.StatusOK, "GET", "/api/v1/reports", nil).decode(t, &list)
		if len(list.Reports) != 1 || list.Reports[0].ID != rep.ID || list.NextCursor != "" {
			t.Fatalf("reports = %+v", list)
		}

		// BOLA: another user.
		other := ts.signup("other")
		for _, r := range []struct{ method, path string }{
			{"POST", fmt.Sprintf("/api/v1/rooms/%d/end", room.ID)},
			{"GET", fmt.Sprintf("/api/v1/reports/%d", rep.ID)},
		} {
			if code, _ := other.must(http.StatusNotFound, r.method, r.path, nil).errorCode(); code != "not_found" {
				t.Errorf("%s %s by another user: %s", r.method, r.path, code)
			}
		}
		var theirs api.ReportList
		other.must(http.StatusOK, "GET", "/api/v1/reports", nil).decode(t, &theirs)
		var words api.VocabularyList
		other.must(http.StatusOK, "GET", "/api/v1/vocabulary", nil).decode(t, &words)
		if len(theirs.Reports) != 0 || len(words.Vocabulary) != 0 {
			t.Errorf("another user's lists: %+v, %+v", theirs, words)
		}
		if tsv := other.must(http.StatusOK, "GET", "/api/v1/vocabulary?format=tsv", nil).body; len(tsv) != 0 {
			t.Errorf("another user's TSV: %q", tsv)
		}
		c.must(http.StatusNotFound, "GET", "/api/v1/reports/999999", nil)
		c.must(http.StatusNotFound, "GET", "/api/v1/reports/x", nil)

		// An empty scene cannot end.
		empty := c.newRoom()
		r := c.must(http.StatusBadRequest, "POST", fmt.Sprintf("/api/v1/rooms/%d/end", empty.ID), nil)
		var e struct {
			Error struct{ Code, Reason string }
		}
		r.decode(t, &e)
		if e.Error.Code != "invalid" || e.Error.Reason != "empty_scene" {
			t.Errorf("ending an empty scene: %+v", e)
		}
	})
}

// GET /reports pages newest first with the rooms' cursor; GET /vocabulary
// pages the words with their scene.
func TestReportsAndVocabularyPages(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("pages")
		room := playScene(t, ts, c)
		var ids []int64
		for i := range 3 {
			ids = append(ids, endScene(t, ts, c, room.ID, fmt.Sprintf("Report %d.", i)).ID)
		}
		var p1, p2 api.ReportList
		c.must(http.StatusOK, "GET", "/api/v1/reports?limit=2", nil).decode(t, &p1)
		if len(p1.Reports) != 2 || p1.Reports[0].ID != ids[2] || p1.Reports[1].ID != ids[1] || p1.NextCursor == "" {
			t.Fatalf("first page = %+v", p1)
		}
		c.must(http.StatusOK, "GET", "/api/v1/reports?limit=2&cursor="+p1.NextCursor, nil).decode(t, &p2)
		if len(p2.Reports) != 1 || p2.Reports[0].ID != ids[0] || p2.NextCursor != "" {
			t.Fatalf("second page = %+v", p2)
		}

		var seen []api.VocabularyEntryResponse
		cursor := ""
		for range 10 {
			var page api.VocabularyList
			c.must(http.StatusOK, "GET", "/api/v1/vocabulary?limit=4&cursor="+cursor, nil).decode(t, &page)
			if len(page.Vocabulary) > 4 {
				t.Fatalf("a page of %d words, limit 4", len(page.Vocabulary))
			}
			seen = append(seen, page.Vocabulary...)
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if len(seen) != 15 || seen[0].ReportID != ids[2] || seen[14].ReportID != ids[0] || seen[0].Term != "라테" ||
			seen[0].Scene != "Café" || seen[0].RoomID == nil || *seen[0].RoomID != room.ID || seen[0].CreatedAt.IsZero() {
			t.Fatalf("vocabulary (%d words): first %+v, last %+v", len(seen), seen[0], seen[len(seen)-1])
		}
		c.must(http.StatusBadRequest, "GET", "/api/v1/vocabulary?format=csv", nil)
	})
}

// GET /vocabulary?format=tsv is the whole list as an attachment, one word a
// line: term TAB meaning TAB example, the tabs and line breaks inside a
// field turned into spaces. It reads every page of the list (here pages of
// 3 words: the engine's largest).
func TestVocabularyTSV(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db, func(ecfg *engine.Config, _ *api.Config) { ecfg.Limits.MaxPageSize = 3 })
		c := ts.signup("anki")
		room := playScene(t, ts, c)
		endScene(t, ts, c, room.ID, "First.")
		endScene(t, ts, c, room.ID, "Second.")
		r := c.must(http.StatusOK, "GET", "/api/v1/vocabulary?format=tsv&limit=1", nil)
		if ct := r.header.Get("Content-Type"); ct != "text/tab-separated-values; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="chatplay-vocabulary.tsv"` {
			t.Errorf("Content-Disposition = %q", cd)
		}
		want := "라테\tlatte coffee\t라테 한 잔 주세요.\n" +
			"한 잔\tone cup\t와이파이 비밀번호가 뭐예요?\n" +
			"주세요\tplease give me\t라테 한 잔 주세요. 와이파이\n" +
			"비밀번호\tpassword\t비밀번호가 뭐예요?\n" +
			"영수증\treceipt\t영수증에 있어요.\n"
		if got := string(r.body); got != want+want {
			t.Fatalf("TSV (both reports, every page):\n%q\nwant\n%q", got, want+want)
		}
	})
}
