package web_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
)

// sourcesJS lists the chat page's messages as "text|source|title|aria-label".
const sourcesJS = `[...document.querySelectorAll("#messages li")].map((li) => { const s = li.querySelector(".msg__source"); ` +
	`return [li.querySelector(".msg__text").textContent, s.hidden ? "" : s.dataset.source, s.title, s.getAttribute("aria-label") || ""].join("|"); })`

// testMessageSources: each message shows, discreetly, the surface it came
// through (a sign with a title and an accessible name), from history and
// for a line just sent.
func testMessageSources(t *testing.T, browser context.Context, srv *server) {
	u := srv.signup("sources")
	room := srv.practiceRoom(u, engine.RoomInput{Feedback: new(bool)})
	for _, turn := range []struct {
		line   string
		source engine.Source
	}{{"웹에서 안녕", engine.SourceWeb}, {"텔레그램에서 안녕", engine.SourceTelegram}, {"디스코드에서 안녕", engine.SourceDiscord}} {
		if _, err := srv.eng.SendMessage(context.Background(), engine.TurnInput{UserID: u.id, RoomID: room.ID, Content: turn.line, Source: turn.source}, nil); err != nil {
			t.Fatal(err)
		}
	}
	p := newTab(t, browser, srv)
	p.login(u.email)
	p.open(fmt.Sprintf("/#/rooms/%d", room.ID))
	p.waitLive()
	want := []string{
		"웹에서 안녕|web|Sent on the web|Sent on the web", "echo: 웹에서 안녕|web|Sent on the web|Sent on the web",
		"텔레그램에서 안녕|telegram|Sent in Telegram|Sent in Telegram", "echo: 텔레그램에서 안녕|telegram|Sent in Telegram|Sent in Telegram",
		"디스코드에서 안녕|discord|Sent in Discord|Sent in Discord", "echo: 디스코드에서 안녕|discord|Sent in Discord|Sent in Discord",
	}
	if got := eval[[]string](p, sourcesJS); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("sources shown:\n  %q\nwant\n  %q", got, want)
	}
	if got := p.text(lastReply + " .msg__who"); got != "바리스타" {
		t.Errorf("the bot's role shows %q beside its sign", got)
	}

	// A line sent here is from the web, before and after it is stored.
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"네."}})
	p.fill("#chat-input", "여기서 안녕")
	p.click("#chat-send")
	// The reply before it was complete too: only its text tells the new one.
	p.waitJS("the reply", fmt.Sprintf(`(() => { const e = document.querySelector(%s); `+
		`return e?.dataset.status === "complete" && e.querySelector(".msg__text").textContent === "네."; })()`, js(lastReply)))
	got := eval[[]string](p, sourcesJS)
	if len(got) != 8 || got[6] != "여기서 안녕|web|Sent on the web|Sent on the web" || got[7] != "네.|web|Sent on the web|Sent on the web" {
		t.Errorf("after a turn here: %q", got)
	}
	p.choose("#lang-select", "ja")
	p.waitJS("the sign named in Japanese", `document.querySelector("#messages li:nth-child(3) .msg__source")?.title === "Telegram から送信"`)
}

// testRoomWatch runs the cases of testdata/room_watch.js against the chat
// page's live events client (static/js/roomwatch.js), in the browser, on
// fake streams: events in order, deltas of unknown replies dropped,
// resuming from the last id after a backoff, reload, a room gone.
func testRoomWatch(t *testing.T, browser context.Context, srv *server) {
	src, err := os.ReadFile(filepath.Join("testdata", "room_watch.js"))
	if err != nil {
		t.Fatal(err)
	}
	p := newTab(t, browser, srv)
	p.open("/#/login")
	p.waitVisible("#login-form")
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	failures, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](string(src), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range failures {
		t.Error(f)
	}
}

// waitLive waits until the chat page has its history (in an empty room the
// list is there but hidden), follows the room and is busy with nothing: no
// turn, no reply being written, no re-read of the history on its way (which
// would replace the older pages loaded, and which a test that then holds
// the history would hold).
func (p *tab) waitLive() {
	p.t.Helper()
	p.waitJS("the live history", `document.querySelector("#messages[data-loaded=true][data-live=true][aria-busy=false]") !== null`)
}

// messagesJS lists the chat page's messages as "status|source|text".
const messagesJS = `[...document.querySelectorAll("#messages li")].map((li) => ` +
	`[li.dataset.status, li.querySelector(".msg__source").dataset.source, li.querySelector(".msg__text").textContent].join("|"))`

