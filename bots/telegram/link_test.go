package telegram

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// webAccount makes a web account (an email and a password) named name.
func (e *env) webAccount(name string) *engine.User {
	e.t.Helper()
	u, err := e.eng.CreateUser(context.Background(), engine.NewUser{Email: strings.ToLower(name) + "@example.com",
		PasswordHash: "$argon2id$v=19$m=65536,t=1,p=1$c2FsdA$aGFzaA", DisplayName: name, Locale: "en"})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// linkCode makes a code on the web for the account, as POST /link-codes does.
func (e *env) linkCode(acct *engine.User) string {
	e.t.Helper()
	code, _, err := e.eng.CreateLinkCode(context.Background(), acct.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return code
}

// webTurn plays a line in the account's room on the web.
func (e *env) webTurn(acct *engine.User, roomID int64, line, reply string) {
	e.t.Helper()
	e.model.Enqueue(openaifake.Reply{Chunks: []string{reply}})
	if _, err := e.eng.SendMessage(context.Background(), engine.TurnInput{UserID: acct.ID, RoomID: roomID,
		Content: line, Source: engine.SourceWeb}, nil); err != nil {
		e.t.Fatal(err)
	}
}

// accountHistory returns a room's conversation as the web account reads it.
func (e *env) accountHistory(acct *engine.User, roomID int64) []*engine.Message {
	e.t.Helper()
	msgs, _, err := e.eng.ListMessages(context.Background(), acct.ID, roomID, engine.Page{Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	return msgs
}

// engineClock is a settable clock for the engine, safe for concurrent use.
type engineClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *engineClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *engineClock) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// A web account's code, typed in lower case with spaces, links the Telegram
// account: the very next line plays as the account, in the room the chat was
// in (now the account's), and the account's own web room can be entered and
// played, its history one.
func TestLinkByCodePlaysInAccountRooms(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		wendy := e.webAccount("Wendy")
		webRoom, err := e.eng.CreateRoom(t.Context(), wendy.ID, engine.RoomInput{Title: "Web café", Language: "ko",
			Situation: "ordering coffee", UserRole: "customer", BotRole: "barista", Feedback: new(bool)})
		if err != nil {
			t.Fatal(err)
		}
		botRoom := e.room(alice, aliceDM, cafe("en"))
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Hi there."}})
		e.send(aliceDM, alice, "hello")
		before := e.user(alice)

		code := e.linkCode(wendy)
		e.send(aliceDM, alice, "/link "+strings.ToLower(strings.ReplaceAll(code, "-", " ")))
		if got := e.lastText(aliceDM.ID); got != "✅ Linked: this Telegram account is now part of your chatplay account Wendy (wendy@example.com). All its rooms are in /rooms, and what you play here shows on the web." {
			t.Fatalf("/link CODE = %q", got)
		}

		// The next line plays as the account, in the room still active here.
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Anything else?"}})
		e.send(aliceDM, alice, "a latte")
		msgs := e.accountHistory(wendy, botRoom.ID)
		if len(msgs) != 4 || msgs[2].Content != "a latte" || msgs[2].Source != engine.SourceTelegram || msgs[3].Content != "Anything else?" {
			t.Fatalf("the account's history of the chat's room = %s", contents(msgs))
		}
		if _, err := e.eng.FindUser(t.Context(), before.ID); engine.ErrorCode(err) != engine.CodeNotFound {
			t.Fatalf("the bot-only user %d still exists: %v", before.ID, err)
		}
		usage, err := e.eng.ListUsage(t.Context(), wendy.ID, 1)
		if err != nil || len(usage) == 0 {
			t.Fatalf("the account's usage = %+v, %v", usage, err)
		}

		// The web account's own room is listed and entered; a line plays there.
		e.send(aliceDM, alice, "/rooms")
		if got := e.lastText(aliceDM.ID); !strings.Contains(got, "Web café") {
			t.Fatalf("/rooms after linking = %q", got)
		}
		e.press(aliceDM, alice, e.lastID(aliceDM.ID), fmt.Sprintf("enter:%d", webRoom.ID))
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"네, 잠시만요."}})
		e.send(aliceDM, alice, "아메리카노 주세요")
		msgs = e.accountHistory(wendy, webRoom.ID)
		if len(msgs) != 2 || msgs[0].Content != "아메리카노 주세요" || msgs[0].Source != engine.SourceTelegram || msgs[1].Content != "네, 잠시만요." {
			t.Fatalf("the web room's history = %s", contents(msgs))
		}
		if got := e.lastText(aliceDM.ID); got != "네, 잠시만요." {
			t.Fatalf("reply shown = %q", got)
		}

		// Linking again is harmless; /link alone names the account.
		e.send(aliceDM, alice, "/link "+e.linkCode(wendy))
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "✅ Linked") {
			t.Fatalf("second /link = %q", got)
		}
		e.send(aliceDM, alice, "/link")
		if got := e.lastText(aliceDM.ID); got != "This Telegram account is linked to your chatplay account Wendy (wendy@example.com). To link another account, /unlink first." {
			t.Fatalf("/link when linked = %q", got)
		}
	})
}

