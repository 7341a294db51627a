package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// TestBrowser drives the real pages in headless Chromium against the real
// server (API, engine, database) and the fake model server. One browser
// serves every subtest; each subtest has its own server, database and
// browser context (cookies, storage).
func TestBrowser(t *testing.T) {
	browser := startBrowser(t)
	t.Run("flow", func(t *testing.T) {
		sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
			testFlow(t, browser, newServer(t, db))
		})
	})
	sqlite := func(t *testing.T) *server { return newServer(t, sqlstoretest.Open(t, sqlstore.DialectSQLite)) }
	t.Run("xss", func(t *testing.T) { testXSS(t, browser, sqlite(t)) })
	t.Run("other_users_room", func(t *testing.T) { testOtherUsersRoom(t, browser, sqlite(t)) })
	t.Run("older_history", func(t *testing.T) { testOlderHistory(t, browser, sqlite(t)) })
	t.Run("pending_reply", func(t *testing.T) { testPendingReply(t, browser, sqlite(t)) })
	t.Run("send_before_history", func(t *testing.T) { testSendBeforeHistory(t, browser, sqlite(t)) })
	t.Run("reset_while_rereading", func(t *testing.T) { testResetWhileRereading(t, browser, sqlite(t)) })
	t.Run("languages", func(t *testing.T) { testLanguages(t, browser, sqlite(t)) })
	t.Run("sse_parser", func(t *testing.T) { testSSEParser(t, browser, sqlite(t)) })
	t.Run("feedback", func(t *testing.T) { testFeedback(t, browser, sqlite(t)) })
	t.Run("hint", func(t *testing.T) { testHint(t, browser, sqlite(t)) })
	t.Run("translate", func(t *testing.T) { testTranslate(t, browser, sqlite(t)) })
	t.Run("room_form_practice", func(t *testing.T) { testRoomFormPractice(t, browser, sqlite(t)) })
	t.Run("word_diff", func(t *testing.T) { testWordDiff(t, browser, sqlite(t)) })
	t.Run("gallery", func(t *testing.T) { testGallery(t, browser, sqlite(t)) })
	t.Run("goals", func(t *testing.T) { testGoals(t, browser, sqlite(t)) })
	t.Run("report", func(t *testing.T) { testReport(t, browser, sqlite(t)) })
	t.Run("connected_apps", func(t *testing.T) { testConnectedApps(t, browser, sqlite(t)) })
	t.Run("message_sources", func(t *testing.T) { testMessageSources(t, browser, sqlite(t)) })
	t.Run("room_watch", func(t *testing.T) { testRoomWatch(t, browser, sqlite(t)) })
	t.Run("live_turn", func(t *testing.T) { testLiveTurn(t, browser, sqlite(t)) })
	t.Run("screenshots", func(t *testing.T) { testScreenshots(t, browser, sqlite(t)) })
}

// lastReply is the selector of the newest reply on the chat page.
const lastReply = "#messages li.msg--assistant:last-child"

