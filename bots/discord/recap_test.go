package discord

import (
	"context"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/bots/discord/discordfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// A recap is one compact message: a header naming where the lines were
// played, each line after its speaker's label, on one line, shortened, with
// Discord markdown and mentions escaped; the oldest lines give way when it
// would not fit.
func TestRecapText(t *testing.T) {
	room := &engine.Room{BotRole: "the *night* clerk"}
	msgs := []*engine.Message{
		{ID: 1, Role: engine.RoleUser, Source: engine.SourceWeb, Content: "**bold** @everyone <@123>\nsecond line"},
		{ID: 2, Role: engine.RoleAssistant, Source: engine.SourceTelegram, Content: "_hi_ `code` ||spoiler|| # title"},
	}
	got := recapText("en", room, msgs, "The scene goes on.")
	want := "🔁 Played elsewhere (web, Telegram):\n" +
		`**You:** \*\*bold\*\* \@everyone \<\@123\> second line` + "\n" +
		"**the \\*night\\* clerk:** \\_hi\\_ \\`code\\` \\|\\|spoiler\\|\\| \\# title" + "\n\nThe scene goes on."
	if got != want {
		t.Errorf("recap =\n%s\nwant\n%s", got, want)
	}
	if got := recapText("ko", room, msgs[:1], ""); !strings.HasPrefix(got, "🔁 다른 곳에서 한 대화 (웹):\n**나:** ") {
		t.Errorf("Korean recap = %q", got)
	}
	if got := recapText("en", room, nil, "tail"); got != "tail" {
		t.Errorf("no messages gave %q", got)
	}

	// Long lines are cut; six of the longest, escaped, still fit, the oldest going first.
	long := strings.Repeat("*", 500)
	var many []*engine.Message
	for i := range engine.RecapTurns * 2 {
		many = append(many, &engine.Message{ID: int64(i + 1), Role: engine.RoleUser, Source: engine.SourceWeb, Content: long})
	}
	got = recapText("en", room, many, "The scene goes on.")
	lines := strings.Split(got, "\n")
	if textLen(got) > MaxMessageLen || lines[1] != "…" || !strings.HasSuffix(got, "The scene goes on.") {
		t.Fatalf("a long recap is %d long: %q", textLen(got), got)
	}
	if want := "**You:** " + strings.Repeat(`\*`, maxRecapLine-1) + "…"; lines[len(lines)-3] != want {
		t.Errorf("a long line is %q, want it cut to %d runes", lines[len(lines)-3], maxRecapLine)
	}
}

// wantNoRecap fails if s is a recap.
func wantNoRecap(t *testing.T, what, s string) {
	t.Helper()
	if strings.Contains(s, "Played elsewhere") {
		t.Errorf("%s shows a recap: %q", what, s)
	}
}

// A room played on the web, entered in Discord: the new thread's first
// message is the recap of the web turns (escaped), then the scene goes on.
// The next Discord lines show none; a line after more play on the web shows
// the new turn's recap before its reply, once.
func TestRecapInThread(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		mina := e.webAccount(t, "Mina")
		e.user(t, alice)
		if _, err := e.eng.LinkIdentity(ctx, mina.ID, engine.ProviderDiscord, alice.id); err != nil {
			t.Fatal(err)
		}
		hotel := e.webRoom(t, mina, "Web hotel")
		e.webLine(t, mina, hotel, "예약했어요 **김** <@1>")

		thread := e.enter(t, alice, hotel)
		msgs := e.fake.Messages(thread)
		if len(msgs) != 1 {
			t.Fatalf("the thread has %d messages, want the recap alone", len(msgs))
		}
		want := "🔁 Played elsewhere (web):\n**You:** 예약했어요 \\*\\*김\\*\\* \\<\\@1\\>\n" +
			"**clerk:** echo\\: 예약했어요 \\*\\*김\\*\\* \\<\\@1\\>\n\nThe scene of **Web hotel** goes on: write your next line here."
		if msgs[0].Content != want {
			t.Errorf("the thread opens with\n%s\nwant\n%s", msgs[0].Content, want)
		}

		// The first and second Discord lines: replies only.
		e.message(t, alice, thread, "체크인할게요")
		e.message(t, alice, thread, "몇 층이에요?")
		msgs = e.fake.Messages(thread)
		if len(msgs) != 3 || msgs[1].Content != "echo: 체크인할게요" || msgs[2].Content != "echo: 몇 층이에요?" {
			t.Fatalf("after two lines the thread shows %q", contentsOf(msgs))
		}

		// Played on the web meanwhile: the next Discord line shows that turn first, once.
		e.webLine(t, mina, hotel, "조식은 몇 시예요?")
		e.message(t, alice, thread, "감사합니다")
		e.message(t, alice, thread, "안녕히 계세요")
		msgs = e.fake.Messages(thread)
		if len(msgs) != 6 {
			t.Fatalf("the thread shows %q", contentsOf(msgs))
		}
		if want := "🔁 Played elsewhere (web):\n**You:** 조식은 몇 시예요?\n**clerk:** echo\\: 조식은 몇 시예요?"; msgs[3].Content != want {
			t.Errorf("the recap before the reply is %q, want %q", msgs[3].Content, want)
		}
		if msgs[4].Content != "echo: 감사합니다" || msgs[5].Content != "echo: 안녕히 계세요" {
			t.Errorf("the replies are %q", contentsOf(msgs[4:]))
		}
		wantNoRecap(t, "the last reply", msgs[5].Content)
	})
}

