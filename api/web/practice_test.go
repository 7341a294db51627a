package web_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
)

// coachPayload is an explanation that runs script if the panel ever renders
// the coach's answer as HTML.
const coachPayload = `<img src=x onerror=window.__pwned=4>`

// practiceRoom creates a Korean café room of u through the engine.
func (s *server) practiceRoom(u apiUser, in engine.RoomInput) *engine.Room {
	s.t.Helper()
	if in.Language == "" {
		in = engine.RoomInput{Title: "카페", Language: "ko", Situation: "서울의 작은 카페", UserRole: "손님", BotRole: "바리스타", Feedback: in.Feedback, FeedbackHidden: in.FeedbackHidden}
	}
	r, err := s.eng.CreateRoom(context.Background(), u.id, in)
	if err != nil {
		s.t.Fatal(err)
	}
	return r
}

// lastLine is the selector of the newest learner line on the chat page, once
// its reply is there.
const lastLine = "#messages li.msg--user:nth-last-child(2)"

// testFeedback: after a turn the learner's line shows the pending marker
// while the coach works, then, live from the stream, the ✎ marker that opens
// the correction: the changed words marked in both lines, each issue with
// its explanation; model text shows as text, never as markup. A fine line
// gets ✓, and the panel survives a reload from history.
func testFeedback(t *testing.T, browser context.Context, srv *server) {
	u := srv.signup("coach")
	room := srv.practiceRoom(u, engine.RoomInput{})
	p := newTab(t, browser, srv)
	p.login(u.email)
	p.open(fmt.Sprintf("/#/rooms/%d", room.ID))
	p.waitLive()
	p.waitText("#room-info-level", "B1")
	p.waitText("#room-info-feedback", "Corrections on")

	// From here the history is held: the marker can change only by the
	// stream's feedback event.
	history := fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID)
	g := newGate(func(r *http.Request) bool { return r.Method == http.MethodGet && r.URL.Path == history })
	srv.gate.Store(g)
	defer g.Open()
	hold := openaifake.NewHold()
	defer hold.Release()
	srv.fake.EnqueueKind("feedback", openaifake.Slow(openaifake.JSON(map[string]any{
		"corrected": "이 가방이 마음에 들어요.",
		"items": []map[string]any{{"kind": "naturalness", "original": "좋아요", "better": "마음에 들어요",
			"explanation": "Liking a thing you see: 마음에 들다. " + coachPayload}},
		"note": coachPayload,
	}), hold))
	srv.fake.Enqueue(openaifake.Reply{Chunks: openaifake.SplitWords("네, 손님. 포장해 드릴까요?")})
	p.fill("#chat-input", "이 가방이 좋아요.")
	p.click("#chat-send")
	p.waitJS("the reply", fmt.Sprintf(`document.querySelector(%s)?.dataset.status === "complete"`, js(lastReply)))
	p.waitJS("the pending marker", fmt.Sprintf(`document.querySelector(%s)?.dataset.state === "pending"`, js(lastLine+" .fb-marker")))
	if eval[bool](p, `document.querySelector("#chat-send").disabled`) {
		t.Error("Send is disabled while only the coach works")
	}
	hold.Release()
	p.waitJS("the ✎ marker", fmt.Sprintf(`document.querySelector(%s)?.dataset.state === "corrected"`, js(lastLine+" .fb-marker")))
	if got := p.text(lastLine + " .fb-marker"); got != "✎ Feedback" {
		t.Errorf("marker = %q", got)
	}
	p.click(lastLine + " .fb-marker")
	p.waitVisible(lastLine + " .fb-panel")
	for sel, want := range map[string]string{
		lastLine + " .fb-diff__yours del":  "좋아요",
		lastLine + " .fb-diff__better ins": "마음에 들어요",
		lastLine + " .fb-diff__yours":      "이 가방이 좋아요.",
		lastLine + " .fb-diff__better":     "이 가방이 마음에 들어요.",
		lastLine + " .fb-item__kind":       "Naturalness",
		lastLine + " .fb-item__original":   "좋아요",
		lastLine + " .fb-item__better":     "마음에 들어요",
		lastLine + " .fb-item__why":        "Liking a thing you see: 마음에 들다. " + coachPayload,
		lastLine + " .fb-panel__note":      coachPayload,
	} {
		if got := p.text(sel); got != want {
			t.Errorf("%s shows %q, want %q", sel, got, want)
		}
	}
	noMarkup(t, p)
	g.Open()

	// A fine line: ✓, and the panel says so.
	srv.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": "포장해 주세요.", "items": []any{}, "note": "Natural!"}))
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"네."}})
	p.fill("#chat-input", "포장해 주세요.")
	p.click("#chat-send")
	p.waitJS("the ✓ marker", fmt.Sprintf(`document.querySelector(%s)?.dataset.state === "fine"`, js(lastLine+" .fb-marker")))
	if p.count("#messages li.msg--user .fb-panel:not([hidden])") != 1 {
		t.Error("a new line's panel opened by itself, or the open one closed")
	}

	// From history: the same markers, and the panel opens the same.
	p.reload()
	p.waitLive()
	p.waitJS("markers from history", `[...document.querySelectorAll("#messages .fb-marker")].map((m) => m.dataset.state).join() === "corrected,fine"`)
	p.click("#messages li.msg--user .fb-marker")
	p.waitText("#messages li.msg--user .fb-diff__better ins", "마음에 들어요")
	noMarkup(t, p)

	// Hidden: the marker does not tell a corrected line from a fine one
	// until it is opened.
	yes := true
	hidden := srv.practiceRoom(u, engine.RoomInput{FeedbackHidden: &yes})
	srv.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": "물 주세요.", "items": []map[string]any{
		{"kind": "spelling", "original": "줘세요", "better": "주세요", "explanation": "주다 + -세요 = 주세요."}}, "note": ""}))
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"네, 여기요."}})
	p.open(fmt.Sprintf("/#/rooms/%d", hidden.ID))
	p.waitLive()
	p.waitText("#room-info-feedback", "Corrections hidden")
	p.fill("#chat-input", "물 줘세요.")
	p.click("#chat-send")
	p.waitJS("the closed marker", fmt.Sprintf(`document.querySelector(%s)?.dataset.state === "hidden"`, js(lastLine+" .fb-marker")))
	if got := p.text(lastLine + " .fb-marker"); got != "✍ Feedback" {
		t.Errorf("hidden marker = %q", got)
	}
	p.click(lastLine + " .fb-marker")
	p.waitText(lastLine+" .fb-diff__better ins", "주세요")

	// Feedback off: no marker at all.
	off := false
	quiet := srv.practiceRoom(u, engine.RoomInput{Feedback: &off})
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"네."}})
	p.open(fmt.Sprintf("/#/rooms/%d", quiet.ID))
	p.waitLive()
	p.waitText("#room-info-feedback", "Corrections off")
	p.fill("#chat-input", "안녕하세요.")
	p.click("#chat-send")
	p.waitJS("the reply", fmt.Sprintf(`document.querySelector(%s)?.dataset.status === "complete"`, js(lastReply)))
	if n := p.count("#messages .fb:not([hidden])"); n != 0 {
		t.Errorf("feedback off: %d markers", n)
	}
}

