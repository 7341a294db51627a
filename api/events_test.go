package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// watch opens GET /rooms/{id}/events, resuming after lastID when it is not
// "" (as the header, or as the query parameter with query).
func (c *client) watch(roomID int64, lastID string, query bool) (*http.Response, *sseReader) {
	c.ts.t.Helper()
	path := fmt.Sprintf("%s/api/v1/rooms/%d/events", c.ts.srv.URL, roomID)
	if lastID != "" && query {
		path += "?last_event_id=" + lastID
	}
	req, err := http.NewRequestWithContext(ctx(c.ts.t), "GET", path, nil)
	if err != nil {
		c.ts.t.Fatal(err)
	}
	if lastID != "" && !query {
		req.Header.Set("Last-Event-ID", lastID)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.ts.srv.Client().Do(req)
	if err != nil {
		c.ts.t.Fatal(err)
	}
	c.ts.t.Cleanup(func() { resp.Body.Close() })
	return resp, newSSEReader(resp.Body)
}

// readTo reads events until one named last (included).
func readTo(t testing.TB, r *sseReader, last string) []sseEvent {
	t.Helper()
	var evs []sseEvent
	for {
		ev, err := r.next()
		if err != nil {
			t.Fatalf("stream ended before %s, after %v: %v", last, evs, err)
		}
		evs = append(evs, ev)
		if ev.Event == last {
			return evs
		}
	}
}

// eventView is what a page shows of a room, from its events applied
// idempotently by message id.
type eventView struct {
	msgs     map[int64]string
	feedback map[int64]string
	lastID   int64
}

func newEventView() *eventView {
	return &eventView{msgs: map[int64]string{}, feedback: map[int64]string{}}
}

func (v *eventView) apply(t testing.TB, ev sseEvent) {
	t.Helper()
	if ev.Event != "delta" && ev.Event != "ready" && ev.ID != "" {
		id, err := strconv.ParseInt(ev.ID, 10, 64)
		if err != nil || id <= v.lastID {
			t.Fatalf("event %s id %q after %d: ids must grow", ev.Event, ev.ID, v.lastID)
		}
		v.lastID = id
	}
	var d struct {
		Message   *api.MessageResponse  `json:"message"`
		MessageID int64                 `json:"message_id"`
		Text      string                `json:"text"`
		Feedback  *api.FeedbackResponse `json:"feedback"`
	}
	if err := json.Unmarshal([]byte(ev.Data), &d); err != nil {
		t.Fatalf("%s data %s: %v", ev.Event, ev.Data, err)
	}
	switch ev.Event {
	case "message", "reply_started", "reply":
		v.msgs[d.Message.ID] = fmt.Sprintf("%s/%s/%s", d.Message.Role, d.Message.Status, d.Message.Content)
		if d.Message.Feedback != nil {
			v.feedback[d.Message.ID] = d.Message.Feedback.Status
		}
	case "delta":
		v.msgs[d.MessageID] += d.Text
	case "feedback":
		v.feedback[d.MessageID] = d.Feedback.Status
	}
}

func (v *eventView) String() string { return fmt.Sprintf("%v %v", v.msgs, v.feedback) }

// A turn played on one connection streams live into another: the learner's
// line, reply_started, the deltas and the reply, with ids on stored events;
// a failed reply arrives as reply with status failed and its error code.
func TestRoomEventsLiveTurn(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("watcher")
		room := c.newRoom()
		resp, sse := c.watch(room.ID, "", false)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("events = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if ready := readTo(t, sse, "ready"); len(ready) != 1 || ready[0].ID != "0" || ready[0].Data != `{"last_event_id":0}` {
			t.Fatalf("a new room's stream starts with %+v, want ready with id 0", ready)
		}
		hold := openaifake.NewHold()
		ts.fake.Enqueue(openaifake.Reply{Chunks: []string{"네, ", "알겠습니다."}, Hold: hold})
		_, turn := c.stream(fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), map[string]string{"content": "커피 주세요"})
		evs := readTo(t, sse, "reply_started")
		hold.Release()
		evs = append(evs, readTo(t, sse, "reply")...)
		readAll(t, turn)
		var names []string
		for _, ev := range evs {
			names = append(names, ev.Event)
		}
		if got := strings.Join(names, " "); got != "message reply_started delta delta reply" {
			t.Fatalf("events %s", got)
		}
		var reply struct{ Message api.MessageResponse }
		json.Unmarshal([]byte(evs[4].Data), &reply)
		if evs[0].ID != "1" || evs[1].ID != "2" || evs[4].ID != "3" || reply.Message.Content != "네, 알겠습니다." || reply.Message.Status != "complete" {
			t.Fatalf("ids %s %s %s, reply %+v", evs[0].ID, evs[1].ID, evs[4].ID, reply.Message)
		}
		if evs[2].Data != fmt.Sprintf(`{"message_id":%d,"text":"네, "}`, reply.Message.ID) || evs[2].ID != "3" && evs[2].ID != "2" {
			t.Fatalf("delta %+v", evs[2])
		}

		ts.fake.Enqueue(openaifake.Reply{Status: 400, ErrorMessage: "bad request"})
		c.do("POST", fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), map[string]string{"content": "또"})
		evs = readTo(t, sse, "reply")
		json.Unmarshal([]byte(evs[len(evs)-1].Data), &reply)
		if reply.Message.Status != "failed" || reply.Message.ErrorCode == "" {
			t.Fatalf("failed reply as %+v", reply.Message)
		}
	})
}

