package sqlstore_test

import (
	"context"
	"database/sql"
	"reflect"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// ledgerRow is what a test reads back from llm_calls.
type ledgerRow struct {
	RoomID                         sql.NullInt64
	UserID                         int64
	Kind                           string
	Surface                        string
	Model                          string
	PromptTokens, CompletionTokens int
	Attempts                       int
	LatencyMS, TTFTMS              int64
	Status, Error                  string
}

// readLedger returns the llm_calls row with id.
func readLedger(t *testing.T, db *sqlstore.DB, id int64) ledgerRow {
	t.Helper()
	var r ledgerRow
	err := sqlstore.BunDB(db).QueryRowContext(context.Background(), `
		SELECT room_id, user_id, kind, surface, model, prompt_tokens, completion_tokens, attempts, latency_ms, ttft_ms, status, error
		FROM llm_calls WHERE id = ?`, id).
		Scan(&r.RoomID, &r.UserID, &r.Kind, &r.Surface, &r.Model, &r.PromptTokens, &r.CompletionTokens, &r.Attempts, &r.LatencyMS, &r.TTFTMS, &r.Status, &r.Error)
	if err != nil {
		t.Fatalf("read llm_calls %d: %v", id, err)
	}
	return r
}

// pendingReply stores a pending reply in room, as the engine does before streaming.
func pendingReply(t *testing.T, db *sqlstore.DB, room *engine.Room) *engine.Message {
	t.Helper()
	m := &engine.Message{RoomID: room.ID, Role: engine.RoleAssistant, Status: engine.StatusPending, Source: engine.SourceWeb}
	if err := db.CreateMessage(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestFinishReply finishes two replies, one complete and one failed, and
// checks the reply rows, the ledger and the daily totals.
func TestFinishReply(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		user := mustCreateUser(t, db, "")
		room := mustCreateRoom(t, db, user, "r")
		mustCreateMessage(t, db, room, engine.RoleUser, "안녕하세요")

		reply := pendingReply(t, db, room)
		reply.Content, reply.Status, reply.TokenCount = "어서 오세요!", engine.StatusComplete, 12
		call := &engine.LLMCall{
			RoomID: room.ID, UserID: user.ID, Model: "gpt-4o-mini", Surface: engine.SourceTelegram,
			PromptTokens: 100, CompletionTokens: 12, Attempts: 2,
			Latency: 1500 * time.Millisecond, TimeToFirstToken: 300 * time.Millisecond,
			Status: engine.StatusComplete,
		}
		if err := db.FinishReply(ctx, reply, call); err != nil {
			t.Fatal(err)
		}
		if call.ID == 0 || call.CreatedAt.IsZero() {
			t.Fatalf("FinishReply left call %+v", call)
		}
		msgs, err := db.ListMessages(ctx, room.ID, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(msgs, []*engine.Message{reply}) {
			t.Errorf("stored reply = %+v, want %+v", msgs[0], reply)
		}
		wantLedger := ledgerRow{
			RoomID: sql.NullInt64{Int64: room.ID, Valid: true}, UserID: user.ID, Kind: "reply", Surface: "telegram", Model: "gpt-4o-mini",
			PromptTokens: 100, CompletionTokens: 12, Attempts: 2, LatencyMS: 1500, TTFTMS: 300, Status: "complete",
		}
		if got := readLedger(t, db, call.ID); got != wantLedger {
			t.Errorf("llm_calls row = %+v, want %+v", got, wantLedger)
		}

		failed := pendingReply(t, db, room)
		failed.Status, failed.ErrorCode = engine.StatusFailed, engine.CodeModelUnavailable
		failedCall := &engine.LLMCall{
			RoomID: room.ID, UserID: user.ID, Model: "gpt-4o-mini", Surface: engine.SourceTelegram, PromptTokens: 100, Attempts: 3,
			Latency: 9 * time.Second, Status: engine.StatusFailed, Error: string(engine.CodeModelUnavailable),
		}
		if err := db.FinishReply(ctx, failed, failedCall); err != nil {
			t.Fatal(err)
		}
		if msgs, _ := db.ListMessages(ctx, room.ID, 0, 1); len(msgs) != 1 || msgs[0].Status != engine.StatusFailed || msgs[0].ErrorCode != engine.CodeModelUnavailable {
			t.Errorf("stored failed reply = %+v, want failed with model_unavailable", msgs)
		}

		day := call.CreatedAt.Format("2006-01-02")
		if used, err := tokensUsed(t, db, user.ID, day); err != nil || used != 212 {
			t.Errorf("TokensUsed = %d, %v; want 100+12+100 = 212", used, err)
		}
		usage, err := db.ListUsage(ctx, user.ID, day)
		if err != nil {
			t.Fatal(err)
		}
		want := []engine.Usage{{Day: day, Model: "gpt-4o-mini", Surface: engine.SourceTelegram, Kind: engine.CallReply, Calls: 2, PromptTokens: 200, CompletionTokens: 12}}
		if !reflect.DeepEqual(usage, want) {
			t.Errorf("ListUsage = %+v, want %+v", usage, want)
		}
	})
}

// TestUsageByDayAndModel checks the day key (the UTC date of the call), the
// split by model, surface, kind and user, and ListUsage's order and cutoff.
func TestUsageByDayAndModel(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		user, other := mustCreateUser(t, db, ""), mustCreateUser(t, db, "")
		room, otherRoom := mustCreateRoom(t, db, user, "r"), mustCreateRoom(t, db, other, "other's")
		seoul := time.FixedZone("KST", 9*60*60)
		record := func(u *engine.User, model string, at time.Time, prompt, completion int) {
			t.Helper()
			room := room
			if u == other {
				room = otherRoom
			}
			call := &engine.LLMCall{RoomID: room.ID, UserID: u.ID, Model: model, Surface: engine.SourceWeb, PromptTokens: prompt, CompletionTokens: completion, Attempts: 1, Status: engine.StatusComplete, CreatedAt: at}
			if err := db.FinishReply(ctx, pendingReply(t, db, room), call); err != nil {
				t.Fatal(err)
			}
		}
		aid := func(kind engine.CallKind, surface engine.Source, at time.Time, prompt, completion int) {
			t.Helper()
			call := &engine.LLMCall{RoomID: room.ID, UserID: user.ID, Kind: kind, Surface: surface, Model: "gpt-4o", PromptTokens: prompt, CompletionTokens: completion, Attempts: 1, Status: engine.StatusComplete, CreatedAt: at}
			if err := db.RecordCall(ctx, call); err != nil {
				t.Fatal(err)
			}
		}
		// 03:00 on 2 January in Seoul is still 1 January in UTC.
		record(user, "gpt-4o", time.Date(2026, 1, 2, 3, 0, 0, 0, seoul), 10, 1)
		record(user, "gpt-4o-mini", time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC), 20, 2)
		record(user, "gpt-4o", time.Date(2026, 1, 2, 13, 0, 0, 0, time.UTC), 30, 3)
		record(user, "gpt-4o", time.Date(2026, 1, 2, 23, 59, 59, 0, time.UTC), 40, 4)
		record(other, "gpt-4o", time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC), 1000, 1000)
		// The same day and model from other surfaces and kinds: rows of their own.
		aid(engine.CallFeedback, engine.SourceTelegram, time.Date(2026, 1, 2, 14, 0, 0, 0, time.UTC), 100, 10)
		aid(engine.CallFeedback, engine.SourceTelegram, time.Date(2026, 1, 2, 15, 0, 0, 0, time.UTC), 200, 20)
		aid(engine.CallHint, engine.SourceTelegram, time.Date(2026, 1, 2, 16, 0, 0, 0, time.UTC), 300, 30)
		aid(engine.CallFeedback, engine.SourceDiscord, time.Date(2026, 1, 2, 17, 0, 0, 0, time.UTC), 400, 40)

		for day, want := range map[string]int64{"2026-01-01": 11, "2026-01-02": 99 + 1100, "2026-01-03": 0} {
			if got, err := tokensUsed(t, db, user.ID, day); err != nil || got != want {
				t.Errorf("TokensUsed(%s) = %d, %v; want %d", day, got, err, want)
			}
		}
		usage, err := db.ListUsage(ctx, user.ID, "2026-01-01")
		if err != nil {
			t.Fatal(err)
		}
		want := []engine.Usage{
			{Day: "2026-01-02", Model: "gpt-4o", Surface: "discord", Kind: "feedback", Calls: 1, PromptTokens: 400, CompletionTokens: 40},
			{Day: "2026-01-02", Model: "gpt-4o", Surface: "telegram", Kind: "feedback", Calls: 2, PromptTokens: 300, CompletionTokens: 30},
			{Day: "2026-01-02", Model: "gpt-4o", Surface: "telegram", Kind: "hint", Calls: 1, PromptTokens: 300, CompletionTokens: 30},
			{Day: "2026-01-02", Model: "gpt-4o", Surface: "web", Kind: "reply", Calls: 2, PromptTokens: 70, CompletionTokens: 7},
			{Day: "2026-01-02", Model: "gpt-4o-mini", Surface: "web", Kind: "reply", Calls: 1, PromptTokens: 20, CompletionTokens: 2},
			{Day: "2026-01-01", Model: "gpt-4o", Surface: "web", Kind: "reply", Calls: 1, PromptTokens: 10, CompletionTokens: 1},
		}
		if !reflect.DeepEqual(usage, want) {
			t.Errorf("ListUsage(since 2026-01-01) = %+v, want %+v", usage, want)
		}
		if usage, err := db.ListUsage(ctx, user.ID, "2026-01-02"); err != nil || !reflect.DeepEqual(usage, want[:5]) {
			t.Errorf("ListUsage(since 2026-01-02) = %+v, %v; want the 5 rows of that day", usage, err)
		}
		if _, err := db.ListUsage(ctx, user.ID, "yesterday"); err == nil {
			t.Error("ListUsage(since yesterday) succeeded, want an error")
		}
	})
}

