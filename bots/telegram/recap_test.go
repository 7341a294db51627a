package telegram

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// linked makes a web account named name with u's Telegram account linked.
func (e *env) linked(u telegramfake.User, name string) *engine.User {
	e.t.Helper()
	acct := e.webAccount(name)
	e.user(u)
	if _, err := e.eng.LinkIdentity(e.t.Context(), acct.ID, engine.ProviderTelegram, fmt.Sprint(u.ID)); err != nil {
		e.t.Fatal(err)
	}
	return acct
}

// A room played on the web and entered in Telegram shows the last turns
// played there, once: not again before the next lines played here, and
// again (only what is new) after another turn on the web.
func TestRecapWhenEnteringARoomPlayedOnTheWeb(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		wendy := e.linked(alice, "Wendy")
		room, err := e.eng.CreateRoom(t.Context(), wendy.ID, engine.RoomInput{Title: "Café", Language: "en",
			Situation: "ordering coffee", UserRole: "customer", BotRole: "barista", Feedback: new(bool)})
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= engine.RecapTurns+1; i++ {
			e.webTurn(wendy, room.ID, fmt.Sprintf("line %d\nwith a second line", i), fmt.Sprintf("reply %d", i))
		}

		e.send(aliceDM, alice, "/rooms")
		e.press(aliceDM, alice, e.lastID(aliceDM.ID), fmt.Sprintf("enter:%d", room.ID))
		texts := e.shown(aliceDM.ID, 1)
		if len(texts) != 2 || !strings.HasPrefix(texts[0], "You are in this room now.") {
			t.Fatalf("entering = %q", texts)
		}
		want := "📜 Played elsewhere since\n" +
			"You: line 2 with a second line\nbarista: reply 2\n" +
			"You: line 3 with a second line\nbarista: reply 3\n" +
			"You: line 4 with a second line\nbarista: reply 4"
		if texts[1] != want {
			t.Fatalf("recap = %q, want %q", texts[1], want)
		}
		if html := e.sent(aliceDM.ID)[2].Fields["text"]; !strings.HasPrefix(html, "📜 <b>Played elsewhere since</b>\n<b>You:</b> line 2") {
			t.Fatalf("recap HTML = %q", html)
		}

		// The lines played here next show no recap: only their replies.
		for i, line := range []string{"a latte", "to go"} {
			n := len(e.sent(aliceDM.ID))
			e.model.Enqueue(openaifake.Reply{Chunks: []string{fmt.Sprintf("telegram reply %d", i)}})
			e.send(aliceDM, alice, line)
			if got := e.shown(aliceDM.ID, n); !slices.Equal(got, []string{fmt.Sprintf("telegram reply %d", i)}) {
				t.Fatalf("line %q shows %q", line, got)
			}
		}

		// Another turn on the web: the next line here is preceded by it.
		e.webTurn(wendy, room.ID, "and a cookie", "Here you are.")
		n := len(e.sent(aliceDM.ID))
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Enjoy!"}})
		e.send(aliceDM, alice, "thanks")
		got := e.shown(aliceDM.ID, n)
		if !slices.Equal(got, []string{"📜 Played elsewhere since\nYou: and a cookie\nbarista: Here you are.", "Enjoy!"}) {
			t.Fatalf("a line after a web turn shows %q", got)
		}
		msgs := e.accountHistory(wendy, room.ID)
		if last := msgs[len(msgs)-2]; last.Content != "thanks" || last.Source != engine.SourceTelegram {
			t.Fatalf("history = %s", contents(msgs))
		}
	})
}

// Stored text reaches the recap escaped: markup typed on the web shows as
// written and cannot break the message.
func TestRecapEscapes(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		wendy := e.linked(alice, "Wendy")
		room, err := e.eng.CreateRoom(t.Context(), wendy.ID, engine.RoomInput{Language: "en",
			Situation: "a shop", UserRole: "customer", BotRole: "<i>clerk</i>", Feedback: new(bool)})
		if err != nil {
			t.Fatal(err)
		}
		e.webTurn(wendy, room.ID, "<b>bold</b> & co", "1 < 2")
		e.send(aliceDM, alice, "/rooms")
		e.press(aliceDM, alice, e.lastID(aliceDM.ID), fmt.Sprintf("enter:%d", room.ID))
		recap := e.sent(aliceDM.ID)[2]
		if html := recap.Fields["text"]; !strings.HasSuffix(html, "\n<b>You:</b> &lt;b&gt;bold&lt;/b&gt; &amp; co\n<b>&lt;i&gt;clerk&lt;/i&gt;:</b> 1 &lt; 2") {
			t.Fatalf("recap HTML = %q", html)
		}
		if got := e.lastText(aliceDM.ID); got != "📜 Played elsewhere since\nYou: <b>bold</b> & co\n<i>clerk</i>: 1 < 2" {
			t.Fatalf("recap shown = %q", got)
		}
	})
}

// A recap of the longest lines, in the widest characters, is one message.
func TestRecapFitsOneMessage(t *testing.T) {
	room := &engine.Room{BotRole: strings.Repeat("😀", 100)}
	var msgs []*engine.Message
	for i := range engine.RecapTurns * 2 {
		role := engine.RoleUser
		if i%2 == 1 {
			role = engine.RoleAssistant
		}
		msgs = append(msgs, &engine.Message{ID: int64(i + 1), Role: role, Content: strings.Repeat("<😀&", 2000)})
	}
	for _, l := range langs {
		text, err := telegramfake.ParseHTML(recapText(l, room, msgs))
		if err != nil {
			t.Fatal(err)
		}
		if n := telegramfake.TextLen(text); n > MaxMessageLen {
			t.Errorf("%s: a recap of %d units, over %d", l, n, MaxMessageLen)
		}
		if lines := strings.Count(text, "\n"); lines != len(msgs) {
			t.Errorf("%s: %d lines, want a title and %d", l, lines+1, len(msgs))
		}
	}
}
