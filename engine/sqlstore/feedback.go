package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
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

// createMessagesWithFeedback inserts rows (the messages of msgs) and the
// feedback rows of those msgs that carry Feedback, in one transaction.
func (db *DB) createMessagesWithFeedback(ctx context.Context, msgs []*engine.Message, rows []messageRow, at time.Time) error {
	return db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(&rows).Returning("id").Exec(ctx); err != nil {
			return err
		}
		ids, err := insertedIDs(rows)
		if err != nil {
			return err
		}
		var fbs []*feedbackRow
		for i, m := range msgs {
			if m.Feedback == nil {
				continue
			}
			m.Feedback.MessageID = ids[i]
			row, err := newFeedbackRow(m.Feedback, at)
			if err != nil {
				return err
			}
			fbs = append(fbs, row)
		}
		if _, err := tx.NewInsert().Model(&fbs).Exec(ctx); err != nil {
			return err
		}
		for i, m := range msgs {
			m.ID, m.CreatedAt = ids[i], at
			if m.Feedback != nil {
				m.Feedback.UpdatedAt = at
			}
		}
		return nil
	})
}

// insertedIDs returns the ids an INSERT … RETURNING id gave rows, in VALUES
// order. Both databases number the rows of one INSERT in VALUES order, but
// neither promises RETURNING's order: the ids are matched by rank.
func insertedIDs(rows []messageRow) ([]int64, error) {
	ids := make([]int64, len(rows))
	for i := range rows {
		if ids[i] = rows[i].ID; ids[i] == 0 {
			return nil, fmt.Errorf("sqlstore: create messages: no id returned for row %d", i)
		}
	}
	slices.Sort(ids)
	return ids, nil
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