// TestLedgerSurvivesDeletedRoom deletes a room once after a finished turn and
// once while a reply is streaming: the tokens spent must count either way.
func TestLedgerSurvivesDeletedRoom(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		user := mustCreateUser(t, db, "")
		finish := func(room *engine.Room, reply *engine.Message) *engine.LLMCall {
			t.Helper()
			reply.Content, reply.Status = "네", engine.StatusComplete
			call := &engine.LLMCall{RoomID: room.ID, UserID: user.ID, Model: "m", PromptTokens: 50, CompletionTokens: 5, Attempts: 1, Status: engine.StatusComplete}
			if err := db.FinishReply(ctx, reply, call); err != nil {
				t.Fatalf("FinishReply: %v", err)
			}
			return call
		}

		before := mustCreateRoom(t, db, user, "deleted after the turn")
		first := finish(before, pendingReply(t, db, before))
		if err := db.DeleteRoom(ctx, user.ID, before.ID); err != nil {
			t.Fatal(err)
		}

		during := mustCreateRoom(t, db, user, "deleted during the turn")
		reply := pendingReply(t, db, during)
		if err := db.DeleteRoom(ctx, user.ID, during.ID); err != nil {
			t.Fatal(err)
		}
		second := finish(during, reply)

		for _, call := range []*engine.LLMCall{first, second} {
			if got := readLedger(t, db, call.ID); got.RoomID.Valid || got.UserID != user.ID || got.PromptTokens != 50 {
				t.Errorf("llm_calls %d = %+v, want it kept for the user, with no room", call.ID, got)
			}
		}
		day := second.CreatedAt.Format("2006-01-02")
		if used, err := tokensUsed(t, db, user.ID, day); err != nil || used != 110 {
			t.Errorf("TokensUsed = %d, %v; want both turns' 110", used, err)
		}
	})
}