// contents lists messages as role: content (source), for failures.
func contents(msgs []*engine.Message) string {
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "\n  %s: %q (%s, %s)", m.Role, m.Content, m.Source, m.Status)
	}
	return b.String()
}

// Wrong, malformed and expired codes are one clear answer; the eleventh
// code in the window is refused with the wait, even a right one.
func TestLinkCodeRefusals(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		clk := &engineClock{t: time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)}
		e := newEnv(t, db, envOptions{now: clk.now})
		wendy := e.webAccount("Wendy")
		e.send(aliceDM, alice, "/link ABCD-EFGH-JK")
		const wrongEn = "That code is wrong or has expired (a code lasts 10 minutes and works once). Make a new one on the web under Connected apps and send /link CODE."
		if got := e.lastText(aliceDM.ID); got != wrongEn {
			t.Fatalf("wrong code = %q", got)
		}
		e.send(aliceDM, alice, "/link hello")
		if got := e.lastText(aliceDM.ID); got != wrongEn {
			t.Fatalf("malformed code = %q", got)
		}
		e.send(bobDM, bob, "/link ABCD-EFGH-JK")
		if got := e.lastText(bobDM.ID); got != "코드가 틀렸거나 만료됐어요(코드는 10분 동안 한 번만 쓸 수 있어요). 웹의 연결된 앱에서 새 코드를 만들어 /link 코드 를 보내 주세요." {
			t.Fatalf("wrong code in Korean = %q", got)
		}

		// Expired: made 11 minutes ago.
		code := e.linkCode(wendy)
		clk.add(engine.LinkCodeTTL + time.Minute)
		e.send(aliceDM, alice, "/link "+code)
		if got := e.lastText(aliceDM.ID); got != wrongEn {
			t.Fatalf("expired code = %q", got)
		}
		if u := e.user(alice); u.Email != nil {
			t.Fatalf("an expired code linked alice to %s", *u.Email)
		}

		// Alice has tried 3 codes in the window that began 11 minutes ago;
		// 7 more fill it, then even a right code waits for its end.
		for range engine.LinkAttemptsPerIdentity - 3 {
			e.send(aliceDM, alice, "/link ABCD-EFGH-JK")
		}
		if got := e.lastText(aliceDM.ID); got != wrongEn {
			t.Fatalf("tenth code = %q", got)
		}
		clk.add(time.Minute)
		e.send(aliceDM, alice, "/link "+e.linkCode(wendy))
		if got := e.lastText(aliceDM.ID); got != "Too many codes tried. Try again in 3 min." {
			t.Fatalf("eleventh code = %q", got)
		}
		if u := e.user(alice); u.Email != nil {
			t.Fatal("a code past the limit linked alice")
		}
		clk.add(3 * time.Minute)
		e.send(aliceDM, alice, "/link "+e.linkCode(wendy))
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "✅ Linked") {
			t.Fatalf("after the window = %q", got)
		}
	})
}

// An identity linked to one account cannot take another's code (unlink it
// there first); an account with a Telegram account linked cannot take a
// second one.
func TestLinkConflicts(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		wendy, xavier := e.webAccount("Wendy"), e.webAccount("Xavier")
		e.send(aliceDM, alice, "/link "+e.linkCode(wendy))

		e.send(aliceDM, alice, "/link "+e.linkCode(xavier))
		if got := e.lastText(aliceDM.ID); got != "This Telegram account is already linked to another chatplay account. Unlink it there first (/unlink here, or Connected apps on that account), then send the code again." {
			t.Fatalf("linked elsewhere = %q", got)
		}
		e.send(bobDM, bob, "/link "+e.linkCode(wendy))
		if got := e.lastText(bobDM.ID); got != "그 chatplay 계정에는 이미 다른 텔레그램 계정이 연결되어 있어요. 먼저 그 연결을 해제한 뒤(웹의 연결된 앱) 새 코드를 만들어 주세요." {
			t.Fatalf("provider linked = %q", got)
		}
		if u := e.user(alice); u.ID != wendy.ID {
			t.Fatalf("alice is user %d, want wendy %d", u.ID, wendy.ID)
		}
		if u := e.user(bob); u.Email != nil {
			t.Fatalf("bob was linked to %s", *u.Email)
		}
	})
}

