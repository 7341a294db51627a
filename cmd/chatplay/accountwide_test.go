package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/bots/discord/discordfake"
	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// The lines of the scene played across the surfaces, and the replies the
// model fake gives them: "echo: " and the line, but for the Telegram line,
// whose reply is streamed in parts and held after the first two.
const (
	webLine1 = "아이스 아메리카노 한 잔 주세요."
	tgLine   = "따뜻한 걸로 바꿔 주세요."
	dcLine   = "케이크도 하나 주세요."
	webLine2 = "전부 얼마예요?"
	lateLine = "영수증도 주세요." // the turn over the account's rate
)

// roomTitle is the title of the room played.
const roomTitle = "Cafe in Seoul"

// tgReplyChunks is the Telegram line's reply, as the model streams it.
var tgReplyChunks = []string{"네, ", "따뜻한 ", "아메리카노로 ", "바꿔 ", "드릴게요."}

// tgHoldAfter is how many chunks of tgReplyChunks come before the hold.
const tgHoldAfter = 2

// linkCodeShape is a link code as shown: ABCD-EFGH-JK, without 0, O, 1, I.
var linkCodeShape = regexp.MustCompile(`[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}`)

// One person, one account, one room, every surface (issue 12), with one
// `chatplay serve` running the API, the Telegram bot and the Discord bot
// against their fakes and the model fake, on each database: a web account
// makes a room and plays a line; Telegram links with a code made on the web
// (/link CODE), Discord the other way (/link in the bot, the code entered on
// the web), then again with a web code (/link code:), which changes nothing;
// the web page's event stream, open before, sees the Telegram
// turn's line and its reply's deltas while the reply is still held mid-way
// by the model, then the reply; the room is entered and played in Telegram
// (its recap first), then in Discord (its recap first), then on the web;
// the history is one, in order, each message with its surface; the usage
// is the account's, each call under its surface; and the turn rate is the
// account's: with limits.turns_per_minute at the four turns played, the
// next one is refused on every surface.
func TestOneRoomAcrossSurfaces(t *testing.T) {
	for _, dialect := range sqlstoretest.Dialects() {
		t.Run(dialect, func(t *testing.T) { playAcrossSurfaces(t, dialect) })
	}
}