// testHint: the Hint button offers the coach's lines with their
// translations; a click puts one in the input.
func testHint(t *testing.T, browser context.Context, srv *server) {
	u := srv.signup("hint")
	room := srv.practiceRoom(u, engine.RoomInput{})
	p := newTab(t, browser, srv)
	p.login(u.email)
	p.open(fmt.Sprintf("/#/rooms/%d", room.ID))
	p.waitLive()

	srv.fake.EnqueueKind("hint", openaifake.JSON(map[string]any{"lines": []map[string]any{
		{"text": "아이스 아메리카노 주세요.", "translation": "An iced americano, please."},
		{"text": "추천해 주실 수 있어요? " + imgPayload, "translation": scriptPayload},
	}}))
	p.click("#chat-hint")
	p.waitText("#hints", "An iced americano, please.")
	if got := p.text("#hints li:nth-child(2) .hint-line__text"); got != "추천해 주실 수 있어요? "+imgPayload {
		t.Errorf("second hint shows %q", got)
	}
	noMarkup(t, p)
	p.click("#hints li:first-child .hint-line")
	p.waitJS("the hint in the input", `document.querySelector("#chat-input").value === "아이스 아메리카노 주세요."`)
	if !eval[bool](p, `document.querySelector("#hints").hidden && document.activeElement.id === "chat-input"`) {
		t.Error("the hints stay open, or the input has no focus, after a line was chosen")
	}
	if n := len(srv.fake.RequestsOfKind("hint")); n != 1 {
		t.Errorf("%d hint calls", n)
	}
}