// testFlow is the original service's whole flow: register → login → create
// a room → chat, streamed → reload and see the history → edit → delete →
// logout, with a failed reply retried, a regeneration, a reset, an opening,
// and a silent refresh of an expired access token on the way.
func testFlow(t *testing.T, browser context.Context, srv *server) {
	p := newTab(t, browser, srv)
	email := newEmail("mina")

	// A logged-out visitor of a private page goes to login.
	p.open("/#/rooms")
	p.waitVisible("#login-form")
	if loc := p.location(); loc != srv.url+"/#/login" {
		t.Errorf("logged out, #/rooms went to %s", loc)
	}

	// Register: signed in at once, on an empty room list.
	p.click("#to-register")
	p.waitVisible("#register-form")
	p.fill("#register-name", "Mina")
	p.fill("#register-email", email)
	p.fill("#register-password", testPassword)
	p.click("#register-submit")
	p.waitVisible("#rooms-empty")
	p.waitText(".nav-user", "Mina")

	// Log out, and log in again.
	p.click("#logout")
	p.waitVisible("#login-form")
	p.login(email)

	// Create a room; the chat page shows its language, situation and roles.
	p.click("#rooms-new")
	p.click("#scenarios-custom")
	p.waitVisible("#room-form")
	if n := eval[int](p, `document.querySelector("#room-situation").maxLength`); n != 1500 {
		t.Errorf("the situation box allows %d characters, want the server's 1500", n)
	}
	p.choose("#room-language", "ko")
	p.fill("#room-situation", "ordering coffee in a cafe in Seoul")
	p.fill("#room-user-role", "customer")
	p.fill("#room-bot-role", "barista")
	p.fill("#room-title", "Coffee")
	p.click("#room-submit")
	p.waitText("#room-name", "Coffee")
	for sel, want := range map[string]string{
		"#room-language": "Korean", "#room-situation": "ordering coffee in a cafe in Seoul",
		"#room-user-role": "customer", "#room-bot-role": "barista",
	} {
		if got := p.text(sel); got != want {
			t.Errorf("%s shows %q, want %q", sel, got, want)
		}
	}
	p.waitVisible("#chat-empty")

	// The access token expires (its cookie is gone): the page refreshes the
	// session silently and carries on.
	p.deleteCookie("chatplay_access", "/api/")
	if p.cookie("chatplay_access") != "" {
		t.Fatal("the access cookie is still there")
	}
	p.reload()
	p.waitText("#room-name", "Coffee")
	if p.cookie("chatplay_access") == "" {
		t.Error("no new access cookie after the silent refresh")
	}

	// Chat: the reply streams. The fake model holds it after two chunks;
	// those are on the page, marked as being written, before the rest exists.
	hold := openaifake.NewHold()
	defer hold.Release()
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요! ", "무엇을 ", "드릴까요?"}, Hold: hold, HoldAfter: 2})
	if n := eval[int](p, `document.querySelector("#chat-input").maxLength`); n != 3000 {
		t.Errorf("the message box allows %d characters, want the server's 3000", n)
	}
	p.fill("#chat-input", "안녕하세요")
	p.click("#chat-send")
	select {
	case <-hold.Reached():
	case <-time.After(stepTimeout):
		t.Fatal("the model was never called")
	}
	p.waitJS("the first part of the reply", fmt.Sprintf(`(() => { const e = document.querySelector(%s); return e && e.dataset.status === "pending" && e.querySelector(".msg__text").textContent === "어서 오세요! 무엇을 "; })()`, js(lastReply)))
	if got := p.text("#messages li.msg--user .msg__text"); got != "안녕하세요" {
		t.Errorf("the user's message shows %q", got)
	}
	if p.count("#chat-send:disabled") != 1 {
		t.Error("the send button is enabled while a reply is streamed")
	}
	hold.Release()
	p.waitJS("the complete reply", fmt.Sprintf(`document.querySelector(%s)?.dataset.status === "complete"`, js(lastReply)))
	if got := p.text(lastReply + " .msg__text"); got != "어서 오세요! 무엇을 드릴까요?" {
		t.Errorf("the reply shows %q", got)
	}

	// Reload: the history is there.
	p.reload()
	p.waitLive()
	if got := p.count("#messages li"); got != 2 {
		t.Fatalf("after reload, %d messages shown, want 2:\n%s", got, p.bodyText())
	}
	if got := p.text(lastReply + " .msg__text"); got != "어서 오세요! 무엇을 드릴까요?" {
		t.Errorf("after reload the reply shows %q", got)
	}

	// A failed reply is marked and retried in place.
	srv.fake.Enqueue(openaifake.Reply{Status: http.StatusBadRequest, ErrorMessage: "refused"})
	p.fill("#chat-input", "아메리카노 한 잔 주세요")
	p.click("#chat-send")
	p.waitVisible(lastReply + "[data-status=failed] .msg__retry")
	p.waitText(lastReply+" .msg__status", "The language model refused this request.")
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"네, ", "아메리카노 한 잔이요."}})
	p.click(lastReply + " .msg__retry")
	p.waitJS("the retried reply", fmt.Sprintf(`document.querySelector(%s)?.dataset.status === "complete"`, js(lastReply)))
	if got := p.text(lastReply + " .msg__text"); got != "네, 아메리카노 한 잔이요." {
		t.Errorf("the retried reply shows %q", got)
	}
	if got := p.count("#messages li"); got != 4 {
		t.Errorf("%d messages after the retry, want 4", got)
	}

	// Regenerate replaces the last reply.
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"아이스로 ", "드릴까요?"}})
	p.click("#chat-regenerate")
	p.waitJS("the regenerated reply", fmt.Sprintf(`document.querySelector(%s)?.textContent.includes("아이스로 드릴까요?")`, js(lastReply)))
	p.waitJS("the end of the turn", `!document.querySelector("#chat-send").disabled`)
	if got := p.count("#messages li"); got != 4 {
		t.Errorf("%d messages after regenerating, want 4", got)
	}

	// Reset empties the room; the bot can then open the scene.
	p.click("#chat-reset")
	p.click("#chat-reset-yes")
	p.waitVisible("#chat-empty")
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요, ", "손님!"}})
	p.click("#open-scene")
	p.waitJS("the opening line", fmt.Sprintf(`document.querySelector(%s)?.dataset.status === "complete"`, js(lastReply)))
	if got := p.text(lastReply + " .msg__text"); got != "어서 오세요, 손님!" || p.count("#messages li") != 1 {
		t.Errorf("after opening: %d messages, the last %q", p.count("#messages li"), got)
	}

	// Edit the room from the chat page; the list shows the change.
	p.click("#chat-edit")
	p.waitVisible("#room-form")
	p.waitJS("the room's values in the form", `document.querySelector("#room-title").value === "Coffee"`)
	p.fill("#room-title", "Coffee in Seoul")
	p.fill("#room-bot-role", "cashier")
	p.click("#room-submit")
	p.waitText("#room-list .room-title", "Coffee in Seoul")
	p.waitText("#room-list .room-card", "cashier")

	// Delete it (with a confirmation).
	p.click(".room-delete")
	p.click(".room-delete-yes")
	p.waitVisible("#rooms-empty")
	if p.count(".room-card") != 0 {
		t.Error("the deleted room is still listed")
	}
	u, err := srv.eng.FindUserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	if rooms, _, err := srv.eng.ListRooms(context.Background(), u.ID, engine.Page{}); err != nil || len(rooms) != 0 {
		t.Errorf("rooms in the database after delete: %d, %v", len(rooms), err)
	}

	// Logout ends the session: the page shows login, back-navigation shows
	// nothing private, and the old access token is refused by the API.
	access := p.cookie("chatplay_access")
	p.click("#logout")
	p.waitVisible("#login-form")
	if p.cookie("chatplay_access") != "" || p.cookie("chatplay_refresh") != "" {
		t.Error("auth cookies left after logout")
	}
	// The login form shown now is marked: back-navigation stays in this
	// document, so only a form without the mark is the page the router
	// draws for the entry before it (after the guard sent it to login).
	eval[chromedp.Void](p, `document.querySelector("#login-form").dataset.before = "back"`)
	p.do(chromedp.NavigateBack())
	p.waitJS("the login page again, after the back-navigation", `location.hash === "#/login" && `+
		`(() => { const f = document.querySelector("#login-form"); return !!f && !f.dataset.before && f.getClientRects().length > 0; })()`)
	if p.count("#room-list, #messages, .nav-user, #logout") != 0 {
		t.Errorf("after logout, back-navigation shows private content:\n%s", p.bodyText())
	}
	req, _ := http.NewRequest("GET", srv.url+"/api/v1/auth/me", nil)
	req.AddCookie(&http.Cookie{Name: "chatplay_access", Value: access})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the access token of the ended session: GET /auth/me = %d, want 401", resp.StatusCode)
	}
}
