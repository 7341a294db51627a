package web_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
)

// Payloads that run script if a page ever renders data as HTML.
const (
	imgPayload    = `<img src=x onerror=window.__pwned=1>`
	scriptPayload = `<script>window.__pwned=2</script>`
	replyPayload  = `<img src=x onerror=window.__pwned=3><b>bold</b>`
)

// noMarkup fails the test if the page ever ran a payload or turned one into
// elements.
func noMarkup(t *testing.T, p *tab) {
	t.Helper()
	if pwned := eval[bool](p, `typeof window.__pwned !== "undefined"`); pwned {
		t.Error("a payload ran: window.__pwned is set")
	}
	if n := p.count("#app img, #app script, #app b, #topbar img"); n != 0 {
		t.Errorf("%d elements made from data (img, script, b) on the page", n)
	}
}

// testXSS puts payloads in every room field and in a model reply: they show
// as text, literally, and nothing runs.
func testXSS(t *testing.T, browser context.Context, srv *server) {
	u := srv.signup("xss", imgPayload)
	p := newTab(t, browser, srv)
	p.login(u.email)
	p.waitText(".nav-user", imgPayload)

	p.click("#rooms-new")
	p.click("#scenarios-custom")
	p.waitVisible("#room-form")
	p.fill("#room-situation", scriptPayload)
	p.fill("#room-user-role", imgPayload)
	p.fill("#room-bot-role", scriptPayload)
	p.fill("#room-title", imgPayload)
	p.click("#room-submit")
	p.waitText("#room-name", imgPayload)
	for sel, want := range map[string]string{
		"#room-name": imgPayload, "#room-situation": scriptPayload,
		"#room-user-role": imgPayload, "#room-bot-role": scriptPayload,
	} {
		if got := p.text(sel); got != want {
			t.Errorf("%s shows %q, want the literal %q", sel, got, want)
		}
	}

	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{`<img src=x `, `onerror=window.__pwned=3>`, `<b>bold</b>`}})
	p.fill("#chat-input", scriptPayload)
	p.click("#chat-send")
	p.waitJS("the reply", fmt.Sprintf(`document.querySelector(%s)?.dataset.status === "complete"`, js(lastReply)))
	for sel, want := range map[string]string{
		"#messages li.msg--user .msg__text": scriptPayload,
		lastReply + " .msg__text":           replyPayload,
		lastReply + " .msg__who":            scriptPayload,
	} {
		if got := p.text(sel); got != want {
			t.Errorf("%s shows %q, want the literal %q", sel, got, want)
		}
	}
	noMarkup(t, p)

	// The same from history, and in the room list.
	p.reload()
	p.waitLive()
	if got := p.text(lastReply + " .msg__text"); got != replyPayload {
		t.Errorf("from history the reply shows %q", got)
	}
	noMarkup(t, p)
	p.open("/#/rooms")
	p.waitText("#room-list .room-title", imgPayload)
	p.waitText("#room-list .room-situation", scriptPayload)
	noMarkup(t, p)
}

// testOtherUsersRoom: a second user sees nothing of the first user's room,
// neither in the list nor by its address.
func testOtherUsersRoom(t *testing.T, browser context.Context, srv *server) {
	owner := srv.signup("owner")
	const secret = "the owner's secret situation"
	var created struct {
		Room struct {
			ID int64 `json:"id"`
		} `json:"room"`
	}
	srv.call(owner.token, "POST", "/api/v1/rooms", map[string]string{"title": "Owner's room", "language": "en",
		"situation": secret, "user_role": "spy", "bot_role": "handler"}, http.StatusCreated, &created)
	id := created.Room.ID

	other := srv.signup("other")
	p := newTab(t, browser, srv)
	p.login(other.email)
	p.waitVisible("#rooms-empty")
	p.notContains("Owner's room")

	for _, route := range []string{fmt.Sprintf("/#/rooms/%d", id), fmt.Sprintf("/#/rooms/%d/edit", id)} {
		p.open(route)
		p.waitText("#room-error", "This room does not exist.")
		p.notContains(secret)
		p.notContains("Owner's room")
		if p.count("#messages, #room-form, #composer") != 0 {
			t.Errorf("%s shows the chat or the form of another user's room", route)
		}
	}

	// The owner still has it, unchanged.
	room, err := srv.eng.FindRoom(context.Background(), owner.id, id)
	if err != nil || room.Situation != secret {
		t.Errorf("the owner's room after the other user's visit: %+v, %v", room, err)
	}
}

