package sqlstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

func TestShiftParams(t *testing.T) {
	for _, tc := range []struct {
		in   string
		by   int
		want string
	}{
		{"SELECT 1", 3, "SELECT 1"},
		{"a = $1 AND b = $2", 0, "a = $1 AND b = $2"},
		{"a = $1 AND b = $12 AND c = $1", 9, "a = $10 AND b = $21 AND c = $10"},
	} {
		if got := sqlstore.ShiftParams(tc.in, tc.by); got != tc.want {
			t.Errorf("ShiftParams(%q, %d) = %q, want %q", tc.in, tc.by, got, tc.want)
		}
	}
}

// TestHotQueryTimes checks that a time a hot query writes (bound to a
// placeholder, not written into the text by bun) is stored as bun stores
// one: SQLite compares times as text, so any other form would sort and
// compare wrongly against the times bun writes.
func TestHotQueryTimes(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		user := mustCreateUser(t, db, "")
		room := mustCreateRoom(t, db, user, "r")
		at := time.Date(2026, 12, 3, 9, 5, 7, 120000000, time.FixedZone("KST", 9*3600))
		call := &engine.LLMCall{RoomID: room.ID, UserID: user.ID, Kind: engine.CallReply, Model: "m",
			Status: engine.StatusComplete, CreatedAt: at}
		if err := db.RecordCall(ctx, call); err != nil {
			t.Fatal(err)
		}
		var same bool
		err := sqlstore.BunDB(db).NewSelect().TableExpr("llm_calls AS c").
			ColumnExpr("c.created_at = ?", at.UTC()).
			Where("c.id = ?", call.ID).
			Scan(ctx, &same)
		if err != nil {
			t.Fatal(err)
		}
		if !same {
			var stored string
			_ = sqlstore.BunDB(db).NewSelect().TableExpr("llm_calls AS c").ColumnExpr("CAST(c.created_at AS TEXT)").
				Where("c.id = ?", call.ID).Scan(ctx, &stored)
			t.Errorf("llm_calls.created_at = %q, not the value bun writes for %v", stored, at)
		}
	})
}

// TestFinishReplyOneStatement checks that on PostgreSQL a reply's finish
// (the reply, the ledger row, the daily totals, the reservation) is one
// statement: one round trip and one commit, where a transaction took six
// round trips.
func TestFinishReplyOneStatement(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		if db.Dialect() != sqlstore.DialectPostgres {
			t.Skip("SQLite runs in process: its statements cost no round trip")
		}
		ctx := context.Background()
		user := mustCreateUser(t, db, "")
		room := mustCreateRoom(t, db, user, "r")
		reply := pendingReply(t, db, room)
		hold := &engine.TokenReservation{UserID: user.ID, Day: time.Now().UTC().Format(time.DateOnly), Tokens: 10,
			CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
		if err := db.ReserveTokens(ctx, hold, func(int64) error { return nil }); err != nil {
			t.Fatal(err)
		}
		log := new(queryLog)
		sqlstore.HookQueries(db, log)
		reply.Content, reply.Status = "네", engine.StatusComplete
		call := &engine.LLMCall{RoomID: room.ID, UserID: user.ID, Model: "m", Status: engine.StatusComplete,
			PromptTokens: 5, CompletionTokens: 1, ReservationID: hold.ID}
		if err := db.FinishReply(ctx, reply, call); err != nil {
			t.Fatal(err)
		}
		if q := log.Queries(); len(q) != 1 {
			t.Errorf("FinishReply ran %d statements, want 1:\n%s", len(q), strings.Join(q, "\n"))
		}
		var held int
		if err := sqlstore.BunDB(db).NewSelect().TableExpr("token_reservations").ColumnExpr("COUNT(*)").Scan(ctx, &held); err != nil || held != 0 {
			t.Errorf("%d reservations left (%v), want the one settled gone", held, err)
		}
	})
}

// TestLimitsRoundTrips checks that on PostgreSQL a token reservation and a
// turn-rate check each take two statements inside their transaction (the
// user's lock with the deletion of stale rows; the count with the insert),
// where they took four, and that a refused one keeps nothing.
func TestLimitsRoundTrips(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		if db.Dialect() != sqlstore.DialectPostgres {
			t.Skip("SQLite runs in process: its statements cost no round trip")
		}
		ctx := context.Background()
		user := mustCreateUser(t, db, "")
		log := new(queryLog)
		sqlstore.HookQueries(db, log)
		now := time.Now()
		reserve := func(admit func(int64) error) error {
			return db.ReserveTokens(ctx, &engine.TokenReservation{UserID: user.ID, Day: now.UTC().Format(time.DateOnly),
				Tokens: 10, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}, admit)
		}
		if err := reserve(func(int64) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if q := statements(log); len(q) != 2 {
			t.Errorf("ReserveTokens ran %d statements, want 2:\n%s", len(q), strings.Join(q, "\n"))
		}
		if err := reserve(func(int64) error { return errRefused }); !errors.Is(err, errRefused) {
			t.Fatalf("refused reservation: %v", err)
		}
		var held int
		if err := sqlstore.BunDB(db).NewSelect().TableExpr("token_reservations").ColumnExpr("COUNT(*)").Scan(ctx, &held); err != nil || held != 1 {
			t.Errorf("%d reservations held (%v), want 1: the refused one undone", held, err)
		}

		limiter := db.NewTurnLimiter(1, time.Minute)
		log.Reset()
		if ok, _, err := limiter.AllowTurn(ctx, user.ID); !ok || err != nil {
			t.Fatalf("first turn: %v, %v", ok, err)
		}
		if q := statements(log); len(q) != 2 {
			t.Errorf("AllowTurn ran %d statements, want 2:\n%s", len(q), strings.Join(q, "\n"))
		}
		if ok, wait, err := limiter.AllowTurn(ctx, user.ID); ok || wait <= 0 || err != nil {
			t.Fatalf("second turn: %v, %v, %v; want refused with a wait", ok, wait, err)
		}
		var turns int
		if err := sqlstore.BunDB(db).NewSelect().TableExpr("turn_starts").ColumnExpr("COUNT(*)").Scan(ctx, &turns); err != nil || turns != 1 {
			t.Errorf("%d turns recorded (%v), want 1: the refused one undone", turns, err)
		}
	})
}

