package web_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
)

// gate holds the requests it matches, as a slow network or a busy server
// would, until the test opens it: before they are served, or, for a late
// gate, after (the server reads at once, the answer arrives when the gate
// opens, older than what happened meanwhile).
type gate struct {
	match   func(*http.Request) bool
	late    bool
	reached chan struct{} // closed when the first request waits at the gate (a late gate's, once served)
	open    chan struct{}
	once    sync.Once
}

func newGate(match func(*http.Request) bool) *gate {
	return &gate{match: match, reached: make(chan struct{}), open: make(chan struct{})}
}

// newLateGate makes a gate that holds the answers of the requests it
// matches, not the requests.
func newLateGate(match func(*http.Request) bool) *gate {
	g := newGate(match)
	g.late = true
	return g
}

// Open lets every held request, and every later one, through.
func (g *gate) Open() {
	select {
	case <-g.open:
	default:
		close(g.open)
	}
}

// gated wraps the server's handler so that requests matched by s.gate wait
// (or, at a late gate, their answers).
func (s *server) gated(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g := s.gate.Load()
		if g == nil || !g.match(r) {
			h.ServeHTTP(w, r)
			return
		}
		var rec *httptest.ResponseRecorder
		if g.late { // served now, answered when the gate opens
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, r)
		}
		g.once.Do(func() { close(g.reached) })
		select {
		case <-g.open:
		case <-r.Context().Done():
			return
		}
		if rec == nil {
			h.ServeHTTP(w, r)
			return
		}
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
}

// A line sent while the room's history is still loading ends below that
// history, where it belongs, not above it.
func testSendBeforeHistory(t *testing.T, browser context.Context, srv *server) {
	u := srv.signup("quick")
	room, err := srv.eng.CreateRoom(context.Background(), u.id, engine.RoomInput{Language: "en",
		Situation: "a bakery", UserRole: "customer", BotRole: "baker"})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, line := range []string{"Good morning", "Any bread today?"} {
		if _, err := srv.eng.SendMessage(context.Background(), engine.TurnInput{UserID: u.id, RoomID: room.ID,
			Content: line, Source: engine.SourceWeb}, nil); err != nil {
			t.Fatal(err)
		}
		want = append(want, line, "echo: "+line)
	}
	p := newTab(t, browser, srv)
	p.login(u.email)

	history := fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID)
	g := newGate(func(r *http.Request) bool { return r.Method == http.MethodGet && r.URL.Path == history })
	srv.gate.Store(g)
	defer g.Open()
	p.open(fmt.Sprintf("/#/rooms/%d", room.ID))
	select {
	case <-g.reached:
	case <-time.After(stepTimeout):
		t.Fatal("the chat page did not ask for the history")
	}
	p.waitVisible("#chat-input")
	p.fill("#chat-input", "A baguette, please")
	p.do(chromedp.SendKeys(chromedp.CSS("#chat-input"), kb.Enter))
	p.waitJS("the line shown as sent", `[...document.querySelectorAll("#messages li .msg__text")].some(e => e.textContent === "A baguette, please")`)
	g.Open()

	want = append(want, "A baguette, please", "echo: A baguette, please")
	p.waitJS("the reply", `document.querySelector("#messages[data-loaded=true]") !== null && `+
		`[...document.querySelectorAll("#messages li")].some(e => e.dataset.status === "complete" && e.textContent.includes("echo: A baguette"))`)
	got := eval[[]string](p, `[...document.querySelectorAll("#messages li .msg__text")].map(e => e.textContent)`)
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Errorf("the chat shows\n  %q\nwant\n  %q", got, want)
	}
	p.reload()
	p.waitLive()
	if got := eval[[]string](p, `[...document.querySelectorAll("#messages li .msg__text")].map(e => e.textContent)`); strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Errorf("after a reload the chat shows\n  %q\nwant\n  %q", got, want)
	}
}

// A reset while the page reads the history again (after its regeneration):
// the answer of that read, older than the reset, never brings the reset
// conversation back, not even for a moment.
func testResetWhileRereading(t *testing.T, browser context.Context, srv *server) {
	u := srv.signup("reread")
	room := srv.practiceRoom(u, engine.RoomInput{Title: "카페", Language: "ko", Situation: "서울의 작은 카페",
		UserRole: "손님", BotRole: "바리스타", Goals: []string{"Order a latte"}, Feedback: new(bool)})
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요."}})
	if _, err := srv.eng.SendMessage(context.Background(), engine.TurnInput{UserID: u.id, RoomID: room.ID,
		Content: "안녕하세요.", Source: engine.SourceWeb}, nil); err != nil {
		t.Fatal(err)
	}
	p := newTab(t, browser, srv)
	p.login(u.email)
	p.open(fmt.Sprintf("/#/rooms/%d", room.ID))
	p.waitLive()

	// The regeneration makes the page read the history again (its watch is
	// told to reload); that read is served at once, its answer held.
	history := fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID)
	g := newLateGate(func(r *http.Request) bool { return r.Method == http.MethodGet && r.URL.Path == history })
	srv.gate.Store(g)
	defer g.Open()
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"네, ", "손님."}})
	p.click("#chat-regenerate")
	p.waitJS("the new reply", fmt.Sprintf(`document.querySelector(%s)?.dataset.status === "complete" && `+
		`document.querySelector(%[1]s).textContent.includes("네, 손님.")`, js(lastReply)))
	select {
	case <-g.reached:
	case <-time.After(stepTimeout):
		t.Fatal("the page did not read the history again after the regeneration")
	}

	// Reset, while that answer is on its way.
	p.click("#chat-reset")
	p.click("#chat-reset-yes")
	p.waitVisible("#chat-empty")
	eval[chromedp.Void](p, `window.__shown = [];
		new MutationObserver((records) => { for (const r of records) for (const n of r.addedNodes) __shown.push(n.textContent); })
			.observe(document.querySelector("#messages"), { childList: true });
		document.querySelector("#goals-list li").dataset.before = "answer"`)
	g.Open()
	// The answer has come once the goals, which it brings too, are drawn again.
	p.waitJS("the held answer applied", `document.querySelector("#goals-list li:not([data-before])") !== null`)
	p.waitLive()
	if shown := eval[[]string](p, `window.__shown`); len(shown) != 0 {
		t.Errorf("after the reset the page showed again %q", shown)
	}
	p.waitVisible("#chat-empty")
	if n := p.count("#messages li"); n != 0 {
		t.Errorf("%d messages shown after the reset", n)
	}
}