func playAcrossSurfaces(t *testing.T, dialect string) {
	model := openaifake.New(t)
	hold := openaifake.NewHold()
	model.Default = func(req openaifake.Request) openaifake.Reply {
		if req.LastUserMessage() == tgLine {
			return openaifake.Reply{Chunks: tgReplyChunks, Hold: hold, HoldAfter: tgHoldAfter}
		}
		return openaifake.Echo(req)
	}
	tg := telegramfake.New(t)
	dc := discordfake.New(t)
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	const appID = "1200000000000000001"
	vars := map[string]string{
		"CHATPLAY_MODEL_BASE_URL":          model.URL(),
		"CHATPLAY_MODEL_API_KEY":           "sk-test",
		"CHATPLAY_LIMITS_TURNS_PER_MINUTE": "4", // the turns played below: web, Telegram, Discord, web
		"CHATPLAY_TELEGRAM_TOKEN":          tg.Token(),
		"CHATPLAY_TELEGRAM_API_URL":        tg.URL(),
		"CHATPLAY_TELEGRAM_POLL_TIMEOUT":   "1s",
		"CHATPLAY_DISCORD_TOKEN":           "discord-test-token",
		"CHATPLAY_DISCORD_APPLICATION_ID":  appID,
		"CHATPLAY_DISCORD_PUBLIC_KEY":      hex.EncodeToString(pub),
		"CHATPLAY_DISCORD_API_URL":         dc.URL(),
		"CHATPLAY_DISCORD_GATEWAY":         "false",
	}
	if dialect == sqlstore.DialectPostgres {
		vars["CHATPLAY_DATABASE_URL"] = sqlstoretest.URL(sqlstoretest.Open(t, dialect))
		vars["CHATPLAY_DATABASE_MIGRATE_ON_START"] = "false" // migrated by Open
	}
	s := startServe(t, vars)
	t.Cleanup(hold.Release) // before serve stops: a turn held by a failed test ends
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serve log:\n%s", s.logs.String())
		}
	})

	// The web: an account, a room (corrections off: no coach in the way), a line.
	token, roomID := s.signup(t)
	if got := s.playWeb(t, token, roomID, webLine1); got.Content != "echo: "+webLine1 || got.Source != "web" {
		t.Fatalf("the web turn's reply = %+v", got)
	}

	// Telegram links with a code the web account asked for: /link CODE.
	chat := &tgChat{api: tg, chat: telegramfake.Chat{ID: 7001, Type: "private"},
		from: telegramfake.User{ID: 7001, FirstName: "Mina", Username: "mina_tg", LanguageCode: "en"}}
	var code struct {
		Code      string `json:"code"`
		ExpiresAt string `json:"expires_at"`
	}
	s.call(t, http.MethodPost, "/link-codes", token, nil, &code, http.StatusCreated)
	if !linkCodeShape.MatchString(code.Code) {
		t.Fatalf("link code %q", code.Code)
	}
	since := chat.send("/link " + code.Code)
	chat.waitText(t, since, "the answer to /link CODE", func(text string) bool {
		return text == "✅ Linked: this Telegram account is now part of your chatplay account Mina (mina@example.com). "+
			"All its rooms are in /rooms, and what you play here shows on the web."
	})
	checkIdentities(t, s, token, map[string]string{"telegram": "mina_tg"})

	// Discord the other way: /link alone gives a code, entered on the web.
	general := discordfake.Channel{ID: "1000000000000000010", Type: 0, GuildID: "1000000000000000001", Name: "general"}
	dc.AddChannel(general)
	member := &discordClient{s: s, api: dc, appID: appID, priv: priv, guild: general.GuildID,
		who: discordPerson{id: "2000000000000000001", username: "mina_dc", global: "Mina"}}
	member.seq.Store(1400000000000000000)
	in := member.command(general, "link", nil)
	initial := member.send(t, in)
	answer := member.answer(t, in, initial, "the code of /link", linkCodeShape.MatchString)
	if !ephemeral(initial) {
		t.Errorf("/link answered %v: want an answer only its user sees", initial)
	}
	var linked struct {
		Identity struct {
			Provider string `json:"provider"`
			Username string `json:"username"`
		} `json:"identity"`
	}
	s.call(t, http.MethodPost, "/identities/link", token, map[string]string{"code": linkCodeShape.FindString(answer)}, &linked, http.StatusOK)
	if linked.Identity.Provider != "discord" || linked.Identity.Username != "mina_dc" {
		t.Fatalf("POST /identities/link = %+v, want discord mina_dc", linked.Identity)
	}
	checkIdentities(t, s, token, map[string]string{"telegram": "mina_tg", "discord": "mina_dc"})

	// Linking again, with a web code (/link code:), changes nothing.
	s.call(t, http.MethodPost, "/link-codes", token, nil, &code, http.StatusCreated)
	in = member.command(general, "link", []any{map[string]any{"name": "code", "type": 3, "value": code.Code}})
	initial = member.send(t, in)
	member.answer(t, in, initial, "the answer to /link code:", func(c string) bool {
		return c == "🔗 This Discord account is now linked to your chatplay account **Mina**: your rooms are here (`/room list`), "+
			"and what you play here is in your history on the web."
	})
	checkIdentities(t, s, token, map[string]string{"telegram": "mina_tg", "discord": "mina_dc"})

	// The web page watches the room from here on.
	events := s.watchRoom(t, token, roomID)
	if ev := events.next(t); ev.Event != "ready" || ev.ID == "" {
		t.Fatalf("the stream's first event = %+v, want ready with the room's newest event id", ev)
	}

	// Telegram: /rooms lists the account's room; entering it shows the recap.
	since = chat.send("/rooms")
	listID, _ := chat.waitText(t, since, "the list of /rooms", func(text string) bool { return strings.Contains(text, "customer") })
	enter := enterButton(t, tg, chat.chat.ID, listID)
	since = chat.press(listID, enter)
	_, recap := chat.waitText(t, since, "the recap of the room entered", func(text string) bool { return strings.Contains(text, webLine1) })
	if want := "📜 Played elsewhere since\nYou: " + webLine1 + "\nbarista: echo: " + webLine1; recap != want {
		t.Errorf("Telegram's recap of the web turn is\n%s\nwant\n%s", recap, want)
	}

	// A Telegram line streams into the open web page while it is written.
	turnStart := chat.send(tgLine)
	full := strings.Join(tgReplyChunks, "")
	seeTurnLive(t, events, hold, tgReplyChunks, tgHoldAfter, tgLine, "telegram")
	chat.waitText(t, turnStart, "Telegram's reply", func(text string) bool { return text == full })
	if n := countContaining(chat.texts(since), webLine1); n != 1 {
		t.Errorf("Telegram showed the web line in %d messages since the room was entered, want 1 (the recap, once):\n%q", n, chat.texts(since))
	}

	// Discord: /room enter opens a thread whose first message is the recap
	// of what was played elsewhere, then /say plays there.
	in = member.command(general, "room", []any{map[string]any{"name": "enter", "type": 1,
		"options": []any{map[string]any{"name": "room", "type": 3, "value": fmt.Sprint(roomID)}}}})
	initial = member.send(t, in)
	member.answer(t, in, initial, "the answer to /room enter", func(c string) bool { return c != "" })
	var thread discordfake.Channel
	dc.WaitFor(t, "the room's thread and its recap", func(calls []discordfake.Call) bool {
		for _, c := range discordfake.Filter(calls, http.MethodPost, "/channels/"+general.ID+"/threads") {
			if id, _ := c.Response["id"].(string); id != "" {
				thread, _ = dc.Channel(id)
			}
		}
		return thread.ID != "" && len(dc.Messages(thread.ID)) > 0 && discordShows(dc.Messages(thread.ID)[0], full)
	})
	wantRecap := "🔁 Played elsewhere (web, Telegram):\n" +
		"**You:** " + webLine1 + "\n**barista:** echo\\: " + webLine1 + "\n" +
		"**You:** " + tgLine + "\n**barista:** " + full + "\n\n" +
		"The scene of **" + roomTitle + "** goes on: write your next line here."
	if first := dc.Messages(thread.ID)[0].Content; first != wantRecap {
		t.Errorf("the thread's first message is\n%s\nwant the recap of the web and Telegram turns:\n%s", first, wantRecap)
	}
	in = member.command(thread, "say", []any{map[string]any{"name": "text", "type": 3, "value": dcLine}})
	initial = member.send(t, in)
	member.answer(t, in, initial, "Discord's reply", func(c string) bool { return c == "echo: "+dcLine })
	shown := append(dc.Messages(thread.ID), dc.Messages(in["token"].(string))...)
	shownRecaps := 0
	for _, m := range shown {
		if discordShows(m, tgLine) {
			shownRecaps++
		}
	}
	if shownRecaps != 1 {
		t.Errorf("Discord shows the Telegram line in %d messages, want 1 (the recap, once): %+v", shownRecaps, shown)
	}

	// The web again: its turn comes after the others, and the history is one.
	if got := s.playWeb(t, token, roomID, webLine2); got.Content != "echo: "+webLine2 || got.Source != "web" {
		t.Fatalf("the second web turn's reply = %+v", got)
	}
	want := []surfaceMessage{
		{Role: "user", Content: webLine1, Source: "web"}, {Role: "assistant", Content: "echo: " + webLine1, Source: "web"},
		{Role: "user", Content: tgLine, Source: "telegram"}, {Role: "assistant", Content: full, Source: "telegram"},
		{Role: "user", Content: dcLine, Source: "discord"}, {Role: "assistant", Content: "echo: " + dcLine, Source: "discord"},
		{Role: "user", Content: webLine2, Source: "web"}, {Role: "assistant", Content: "echo: " + webLine2, Source: "web"},
	}
	checkHistory(t, s, token, roomID, want)

	// The account's usage counts every surface's calls, each under its own.
	var usage struct {
		Usage []struct {
			Model   string `json:"model"`
			Surface string `json:"surface"`
			Kind    string `json:"kind"`
			Calls   int    `json:"calls"`
		} `json:"usage"`
	}
	s.call(t, http.MethodGet, "/usage", token, nil, &usage, http.StatusOK)
	calls := map[string]int{}
	for _, u := range usage.Usage {
		calls[u.Model+" "+u.Surface+" "+u.Kind] += u.Calls
	}
	if want := map[string]int{"gpt-4o-mini web reply": 2, "gpt-4o-mini telegram reply": 1, "gpt-4o-mini discord reply": 1}; fmt.Sprint(calls) != fmt.Sprint(want) {
		t.Errorf("GET /usage counts %v, want %v", calls, want)
	}

	// The turn rate is the account's: four turns were played, on three
	// surfaces, and a fifth is refused on each of them.
	since = chat.send(lateLine)
	chat.waitText(t, since, "Telegram's refusal", func(text string) bool { return strings.HasPrefix(text, "Too many messages. Try again in ") })
	in = member.command(thread, "say", []any{map[string]any{"name": "text", "type": 3, "value": lateLine}})
	initial = member.send(t, in)
	member.answer(t, in, initial, "Discord's refusal", func(c string) bool { return strings.Contains(c, "Too many messages. Try again in ") })
	resp := s.postMessage(t, token, roomID, lateLine, false)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var refused struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if resp.StatusCode != http.StatusTooManyRequests || json.Unmarshal(body, &refused) != nil || refused.Error.Code != "rate_limited" {
		t.Errorf("a fifth turn on the web = %d %s, want 429 rate_limited", resp.StatusCode, body)
	}
	checkHistory(t, s, token, roomID, want) // nothing of the refused turns is kept
}

