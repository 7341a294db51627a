package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// stream posts body to path asking for an event stream, and returns the
// response with a parser over its body (closed with the test).
func (c *client) stream(path string, body any) (*http.Response, *sseReader) {
	c.ts.t.Helper()
	data, _ := json.Marshal(body)
	if body == nil {
		data = nil
	}
	req, err := http.NewRequestWithContext(ctx(c.ts.t), "POST", c.ts.srv.URL+path, bytes.NewReader(data))
	if err != nil {
		c.ts.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.ts.srv.Client().Do(req)
	if err != nil {
		c.ts.t.Fatal(err)
	}
	c.ts.t.Cleanup(func() { resp.Body.Close() })
	return resp, newSSEReader(resp.Body)
}

// readAll returns every event until the stream ends.
func readAll(t testing.TB, r *sseReader) []sseEvent {
	t.Helper()
	var evs []sseEvent
	for {
		ev, err := r.next()
		if err == io.EOF {
			return evs
		}
		if err != nil {
			t.Fatalf("event stream: %v", err)
		}
		evs = append(evs, ev)
	}
}

// messageOf decodes the message of a message/reply_started/reply event.
func messageOf(t testing.TB, ev sseEvent) *api.MessageResponse {
	t.Helper()
	var body struct {
		Message *api.MessageResponse `json:"message"`
	}
	if err := json.Unmarshal([]byte(ev.Data), &body); err != nil || body.Message == nil {
		t.Fatalf("%s event data %q: %v", ev.Event, ev.Data, err)
	}
	return body.Message
}

// The whole flow a web user goes through, through the real router.
func TestFullFlow(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		email := newEmail("flow")

		// Signup, then login.
		anon := ts.anon()
		r := anon.must(http.StatusCreated, "POST", "/api/v1/auth/signup", map[string]string{"email": strings.ToUpper(email), "password": testPassword, "display_name": "Mina"})
		for _, leak := range []string{"argon2", "password", "hash"} {
			if bytes.Contains(r.body, []byte(leak)) {
				t.Fatalf("signup response mentions %q: %s", leak, r.body)
			}
		}
		var auth api.AuthResponse
		r.decode(t, &auth)
		if auth.TokenType != "Bearer" || auth.ExpiresIn != 900 || auth.AccessToken == "" || auth.RefreshToken == "" || *auth.User.Email != email || auth.User.DisplayName != "Mina" {
			t.Fatalf("signup = %+v", auth)
		}
		anon.must(http.StatusConflict, "POST", "/api/v1/auth/signup", map[string]string{"email": email, "password": testPassword})
		c := ts.anon()
		c.signedIn(c.must(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": testPassword}))
		var me api.UserBody
		c.must(http.StatusOK, "GET", "/api/v1/auth/me", nil).decode(t, &me)
		if me.User.ID != auth.User.ID || bytes.Contains(c.do("GET", "/api/v1/auth/me", nil).body, []byte("argon2")) {
			t.Fatalf("me = %+v", me)
		}

		// Create a room and list it.
		room := c.newRoom()
		var list api.RoomList
		listed := c.must(http.StatusOK, "GET", "/api/v1/rooms", nil)
		if cc := listed.header.Get("Cache-Control"); cc != "no-store" {
			t.Fatalf("a user's rooms answered with Cache-Control %q, want no-store", cc)
		}
		listed.decode(t, &list)
		if len(list.Rooms) != 1 || list.Rooms[0].ID != room.ID || list.Rooms[0].Situation != "ordering coffee in a cafe in Seoul" {
			t.Fatalf("rooms = %+v", list)
		}
		base := fmt.Sprintf("/api/v1/rooms/%d", room.ID)

		// Chat, JSON.
		ts.fake.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요. ", "뭐 드릴까요?"}})
		var turn api.TurnResponse
		c.must(http.StatusCreated, "POST", base+"/messages", map[string]string{"content": "안녕하세요"}).decode(t, &turn)
		if turn.Message.Content != "안녕하세요" || turn.Message.Role != "user" || turn.Reply.Content != "어서 오세요. 뭐 드릴까요?" || turn.Reply.Status != "complete" {
			t.Fatalf("turn = %+v / %+v", turn.Message, turn.Reply)
		}

		// Chat, streamed.
		ts.fake.Enqueue(openaifake.Reply{Chunks: []string{"아메리카노 ", "한 잔 ", "나왔습니다."}})
		resp, sse := c.stream(base+"/messages", map[string]string{"content": "아메리카노 주세요"})
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		evs := readAll(t, sse)
		var kinds []string
		var text strings.Builder
		for _, ev := range evs {
			kinds = append(kinds, ev.Event)
			if ev.Event == "delta" {
				var d struct{ Text string }
				json.Unmarshal([]byte(ev.Data), &d)
				text.WriteString(d.Text)
			}
		}
		if got := strings.Join(kinds, ","); got != "message,reply_started,delta,delta,delta,reply" {
			t.Fatalf("events = %s", got)
		}
		if um := messageOf(t, evs[0]); um.Content != "아메리카노 주세요" || um.ID == 0 {
			t.Fatalf("user message event = %+v", um)
		}
		if p := messageOf(t, evs[1]); p.Status != "pending" {
			t.Fatalf("reply_started = %+v", p)
		}
		final := messageOf(t, evs[len(evs)-1])
		if final.Content != "아메리카노 한 잔 나왔습니다." || text.String() != final.Content || final.Status != "complete" {
			t.Fatalf("reply %q, deltas %q", final.Content, text.String())
		}

		// History, paged.
		msgs := c.history(room.ID)
		if len(msgs) != 4 || msgs[0].Content != "안녕하세요" || msgs[3].Content != final.Content {
			t.Fatalf("history = %d messages", len(msgs))
		}
		var page api.MessageList
		c.must(http.StatusOK, "GET", base+"/messages?limit=3", nil).decode(t, &page)
		if len(page.Messages) != 3 || page.NextCursor == "" || page.Messages[2].ID != msgs[3].ID {
			t.Fatalf("page 1 = %+v", page)
		}
		c.must(http.StatusOK, "GET", base+"/messages?limit=3&before="+page.NextCursor, nil).decode(t, &page)
		if len(page.Messages) != 1 || page.NextCursor != "" || page.Messages[0].ID != msgs[0].ID {
			t.Fatalf("page 2 = %+v", page)
		}

		// Edit.
		var edited api.RoomBody
		c.must(http.StatusOK, "PATCH", base, map[string]string{"title": "Cafe in Hongdae"}).decode(t, &edited)
		if edited.Room.Title != "Cafe in Hongdae" || edited.Room.BotRole != "barista" {
			t.Fatalf("edited = %+v", edited.Room)
		}

		// Regenerate the last reply, streamed.
		ts.fake.Enqueue(openaifake.Reply{Chunks: []string{"따뜻한 ", "아메리카노입니다."}})
		_, sse = c.stream(base+"/regenerate", nil)
		evs = readAll(t, sse)
		if evs[0].Event != "reply_started" || evs[len(evs)-1].Event != "reply" || messageOf(t, evs[len(evs)-1]).Content != "따뜻한 아메리카노입니다." {
			t.Fatalf("regenerate events = %+v", evs)
		}
		msgs = c.history(room.ID)
		if len(msgs) != 4 || msgs[3].Content != "따뜻한 아메리카노입니다." {
			t.Fatalf("after regenerate: %d messages, last %q", len(msgs), msgs[len(msgs)-1].Content)
		}

		// Usage shows the turns.
		var usage api.UsageBody
		c.must(http.StatusOK, "GET", "/api/v1/usage", nil).decode(t, &usage)
		if len(usage.Usage) != 1 || usage.Usage[0].Model != "test-model" || usage.Usage[0].Surface != "web" || usage.Usage[0].Kind != "reply" ||
			usage.Usage[0].Calls != 3 || usage.Usage[0].CompletionTokens == 0 {
			t.Fatalf("usage = %+v", usage)
		}

		// Reset, then the bot opens the scene in character.
		c.must(http.StatusNoContent, "POST", base+"/reset", nil)
		if msgs := c.history(room.ID); len(msgs) != 0 {
			t.Fatalf("after reset: %d messages", len(msgs))
		}
		ts.fake.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요!"}})
		var opened api.TurnResponse
		c.must(http.StatusCreated, "POST", base+"/open", nil).decode(t, &opened)
		if opened.Message != nil || opened.Reply.Content != "어서 오세요!" || opened.Reply.Role != "assistant" {
			t.Fatalf("open = %+v", opened)
		}
		if code, _ := c.must(http.StatusConflict, "POST", base+"/open", nil).errorCode(); code != "conflict" {
			t.Fatalf("opening twice: %s", code)
		}

		// Delete the room; then log out.
		c.must(http.StatusNoContent, "DELETE", base, nil)
		c.must(http.StatusNotFound, "GET", base, nil)
		c.must(http.StatusNoContent, "POST", "/api/v1/auth/logout", nil)
		c.must(http.StatusUnauthorized, "GET", "/api/v1/auth/me", nil)
		c.must(http.StatusUnauthorized, "POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": c.refresh})
	})
}