// statements returns the queries of log but BEGIN, COMMIT and ROLLBACK.
func statements(log *queryLog) []string {
	var out []string
	for _, q := range log.Queries() {
		switch strings.TrimSpace(q) {
		case "BEGIN", "COMMIT", "ROLLBACK":
		default:
			out = append(out, q)
		}
	}
	return out
}

// TestMessageInsertColumns checks that the hot insert of a turn's messages
// writes every column of messageRow but the ID: a column added to the row
// must be added to messageInsertColumns (and to insertMessages' arguments).
func TestMessageInsertColumns(t *testing.T) {
	db := sqlstoretest.Open(t, sqlstore.DialectSQLite)
	var want []string
	for _, c := range sqlstore.MessageRowColumns(db) {
		if c != "id" {
			want = append(want, c)
		}
	}
	if got := sqlstore.MessageInsertColumns; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("messageInsertColumns = %v, want messageRow's columns but id: %v", got, want)
	}
}

// TestHotQueryArgumentsAreData checks that text that looks like SQL or like
// placeholders, bound to a hot query, is stored as it is on both dialects
// (on PostgreSQL pgdriver writes it into the statement).
func TestHotQueryArgumentsAreData(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		user := mustCreateUser(t, db, "")
		room := mustCreateRoom(t, db, user, "r")
		const text = `it's $1 and $2, ? :a @b '); DROP TABLE messages; -- \' 한국어`
		msgs := []*engine.Message{
			{RoomID: room.ID, Role: engine.RoleUser, Content: text, Status: engine.StatusComplete, Source: engine.SourceWeb},
			{RoomID: room.ID, Role: engine.RoleAssistant, Status: engine.StatusPending, Source: engine.SourceWeb, Owner: "$3"},
		}
		if err := db.CreateMessages(ctx, msgs...); err != nil {
			t.Fatal(err)
		}
		reply := msgs[1]
		reply.Content, reply.Status = text+" (reply)", engine.StatusComplete
		call := &engine.LLMCall{RoomID: room.ID, UserID: user.ID, Model: "$1'", Status: engine.StatusComplete, Error: text}
		if err := db.FinishReply(ctx, reply, call); err != nil {
			t.Fatal(err)
		}
		got, err := db.ListMessages(ctx, room.ID, 0, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[1].Content != text || got[0].Content != text+" (reply)" || got[0].Owner != "$3" {
			t.Errorf("stored %+v, %+v; want the texts as written", got[1], got[0])
		}
	})
}

// TestFindRoomOneStatement checks that FindRoom, which every turn runs
// first, reads the room and its goals in one statement (it took two), with
// the goals in order, achieved or not, and none for a room without.
func TestFindRoomOneStatement(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		owner, other := mustCreateUser(t, db, ""), mustCreateUser(t, db, "")
		bare := mustCreateRoom(t, db, owner, "no goals")
		room := mustCreateRoom(t, db, owner, "goals")
		goals, err := db.ReplaceGoals(ctx, owner.ID, room.ID, []string{"greet", "order", "pay"})
		if err != nil {
			t.Fatal(err)
		}
		msg := mustCreateMessage(t, db, room, engine.RoleUser, "안녕하세요")
		if _, err := db.AchieveGoals(ctx, room.ID, []int64{goals[1].ID}, msg.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		log := new(queryLog)
		sqlstore.HookQueries(db, log)
		got, err := db.FindRoom(ctx, owner.ID, room.ID)
		if err != nil {
			t.Fatal(err)
		}
		if q := log.Queries(); len(q) != 1 {
			t.Errorf("FindRoom ran %d statements, want 1:\n%s", len(q), strings.Join(q, "\n"))
		}
		if len(got.Goals) != 3 || got.Goals[0].Text != "greet" || got.Goals[1].Text != "order" || got.Goals[2].Text != "pay" ||
			got.Goals[0].Achieved || !got.Goals[1].Achieved || got.Goals[1].MessageID == nil || *got.Goals[1].MessageID != msg.ID || got.Goals[2].Achieved {
			t.Errorf("goals = %+v, want greet, order (achieved by %d), pay", got.Goals, msg.ID)
		}
		if got.Title != "goals" || got.OwnerID != owner.ID || got.Level != engine.LevelA2 || !got.Feedback {
			t.Errorf("room = %+v", got)
		}
		if got, err := db.FindRoom(ctx, owner.ID, bare.ID); err != nil || got.Goals == nil || len(got.Goals) != 0 {
			t.Errorf("room without goals: %+v, %v; want an empty, non-nil list", got, err)
		}
		if _, err := db.FindRoom(ctx, other.ID, room.ID); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("another's room: %v, want not found", err)
		}
	})
}