// signup signs a new account up and makes it a room with corrections off;
// it returns the access token and the room's id.
func (s *served) signup(t *testing.T) (string, int64) {
	t.Helper()
	var signedUp struct {
		AccessToken string `json:"access_token"`
	}
	s.call(t, http.MethodPost, "/auth/signup", "", map[string]string{
		"email": "mina@example.com", "password": "a long passphrase", "display_name": "Mina",
	}, &signedUp, http.StatusCreated)
	var created struct {
		Room struct {
			ID int64 `json:"id"`
		} `json:"room"`
	}
	s.call(t, http.MethodPost, "/rooms", signedUp.AccessToken, map[string]any{
		"title": roomTitle, "language": "ko", "situation": "ordering coffee in a cafe in Seoul", "user_role": "customer",
		"bot_role": "barista", "feedback": false,
	}, &created, http.StatusCreated)
	return signedUp.AccessToken, created.Room.ID
}

// playWeb plays content in the room through the API and returns the reply.
func (s *served) playWeb(t *testing.T, token string, roomID int64, content string) surfaceMessage {
	t.Helper()
	resp := s.postMessage(t, token, roomID, content, false)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var turn struct {
		Message surfaceMessage `json:"message"`
		Reply   surfaceMessage `json:"reply"`
	}
	if resp.StatusCode/100 != 2 || json.Unmarshal(body, &turn) != nil {
		t.Fatalf("POST message %q = %d %s", content, resp.StatusCode, body)
	}
	if turn.Message.Content != content || turn.Message.Source != "web" {
		t.Fatalf("POST message %q stored %+v", content, turn.Message)
	}
	return turn.Reply
}

