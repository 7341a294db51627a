package api_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// hintAnswer is a scripted hint with two lines.
func hintAnswer() openaifake.Reply {
	return openaifake.JSON(map[string]any{"lines": []map[string]any{
		{"text": "아이스 아메리카노 주세요.", "translation": "An iced americano, please."},
		{"text": "추천해 주실 수 있어요?", "translation": "Could you recommend something?"},
	}})
}

// translateAnswer is a scripted translation.
func translateAnswer(text string) openaifake.Reply {
	return openaifake.JSON(map[string]any{"text": text})
}

// playTurn plays one JSON turn in roomID (feedback scripted as fine) and
// returns it.
func (c *client) playTurn(roomID int64, say, reply string) api.TurnResponse {
	c.ts.t.Helper()
	c.ts.fake.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": say, "items": []any{}, "note": "Good."}))
	c.ts.fake.Enqueue(openaifake.Reply{Chunks: []string{reply}})
	var turn api.TurnResponse
	c.must(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/rooms/%d/messages", roomID), map[string]string{"content": say}).decode(c.ts.t, &turn)
	return turn
}

// POST /rooms/{id}/hint answers the coach's lines with their translations,
// in the language asked for or the caller's own; another user's room is not
// found and costs no model call; a bad language is invalid.
func TestHint(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		alice, bob := ts.signup("alice"), ts.signup("bob")
		room := alice.newRoom()
		path := fmt.Sprintf("/api/v1/rooms/%d/hint", room.ID)

		ts.fake.EnqueueKind("hint", hintAnswer())
		var got api.HintBody
		alice.must(http.StatusOK, "POST", path, nil).decode(t, &got)
		if len(got.Hint.Lines) != 2 || got.Hint.Lines[0].Text != "아이스 아메리카노 주세요." || got.Hint.Lines[1].Translation != "Could you recommend something?" {
			t.Fatalf("hint = %+v", got)
		}
		ts.fake.EnqueueKind("hint", hintAnswer())
		alice.must(http.StatusOK, "POST", path, map[string]string{"language": "ja-JP"})
		if n := len(ts.fake.RequestsOfKind("hint")); n != 2 {
			t.Fatalf("%d hint calls, want 2", n)
		}
		wantInvalid(t, alice.do("POST", path, map[string]string{"language": "tlh"}), "language")
		wantInvalid(t, alice.do("POST", path, map[string]any{"language": 7}), "language")
		wantInvalid(t, alice.do("POST", path, map[string]any{"locale": "ko"}), "locale")

		calls := ts.fake.Count()
		for _, p := range []string{path, "/api/v1/rooms/999999/hint", "/api/v1/rooms/x/hint"} {
			r := bob.do("POST", p, nil)
			if code, _ := r.errorCode(); r.status != http.StatusNotFound || code != "not_found" {
				t.Errorf("bob POST %s = %d %s, want 404", p, r.status, r.body)
			}
		}
		if ts.fake.Count() != calls {
			t.Error("bob's hints reached the model")
		}
		ts.anon().must(http.StatusUnauthorized, "POST", path, nil)
	})
}

// POST /rooms/{id}/messages/{message_id}/translate answers a message in the
// caller's language; asked twice it costs one model call (the cache); a
// message of another room, another user's room or message, or no message at
// all, is not found.
func TestTranslate(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		alice, bob := ts.signup("alice"), ts.signup("bob")
		room, other := alice.newRoom(), alice.newRoom()
		turn := alice.playTurn(room.ID, "안녕하세요.", "어서 오세요! 뭐 드릴까요?")
		otherTurn := alice.playTurn(other.ID, "안녕.", "안녕!")
		path := func(roomID, msgID int64) string {
			return fmt.Sprintf("/api/v1/rooms/%d/messages/%d/translate", roomID, msgID)
		}

		ts.fake.EnqueueKind("translate", translateAnswer("Welcome! What can I get you?"))
		var got api.TranslationBody
		alice.must(http.StatusOK, "POST", path(room.ID, turn.Reply.ID), nil).decode(t, &got)
		if got.Translation.Text != "Welcome! What can I get you?" || got.Translation.Language != "en" {
			t.Fatalf("translation = %+v", got)
		}
		alice.must(http.StatusOK, "POST", path(room.ID, turn.Reply.ID), map[string]string{"language": "en-GB"}).decode(t, &got)
		if got.Translation.Text != "Welcome! What can I get you?" {
			t.Fatalf("cached translation = %+v", got)
		}
		if n := len(ts.fake.RequestsOfKind("translate")); n != 1 {
			t.Fatalf("%d translate calls for the same message and language, want 1", n)
		}
		// Another language is another translation.
		ts.fake.EnqueueKind("translate", translateAnswer("いらっしゃいませ！何になさいますか？"))
		alice.must(http.StatusOK, "POST", path(room.ID, turn.Reply.ID), map[string]string{"language": "ja"}).decode(t, &got)
		if got.Translation.Language != "ja" || got.Translation.Text != "いらっしゃいませ！何になさいますか？" {
			t.Fatalf("ja translation = %+v", got)
		}
		wantInvalid(t, alice.do("POST", path(room.ID, turn.Reply.ID), map[string]string{"language": "xx"}), "language")

		calls := ts.fake.Count()
		for _, tc := range []struct {
			who  *client
			path string
		}{
			{bob, path(room.ID, turn.Reply.ID)},                                      // another user's room and message
			{alice, path(room.ID, otherTurn.Reply.ID)},                               // a message of another room
			{alice, path(room.ID, 999999)},                                           // no such message
			{alice, path(999999, turn.Reply.ID)},                                     // no such room
			{alice, fmt.Sprintf("/api/v1/rooms/%d/messages/abc/translate", room.ID)}, // not an id
			{alice, fmt.Sprintf("/api/v1/rooms/%d/messages/-1/translate", room.ID)},
		} {
			r := tc.who.do("POST", tc.path, nil)
			if code, _ := r.errorCode(); r.status != http.StatusNotFound || code != "not_found" {
				t.Errorf("POST %s = %d %s, want 404 not_found", tc.path, r.status, r.body)
			}
		}
		if ts.fake.Count() != calls {
			t.Error("refused translations reached the model")
		}
	})
}