// /unlink gives the Telegram account a user of its own: the next line finds
// no active room and /rooms none of the account's, which keeps them; a
// second /unlink says it is not linked.
func TestUnlink(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		wendy := e.webAccount("Wendy")
		e.send(aliceDM, alice, "/unlink")
		const notLinked = "This Telegram account is not linked to a web account. To link it, send /link."
		if got := e.lastText(aliceDM.ID); got != notLinked {
			t.Fatalf("/unlink of a bot-only user = %q", got)
		}
		room := e.room(alice, aliceDM, cafe("en"))
		e.send(aliceDM, alice, "/link "+e.linkCode(wendy))

		e.send(aliceDM, alice, "/unlink")
		if got := e.lastText(aliceDM.ID); got != "Unlinked from your chatplay account Wendy (wendy@example.com). Its rooms stay with it; here you start afresh: /new to make a room, /link to link again." {
			t.Fatalf("/unlink = %q", got)
		}
		fresh, err := e.eng.FindIdentityUser(t.Context(), engine.ProviderTelegram, fmt.Sprint(alice.ID))
		if err != nil || fresh.ID == wendy.ID || fresh.Email != nil {
			t.Fatalf("alice's user after unlink = %+v, %v", fresh, err)
		}
		e.send(aliceDM, alice, "a latte")
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "You have no active room in this chat.") {
			t.Fatalf("a line after unlink = %q", got)
		}
		e.send(aliceDM, alice, "/rooms")
		if got := e.lastText(aliceDM.ID); got != "You have no rooms yet. Make one with /new." {
			t.Fatalf("/rooms after unlink = %q", got)
		}
		if msgs := e.accountHistory(wendy, room.ID); len(msgs) != 0 {
			t.Fatalf("the account's room = %s", contents(msgs))
		}
		e.send(aliceDM, alice, "/unlink")
		if got := e.lastText(aliceDM.ID); got != notLinked {
			t.Fatalf("second /unlink = %q", got)
		}
	})
}

var shownCode = regexp.MustCompile(`code: ([2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2})\n`)

// /link alone answers a code with its expiry; the web account that enters it
// takes the Telegram account, and the next update (the answer to a question
// asked before, a line) acts as the account.
func TestLinkCodeFromTheBot(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		clk := &engineClock{t: time.Date(2026, 12, 3, 15, 2, 0, 0, time.UTC)}
		e := newEnv(t, db, envOptions{now: clk.now})
		wendy := e.webAccount("Wendy")
		room := e.room(alice, aliceDM, cafe("en"))

		e.send(aliceDM, alice, "/link")
		got := e.lastText(aliceDM.ID)
		m := shownCode.FindStringSubmatch(got)
		if m == nil || !strings.Contains(got, "within 10 minutes (until 15:12 UTC)") {
			t.Fatalf("/link = %q", got)
		}
		if html := e.sent(aliceDM.ID)[0].Fields["text"]; !strings.Contains(html, "<code>"+m[1]+"</code>") {
			t.Fatalf("the code is not tap-to-copy: %q", html)
		}
		// A question of /edit is open while the web takes the code: the
		// answer and the next line act as the account.
		e.send(aliceDM, alice, "/edit")
		e.press(aliceDM, alice, e.lastID(aliceDM.ID), fmt.Sprintf("field:%d:u", room.ID))
		question := e.lastID(aliceDM.ID)
		if _, err := e.eng.RedeemIdentityLinkCode(t.Context(), wendy.ID, m[1]); err != nil {
			t.Fatal(err)
		}
		e.replyTo(aliceDM, alice, question, "regular customer")
		if r, err := e.eng.FindRoom(t.Context(), wendy.ID, room.ID); err != nil || r.UserRole != "regular customer" {
			t.Fatalf("the account's room = %+v, %v", r, err)
		}
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Hello!"}})
		e.send(aliceDM, alice, "hi")
		if msgs := e.accountHistory(wendy, room.ID); len(msgs) != 2 || msgs[0].Content != "hi" {
			t.Fatalf("the account's history = %s", contents(msgs))
		}
	})
}

// In a group, /link only sends the user to the private chat: no code is
// shown, and one typed there is not redeemed.
func TestLinkInGroup(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		wendy := e.webAccount("Wendy")
		e.send(group, alice, "/link")
		if got := e.lastText(group.ID); got != "Link codes are secret: send /link to me in a private chat, t.me/chatplay_test_bot" {
			t.Fatalf("/link in a group = %q", got)
		}
		code := e.linkCode(wendy)
		e.send(group, bob, "/link@chatplay_test_bot "+code)
		if got := e.lastText(group.ID); !strings.HasPrefix(got, "연결 코드는 비밀인데 이 그룹에 코드가 보였어요.") {
			t.Fatalf("/link CODE in a group = %q", got)
		}
		if u := e.user(bob); u.Email != nil {
			t.Fatal("a code typed in a group was redeemed")
		}
		if n := len(e.sent(aliceDM.ID)) + len(e.sent(bobDM.ID)); n != 0 {
			t.Fatalf("%d private messages sent", n)
		}
	})
}

func TestLinkCodeArg(t *testing.T) {
	for in, want := range map[string]string{
		"abcd-efgh-jk":         "ABCDEFGHJK",
		" ABCD EFGH JK ":       "ABCDEFGHJK",
		"abcd–efgh—jk":         "ABCDEFGHJK",
		"ＡＢＣＤ－ＥＦＧＨ－ＪＫ":         "ABCDEFGHJK",
		"ａｂｃｄーｅｆｇｈーｊｋ":         "ABCDEFGHJK",
		"ABCD\u200b-EFGH−JK":   "ABCDEFGHJK",
		"ab\ncd\tEFGH\u3000JK": "ABCDEFGHJK",
		"code?":                "CODE?",
	} {
		if got := linkCodeArg(in); got != want {
			t.Errorf("linkCodeArg(%q) = %q, want %q", in, got, want)
		}
	}
}
