package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

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
	p.waitLoaded()
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
	p.waitJS("the reply", fmt.Sprintf(`document.querySelector(%s)?.dataset.status === "complete"`, js(lastReply)))
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
