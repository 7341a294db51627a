package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
)

// goalsAnswer is a scripted coach answer: a fine line that achieved ids.
func goalsAnswer(line string, ids ...int64) openaifake.Reply {
	return openaifake.JSON(map[string]any{"corrected": line, "items": []any{}, "note": "", "achieved_goals": ids})
}

// testGallery: "New room" opens the scenario gallery; the filters narrow it
// by theme and level; a card starts a room from its scenario in one step,
// in the language and at the level chosen on the card; the custom form is
// one click away.
func testGallery(t *testing.T, browser context.Context, srv *server) {
	u := srv.signup("gallery")
	p := newTab(t, browser, srv)
	p.login(u.email)
	p.click("#nav-new")
	loaded := `document.querySelector("#scenario-list")?.getAttribute("aria-busy") === "false"`
	p.waitJS("the gallery", loaded)
	all := p.count("#scenario-list .scenario-card")
	if all < 30 {
		t.Fatalf("the gallery shows %d scenarios, want all (30 or more)", all)
	}
	if p.count(`.scenario-card[data-scenario-id="cafe-order"] .scenario-goals li`) < 1 {
		t.Error("the café card shows no goals")
	}

	// filter picks a filter and waits for the list it asks for: the change
	// marks the list busy at once, so "not busy" means the newest answer is
	// shown, never the previous filter's cards still on the page.
	filter := func(sel, value string) {
		t.Helper()
		p.choose(sel, value)
		p.waitJS("the gallery after "+sel+"="+value, loaded)
	}

	filter("#scenario-filter-theme", "health")
	if !eval[bool](p, `(() => { const c = [...document.querySelectorAll(".scenario-card")];
		return c.length > 0 && c.every((e) => e.dataset.theme === "health"); })()`) {
		t.Error("the theme filter shows scenarios of other themes, or none")
	}
	if health := p.count(".scenario-card"); health >= all {
		t.Errorf("theme filter: %d of %d", health, all)
	}
	filter("#scenario-filter-theme", "")
	filter("#scenario-filter-level", "C2")
	if !eval[bool](p, `(() => { const c = [...document.querySelectorAll(".scenario-card")];
		return c.length > 0 && c.every((e) => [...e.querySelectorAll(".scenario-levels .badge")].some((b) => b.textContent === "C2")); })()`) {
		t.Error("the level filter shows scenarios without C2, or none")
	}
	if n := p.count(".scenario-card"); n >= all {
		t.Errorf("level filter: %d of %d", n, all)
	}
	filter("#scenario-filter-level", "")
	filter("#scenario-filter-theme", "daily")
	p.waitVisible(`.scenario-card[data-scenario-id="cafe-order"]`)

	card := `.scenario-card[data-scenario-id="cafe-order"] `
	p.choose(card+".scenario-language", "ja")
	p.choose(card+".scenario-level", "A2")
	p.click(card + ".scenario-start")
	p.waitVisible("#composer")
	p.waitVisible("#goals")
	rooms, _, err := srv.eng.ListRooms(context.Background(), u.id, engine.Page{})
	if err != nil || len(rooms) != 1 {
		t.Fatalf("rooms = %v, %v", rooms, err)
	}
	r := rooms[0]
	if r.ScenarioID == nil || *r.ScenarioID != "cafe-order" || r.Language != "ja" || r.Level != "A2" || len(r.Goals) == 0 {
		t.Fatalf("room made from the card: %+v", r)
	}
	if loc := p.location(); loc != fmt.Sprintf("%s/#/rooms/%d", srv.url, r.ID) {
		t.Errorf("after Start: %s", loc)
	}
	if got := p.count("#goals-list li"); got != len(r.Goals) {
		t.Errorf("checklist has %d goals, the room %d", got, len(r.Goals))
	}

	// The custom form is one click from the gallery.
	p.click("#nav-new")
	p.click("#scenarios-custom")
	p.waitVisible("#room-form")
}

// testGoals: the chat page's checklist shows the room's goals and ticks them
// live as the coach finds them achieved (the stream's goals event); once
// all are, the learner is told and invited to end the scene.
func testGoals(t *testing.T, browser context.Context, srv *server) {
	u := srv.signup("goals")
	room := srv.practiceRoom(u, engine.RoomInput{Title: "카페", Language: "ko", Situation: "서울의 작은 카페", UserRole: "손님", BotRole: "바리스타",
		Goals: []string{"Order an oat-milk latte", "Ask for the Wi-Fi password <b>now</b>"}})
	g := room.Goals
	p := newTab(t, browser, srv)
	p.login(u.email)
	p.open(fmt.Sprintf("/#/rooms/%d", room.ID))
	p.waitLive()
	p.waitText("#goals-count", "0/2")
	if got := p.text(`#goals-list li:nth-child(2) .goal__text`); got != "Ask for the Wi-Fi password <b>now</b>" {
		t.Errorf("goal text = %q", got)
	}
	if p.count("#end-scene-invite, #goals-done:not([hidden])") != 0 {
		t.Error("the invitation to end shows before the goals are achieved")
	}

	srv.fake.EnqueueKind("feedback", goalsAnswer("오트 라테 주세요.", g[0].ID))
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"네, 손님."}})
	p.fill("#chat-input", "오트 라테 주세요.")
	p.click("#chat-send")
	p.waitJS("the first goal ticked", fmt.Sprintf(`document.querySelector('#goals-list li[data-goal-id="%d"]')?.dataset.achieved === "true"`, g[0].ID))
	p.waitText("#goals-count", "1/2")
	if eval[bool](p, `!document.querySelector("#goals-done").hidden`) {
		t.Error("invited to end with a goal open")
	}

	srv.fake.EnqueueKind("feedback", goalsAnswer("와이파이 비밀번호가 뭐예요?", g[1].ID))
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"영수증에 있어요."}})
	p.fill("#chat-input", "와이파이 비밀번호가 뭐예요?")
	p.click("#chat-send")
	p.waitText("#goals-count", "2/2")
	p.waitVisible("#goals-done")
	p.waitVisible("#goals-end")
	noMarkup(t, p)

	// From the room resource after a reload: the same ticks.
	p.reload()
	p.waitLive()
	p.waitText("#goals-count", "2/2")
	p.waitVisible("#goals-done")
}