// A watcher that reconnects with the id of any event it saw (as the
// Last-Event-ID header or the last_event_id parameter) gets the stored
// events after it, replayed without gap or duplicate, even as the coach's
// writes race the next turn: it ends up showing what one that never left
// shows. Without an id, nothing is replayed.
func TestRoomEventsResume(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("resumer")
		var body api.RoomBody // feedback on: the coach writes beside each turn
		c.must(http.StatusCreated, "POST", "/api/v1/rooms", cafe()).decode(t, &body)
		room := body.Room
		_, live := c.watch(room.ID, "", false)
		readTo(t, live, "ready")
		const turns = 3
		for i := range turns {
			c.must(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), map[string]string{"content": fmt.Sprint("줄 ", i)})
		}
		// Wait until every line's feedback is settled on the live stream.
		var seen []sseEvent
		view := newEventView()
		settled := 0
		for settled < turns {
			ev := readTo(t, live, "feedback")
			seen = append(seen, ev...)
			for _, e := range ev {
				view.apply(t, e)
			}
			settled = 0
			for _, st := range view.feedback {
				if st != "pending" {
					settled++
				}
			}
		}
		// Every feedback is settled: the room's newest id is final. (A line
		// read after its feedback settled shows it settled before the
		// feedback's own event: read the live stream up to that id.)
		_, fresh := c.watch(room.ID, "", false)
		ready := readTo(t, fresh, "ready")
		head, _ := strconv.ParseInt(ready[0].ID, 10, 64)
		if len(ready) != 1 || head != 5*turns {
			t.Fatalf("without an id: %+v, want ready alone with id %d (5 events a turn)", ready, 5*turns)
		}
		for view.lastID < head {
			ev, err := live.next()
			if err != nil {
				t.Fatal(err)
			}
			seen = append(seen, ev)
			view.apply(t, ev)
		}
		want := view.String()
		for i, ev := range seen {
			if ev.Event == "delta" {
				continue
			}
			v := newEventView()
			for _, prev := range seen[:i+1] {
				v.apply(t, prev)
			}
			_, sse := c.watch(room.ID, ev.ID, i%2 == 0)
			for _, r := range readTo(t, sse, "ready") {
				v.apply(t, r)
			}
			if got := v.String(); got != want {
				t.Fatalf("resumed after %s: %s\nwant %s", ev.ID, got, want)
			}
		}
		if r := c.do("GET", fmt.Sprintf("/api/v1/rooms/%d/events?last_event_id=x", room.ID), nil); r.status != http.StatusBadRequest {
			t.Fatalf("a bad last_event_id: %d %s", r.status, r.body)
		}
	})
}

