package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// With no window cache, every prompt's history is read from the database:
// replies that failed, and the text a reply still pending has saved (a crash
// cut it), never go into the prompt; the user's lines and complete replies do.
func TestPromptFromDatabaseSkipsFailedAndPartialReplies(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		env := newEnv(t, db, func(c *engine.Config) { c.Prompt.CachedRooms = 0 })
		room := env.newRoom(t, env.alice)
		line := func(role engine.Role, status engine.Status, content string) *engine.Message {
			m := &engine.Message{RoomID: room.ID, Role: role, Status: status, Content: content, Source: engine.SourceWeb, TokenCount: 3}
			if status == engine.StatusFailed {
				m.ErrorCode = engine.CodeModelUnavailable
			}
			return m
		}
		err := db.CreateMessages(ctx,
			line(engine.RoleUser, engine.StatusComplete, "first line"),
			line(engine.RoleAssistant, engine.StatusFailed, "FAILED-PARTIAL"),
			line(engine.RoleUser, engine.StatusComplete, "second line"),
			line(engine.RoleAssistant, engine.StatusComplete, "KEPT-REPLY"),
			line(engine.RoleAssistant, engine.StatusPending, "PENDING-PARTIAL"),
		)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := send(env, env.alice, room.ID, "third line", nil); err != nil {
			t.Fatal(err)
		}
		reqs := env.fake.Requests()
		var prompt []string
		for _, m := range reqs[len(reqs)-1].Messages {
			prompt = append(prompt, m.Role+": "+m.Content)
		}
		text := strings.Join(prompt, "\n")
		for _, want := range []string{"user: first line", "user: second line", "assistant: KEPT-REPLY", "user: third line"} {
			if !strings.Contains(text, want) {
				t.Errorf("the prompt lacks %q:\n%s", want, text)
			}
		}
		for _, never := range []string{"FAILED-PARTIAL", "PENDING-PARTIAL"} {
			if strings.Contains(text, never) {
				t.Errorf("the prompt holds %q:\n%s", never, text)
			}
		}
	})
}