// /say after play on the web answers with the recap first, the reply
// following it; the next /say answers with the reply alone.
func TestRecapBeforeSay(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe")
		if err := e.eng.BindRoom(context.Background(), e.user(t, alice).ID, r.ID, engine.ProviderDiscord, "active"); err != nil {
			t.Fatal(err)
		}
		e.webLine(t, e.user(t, alice), r, "라떼 주세요")

		m := e.golden(t, "command_say.json", alice) // locale ko
		e.sendOK(t, m)
		msgs := e.fake.Messages(m["token"].(string))
		if len(msgs) != 2 || msgs[0].Content != "🔁 다른 곳에서 한 대화 (웹):\n**나:** 라떼 주세요\n**barista:** echo\\: 라떼 주세요" ||
			msgs[1].Content != "echo: 안녕하세요, 아메리카노 한 잔 주세요." {
			t.Fatalf("/say shows %q", contentsOf(msgs))
		}
		m = e.golden(t, "command_say.json", alice)
		e.sendOK(t, m)
		msgs = e.fake.Messages(m["token"].(string))
		if len(msgs) != 1 || msgs[0].Content != "echo: 안녕하세요, 아메리카노 한 잔 주세요." {
			t.Errorf("the second /say shows %q", contentsOf(msgs))
		}
	})
}

// contentsOf returns the contents of msgs, in order.
func contentsOf(msgs []discordfake.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Content
	}
	return out
}

// In a DM, entering a room played elsewhere answers with the recap, then
// says the room is entered, in the user's language.
func TestRecapOnDMEnter(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe")
		e.webLine(t, e.user(t, alice), r, "라떼 주세요")
		m := e.golden(t, "command_help_dm.json", alice) // a DM, locale ja
		set(t, m, "data", map[string]any{"id": "1250000000000000001", "name": "room", "type": 1, "options": []any{
			map[string]any{"name": "enter", "type": 1, "options": []any{map[string]any{"name": "room", "type": 3, "value": fmtRoomID(r)}}}}})
		d := respData(t, e.sendOK(t, m))
		want := "🔁 ほかの場所での会話（ウェブ）：\n**あなた:** 라떼 주세요\n**barista:** echo\\: 라떼 주세요\n\n**Cafe** に入りました。"
		if got, _ := d["content"].(string); !strings.HasPrefix(got, want) || ephemeral(d) {
			t.Errorf("the DM answer is %q (ephemeral %v), want it to begin %q", got, ephemeral(d), want)
		}
	})
}
