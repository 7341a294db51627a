package discord

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// More Discord users of the link tests.
var (
	carol = person{"2000000000000000003", "carol", "Carol"}
	dave  = person{"2000000000000000004", "dave", "Dave"}
)

// webAccount makes a web account (an email and a password) named name.
func (e *env) webAccount(t testing.TB, name string) *engine.User {
	t.Helper()
	u, err := e.eng.CreateUser(context.Background(), engine.NewUser{Email: strings.ToLower(name) + "@example.com",
		PasswordHash: "$argon2id$test", DisplayName: name, Locale: "en"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// webRoom makes a room on the web for the account u (feedback off, so that
// the model's calls are the replies only).
func (e *env) webRoom(t testing.TB, u *engine.User, title string) *engine.Room {
	t.Helper()
	off := false
	r, err := e.eng.CreateRoom(context.Background(), u.ID, engine.RoomInput{Title: title, Language: "ko",
		Situation: "checking in at a hotel in Busan", UserRole: "guest", BotRole: "clerk", Feedback: &off})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// webLine plays a learner line of u in room r on the web.
func (e *env) webLine(t testing.TB, u *engine.User, r *engine.Room, line string) {
	t.Helper()
	if _, err := e.eng.SendMessage(context.Background(), engine.TurnInput{UserID: u.ID, RoomID: r.ID, Content: line,
		Source: engine.SourceWeb}, nil); err != nil {
		t.Fatal(err)
	}
}

// webCode returns a link code of the web account u.
func (e *env) webCode(t testing.TB, u *engine.User) string {
	t.Helper()
	code, _, err := e.eng.CreateLinkCode(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// link runs /link for p, with code when it is not empty, in locale, and
// returns its answer, which must be ephemeral.
func (e *env) link(t *testing.T, p person, code, locale string) string {
	t.Helper()
	m := e.golden(t, "command_link.json", p)
	m["locale"] = locale
	if code == "" {
		set(t, m, "data.options", []any{})
	} else {
		set(t, m, "data.options.0.value", code)
	}
	return e.ephemeralAnswer(t, m)
}

// unlink runs /unlink for p and returns its answer, which must be ephemeral.
func (e *env) unlink(t *testing.T, p person) string {
	t.Helper()
	return e.ephemeralAnswer(t, e.golden(t, "command_unlink.json", p))
}

// roomList returns what /room list answers p.
func (e *env) roomList(t *testing.T, p person) string {
	t.Helper()
	return e.ephemeralAnswer(t, e.golden(t, "command_room_list.json", p))
}

// roomChoices returns the values /room enter's autocomplete offers p when
// nothing is typed.
func (e *env) roomChoices(t *testing.T, p person) []string {
	t.Helper()
	m := e.golden(t, "autocomplete_room_enter.json", p)
	set(t, m, "data.options.0.options.0.value", "")
	var ids []string
	for _, c := range respData(t, e.sendOK(t, m))["choices"].([]any) {
		ids = append(ids, c.(map[string]any)["value"].(string))
	}
	return ids
}

// A web account's code, typed any way, links the Discord identity: its
// bot-only user merges into the account, whose rooms (made on the web) and
// the identity's own (with the thread bound to one) are listed, offered and
// played from Discord, into the account's one history.
func TestLinkWithWebCode(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		mina := e.webAccount(t, "Mina")
		hotel := e.webRoom(t, mina, "Web hotel")
		e.webLine(t, mina, hotel, "예약했어요")
		bakery := e.room(t, alice, "Discord bakery")
		oldThread := e.enter(t, alice, bakery)
		if ids := e.roomChoices(t, alice); strings.Join(ids, ",") != fmtRoomID(bakery) {
			t.Fatalf("before the link alice is offered %v", ids)
		}

		code := e.webCode(t, mina)
		typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
		if got := e.link(t, alice, typed, "en-US"); !strings.Contains(got, "now linked to your chatplay account **Mina**") {
			t.Fatalf("/link answered %q", got)
		}
		if u := e.user(t, alice); u.ID != mina.ID {
			t.Fatalf("alice is user %d, want the account %d", u.ID, mina.ID)
		}

		// The next interactions act as the account: its rooms, web-made included.
		list := e.roomList(t, alice)
		if !strings.Contains(list, "**Web hotel**") || !strings.Contains(list, "**Discord bakery**") {
			t.Errorf("/room list after the link = %q", list)
		}
		if ids := e.roomChoices(t, alice); len(ids) != 2 || ids[0] != fmtRoomID(hotel) && ids[1] != fmtRoomID(hotel) {
			t.Errorf("autocomplete after the link = %v, want both rooms", ids)
		}

		// A line in a thread of the web room plays in it and joins its history.
		thread := e.enter(t, alice, hotel)
		e.message(t, alice, thread, "체크인할게요")
		msgs, _, err := e.eng.ListMessages(ctx, mina.ID, hotel.ID, engine.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range msgs {
			got = append(got, string(m.Source)+":"+m.Content)
		}
		want := "web:예약했어요 web:echo: 예약했어요 discord:체크인할게요 discord:echo: 체크인할게요"
		if strings.Join(got, " ") != want {
			t.Errorf("the account's history = %q, want %q", strings.Join(got, " "), want)
		}
		if !strings.Contains(e.shown(thread), "echo: 체크인할게요") {
			t.Errorf("the thread shows %q", e.shown(thread))
		}
		// The thread bound before the link still plays its room, now the account's.
		e.message(t, alice, oldThread, "빵 주세요")
		if last := e.lastReply(t, alice, bakery.ID); last.Content != "echo: 빵 주세요" {
			t.Errorf("the old thread's room replied %q", last.Content)
		}

		// The used code does not link again; a new one changes nothing.
		if got := e.link(t, alice, code, "en-US"); !strings.Contains(got, "wrong, expired or already used") {
			t.Errorf("a used code answered %q", got)
		}
		if got := e.link(t, alice, e.webCode(t, mina), "ko"); !strings.Contains(got, "**Mina**에 연결했습니다") {
			t.Errorf("linking again answered %q", got)
		}
		if n, _ := db.CountRooms(ctx, mina.ID); n != 2 {
			t.Errorf("the account has %d rooms, want 2", n)
		}
	})
}

// Every refusal of a code has its own clear answer, in the user's language:
// a wrong code, an expired one, too many tries (with the wait), an identity
// linked to another account, an account with another Discord identity.
func TestLinkRefused(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		mina, jun := e.webAccount(t, "Mina"), e.webAccount(t, "Jun")
		e.user(t, alice)
		e.user(t, bob)

		// A wrong code, and one that is not even a code.
		for _, code := range []string{"ABCD-EFGH-JK", "hello"} {
			if got := e.link(t, alice, code, "en-US"); got != "This link code is wrong, expired or already used. Get a new one on the website (**Connected apps**)." {
				t.Errorf("code %q answered %q", code, got)
			}
		}
		if got := e.link(t, alice, "ABCD-EFGH-JK", "ja"); !strings.Contains(got, "連携コードが違うか") {
			t.Errorf("a wrong code in Japanese answered %q", got)
		}

		// An expired code: the engine's clock past its life.
		code := e.webCode(t, mina)
		e.skew.Store(int64(engine.LinkCodeTTL))
		if got := e.link(t, bob, code, "ko"); !strings.Contains(got, "만료되었거나") {
			t.Errorf("an expired code answered %q", got)
		}
		e.skew.Store(0)
		if u := e.user(t, bob); u.Email != nil {
			t.Fatal("an expired code linked bob")
		}

		// Too many tries: alice has made 3; the limit's next one is refused with the wait.
		for i := 3; i < engine.LinkAttemptsPerIdentity; i++ {
			e.link(t, alice, fmt.Sprintf("ABCD-EFGH-%c%c", 'K'+i%8, 'M'), "en-US")
		}
		got := e.link(t, alice, e.webCode(t, mina), "en-US")
		wait := regexp.MustCompile(`^Too many link codes tried\. Try again in (\d+) min\.$`).FindStringSubmatch(got)
		if wait == nil {
			t.Fatalf("one try too many answered %q", got)
		}
		if n, _ := strconv.Atoi(wait[1]); n < 1 || n > int(engine.LinkAttemptWindow/time.Minute) {
			t.Errorf("the wait is %s min, want 1 to %v", wait[1], engine.LinkAttemptWindow)
		}

		// Linked elsewhere: carol's identity is Jun's; Mina's code is refused.
		e.user(t, carol)
		if _, err := e.eng.LinkIdentity(ctx, jun.ID, engine.ProviderDiscord, carol.id); err != nil {
			t.Fatal(err)
		}
		if got := e.link(t, carol, e.webCode(t, mina), "en-US"); !strings.Contains(got, "already linked to another chatplay account. Unlink it there first (`/unlink`") {
			t.Errorf("an identity linked elsewhere answered %q", got)
		}
		// The account has a Discord identity already (carol's): dave cannot join it.
		e.user(t, dave)
		if got := e.link(t, dave, e.webCode(t, jun), "en-US"); !strings.Contains(got, "That chatplay account already has a Discord account linked. Unlink it there first") {
			t.Errorf("a second Discord identity answered %q", got)
		}
		if u := e.user(t, dave); u.Email != nil || e.user(t, carol).ID != jun.ID {
			t.Error("a refused link changed who is whose")
		}
	})
}

// /link alone answers a code to enter on the web, and its expiry; the web
// account that redeems it gets the identity and its rooms. Once linked,
// /link says so instead.
func TestLinkCodeForTheWeb(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		bakery := e.room(t, alice, "Discord bakery")
		mina := e.webAccount(t, "Mina")
		e.webRoom(t, mina, "Web hotel")

		before := time.Now()
		got := e.link(t, alice, "", "en-US")
		m := regexp.MustCompile("^🔗 Your link code: `([2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2})`\n.*before <t:(\\d+):t> \\(<t:(\\d+):R>\\)").FindStringSubmatch(got)
		if m == nil || m[2] != m[3] {
			t.Fatalf("/link answered %q", got)
		}
		at, _ := strconv.ParseInt(m[2], 10, 64)
		if exp := time.Unix(at, 0); exp.Before(before.Add(engine.LinkCodeTTL).Add(-time.Second)) || exp.After(time.Now().Add(engine.LinkCodeTTL)) {
			t.Errorf("the code expires at %v, want %v after it was made", exp, engine.LinkCodeTTL)
		}
		if _, err := e.eng.RedeemIdentityLinkCode(ctx, mina.ID, m[1]); err != nil {
			t.Fatal(err)
		}
		list := e.roomList(t, alice)
		if !strings.Contains(list, "**Web hotel**") || !strings.Contains(list, "**Discord bakery**") {
			t.Errorf("/room list after the link = %q", list)
		}
		if _, err := e.eng.FindRoom(ctx, mina.ID, bakery.ID); err != nil {
			t.Errorf("the bakery is not the account's: %v", err)
		}
		if got := e.link(t, alice, "", "en-US"); !strings.Contains(got, "already linked to your chatplay account **Mina**. To link it to another one, use `/unlink` first.") {
			t.Errorf("/link once linked answered %q", got)
		}
	})
}

// /unlink makes the identity a fresh user without the account's rooms, which
// stay with the account, and its threads stop playing them; a bot-only user
// is told it is not linked.
func TestUnlink(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		if got := e.unlink(t, bob); !strings.Contains(got, "not linked to a chatplay account") {
			t.Errorf("/unlink of a bot-only user answered %q", got)
		}
		mina := e.webAccount(t, "Mina")
		hotel := e.webRoom(t, mina, "Web hotel")
		e.user(t, alice)
		e.link(t, alice, e.webCode(t, mina), "en-US")
		thread := e.enter(t, alice, hotel)
		e.message(t, alice, thread, "체크인할게요")

		if got := e.unlink(t, alice); !strings.Contains(got, "no longer linked to **Mina**") {
			t.Fatalf("/unlink answered %q", got)
		}
		u := e.user(t, alice)
		if u.ID == mina.ID || u.Email != nil {
			t.Fatalf("alice is %+v after the unlink", u)
		}
		if got := e.roomList(t, alice); !strings.Contains(got, "You have no rooms yet") {
			t.Errorf("/room list after the unlink = %q", got)
		}
		if ids := e.roomChoices(t, alice); len(ids) != 0 {
			t.Errorf("autocomplete after the unlink = %v", ids)
		}
		// The thread no longer plays the account's room for the identity.
		msgs, _, _ := e.eng.ListMessages(ctx, mina.ID, hotel.ID, engine.Page{Limit: 10})
		shown, before := e.shown(thread), len(msgs)
		if before != 3 { // the opening, the line and its reply
			t.Fatalf("the room had %d messages before the unlink", before)
		}
		e.message(t, alice, thread, "안녕하세요")
		if msgs, _, _ := e.eng.ListMessages(ctx, mina.ID, hotel.ID, engine.Page{Limit: 10}); len(msgs) != before {
			t.Errorf("the account's room has %d messages, want %d", len(msgs), before)
		}
		if e.shown(thread) != shown {
			t.Errorf("the thread shows %q after a line from the unlinked identity", e.shown(thread))
		}
		if got := e.unlink(t, alice); !strings.Contains(got, "not linked") {
			t.Errorf("a second /unlink answered %q", got)
		}
	})
}
