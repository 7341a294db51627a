package sqlstore

import (
	"context"
	"fmt"
	"strings"
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

// callOwner is the user a call is recorded for: the owner of the room $1,
// or $2 once the room is gone.
const callOwner = `COALESCE((SELECT r.owner_id FROM rooms AS r WHERE r.id = $1), $2)`

// The statements that settle a model call (see finishCall).
var (
	// updateReplyQuery writes a finished reply: $1 its id, $2 content, $3
	// status, $4 error code, $5 token count.
	updateReplyQuery = newHotQuery(func(b *bun.DB) string {
		return b.NewUpdate().Model((*messageRow)(nil)).
			Set("content = $2").
			Set("status = $3").
			Set("error_code = $4").
			Set("token_count = $5").
			Where("m.id = $1").
			String()
	})
	// insertCallQuery appends a call to the ledger (the arguments of
	// callArgs), keeping its room only if the room still exists: a room
	// deleted while the model answered must not lose the ledger row (or fail
	// the foreign key).
	//
	// The call is its room's owner's ($2 only when the room is gone): a
	// bot-only user merged into an account while its turn played (see
	// LinkIdentity) is gone, its rooms, ledger and totals the account's now.
	// It returns the row's id and user.
	insertCallQuery = newHotQuery(func(*bun.DB) string {
		return `INSERT INTO llm_calls (room_id, user_id, kind, surface, model, prompt_tokens, completion_tokens, attempts, latency_ms, ttft_ms, status, error, created_at) ` +
			`VALUES ((SELECT r.id FROM rooms AS r WHERE r.id = $1), ` + callOwner + `, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id, user_id`
	})
	// addUsageQuery adds a call to its user's daily totals: $1 the user
	// (the owner of the room $6 while it exists, as in insertCallQuery), $2
	// the UTC day, $3 the model, $4 and $5 the prompt and completion tokens.
	// One statement that both dialects accept (SQLite since 3.24): the first
	// call of the day inserts the row, later ones add to it: ud (the table's
	// alias) is the existing row, EXCLUDED the one proposed.
	addUsageQuery = newHotQuery(func(*bun.DB) string {
		return `INSERT INTO usage_daily AS ud (user_id, day, model, calls, prompt_tokens, completion_tokens) ` +
			`VALUES (` + strings.NewReplacer("$1", "$6", "$2", "$1").Replace(callOwner) + `, $2, $3, 1, $4, $5) ON CONFLICT (user_id, day, model) DO UPDATE SET ` +
			`calls = ud.calls + EXCLUDED.calls, prompt_tokens = ud.prompt_tokens + EXCLUDED.prompt_tokens, ` +
			`completion_tokens = ud.completion_tokens + EXCLUDED.completion_tokens`
	})
	// settleQuery deletes the reservation $1.
	settleQuery = newHotQuery(func(*bun.DB) string {
		return `DELETE FROM token_reservations WHERE id = $1`
	})
	// finishCallQuery is the four above in one statement, for PostgreSQL
	// (their arguments one after the other): one round trip and one commit
	// instead of six round trips (BEGIN, four statements, COMMIT). A
	// statement is atomic, and its data-modifying WITH clauses all run, once,
	// whether or not the query reads them.
	finishCallQuery = newHotQuery(func(b *bun.DB) string {
		return "WITH reply AS (" + updateReplyQuery.build(b) + "), " +
			"call AS (" + shiftParams(insertCallQuery.build(b), 5) + "), " +
			"usage AS (" + shiftParams(addUsageQuery.build(b), 5+13) + "), " +
			"settled AS (" + shiftParams(settleQuery.build(b), 5+13+6) + ") " +
			"SELECT id, user_id FROM call"
	})
)

// replyArgs returns the arguments of updateReplyQuery for r.
func replyArgs(r *messageRow) []any {
	return []any{r.ID, r.Content, string(r.Status), string(r.ErrorCode), r.TokenCount}
}

// callArgs returns the arguments of insertCallQuery for c.
func (db *DB) callArgs(c *llmCallRow) []any {
	return []any{c.RoomID, c.UserID, c.Kind, string(c.Surface), c.Model, c.PromptTokens, c.CompletionTokens, c.Attempts,
		c.LatencyMS, c.TTFTMS, string(c.Status), c.Error, db.timeArg(c.CreatedAt)}
}

// usageArgs returns the arguments of addUsageQuery for c.
func usageArgs(c *llmCallRow) []any {
	return []any{c.UserID, c.CreatedAt.UTC().Format(dayLayout), c.Model, c.PromptTokens, c.CompletionTokens, c.RoomID}
}

// finishCall, in one transaction, writes reply's content, status, error code
// and token count (reply nil: none), appends c to the ledger and to the
// user's totals for the day of c.CreatedAt in UTC, and deletes the
// reservation with reservationID (0: none); it sets c.ID. On PostgreSQL it is
// one statement (finishCallQuery); SQLite, in process, runs the four in a
// transaction.
func (db *DB) finishCall(ctx context.Context, reply *messageRow, c *llmCallRow, reservationID int64) error {
	if db.dialect == DialectPostgres {
		r := &messageRow{} // id 0: no message
		if reply != nil {
			r = reply
		}
		args := append(append(append(replyArgs(r), db.callArgs(c)...), usageArgs(c)...), reservationID)
		return db.hotScan(ctx, nil, finishCallQuery, []any{&c.ID, &c.UserID}, args...)
	}
	return db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if reply != nil {
			if _, err := db.hotExec(ctx, &tx, updateReplyQuery, replyArgs(reply)...); err != nil {
				return err
			}
		}
		if err := db.hotScan(ctx, &tx, insertCallQuery, []any{&c.ID, &c.UserID}, db.callArgs(c)...); err != nil {
			return err
		}
		if _, err := db.hotExec(ctx, &tx, addUsageQuery, usageArgs(c)...); err != nil {
			return err
		}
		if reservationID == 0 {
			return nil
		}
		_, err := db.hotExec(ctx, &tx, settleQuery, reservationID)
		return err
	})
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
	if err := db.finishCall(ctx, nil, crow, call.ReservationID); err != nil {
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