// checkIdentities checks the identities GET /auth/me lists: want's
// providers, with their usernames, each linked.
func checkIdentities(t *testing.T, s *served, token string, want map[string]string) {
	t.Helper()
	var me struct {
		User struct {
			Identities []struct {
				Provider string  `json:"provider"`
				Username string  `json:"username"`
				LinkedAt *string `json:"linked_at"`
			} `json:"identities"`
		} `json:"user"`
	}
	s.call(t, http.MethodGet, "/auth/me", token, nil, &me, http.StatusOK)
	got := map[string]string{}
	for _, id := range me.User.Identities {
		if id.LinkedAt == nil {
			t.Errorf("identity %s %s has no linked_at", id.Provider, id.Username)
		}
		got[id.Provider] = id.Username
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("GET /auth/me identities = %v, want %v", got, want)
	}
}

// checkHistory checks the room's whole history as the API answers it: want's
// roles, contents and sources, in order, every message complete.
func checkHistory(t *testing.T, s *served, token string, roomID int64, want []surfaceMessage) {
	t.Helper()
	var page struct {
		Messages []surfaceMessage `json:"messages"`
	}
	s.call(t, http.MethodGet, fmt.Sprintf("/rooms/%d/messages?limit=100", roomID), token, nil, &page, http.StatusOK)
	ok := len(page.Messages) == len(want)
	for i := 0; ok && i < len(want); i++ {
		m := page.Messages[i]
		ok = m.Role == want[i].Role && m.Content == want[i].Content && m.Source == want[i].Source && m.Status == "complete"
	}
	if !ok {
		var b strings.Builder
		for _, m := range page.Messages {
			fmt.Fprintf(&b, "\n  %s %s %s %q", m.Source, m.Role, m.Status, m.Content)
		}
		t.Fatalf("the room's history is:%s\nwant %+v", b.String(), want)
	}
}

