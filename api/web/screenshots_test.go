package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
)

// screenshotsEnv names the environment variable that makes the browser tests
// write the screenshots in docs/screenshots:
//
//	CHATPLAY_UPDATE_SCREENSHOTS=1 go test ./api/web -run TestBrowser/screenshots
const screenshotsEnv = "CHATPLAY_UPDATE_SCREENSHOTS"

// screenshotDir is where the screenshots go, from this package's directory.
var screenshotDir = filepath.Join("..", "..", "docs", "screenshots")

// shoot writes a screenshot of the viewport to docs/screenshots/name.
func (p *tab) shoot(name string) {
	p.t.Helper()
	p.do(chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 1, 1)) // no hover effects
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// testScreenshots makes the README's screenshots of the main pages, in
// Korean, on a desktop and on a phone, and of the coach's feedback. It runs
// only when asked.
func testScreenshots(t *testing.T, browser context.Context, srv *server) {
	if os.Getenv(screenshotsEnv) == "" {
		t.Skip("set " + screenshotsEnv + "=1 to write docs/screenshots/*.png")
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u := srv.signup("minji", "민지")
	rooms := []engine.RoomInput{
		{Title: "면접 준비", Language: "en", Situation: "A job interview for a junior developer position at a small company in London.", UserRole: "candidate", BotRole: "hiring manager"},
		{Title: "오사카 호텔 체크인", Language: "ja", Situation: "大阪のビジネスホテルで、夜遅くにチェックインする。", UserRole: "宿泊客", BotRole: "フロント係"},
		{Title: "서울 카페에서 주문하기", Language: "ko", Situation: "서울 연남동의 작은 카페. 점심시간이라 손님이 많다.", UserRole: "손님", BotRole: "바리스타"},
	}
	var made []*engine.Room
	for _, in := range rooms {
		r, err := srv.eng.CreateRoom(ctx, u.id, in)
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, r)
	}
	interview, cafe := made[0], made[2]
	// play has the learner say a fine line and the bot reply, in a room.
	play := func(room *engine.Room, say, reply string) {
		srv.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": say, "items": []any{}, "note": "자연스러워요!"}))
		srv.fake.Enqueue(openaifake.Reply{Chunks: openaifake.SplitWords(reply)})
		res, err := srv.eng.SendMessage(ctx, engine.TurnInput{UserID: u.id, RoomID: room.ID, Content: say, Source: engine.SourceWeb, Locale: "ko"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		res.WaitFeedback(ctx)
	}
	play(cafe, "안녕하세요! 아이스 아메리카노 한 잔 주세요.", "어서 오세요! 아이스 아메리카노 한 잔이요. 사이즈는 어떤 걸로 드릴까요?")
	play(cafe, "큰 사이즈로 주세요. 그리고 여기서 마실 거예요.", "네, 큰 사이즈로 준비해 드릴게요. 매장에서 드시면 머그잔에 담아 드려요.")
	play(interview, "Hello, nice to meet you.", "Nice to meet you too. Please have a seat. Could you tell me a little about yourself?")

	p := newTab(t, browser, srv)
	p.do(chromedp.EmulateViewport(1200, 760))
	p.open("/")
	p.waitVisible(".hero")
	p.choose("#lang-select", "ko")
	p.waitText(".hero__title", "배우는 언어로")
	p.shoot("home.png")
	p.open("/#/login")
	p.waitText("#page-title", "로그인")
	p.shoot("login.png")

	p.login(u.email)
	p.waitText("#room-list", "서울 카페에서 주문하기")
	p.shoot("rooms.png")

	p.click("#rooms-new")
	p.waitJS("the gallery", `document.querySelector("#scenario-list")?.getAttribute("aria-busy") === "false"`)
	p.choose("#scenario-filter-level", "A2")
	p.waitJS("the A2 scenarios", `document.querySelectorAll(".scenario-card").length > 0 && document.querySelector("#scenario-list").getAttribute("aria-busy") === "false"`)
	eval[chromedp.Void](p, `document.activeElement.blur()`)
	p.shoot("gallery.png")
	p.click("#scenarios-custom")
	p.waitVisible("#room-form")
	p.choose("#room-language", "ko")
	p.fill("#room-situation", "부산 해운대의 횟집에서 저녁을 주문한다. 처음 와 본 가게라 추천을 받고 싶다.")
	p.fill("#room-user-role", "관광객")
	p.fill("#room-bot-role", "횟집 사장님")
	p.fill("#room-title", "부산에서 저녁 먹기")
	eval[chromedp.Void](p, `document.activeElement.blur()`)
	p.shoot("new-room.png")

	// The chat, with a reply caught while it is being written.
	hold := openaifake.NewHold()
	defer hold.Release()
	srv.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": "카드로 계산해도 되죠?", "items": []any{}, "note": "자연스러워요!"}))
	srv.fake.Enqueue(openaifake.Reply{Chunks: openaifake.SplitWords("물론이죠! 오늘은 카드 결제도 되고, 스탬프도 찍어 드려요. 케이크도 한 조각 같이 드릴까요?"), Hold: hold, HoldAfter: 5})
	p.open(fmt.Sprintf("/#/rooms/%d", cafe.ID))
	p.waitLive()
	p.fill("#chat-input", "카드로 계산해도 되죠?")
	p.click("#chat-send")
	select {
	case <-hold.Reached():
	case <-time.After(stepTimeout):
		t.Fatal("the model was never called")
	}
	p.waitJS("the first words of the reply", `document.querySelector("#messages li.msg--assistant:last-child .msg__text")?.textContent.includes("결제도 되고,")`)
	eval[chromedp.Void](p, `document.activeElement.blur()`)
	p.shoot("chat.png")

	// The same on a phone, once the reply is complete.
	hold.Release()
	p.waitJS("the complete reply", `document.querySelector("#messages li.msg--assistant:last-child")?.dataset.status === "complete"`)
	p.do(chromedp.EmulateViewport(390, 780, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	p.reload()
	p.waitLive()
	p.shoot("chat-phone.png")

	// The practice layer: a line corrected by the coach, its panel open,
	// and a bot line translated into the learner's language.
	p.do(chromedp.EmulateViewport(1200, 1100))
	p.open(fmt.Sprintf("/#/rooms/%d", interview.ID))
	p.waitLive()
	srv.fake.EnqueueKind("translate", openaifake.JSON(map[string]any{"text": "저도 반갑습니다. 앉으세요. 자기소개를 조금 해 주시겠어요?"}))
	p.click(lastReply + " .msg__translate")
	p.waitText(lastReply+" .msg__translation", "자기소개")
	srv.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{
		"corrected": "I am very interested in this position, and I have worked as a developer for three years.",
		"items": []map[string]any{
			{"kind": "vocabulary", "original": "interesting", "better": "interested", "explanation": "interesting은 '흥미로운'이라는 뜻이에요. 내가 관심이 있을 때는 interested를 써요."},
			{"kind": "grammar", "original": "as developer", "better": "as a developer", "explanation": "직업 앞에는 a를 붙여요."},
			{"kind": "grammar", "original": "since three years", "better": "for three years", "explanation": "기간에는 for, 시작 시점에는 since를 써요."},
		},
		"note": "",
	}))
	srv.fake.Enqueue(openaifake.Reply{Chunks: openaifake.SplitWords("That sounds great. What kind of projects did you work on there?")})
	p.fill("#chat-input", "I am very interesting in this position and I have worked as developer since three years.")
	p.click("#chat-send")
	p.waitJS("the ✎ marker", `document.querySelector("#messages li.msg--user:nth-last-child(2) .fb-marker")?.dataset.state === "corrected"`)
	p.click("#messages li.msg--user:nth-last-child(2) .fb-marker")
	p.waitVisible("#messages li.msg--user:nth-last-child(2) .fb-panel")
	eval[chromedp.Void](p, `document.activeElement.blur(); document.querySelector("#chat-scroll").scrollTop = 1e6`)
	p.shoot("feedback.png")

	// A scene from the library, its goals achieved, ended: the report.
	scene, err := srv.eng.CreateRoom(ctx, u.id, engine.RoomInput{ScenarioID: "cafe-order", Language: "en", Level: "A2", Locale: "ko"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, g := range scene.Goals {
		ids = append(ids, g.ID)
	}
	srv.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": "Hi! Can I have a large oat-milk latte, please? And what is the Wi-Fi password?",
		"items": []any{}, "note": "", "achieved_goals": ids}))
	srv.fake.Enqueue(openaifake.Reply{Chunks: openaifake.SplitWords("Sure! One large oat latte. The Wi-Fi password is on your receipt.")})
	res, err := srv.eng.SendMessage(ctx, engine.TurnInput{UserID: u.id, RoomID: scene.ID, Content: "Hi! Can I have a large oat-milk latte, please? And what is Wi-Fi password?",
		Source: engine.SourceWeb, Locale: "ko"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res.WaitGoals(ctx)
	srv.fake.EnqueueKind("report", openaifake.JSON(map[string]any{
		"summary": "카페에서 큰 사이즈 오트밀크 라떼를 주문하고 와이파이 비밀번호를 물어봤어요. 공손하고 자연스러운 주문이었어요.",
		"mistakes": []map[string]any{{"kind": "grammar", "original": "what is Wi-Fi password", "better": "what is the Wi-Fi password",
			"explanation": "정해진 하나를 가리킬 때는 the를 붙여요."}},
		"vocabulary": []map[string]any{
			{"term": "Can I have …, please?", "meaning": "…주시겠어요? (공손한 주문)", "example": "Can I have a large oat-milk latte, please?"},
			{"term": "oat-milk latte", "meaning": "오트밀크 라떼", "example": "Can I have a large oat-milk latte, please?"},
			{"term": "large", "meaning": "큰 사이즈", "example": "One large oat latte."},
			{"term": "Wi-Fi password", "meaning": "와이파이 비밀번호", "example": "The Wi-Fi password is on your receipt."},
			{"term": "receipt", "meaning": "영수증", "example": "The Wi-Fi password is on your receipt."},
		},
		"next_steps": []string{"the를 붙이는 때를 연습해 보세요.", "계산할 때 쓰는 표현(카드, 현금)을 연습해 보세요."},
	}))
	report, err := srv.eng.EndSceneFrom(ctx, u.id, scene.ID, engine.SourceWeb, "ko")
	if err != nil {
		t.Fatal(err)
	}
	p.do(chromedp.EmulateViewport(1200, 1150))
	p.open(fmt.Sprintf("/#/reports/%d", report.ID))
	p.waitVisible("#report")
	p.shoot("report.png")
}