// testOlderHistory: the chat page shows the newest page of a long history
// and loads the older messages when scrolled to the top.
func testOlderHistory(t *testing.T, browser context.Context, srv *server) {
	u := srv.signup("long")
	room, err := srv.eng.CreateRoom(context.Background(), u.id, engine.RoomInput{Title: "Long talk", Language: "en",
		Situation: "a long chat", UserRole: "student", BotRole: "teacher"})
	if err != nil {
		t.Fatal(err)
	}
	const turns = 25 // 50 messages: more than one page of 30
	for i := 1; i <= turns; i++ {
		if _, err := srv.eng.SendMessage(context.Background(), engine.TurnInput{UserID: u.id, RoomID: room.ID,
			Content: fmt.Sprintf("line %02d", i), Source: engine.SourceWeb}, nil); err != nil {
			t.Fatal(err)
		}
	}
	p := newTab(t, browser, srv)
	p.login(u.email)
	p.open(fmt.Sprintf("/#/rooms/%d", room.ID))
	p.waitLive()
	if got := p.count("#messages li"); got != 30 {
		t.Fatalf("%d messages shown at first, want the newest 30", got)
	}
	if got := p.text(lastReply + " .msg__text"); got != "echo: line 25" {
		t.Errorf("the newest message shows %q", got)
	}
	if !eval[bool](p, `(() => { const s = document.querySelector("#chat-scroll"); return s.scrollHeight - s.scrollTop - s.clientHeight < 2; })()`) {
		t.Error("the chat does not open at its newest message")
	}
	p.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("#chat-scroll").scrollTop = 0`))
	p.waitJS("all 50 messages", `document.querySelectorAll("#messages li").length === 50`)
	if got := p.text("#messages li:first-child .msg__text"); got != "line 01" {
		t.Errorf("the oldest message shows %q, want line 01", got)
	}
	texts := eval[[]string](p, `[...document.querySelectorAll("#messages li .msg__text")].map(e => e.textContent)`)
	for i := 1; i <= turns; i++ {
		if texts[2*i-2] != fmt.Sprintf("line %02d", i) || !strings.HasSuffix(texts[2*i-1], fmt.Sprintf("line %02d", i)) {
			t.Fatalf("messages out of order at turn %d: %q, %q", i, texts[2*i-2], texts[2*i-1])
		}
	}
}

// testLanguages: the interface follows the browser's language, switches to
// Korean and Japanese, and remembers the choice across reloads.
func testLanguages(t *testing.T, browser context.Context, srv *server) {
	p := newTab(t, browser, srv)
	p.open("/#/login")
	p.waitText("#page-title", "Log in") // the browser speaks en-US

	p.choose("#lang-select", "ko")
	p.waitText("#page-title", "로그인")
	p.waitText("#nav-register", "회원가입")
	p.reload()
	p.waitText("#page-title", "로그인")
	if got := eval[string](p, `document.documentElement.lang`); got != "ko" {
		t.Errorf("html lang = %q after reload, want ko", got)
	}

	p.choose("#lang-select", "ja")
	p.waitText("#page-title", "ログイン")
	if got := eval[string](p, `localStorage.getItem("chatplay.lang")`); got != "ja" {
		t.Errorf("remembered language = %q, want ja", got)
	}
	p.open("/#/register")
	p.waitText("#page-title", "アカウント作成")
	p.reload()
	p.waitText("#page-title", "アカウント作成")
	p.waitText("label[for=register-email]", "メールアドレス")

	// The API's errors are explained in it, by code and reason.
	u := srv.signup("yuki")
	p.fill("#register-email", u.email)
	p.fill("#register-password", testPassword)
	p.click("#register-submit")
	p.waitText("#register-form .alert", "このメールアドレスのアカウントはすでにあります。")

	// Signed in, the pages speak it too.
	p.login(u.email)
	p.waitText("#page-title", "マイルーム")
	p.waitText("#rooms-empty", "ルームはまだありません")
	p.choose("#lang-select", "ko")
	p.waitText("#page-title", "내 방")
	p.waitText("#logout", "로그아웃")

	// A browser that prefers Japanese gets Japanese at first visit.
	q := newTab(t, browser, srv)
	ctx, cancel := context.WithTimeout(q.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
		UserAgent: "Mozilla/5.0 chatplay-test", AcceptLanguage: "ja-JP,ja"}); err != nil {
		t.Fatal(err)
	}
	q.open("/#/login")
	q.waitText("#page-title", "ログイン")
	if got := eval[string](q, `navigator.language + " " + document.documentElement.lang`); got != "ja-JP ja" {
		t.Errorf("navigator.language and html lang = %q", got)
	}
}

// testSSEParser runs the cases of testdata/sse_parser.js against the page's
// SSE parser (static/js/sse.js), in the browser.
func testSSEParser(t *testing.T, browser context.Context, srv *server) {
	src, err := os.ReadFile(filepath.Join("testdata", "sse_parser.js"))
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

// A page opened while a reply is still being written elsewhere (another tab,
// another surface) shows it pending, keeps Send off, and shows the reply once
// it is done, without a reload.
func testPendingReply(t *testing.T, browser context.Context, srv *server) {
	u := srv.signup("pending")
	var created struct {
		Room struct {
			ID int64 `json:"id"`
		} `json:"room"`
	}
	srv.call(u.token, "POST", "/api/v1/rooms", map[string]string{"language": "en", "situation": "a bakery",
		"user_role": "customer", "bot_role": "baker"}, http.StatusCreated, &created)
	hold := openaifake.NewHold()
	defer hold.Release()
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"Fresh bread ", "is out of the oven."}, Hold: hold, HoldAfter: 1})
	done := make(chan struct{})
	go func() { // the other tab: its turn waits at the hold
		defer close(done)
		srv.call(u.token, "POST", fmt.Sprintf("/api/v1/rooms/%d/messages", created.Room.ID),
			map[string]string{"content": "Any bread today?"}, http.StatusCreated, nil)
	}()
	<-hold.Reached()

	p := newTab(t, browser, srv)
	p.login(u.email)
	p.open(fmt.Sprintf("/#/rooms/%d", created.Room.ID))
	p.waitJS("the pending reply", `document.querySelector(".msg--pending") !== null`)
	if !eval[bool](p, `document.querySelector("#chat-send").disabled`) {
		t.Error("Send is enabled while a reply is still being written")
	}
	hold.Release()
	<-done
	p.waitJS("the finished reply", `document.querySelector(".msg--pending") === null && document.body.innerText.includes("Fresh bread is out of the oven.")`)
	if eval[bool](p, `document.querySelector("#chat-send").disabled`) {
		t.Error("Send stays disabled after the reply is done")
	}
}