// reportAnswer is a scripted end-of-scene report of the scene of testReport;
// its texts carry markup that must show as text.
func reportAnswer() openaifake.Reply {
	return openaifake.JSON(map[string]any{
		"summary": "You ordered a latte. " + coachPayload,
		"mistakes": []map[string]any{{"kind": "naturalness", "original": "라테 주세요", "better": "라테 한 잔 주세요",
			"explanation": "Say how many. " + coachPayload}},
		"vocabulary": []map[string]any{
			{"term": "라테", "meaning": "latte", "example": "라테 주세요."},
			{"term": "주세요", "meaning": "please give me", "example": "라테 주세요."},
			{"term": "손님", "meaning": "customer", "example": "네, 손님."},
			{"term": "네", "meaning": "yes", "example": "네, 손님."},
			{"term": "영수증", "meaning": "receipt " + coachPayload, "example": "영수증 드릴까요?"},
		},
		"next_steps": []string{"Practise counting cups."},
	})
}

// testReport: End scene writes the report and shows it: the summary, each
// goal ✓ or ✗, the mistakes with the better phrasing, the words with their
// meaning and example, the next steps; all as text. The Reports list and
// the Vocabulary page find it again.
func testReport(t *testing.T, browser context.Context, srv *server) {
	u := srv.signup("reporter")
	room := srv.practiceRoom(u, engine.RoomInput{Title: "카페", Language: "ko", Situation: "서울의 작은 카페", UserRole: "손님", BotRole: "바리스타",
		Goals: []string{"Order a latte", "Ask for the Wi-Fi password"}})
	p := newTab(t, browser, srv)
	p.login(u.email)
	p.open(fmt.Sprintf("/#/rooms/%d", room.ID))
	p.waitLive()
	if !eval[bool](p, `document.querySelector("#chat-end").disabled`) {
		t.Error("End scene is enabled before the learner said anything")
	}
	srv.fake.EnqueueKind("feedback", goalsAnswer("라테 주세요.", room.Goals[0].ID))
	srv.fake.Enqueue(openaifake.Reply{Chunks: []string{"네, 손님. 영수증 드릴까요?"}})
	p.fill("#chat-input", "라테 주세요.")
	p.click("#chat-send")
	p.waitText("#goals-count", "1/2")

	srv.fake.EnqueueKind("report", reportAnswer())
	p.click("#chat-end")
	p.waitVisible("#report")
	for sel, want := range map[string]string{
		"#report-summary": "You ordered a latte. " + coachPayload,
		"#report-scene":   "카페",
		"#report-goals li:nth-child(1) .goal__text":    "Order a latte",
		"#report-goals li:nth-child(1) .goal__mark":    "✓",
		"#report-goals li:nth-child(2) .goal__mark":    "✗",
		"#report-mistakes .mistake__original":          "라테 주세요",
		"#report-mistakes .mistake__better":            "라테 한 잔 주세요",
		"#report-mistakes .mistake__why":               "Say how many. " + coachPayload,
		"#report-mistakes .mistake__kind":              "Naturalness",
		"#report-words tr:nth-child(5) .word__meaning": "receipt " + coachPayload,
		"#report-words tr:nth-child(1) .word__example": "라테 주세요.",
		"#report-next li":                              "Practise counting cups.",
	} {
		if got := p.text(sel); got != want {
			t.Errorf("%s shows %q, want %q", sel, got, want)
		}
	}
	if n := p.count("#report-words tbody tr"); n != 5 {
		t.Errorf("%d words", n)
	}
	noMarkup(t, p)

	p.click("#nav-reports")
	p.waitVisible("#report-list .report-card")
	if got := p.text("#report-list .report-card .badge"); got != "Goals 1/2" {
		t.Errorf("report card badge = %q", got)
	}
	p.click("#nav-vocabulary")
	p.waitVisible("#vocabulary-table")
	if n := p.count("#vocabulary-table tbody tr"); n != 5 {
		t.Errorf("vocabulary page: %d words", n)
	}
	if got := p.text("#vocabulary-table tbody tr:nth-child(1) .word__scene"); got != "카페" {
		t.Errorf("word scene = %q", got)
	}
	p.waitVisible("#vocabulary-tsv")
	noMarkup(t, p)
}
