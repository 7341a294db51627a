package engine_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// countingEncoder is the OpenAI client, counting the messages it is asked to
// encode ahead (engine.MessageEncoder).
type countingEncoder struct {
	*openai.Client
	mu    sync.Mutex
	times map[string]int // by role and content
}

func (c *countingEncoder) EncodeMessage(m engine.PromptMessage) string {
	c.mu.Lock()
	c.times[m.Role+": "+m.Content]++
	c.mu.Unlock()
	return c.Client.EncodeMessage(m)
}

// encodings returns how many messages were encoded ahead, and the most times
// any one was.
func (c *countingEncoder) encodings() (total, most int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.times {
		total += n
		most = max(most, n)
	}
	return total, most
}

// A room's messages are encoded once, when first sent, and their encodings
// are sent on every later turn: a turn encodes only the two messages the
// turn before added (and the system prompt when it changed), and the body the
// model server receives holds each message as the client encodes it.
func TestPromptMessagesEncodedOnce(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		fake := openaifake.New(t)
		enc := &countingEncoder{Client: openai.New(openai.Config{BaseURL: fake.URL(), Timeout: 5 * time.Second}), times: map[string]int{}}
		eng := engine.New(engine.DefaultConfig(), engine.Deps{Store: db, Model: enc, Tokens: mustTokenizer(t), Logger: slog.New(slog.DiscardHandler)})
		email := "encoded.once@example.com"
		user := &engine.User{Email: &email, DisplayName: "enc", Locale: "en"}
		if err := db.CreateUser(ctx, user); err != nil {
			t.Fatal(err)
		}
		room, err := eng.CreateRoom(ctx, user.ID, cafe())
		if err != nil {
			t.Fatal(err)
		}
		play := func(line string) {
			t.Helper()
			if _, err := eng.SendMessage(ctx, engine.TurnInput{UserID: user.ID, RoomID: room.ID, Content: line, Source: engine.SourceWeb}, nil); err != nil {
				t.Fatal(err)
			}
		}
		const turns = 6
		lines := []string{`"quotes" & <tags>`, "아메리카노 한 잔", "line\u2028break", "back\\slash\ttab", "plain", "😀"}
		for _, line := range lines {
			play(line)
		}
		// The system prompt once, then the user's line and the reply of each
		// turn but the last, once each.
		if total, most := enc.encodings(); total != 1+2*(turns-1) || most != 1 {
			t.Errorf("messages encoded ahead: %d, at most %d times each; want %d, once each", total, most, 1+2*(turns-1))
		}

		situation := "ordering tea in a tea house"
		if _, err := eng.UpdateRoom(ctx, user.ID, room.ID, engine.RoomUpdate{Situation: &situation}); err != nil {
			t.Fatal(err)
		}
		play("and a cookie")
		if total, _ := enc.encodings(); total != 1+2*(turns-1)+3 { // the new system prompt, the last turn's two
			t.Errorf("after the scene changed: %d messages encoded ahead, want %d", total, 1+2*(turns-1)+3)
		}

		reqs := fake.Requests()
		if len(reqs) != turns+1 {
			t.Fatalf("the model got %d requests, want %d", len(reqs), turns+1)
		}
		for i, req := range reqs {
			var parts []string
			for _, m := range req.Messages {
				parts = append(parts, enc.Client.EncodeMessage(engine.PromptMessage{Role: m.Role, Content: m.Content}))
			}
			want := []byte(`"messages":[` + strings.Join(parts, ",") + `]`)
			if !bytes.Contains(req.Body, want) {
				t.Errorf("request %d: the body does not hold its messages as the client encodes them:\n%s", i, req.Body)
			}
			if i > 0 && len(req.Messages) != 2*i+2 {
				t.Errorf("request %d has %d messages, want %d", i, len(req.Messages), 2*i+2)
			}
		}
		if !strings.Contains(reqs[turns].Messages[0].Content, situation) {
			t.Errorf("the last request's system prompt lacks the new situation:\n%s", reqs[turns].Messages[0].Content)
		}
	})
}

// The system prompt a room's window keeps is built again when any field it
// is made of changes: every turn sends SystemPrompt of the room as it is.
func TestSystemPromptFollowsTheRoom(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		env := newEnv(t, db, nil)
		room := env.newRoom(t, env.alice)
		str := func(s string) *string { return &s }
		updates := []engine.RoomUpdate{
			{Title: str("Tea")},
			{Situation: str("ordering tea")},
			{UserRole: str("tourist")},
			{BotRole: str("tea master")},
			{Level: str("C1")},
			{Language: str("ja")},
		}
		for i, u := range append([]engine.RoomUpdate{{}}, updates...) {
			if i > 0 {
				if _, err := env.eng.UpdateRoom(ctx, env.alice.ID, room.ID, u); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := send(env, env.alice, room.ID, "hello", nil); err != nil {
				t.Fatal(err)
			}
			r, err := env.eng.FindRoom(ctx, env.alice.ID, room.ID)
			if err != nil {
				t.Fatal(err)
			}
			reqs := env.fake.Requests()
			if got, want := reqs[len(reqs)-1].Messages[0].Content, engine.SystemPrompt(r); got != want {
				t.Errorf("turn %d: the system prompt sent =\n%s\nwant\n%s", i, got, want)
			}
		}
	})
}
