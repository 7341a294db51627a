package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/chatplay/chatplay/engine"
)

// feedbackRow is a row of message_feedback: the coach's answer on one user
// message, items as a JSON array.
type feedbackRow struct {
	bun.BaseModel `bun:"table:message_feedback,alias:f"`

	MessageID int64                 `bun:"message_id,pk"`
	Status    engine.FeedbackStatus `bun:"status"`
	Corrected string                `bun:"corrected"`
	Items     string                `bun:"items"`
	Note      string                `bun:"note"`
	Language  string                `bun:"language"`
	CreatedAt time.Time             `bun:"created_at"`
	UpdatedAt time.Time             `bun:"updated_at"`
}

// newFeedbackRow returns the row for fb, written at.
func newFeedbackRow(fb *engine.Feedback, at time.Time) (*feedbackRow, error) {
	items := fb.Items
	if items == nil {
		items = []engine.FeedbackItem{}
	}
	b, err := json.Marshal(items)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: feedback items: %w", err)
	}
	return &feedbackRow{MessageID: fb.MessageID, Status: fb.Status, Corrected: fb.Corrected, Items: string(b),
		Note: fb.Note, Language: fb.Language, CreatedAt: at, UpdatedAt: at}, nil
}

// feedback returns the engine's Feedback of the row. Items that do not
// decode (a row written by hand) read as none.
func (r *feedbackRow) feedback() *engine.Feedback {
	fb := &engine.Feedback{MessageID: r.MessageID, Status: r.Status, Corrected: r.Corrected, Note: r.Note,
		Language: r.Language, UpdatedAt: normalize(r.UpdatedAt), Items: []engine.FeedbackItem{}}
	if err := json.Unmarshal([]byte(r.Items), &fb.Items); err != nil || fb.Items == nil {
		fb.Items = []engine.FeedbackItem{}
	}
	return fb
}

// CreateFeedback inserts fb, the feedback of a user message (pending, as
// the coach starts), and sets its UpdatedAt. A message deleted meanwhile is
// engine.ErrNotFound.
func (db *DB) CreateFeedback(ctx context.Context, fb *engine.Feedback) error {
	at := now()
	row, err := newFeedbackRow(fb, at)
	if err != nil {
		return err
	}
	if _, err := db.bun.NewInsert().Model(row).Exec(ctx); err != nil {
		return wrapErr("create feedback", err)
	}
	fb.UpdatedAt = at
	return nil
}

// SettleFeedback writes fb's outcome if the feedback of fb.MessageID is
// still pending, else returns engine.ErrNotFound: a settled answer is never
// overwritten (the recovery sweep and a late coach cannot both win).
func (db *DB) SettleFeedback(ctx context.Context, fb *engine.Feedback) error {
	at := now()
	row, err := newFeedbackRow(fb, at)
	if err != nil {
		return err
	}
	res, err := db.bun.NewUpdate().Model(row).
		Column("status", "corrected", "items", "note", "updated_at").
		Where("f.message_id = ?", fb.MessageID).
		Where("f.status = ?", engine.FeedbackPending).
		Exec(ctx)
	if err != nil {
		return wrapErr("settle feedback", err)
	}
	if err := checkAffected("settle feedback", res); err != nil {
		return err
	}
	fb.UpdatedAt = at
	return nil
}

// FindFeedback returns the feedback of messageID, or engine.ErrNotFound.
func (db *DB) FindFeedback(ctx context.Context, messageID int64) (*engine.Feedback, error) {
	row := new(feedbackRow)
	if err := db.bun.NewSelect().Model(row).Where("f.message_id = ?", messageID).Scan(ctx); err != nil {
		return nil, wrapErr("find feedback", err)
	}
	return row.feedback(), nil
}

// ListFeedback returns the feedback of those of messageIDs that have one, in
// one query by primary key.
func (db *DB) ListFeedback(ctx context.Context, messageIDs []int64) ([]*engine.Feedback, error) {
	if len(messageIDs) == 0 {
		return nil, nil
	}
	var rows []feedbackRow
	if err := db.bun.NewSelect().Model(&rows).Where("f.message_id IN (?)", bun.In(messageIDs)).Scan(ctx); err != nil {
		return nil, wrapErr("list feedback", err)
	}
	out := make([]*engine.Feedback, len(rows))
	for i := range rows {
		out[i] = rows[i].feedback()
	}
	return out, nil
}

// FailPendingFeedback settles as unavailable every pending feedback created
// before the cutoff, reading the partial index of pending feedback.
func (db *DB) FailPendingFeedback(ctx context.Context, before time.Time) (int, error) {
	res, err := db.bun.NewUpdate().Model((*feedbackRow)(nil)).
		Set("status = ?", engine.FeedbackUnavailable).
		Set("updated_at = ?", now()).
		Where("f.status = ?", engine.FeedbackPending).
		Where("f.created_at < ?", normalize(before)).
		Exec(ctx)
	if err != nil {
		return 0, wrapErr("fail pending feedback", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrapErr("fail pending feedback", err)
	}
	return int(n), nil
}