// A hint or an uncached translation counts as a turn: past turns_per_minute
// it is refused with 429 and Retry-After, before any model call; a cached
// translation still answers.
func TestAidsQuota(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db, func(e *engine.Config, a *api.Config) { e.Limits.TurnsPerMinute = 3 })
		c := ts.signup("quota")
		room := c.newRoom()
		turn := c.playTurn(room.ID, "안녕하세요.", "어서 오세요!") // turn 1
		ts.fake.EnqueueKind("translate", translateAnswer("Welcome!"))
		c.must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/rooms/%d/messages/%d/translate", room.ID, turn.Reply.ID), nil) // turn 2
		ts.fake.EnqueueKind("hint", hintAnswer())
		c.must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/rooms/%d/hint", room.ID), nil) // turn 3: the last allowed

		calls := ts.fake.Count()
		for _, p := range []string{
			fmt.Sprintf("/api/v1/rooms/%d/hint", room.ID),
			fmt.Sprintf("/api/v1/rooms/%d/messages/%d/translate", room.ID, turn.Message.ID),
		} {
			r := c.do("POST", p, nil)
			code, _ := r.errorCode()
			if r.status != http.StatusTooManyRequests || code != "rate_limited" {
				t.Fatalf("POST %s over the limit = %d %s, want 429", p, r.status, r.body)
			}
			if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
				t.Errorf("Retry-After = %q", r.header.Get("Retry-After"))
			}
		}
		if ts.fake.Count() != calls {
			t.Error("refused aids reached the model")
		}
		var got api.TranslationBody
		c.must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/rooms/%d/messages/%d/translate", room.ID, turn.Reply.ID), nil).decode(t, &got)
		if got.Translation.Text != "Welcome!" {
			t.Fatalf("cached translation over the limit = %+v", got)
		}
	})
}

// A hint or a translation needs room in the daily token allowance: once a
// turn has spent it, 429 with Retry-After (until the next UTC day), and no
// model call.
func TestAidsDailyAllowance(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db, func(e *engine.Config, a *api.Config) { e.Limits.TokensPerDay = 1 })
		c := ts.signup("allowance")
		room := c.newRoom()
		turn := c.playTurn(room.ID, "안녕하세요.", "어서 오세요!") // admitted under the allowance, it spends it
		calls := ts.fake.Count()
		r := c.do("POST", fmt.Sprintf("/api/v1/rooms/%d/messages/%d/translate", room.ID, turn.Reply.ID), nil)
		if code, _ := r.errorCode(); r.status != http.StatusTooManyRequests || code != "rate_limited" || r.header.Get("Retry-After") == "" {
			t.Fatalf("translation past the allowance = %d %s (Retry-After %q), want 429", r.status, r.body, r.header.Get("Retry-After"))
		}
		r = c.do("POST", fmt.Sprintf("/api/v1/rooms/%d/hint", room.ID), nil)
		if code, _ := r.errorCode(); r.status != http.StatusTooManyRequests || code != "rate_limited" {
			t.Fatalf("hint past the allowance = %d %s, want 429", r.status, r.body)
		}
		if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 || s > 86400 {
			t.Errorf("Retry-After = %q", r.header.Get("Retry-After"))
		}
		if ts.fake.Count() != calls {
			t.Error("aids past the allowance reached the model")
		}
	})
}