// TestRecordCall records calls that made no message, each with its kind: they
// are in the ledger and the daily totals like replies, and settle their
// reservation.
func TestRecordCall(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		user := mustCreateUser(t, db, "")
		room := mustCreateRoom(t, db, user, "r")
		now := time.Now().UTC()
		day := now.Format("2006-01-02")
		held := &engine.TokenReservation{UserID: user.ID, Day: day, Tokens: 500, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := db.ReserveTokens(ctx, held, func(int64) error { return nil }); err != nil {
			t.Fatal(err)
		}

		feedback := &engine.LLMCall{RoomID: room.ID, UserID: user.ID, Kind: engine.CallFeedback, Surface: engine.SourceDiscord, Model: "coach", PromptTokens: 40,
			CompletionTokens: 30, Attempts: 1, Latency: 800 * time.Millisecond, Status: engine.StatusComplete, ReservationID: held.ID}
		hint := &engine.LLMCall{RoomID: room.ID, UserID: user.ID, Kind: engine.CallHint, Model: "coach", PromptTokens: 20,
			CompletionTokens: 10, Attempts: 2, Status: engine.StatusFailed, Error: string(engine.CodeModelUnavailable)}
		for _, c := range []*engine.LLMCall{feedback, hint} {
			if err := db.RecordCall(ctx, c); err != nil {
				t.Fatal(err)
			}
			if c.ID == 0 || c.CreatedAt.IsZero() {
				t.Fatalf("RecordCall left %+v", c)
			}
		}
		wantFeedback := ledgerRow{RoomID: sql.NullInt64{Int64: room.ID, Valid: true}, UserID: user.ID, Kind: "feedback", Surface: "discord", Model: "coach",
			PromptTokens: 40, CompletionTokens: 30, Attempts: 1, LatencyMS: 800, Status: "complete"}
		if got := readLedger(t, db, feedback.ID); got != wantFeedback {
			t.Errorf("feedback row = %+v, want %+v", got, wantFeedback)
		}
		if got := readLedger(t, db, hint.ID); got.Kind != "hint" || got.Surface != "web" || got.Status != "failed" || got.Error != "model_unavailable" {
			t.Errorf("hint row = %+v, want kind hint, from the web (none named), failed", got)
		}
		if n := countRows(t, db, "token_reservations", "id = ?", held.ID); n != 0 {
			t.Error("the settled reservation was kept")
		}
		if used, err := tokensUsed(t, db, user.ID, day); err != nil || used != 100 {
			t.Errorf("TokensUsed = %d, %v; want 40+30+20+10 = 100", used, err)
		}
		usage, err := db.ListUsage(ctx, user.ID, day)
		if err != nil || len(usage) != 2 || usage[0].Kind != engine.CallFeedback || usage[0].Surface != engine.SourceDiscord ||
			usage[1].Kind != engine.CallHint || usage[1].Surface != engine.SourceWeb || usage[0].Calls+usage[1].Calls != 2 {
			t.Errorf("ListUsage = %+v, %v; want the two calls, a row each", usage, err)
		}

		bad := &engine.LLMCall{UserID: user.ID, Kind: "gossip", Model: "coach", Status: engine.StatusComplete}
		if err := db.RecordCall(ctx, bad); err == nil {
			t.Error("a call of an unknown kind was recorded")
		}
		bad = &engine.LLMCall{UserID: user.ID, Kind: engine.CallHint, Surface: "irc", Model: "coach", Status: engine.StatusComplete}
		if err := db.RecordCall(ctx, bad); err == nil {
			t.Error("a call from an unknown surface was recorded")
		}
		if n := countRows(t, db, "llm_calls", "user_id = ?", user.ID); n != 2 {
			t.Errorf("%d ledger rows, want 2", n)
		}
	})
}