// Unknown API paths and bad ids answer in the envelope.
func TestErrorEnvelope(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("env")
		for _, tc := range []struct {
			method, path string
			body         any
			status       int
			code, field  string
		}{
			{"GET", "/api/v1/nothing", nil, 404, "not_found", ""},
			{"GET", "/api/v1/rooms/abc", nil, 404, "not_found", ""},
			{"GET", "/api/v1/rooms/-1", nil, 404, "not_found", ""},
			{"POST", "/api/v1/rooms", "{not json", 400, "bad_request", ""},
			{"POST", "/api/v1/rooms", map[string]any{"language": "ko", "situation": "x", "user_role": "a", "bot_role": "b", "owner_id": 7}, 400, "invalid", "owner_id"},
			{"POST", "/api/v1/rooms", map[string]any{"language": 5}, 400, "invalid", "language"},
			{"POST", "/api/v1/rooms", map[string]any{"language": "xx", "situation": "x", "user_role": "a", "bot_role": "b"}, 400, "invalid", "language"},
			{"POST", "/api/v1/rooms", map[string]any{"language": "ko", "user_role": "a", "bot_role": "b"}, 400, "invalid", "situation"},
			{"GET", "/api/v1/rooms?limit=many", nil, 400, "invalid", "limit"},
			{"GET", "/api/v1/rooms?cursor=zz", nil, 400, "invalid", "cursor"},
			{"GET", "/api/v1/usage?days=0", nil, 400, "invalid", "days"},
		} {
			r := c.do(tc.method, tc.path, tc.body)
			code, field := r.errorCode()
			if r.status != tc.status || code != tc.code || field != tc.field {
				t.Errorf("%s %s = %d %s, want %d %s field %q", tc.method, tc.path, r.status, r.body, tc.status, tc.code, tc.field)
			}
		}
	})
}
