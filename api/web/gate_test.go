package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/chatplay/chatplay/engine"
)

// gate holds the requests it matches, as a slow network or a busy server
// would, until the test opens it.
type gate struct {
	match   func(*http.Request) bool
	reached chan struct{} // closed when the first request waits at the gate
	open    chan struct{}
	once    sync.Once
}

func newGate(match func(*http.Request) bool) *gate {
	return &gate{match: match, reached: make(chan struct{}), open: make(chan struct{})}
}

// Open lets every held request, and every later one, through.
func (g *gate) Open() {
	select {
	case <-g.open:
	default:
		close(g.open)
	}
}

// gated wraps the server's handler so that requests matched by s.gate wait.
func (s *server) gated(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g := s.gate.Load(); g != nil && g.match(r) {
			g.once.Do(func() { close(g.reached) })
			select {
			case <-g.open:
			case <-r.Context().Done():
				return
			}
		}
		h.ServeHTTP(w, r)
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
	p.waitVisible("#messages[data-loaded=true]")
	if got := eval[[]string](p, `[...document.querySelectorAll("#messages li .msg__text")].map(e => e.textContent)`); strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Errorf("after a reload the chat shows\n  %q\nwant\n  %q", got, want)
	}
}