// TestLedgerRowIsTheRoomOwners records calls named for a user who no longer
// owns their room (a bot-only user merged into an account mid-turn): the
// ledger row and the day's totals are the room's owner's; a call whose room
// is gone stays the named user's.
func TestLedgerRowIsTheRoomOwners(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		owner, former := mustCreateUser(t, db, "owner@example.com"), mustCreateUser(t, db, "")
		room := mustCreateRoom(t, db, owner, "r")
		reply := pendingReply(t, db, room)
		reply.Content, reply.Status = "네", engine.StatusComplete
		turn := &engine.LLMCall{RoomID: room.ID, UserID: former.ID, Model: "m", PromptTokens: 30, CompletionTokens: 3, Attempts: 1, Status: engine.StatusComplete}
		if err := db.FinishReply(ctx, reply, turn); err != nil {
			t.Fatal(err)
		}
		coach := &engine.LLMCall{RoomID: room.ID, UserID: former.ID, Kind: engine.CallFeedback, Model: "m", PromptTokens: 20, CompletionTokens: 2, Attempts: 1, Status: engine.StatusComplete}
		if err := db.RecordCall(ctx, coach); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*engine.LLMCall{turn, coach} {
			if got := readLedger(t, db, c.ID); got.UserID != owner.ID {
				t.Errorf("%s row of user %d, want the room's owner %d", got.Kind, got.UserID, owner.ID)
			}
		}
		day := turn.CreatedAt.UTC().Format("2006-01-02")
		if used, err := tokensUsed(t, db, owner.ID, day); err != nil || used != 55 {
			t.Errorf("owner's tokens = %d, %v; want 55", used, err)
		}
		if used, err := tokensUsed(t, db, former.ID, day); err != nil || used != 0 {
			t.Errorf("former owner's tokens = %d, %v; want 0", used, err)
		}

		if err := db.DeleteRoom(ctx, owner.ID, room.ID); err != nil {
			t.Fatal(err)
		}
		late := &engine.LLMCall{RoomID: room.ID, UserID: former.ID, Kind: engine.CallHint, Model: "m", PromptTokens: 7, Attempts: 1, Status: engine.StatusComplete}
		if err := db.RecordCall(ctx, late); err != nil {
			t.Fatal(err)
		}
		if got := readLedger(t, db, late.ID); got.UserID != former.ID || got.RoomID.Valid {
			t.Errorf("a call whose room is gone = %+v, want it the named user's, with no room", got)
		}
	})
}