// testLiveTurn: a turn played on another surface (Telegram, through the
// engine as the bot does) streams into the open page as it is written, with
// its source, and its feedback marker follows; the page's own turn, which
// its POST stream and the watch both deliver, shows once; a regeneration
// and a reset elsewhere make the page re-read the history.
func testLiveTurn(t *testing.T, browser context.Context, srv *server) {
	u := srv.signup("live")
	room := srv.practiceRoom(u, engine.RoomInput{})
	p := newTab(t, browser, srv)
	p.login(u.email)
	p.open(fmt.Sprintf("/#/rooms/%d", room.ID))
	p.waitLive()

	// From here the history is held: whatever the page shows comes from the
	// live events.
	history := fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID)
	g := newGate(func(r *http.Request) bool { return r.Method == http.MethodGet && r.URL.Path == history })
	srv.gate.Store(g)
	defer g.Open()

	hold := openaifake.NewHold()
	defer hold.Release()
	srv.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": "빵 있어요?", "items": []any{}, "note": ""}))
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"네, ", "갓 구운 ", "빵이 있어요."}, Hold: hold, HoldAfter: 2})
	done := make(chan error, 1)
	go func() {
		res, err := srv.eng.SendMessage(context.Background(), engine.TurnInput{UserID: u.id, RoomID: room.ID, Content: "빵 있어요?", Source: engine.SourceTelegram}, nil)
		if err == nil {
			res.WaitFeedback(context.Background())
		}
		done <- err
	}()
	select {
	case <-hold.Reached():
	case <-time.After(stepTimeout):
		t.Fatal("the model was never called")
	}
	p.waitJS("the reply so far", fmt.Sprintf(`JSON.stringify(%s) === %s`, messagesJS, js(`["complete|telegram|빵 있어요?","pending|telegram|네, 갓 구운 "]`)))
	if !eval[bool](p, `document.querySelector("#chat-send").disabled`) {
		t.Error("Send is enabled while a reply is written in Telegram")
	}
	hold.Release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	p.waitJS("the whole reply", fmt.Sprintf(`JSON.stringify(%s) === %s`, messagesJS, js(`["complete|telegram|빵 있어요?","complete|telegram|네, 갓 구운 빵이 있어요."]`)))
	p.waitJS("the feedback marker, from the events", fmt.Sprintf(`document.querySelector(%s)?.dataset.state === "fine"`, js("#messages li.msg--user .fb-marker")))
	p.waitJS("Send enabled", `!document.querySelector("#chat-send").disabled`)

	// The page's own turn: its stream and the watch both bring it; once.
	srv.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": "하나 주세요.", "items": []any{}, "note": ""}))
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"여기 ", "있습니다."}})
	p.fill("#chat-input", "하나 주세요.")
	p.click("#chat-send")
	// The line before it was fine too: only its text tells the new one.
	p.waitJS("the own turn's feedback", fmt.Sprintf(`(() => { const e = document.querySelector(%s); `+
		`return e?.querySelector(".msg__text").textContent === "하나 주세요." && e.querySelector(".fb-marker").dataset.state === "fine"; })()`, js(lastLine)))
	// A third turn elsewhere: by the time it shows, every event of the
	// page's own turn has been applied.
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"또 오세요."}})
	srv.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": "안녕히 계세요.", "items": []any{}, "note": ""}))
	if _, err := srv.eng.SendMessage(context.Background(), engine.TurnInput{UserID: u.id, RoomID: room.ID, Content: "안녕히 계세요.", Source: engine.SourceDiscord}, nil); err != nil {
		t.Fatal(err)
	}
	want := `["complete|telegram|빵 있어요?","complete|telegram|네, 갓 구운 빵이 있어요.","complete|web|하나 주세요.","complete|web|여기 있습니다.",` +
		`"complete|discord|안녕히 계세요.","complete|discord|또 오세요."]`
	p.waitJS("every turn once, in order", fmt.Sprintf(`JSON.stringify(%s) === %s`, messagesJS, js(want)))

	// A regeneration elsewhere: the page re-reads the history, with the new
	// reply in place of the old; a correction the learner opened stays open.
	g.Open()
	first := "#messages li.msg--user:first-child"
	p.click(first + " .fb-marker")
	p.waitVisible(first + " .fb-panel")
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"다음에 ", "또 오세요!"}})
	if _, err := srv.eng.Regenerate(context.Background(), u.id, room.ID, engine.SourceDiscord, nil); err != nil {
		t.Fatal(err)
	}
	want = strings.Replace(want, "complete|discord|또 오세요.", "complete|discord|다음에 또 오세요!", 1)
	p.waitJS("the regenerated reply in place of the old", fmt.Sprintf(`JSON.stringify(%s) === %s`, messagesJS, js(want)))
	p.waitLive()
	if !eval[bool](p, fmt.Sprintf(`(() => { const e = document.querySelector(%s); return !!e && !e.hidden; })()`, js(first+" .fb-panel"))) {
		t.Error("the correction the learner opened closed when the page read the history again")
	}

	// A reset elsewhere: the page re-reads the history (an empty room).
	if err := srv.eng.ResetRoom(context.Background(), u.id, room.ID); err != nil {
		t.Fatal(err)
	}
	p.waitVisible("#chat-empty")
	if n := p.count("#messages li"); n != 0 {
		t.Errorf("%d messages shown after a reset elsewhere", n)
	}
}
