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

	p.choose("#scenario-filter-theme", "health")
	p.waitJS("the health scenarios", `(() => { const c = [...document.querySelectorAll(".scenario-card")];
		return c.length > 0 && c.every((e) => e.dataset.theme === "health"); })()`)
	health := p.count(".scenario-card")
	if health >= all {
		t.Errorf("theme filter: %d of %d", health, all)
	}
	p.choose("#scenario-filter-theme", "")
	p.choose("#scenario-filter-level", "C2")
	p.waitJS("the C2 scenarios", `(() => { const c = [...document.querySelectorAll(".scenario-card")];
		return c.length > 0 && c.every((e) => [...e.querySelectorAll(".scenario-levels .badge")].some((b) => b.textContent === "C2")); })()`)
	if n := p.count(".scenario-card"); n >= all {
		t.Errorf("level filter: %d of %d", n, all)
	}
	p.choose("#scenario-filter-level", "")
	p.choose("#scenario-filter-theme", "daily")
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
	p.waitLoaded()
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
	p.waitLoaded()
	p.waitText("#goals-count", "2/2")
	p.waitVisible("#goals-done")
}