// testTranslate: Translate under a bot line shows it in the interface
// language, asked once; a second click hides it, a third shows it again.
func testTranslate(t *testing.T, browser context.Context, srv *server) {
	u := srv.signup("translate")
	room := srv.practiceRoom(u, engine.RoomInput{})
	srv.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": "안녕하세요.", "items": []any{}, "note": ""}))
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요! 뭐 드릴까요?"}})
	res, err := srv.eng.SendMessage(context.Background(), engine.TurnInput{UserID: u.id, RoomID: room.ID, Content: "안녕하세요.", Source: engine.SourceWeb}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res.WaitFeedback(context.Background())

	p := newTab(t, browser, srv)
	p.login(u.email)
	p.choose("#lang-select", "ja")
	p.open(fmt.Sprintf("/#/rooms/%d", room.ID))
	p.waitLive()
	if p.count("#messages li.msg--user .msg__translate") != 0 {
		t.Error("a learner line has Translate")
	}
	srv.fake.EnqueueKind("translate", openaifake.JSON(map[string]any{"text": "いらっしゃいませ！" + imgPayload}))
	p.click(lastReply + " .msg__translate")
	p.waitText(lastReply+" .msg__translation", "いらっしゃいませ！"+imgPayload)
	if got := eval[string](p, fmt.Sprintf(`document.querySelector(%s).lang`, js(lastReply+" .msg__translation"))); got != "ja" {
		t.Errorf("translation lang = %q, want ja", got)
	}
	noMarkup(t, p)
	p.click(lastReply + " .msg__translate")
	p.waitJS("the translation hidden", fmt.Sprintf(`document.querySelector(%s).hidden`, js(lastReply+" .msg__translation")))
	p.click(lastReply + " .msg__translate")
	p.waitVisible(lastReply + " .msg__translation")
	reqs := srv.fake.RequestsOfKind("translate")
	if len(reqs) != 1 {
		t.Fatalf("%d translate calls, want 1", len(reqs))
	}
}

// testRoomFormPractice: the room form sets the level and the corrections,
// the header shows them, the edit form shows them chosen and changes them;
// the interface language chosen while signed in is saved as the account's.
func testRoomFormPractice(t *testing.T, browser context.Context, srv *server) {
	u := srv.signup("level")
	p := newTab(t, browser, srv)
	p.login(u.email)
	p.click("#rooms-new")
	p.click("#scenarios-custom")
	p.waitVisible("#room-form")
	if got := eval[string](p, `document.querySelector("#room-level").value`); got != "B1" {
		t.Errorf("a new room's level = %q, want B1 (the server's default)", got)
	}
	if !eval[bool](p, `document.querySelector("#room-feedback").checked && !document.querySelector("#room-feedback-hidden").checked`) {
		t.Error("a new room's corrections are not on and shown")
	}
	p.choose("#room-language", "ja")
	p.fill("#room-situation", "大阪のホテルでチェックイン")
	p.fill("#room-user-role", "宿泊客")
	p.fill("#room-bot-role", "フロント係")
	p.choose("#room-level", "A2")
	p.fill("#room-goals", "部屋の禁煙を確かめる\n\n  朝食の時間を聞く  ")
	p.click("#room-feedback-hidden")
	if !eval[bool](p, `document.querySelector("#room-feedback-hidden").checked`) {
		t.Fatal("the click did not check the hidden switch")
	}
	p.click("#room-submit")
	p.waitText("#room-info-level", "A2")
	p.waitText("#room-info-feedback", "Corrections hidden")

	var got struct {
		Rooms []struct {
			ID             int64  `json:"id"`
			Level          string `json:"level"`
			Feedback       bool   `json:"feedback"`
			FeedbackHidden bool   `json:"feedback_hidden"`
			Goals          []struct {
				ID   int64  `json:"id"`
				Text string `json:"text"`
			} `json:"goals"`
		} `json:"rooms"`
	}
	srv.call(u.token, "GET", "/api/v1/rooms", nil, http.StatusOK, &got)
	if len(got.Rooms) != 1 || got.Rooms[0].Level != "A2" || !got.Rooms[0].Feedback || !got.Rooms[0].FeedbackHidden {
		t.Fatalf("rooms = %+v", got.Rooms)
	}
	// The custom goals, one per line, blank lines and edges dropped.
	if g := got.Rooms[0].Goals; len(g) != 2 || g[0].Text != "部屋の禁煙を確かめる" || g[1].Text != "朝食の時間を聞く" {
		t.Fatalf("goals = %+v", g)
	}
	firstGoal := got.Rooms[0].Goals[0].ID
	id := got.Rooms[0].ID

	p.open(fmt.Sprintf("/#/rooms/%d/edit", id))
	p.waitVisible("#room-form")
	if got := eval[string](p, `document.querySelector("#room-level").value`); got != "A2" {
		t.Errorf("edit form level = %q, want A2", got)
	}
	if got := eval[string](p, `document.querySelector("#room-goals").value`); got != "部屋の禁煙を確かめる\n朝食の時間を聞く" {
		t.Errorf("edit form goals = %q", got)
	}
	p.choose("#room-level", "C1")
	p.click("#room-feedback") // off: the hidden switch goes quiet with it
	if !eval[bool](p, `document.querySelector("#room-feedback-hidden").disabled`) {
		t.Error("the hidden switch stays enabled with corrections off")
	}
	p.click("#room-submit")
	p.waitVisible("#room-list[aria-busy=false]")
	p.waitText("#room-list .room-level", "C1")
	srv.call(u.token, "GET", "/api/v1/rooms", nil, http.StatusOK, &got)
	if got.Rooms[0].Level != "C1" || got.Rooms[0].Feedback {
		t.Fatalf("after edit: %+v", got.Rooms[0])
	}
	// An edit that leaves the goals' texts alone does not replace them
	// (which would reopen achieved ones).
	if g := got.Rooms[0].Goals; len(g) != 2 || g[0].ID != firstGoal {
		t.Fatalf("goals after an edit of the level: %+v (first id was %d)", g, firstGoal)
	}

	// The interface language, chosen while signed in, becomes the account's.
	p.choose("#lang-select", "ko")
	p.waitText("#page-title", "내 방")
	var me struct {
		User struct {
			Locale string `json:"locale"`
		} `json:"user"`
	}
	for range 200 { // the PATCH is on its way: look until it lands (bounded)
		srv.call(u.token, "GET", "/api/v1/auth/me", nil, http.StatusOK, &me)
		if me.User.Locale == "ko" {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if me.User.Locale != "ko" {
		t.Errorf("the account's locale = %q after choosing Korean", me.User.Locale)
	}
	p.waitText("#room-list .room-level", "C1")
	if title := eval[string](p, `document.querySelector("#room-list .room-level").title`); title != "C1 · 고급" {
		t.Errorf("level badge title = %q", title)
	}
}

// testWordDiff runs the cases of testdata/word_diff.js against the page's
// word diff (static/js/diff.js), in the browser.
func testWordDiff(t *testing.T, browser context.Context, srv *server) {
	src, err := os.ReadFile(filepath.Join("testdata", "word_diff.js"))
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
