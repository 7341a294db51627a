package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/chatplay/chatplay/engine"
)

// dayLayout is the layout of usage_daily.day: a UTC date.
const dayLayout = "2006-01-02"

// llmCallRow is a row of llm_calls, the usage ledger.
type llmCallRow struct {
	bun.BaseModel `bun:"table:llm_calls,alias:c"`

	ID               int64         `bun:"id,pk,autoincrement"`
	RoomID           int64         `bun:"room_id,nullzero"` // NULL once the room is deleted
	UserID           int64         `bun:"user_id"`
	Kind             string        `bun:"kind"`
	Surface          engine.Source `bun:"surface"`
	Model            string        `bun:"model"`
	PromptTokens     int           `bun:"prompt_tokens"`
	CompletionTokens int           `bun:"completion_tokens"`
	Attempts         int           `bun:"attempts"`
	LatencyMS        int64         `bun:"latency_ms"`
	TTFTMS           int64         `bun:"ttft_ms"` // 0 when no token came
	Status           engine.Status `bun:"status"`
	Error            string        `bun:"error"`
	CreatedAt        time.Time     `bun:"created_at"`
}

// newLLMCallRow returns the row for c, its durations in milliseconds, its
// kind CallReply and its surface SourceWeb when it names none.
func newLLMCallRow(c *engine.LLMCall) *llmCallRow {
	kind := c.Kind
	if kind == "" {
		kind = engine.CallReply
	}
	surface := c.Surface
	if surface == "" {
		surface = engine.SourceWeb
	}
	return &llmCallRow{
		ID:               c.ID,
		RoomID:           c.RoomID,
		UserID:           c.UserID,
		Kind:             string(kind),
		Surface:          surface,
		Model:            c.Model,
		PromptTokens:     c.PromptTokens,
		CompletionTokens: c.CompletionTokens,
		Attempts:         c.Attempts,
		LatencyMS:        c.Latency.Milliseconds(),
		TTFTMS:           c.TimeToFirstToken.Milliseconds(),
		Status:           c.Status,
		Error:            c.Error,
		CreatedAt:        normalize(c.CreatedAt),
	}
}

// usageRow is a row of usage_daily: one user's totals for one UTC day and model.
type usageRow struct {
	bun.BaseModel `bun:"table:usage_daily,alias:ud"`

	UserID           int64  `bun:"user_id,pk"`
	Day              string `bun:"day,pk"`
	Model            string `bun:"model,pk"`
	Calls            int    `bun:"calls"`
	PromptTokens     int64  `bun:"prompt_tokens"`
	CompletionTokens int64  `bun:"completion_tokens"`
}

// recordCall inserts c into the ledger and adds it to the daily totals, in tx.
// c.RoomID is kept only if the room still exists: a room deleted while the
// model answered must not lose the ledger row (or fail the foreign key).
// The call is its room's owner's, which c.UserID is set to: a bot-only user
// merged into an account while its turn played (see LinkIdentity) is gone,
// its rooms, ledger and totals the account's now. A call whose room is gone
// stays c.UserID's.
func recordCall(ctx context.Context, tx bun.Tx, c *llmCallRow) error {
	_, err := tx.NewInsert().Model(c).
		Value("room_id", "(SELECT r.id FROM rooms AS r WHERE r.id = ?)", c.RoomID).
		Value("user_id", "COALESCE((SELECT r.owner_id FROM rooms AS r WHERE r.id = ?), ?)", c.RoomID, c.UserID).
		Returning("id, user_id").
		Exec(ctx)
	if err != nil {
		return err
	}
	// One statement that both dialects accept (SQLite since 3.24): the first
	// call of the day inserts the row, later ones add to it: ud (the table's
	// alias) is the existing row, EXCLUDED the one proposed.
	_, err = tx.NewInsert().
		Model(&usageRow{
			UserID:           c.UserID,
			Day:              c.CreatedAt.UTC().Format(dayLayout),
			Model:            c.Model,
			Calls:            1,
			PromptTokens:     int64(c.PromptTokens),
			CompletionTokens: int64(c.CompletionTokens),
		}).
		On("CONFLICT (user_id, day, model) DO UPDATE").
		Set("calls = ud.calls + EXCLUDED.calls").
		Set("prompt_tokens = ud.prompt_tokens + EXCLUDED.prompt_tokens").
		Set("completion_tokens = ud.completion_tokens + EXCLUDED.completion_tokens").
		Exec(ctx)
	return err
}

// RecordCall, in one transaction, appends call, a model call that produced
// no message of its own (a correction, a hint, a translation), to the ledger
// and to the user's totals for the day of call.CreatedAt in UTC, and deletes
// the token reservation it settles (call.ReservationID, if any). A zero
// call.CreatedAt is set to now; call.ID is set. A kind the engine does not
// know is refused.
func (db *DB) RecordCall(ctx context.Context, call *engine.LLMCall) error {
	if call.Kind != "" && !call.Kind.Valid() {
		return fmt.Errorf("sqlstore: record call: unknown kind %q", call.Kind)
	}
	if call.Surface != "" && !call.Surface.Valid() {
		return fmt.Errorf("sqlstore: record call: unknown surface %q", call.Surface)
	}
	crow := newLLMCallRow(call)
	crow.ID = 0 // the database assigns it
	if crow.CreatedAt.IsZero() {
		crow.CreatedAt = now()
	}
	err := db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := recordCall(ctx, tx, crow); err != nil {
			return err
		}
		return settleReservation(ctx, tx, call.ReservationID)
	})
	if err != nil {
		return wrapErr("record call", err)
	}
	call.ID, call.CreatedAt = crow.ID, crow.CreatedAt
	return nil
}

// ListUsage returns userID's usage per day, model, surface and kind of call
// for days >= sinceDay, newest day first, then by model, surface and kind.
// It sums the ledger rows of those days (llm_calls, read through its index
// on (user_id, created_at)): a report asked for now and then, while the
// allowance of every turn reads usage_daily's running totals.
func (db *DB) ListUsage(ctx context.Context, userID int64, sinceDay string) ([]engine.Usage, error) {
	since, err := time.Parse(dayLayout, sinceDay)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list usage: day %q: %w", sinceDay, err)
	}
	// The UTC day of created_at: SQLite holds it as text that starts with
	// the UTC date, PostgreSQL as a timestamptz.
	day := "substr(c.created_at, 1, 10)"
	if db.dialect == DialectPostgres {
		day = "to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	var usage []engine.Usage
	err = db.bun.NewSelect().Model((*llmCallRow)(nil)).
		ColumnExpr(day+" AS day").
		ColumnExpr("c.model, c.surface, c.kind").
		ColumnExpr("COUNT(*) AS calls").
		// SUM of a BIGINT is a NUMERIC on PostgreSQL: cast it back.
		ColumnExpr("CAST(SUM(c.prompt_tokens) AS BIGINT) AS prompt_tokens").
		ColumnExpr("CAST(SUM(c.completion_tokens) AS BIGINT) AS completion_tokens").
		Where("c.user_id = ?", userID).
		Where("c.created_at >= ?", since).
		GroupExpr("1, c.model, c.surface, c.kind").
		OrderExpr("1 DESC, c.model, c.surface, c.kind").
		Scan(ctx, &usage)
	if err != nil {
		return nil, wrapErr("list usage", err)
	}
	return usage, nil
}
