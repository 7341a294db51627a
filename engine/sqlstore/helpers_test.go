package sqlstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
)

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// mustCreateUser creates a web user with email (none if "").
func mustCreateUser(t testing.TB, db *sqlstore.DB, email string) *engine.User {
	t.Helper()
	u := &engine.User{DisplayName: "Learner", Locale: "en"}
	if email != "" {
		u.Email = &email
		u.PasswordHash = ptr("$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA")
	}
	if err := db.CreateUser(context.Background(), u); err != nil {
		t.Fatalf("CreateUser(%q): %v", email, err)
	}
	return u
}

// mustCreateRoom creates a room of owner titled title.
func mustCreateRoom(t *testing.T, db *sqlstore.DB, owner *engine.User, title string) *engine.Room {
	t.Helper()
	r := &engine.Room{
		OwnerID:   owner.ID,
		Title:     title,
		Language:  "ko",
		Situation: "Ordering coffee in Seoul",
		UserRole:  "customer",
		BotRole:   "barista",
		Level:     engine.LevelA2,
		Feedback:  true,
	}
	if err := db.CreateRoom(context.Background(), r, 0); err != nil {
		t.Fatalf("CreateRoom(%q): %v", title, err)
	}
	return r
}

// mustCreateMessage adds a complete message with content to room.
func mustCreateMessage(t *testing.T, db *sqlstore.DB, room *engine.Room, role engine.Role, content string) *engine.Message {
	t.Helper()
	m := &engine.Message{
		RoomID:     room.ID,
		Role:       role,
		Content:    content,
		Status:     engine.StatusComplete,
		Source:     engine.SourceWeb,
		TokenCount: len(content),
	}
	if err := db.CreateMessage(context.Background(), m); err != nil {
		t.Fatalf("CreateMessage(%q): %v", content, err)
	}
	return m
}

// countRows returns how many rows of table match where (SQL, with ? args).
func countRows(t *testing.T, db *sqlstore.DB, table, where string, args ...any) int {
	t.Helper()
	n, err := sqlstore.BunDB(db).NewSelect().TableExpr(table).Where(where, args...).Count(context.Background())
	if err != nil {
		t.Fatalf("count %s where %s: %v", table, where, err)
	}
	return n
}

// wantNotFound fails t unless err is the store's not-found error.
func wantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("%s: err = %v, want engine.ErrNotFound", what, err)
	}
}

// roomIDs returns the IDs of rooms, in order.
func roomIDs(rooms []*engine.Room) []int64 {
	out := make([]int64, len(rooms))
	for i, r := range rooms {
		out[i] = r.ID
	}
	return out
}

// messageIDs returns the IDs of msgs, in order.
func messageIDs(msgs []*engine.Message) []int64 {
	out := make([]int64, len(msgs))
	for i, m := range msgs {
		out[i] = m.ID
	}
	return out
}

// tokensUsed returns the tokens user used on day, as a chat turn reads them.
func tokensUsed(t testing.TB, db *sqlstore.DB, userID int64, day string) (int64, error) {
	t.Helper()
	_, used, err := db.TurnState(context.Background(), 0, 0, userID, day)
	return used, err
}