// Another user's room has no event stream: 404 not_found, no stream.
func TestRoomEventsOwnerOnly(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		alice, bob := ts.signup("alice"), ts.signup("bob")
		room := alice.newRoom()
		r := bob.do("GET", fmt.Sprintf("/api/v1/rooms/%d/events", room.ID), nil)
		if code, _ := r.errorCode(); r.status != http.StatusNotFound || code != "not_found" || strings.Contains(r.header.Get("Content-Type"), "event-stream") {
			t.Fatalf("bob's watch of alice's room = %d %s %s", r.status, r.header.Get("Content-Type"), r.body)
		}
		if r := ts.anon().do("GET", fmt.Sprintf("/api/v1/rooms/%d/events", room.ID), nil); r.status != http.StatusUnauthorized {
			t.Fatalf("anonymous watch = %d", r.status)
		}
	})
}

// stuckWriter is a ResponseWriter whose writes after the first few wait
// until released: a client that stopped reading.
type stuckWriter struct {
	header  http.Header
	mu      sync.Mutex
	buf     bytes.Buffer
	writes  int
	free    int           // writes let through before the writer is stuck
	first   chan struct{} // closed at the first write
	stuck   chan struct{} // closed when a write is stuck
	release chan struct{}
	once    sync.Once
}

func (w *stuckWriter) Header() http.Header { return w.header }
func (w *stuckWriter) WriteHeader(int)     {}
func (w *stuckWriter) Flush()              {}
func (w *stuckWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	w.writes++
	n := w.writes
	w.mu.Unlock()
	if n == 1 {
		close(w.first)
	}
	if n > w.free {
		w.once.Do(func() { close(w.stuck) })
		<-w.release
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(b)
}

// A watcher whose connection stops taking events while a long reply
// streams gets reload once it falls RoomWatchBuffer events behind, and its
// stream ends: what it missed is not kept for it, and the turn is not held.
func TestRoomEventsSlowWatcherReload(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("slow")
		room := c.newRoom()
		w := &stuckWriter{header: http.Header{}, free: 2, first: make(chan struct{}), stuck: make(chan struct{}), release: make(chan struct{})}
		guard, cancel := context.WithTimeout(context.Background(), time.Minute) // a hung test ends
		defer cancel()
		req, _ := http.NewRequestWithContext(guard, "GET", fmt.Sprintf("/api/v1/rooms/%d/events", room.ID), nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		served := make(chan struct{})
		go func() { defer close(served); ts.router.ServeHTTP(w, req) }()
		<-w.first // ready: the watch is on before the turn

		chunks := make([]string, engine.RoomWatchBuffer+1)
		for i := range chunks {
			chunks[i] = "가"
		}
		hold := openaifake.NewHold()
		ts.fake.Enqueue(openaifake.Reply{Chunks: chunks, Hold: hold})
		done := make(chan struct{})
		go func() {
			defer close(done)
			c.do("POST", fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), map[string]string{"content": "길게"})
		}()
		// ready and message are written; reply_started is stuck: the
		// watcher follows the reply from here but takes nothing more.
		<-w.stuck
		hold.Release()
		<-done
		close(w.release)
		<-served
		sse := newSSEReader(bytes.NewReader(w.buf.Bytes()))
		var names []string
		for {
			ev, err := sse.next()
			if err != nil {
				break
			}
			names = append(names, ev.Event)
		}
		if got := strings.Join(names, " "); got != "ready message reply_started reload" {
			t.Fatalf("a stuck watcher's stream: %s", got)
		}
	})
}