// enterButton returns the callback data of the only enter button (▶) on
// the bot's message msgID in chat.
func enterButton(t *testing.T, tg *telegramfake.Server, chatID int64, msgID int) string {
	t.Helper()
	m, _ := tg.Message(chatID, msgID)
	var markup struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal(m.ReplyMarkup, &markup); err != nil {
		t.Fatalf("the keyboard of /rooms: %v in %s", err, m.ReplyMarkup)
	}
	var enter []string
	for _, row := range markup.InlineKeyboard {
		for _, b := range row {
			if strings.HasPrefix(b.Text, "▶") {
				enter = append(enter, b.CallbackData)
			}
		}
	}
	if len(enter) != 1 {
		t.Fatalf("/rooms offers %d rooms to enter (%s), want the account's one", len(enter), m.ReplyMarkup)
	}
	return enter[0]
}

// discordShows reports whether a Discord message's content shows text.
func discordShows(m discordfake.Message, text string) bool {
	return strings.Contains(m.Content, text)
}

// countContaining returns how many of texts contain s.
func countContaining(texts []string, s string) int {
	n := 0
	for _, t := range texts {
		if strings.Contains(t, s) {
			n++
		}
	}
	return n
}

// seeTurnLive follows a turn of line played on surface source, as the room's
// event stream shows it: the line, then the reply's start and its deltas up
// to the hold (where the model fake keeps the reply, not yet complete), and,
// once the hold is released, the reply, complete: chunks joined. The model
// fake holds the reply after holdAfter chunks.
func seeTurnLive(t *testing.T, events *roomEvents, hold *openaifake.Hold, chunks []string, holdAfter int, line, source string) {
	t.Helper()
	if ev := events.next(t); ev.Event != "message" {
		t.Fatalf("after the %s line, event %+v, want message", source, ev)
	} else if m := ev.message(t); m.Role != "user" || m.Content != line || m.Source != source || ev.ID == "" {
		t.Fatalf("the line's event = %+v (id %q), want the line from %s, with an id", m, ev.ID, source)
	}
	full := strings.Join(chunks, "")
	held := strings.Join(chunks[:holdAfter], "")
	var replyID int64
	var streamed string
	for streamed != held {
		ev := events.next(t)
		switch ev.Event {
		case "reply_started":
			m := ev.message(t)
			if m.Role != "assistant" || m.Source != source || !strings.HasPrefix(held, m.Content) {
				t.Fatalf("reply_started = %+v", m)
			}
			replyID, streamed = m.ID, m.Content
		case "delta":
			var d struct {
				MessageID int64  `json:"message_id"`
				Text      string `json:"text"`
			}
			ev.decode(t, &d)
			if replyID == 0 || d.MessageID != replyID || ev.ID != "" {
				t.Fatalf("delta %+v (id %q) of reply %d", d, ev.ID, replyID)
			}
			streamed += d.Text
			if !strings.HasPrefix(held, streamed) {
				t.Fatalf("the deltas so far say %q, want the start of %q", streamed, held)
			}
		default:
			t.Fatalf("event %+v while the reply is held after %q (streamed so far: %q)", ev, held, streamed)
		}
	}
	select { // the reply is held mid-way: what came so far came live
	case <-hold.Reached():
	case <-time.After(eventWait):
		t.Fatal("the model fake never held the reply")
	}
	hold.Release()
	for {
		ev := events.next(t)
		if ev.Event == "delta" {
			continue
		}
		if ev.Event != "reply" {
			t.Fatalf("event %+v, want the reply", ev)
		}
		if m := ev.message(t); m.ID != replyID || m.Content != full || m.Status != "complete" || m.Source != source || ev.ID == "" {
			t.Fatalf("the reply event = %+v (id %q), want reply %d complete: %q", m, ev.ID, replyID, full)
		}
		break
	}
}
