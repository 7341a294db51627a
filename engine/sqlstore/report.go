package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/chatplay/chatplay/engine"
)

// reportRow is a row of reports: goals, mistakes and next steps as JSON
// arrays.
type reportRow struct {
	bun.BaseModel `bun:"table:reports,alias:rp"`

	ID         int64     `bun:"id,pk,autoincrement"`
	OwnerID    int64     `bun:"owner_id"`
	RoomID     *int64    `bun:"room_id"` // NULL once the room is deleted
	ScenarioID *string   `bun:"scenario_id"`
	Scene      string    `bun:"scene"`
	Language   string    `bun:"language"`
	Summary    string    `bun:"summary"`
	Goals      string    `bun:"goals"`
	Mistakes   string    `bun:"mistakes"`
	NextSteps  string    `bun:"next_steps"`
	CreatedAt  time.Time `bun:"created_at"`
}

// vocabularyRow is a row of report_vocabulary.
type vocabularyRow struct {
	bun.BaseModel `bun:"table:report_vocabulary,alias:v"`

	ID       int64  `bun:"id,pk,autoincrement"`
	ReportID int64  `bun:"report_id"`
	OwnerID  int64  `bun:"owner_id"`
	Term     string `bun:"term"`
	Meaning  string `bun:"meaning"`
	Example  string `bun:"example"`
}

var _ engine.ReportStore = (*DB)(nil)

// jsonList returns list as a JSON array ([] for nil).
func jsonList[T any](list []T) (string, error) {
	if list == nil {
		list = []T{}
	}
	b, err := json.Marshal(list)
	if err != nil {
		return "", fmt.Errorf("sqlstore: report: %w", err)
	}
	return string(b), nil
}

// fromJSONList decodes a JSON array; one that does not decode (a row
// written by hand) reads as empty.
func fromJSONList[T any](s string) []T {
	var out []T
	if err := json.Unmarshal([]byte(s), &out); err != nil || out == nil {
		return []T{}
	}
	return out
}

// report returns the engine's Report of the row, without its vocabulary.
func (r *reportRow) report() *engine.Report {
	out := &engine.Report{ID: r.ID, ScenarioID: r.ScenarioID, Scene: r.Scene, Language: r.Language, Summary: r.Summary,
		Goals: fromJSONList[engine.ReportGoal](r.Goals), Mistakes: fromJSONList[engine.ReportMistake](r.Mistakes),
		NextSteps: fromJSONList[string](r.NextSteps), Vocabulary: []engine.VocabularyItem{}, CreatedAt: normalize(r.CreatedAt)}
	if r.RoomID != nil {
		out.RoomID = *r.RoomID
	}
	return out
}

// CreateReport inserts r and its vocabulary in one transaction, if ownerID
// owns the room r.RoomID, and sets r.ID and r.CreatedAt. The words are
// inserted last one first, so that the vocabulary list, newest id first,
// shows each report's words in its order.
func (db *DB) CreateReport(ctx context.Context, ownerID int64, r *engine.Report) error {
	row := &reportRow{OwnerID: ownerID, RoomID: &r.RoomID, ScenarioID: r.ScenarioID, Scene: r.Scene, Language: r.Language,
		Summary: r.Summary, CreatedAt: now()}
	var err error
	if row.Goals, err = jsonList(r.Goals); err != nil {
		return err
	}
	if row.Mistakes, err = jsonList(r.Mistakes); err != nil {
		return err
	}
	if row.NextSteps, err = jsonList(r.NextSteps); err != nil {
		return err
	}
	err = db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// The room must be ownerID's. A room deleted meanwhile breaks the
		// foreign key (not found), or leaves the report without its room,
		// as a later deletion does.
		n, err := tx.NewSelect().Model((*roomRow)(nil)).Where("r.id = ?", r.RoomID).Where("r.owner_id = ?", ownerID).Count(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return engine.ErrNotFound
		}
		if _, err := tx.NewInsert().Model(row).Returning("id").Exec(ctx); err != nil {
			return err
		}
		if len(r.Vocabulary) == 0 {
			return nil
		}
		words := make([]vocabularyRow, len(r.Vocabulary))
		for i, w := range r.Vocabulary {
			words[len(words)-1-i] = vocabularyRow{ReportID: row.ID, OwnerID: ownerID, Term: w.Term, Meaning: w.Meaning, Example: w.Example}
		}
		_, err = tx.NewInsert().Model(&words).Exec(ctx)
		return err
	})
	if err != nil {
		return wrapErr("create report", err)
	}
	r.ID, r.CreatedAt = row.ID, normalize(row.CreatedAt)
	return nil
}

// FindReport returns ownerID's report id with its vocabulary, else
// engine.ErrNotFound.
func (db *DB) FindReport(ctx context.Context, ownerID, id int64) (*engine.Report, error) {
	row := new(reportRow)
	err := db.bun.NewSelect().Model(row).Where("rp.id = ?", id).Where("rp.owner_id = ?", ownerID).Scan(ctx)
	if err != nil {
		return nil, wrapErr("find report", err)
	}
	r := row.report()
	if err := attachVocabulary(ctx, db.bun, r); err != nil {
		return nil, wrapErr("find report vocabulary", err)
	}
	return r, nil
}

// ListReports returns at most limit of ownerID's reports with ID < beforeID
// (0: from the newest), newest first, with their vocabulary.
func (db *DB) ListReports(ctx context.Context, ownerID, beforeID int64, limit int) ([]*engine.Report, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("sqlstore: list reports: limit %d is not positive", limit)
	}
	var rows []reportRow
	err := db.bun.NewSelect().Model(&rows).
		Apply(newestFirst("rp.owner_id", "rp.id", ownerID, beforeID, limit)).
		Scan(ctx)
	if err != nil {
		return nil, wrapErr("list reports", err)
	}
	reports := make([]*engine.Report, len(rows))
	for i := range rows {
		reports[i] = rows[i].report()
	}
	if err := attachVocabulary(ctx, db.bun, reports...); err != nil {
		return nil, wrapErr("list report vocabulary", err)
	}
	return reports, nil
}

// attachVocabulary reads the words of reports in one query and sets each
// report's Vocabulary, in the report's order.
func attachVocabulary(ctx context.Context, db bun.IDB, reports ...*engine.Report) error {
	if len(reports) == 0 {
		return nil
	}
	ids := make([]int64, len(reports))
	byID := make(map[int64]*engine.Report, len(reports))
	for i, r := range reports {
		ids[i], byID[r.ID] = r.ID, r
	}
	var rows []vocabularyRow
	err := db.NewSelect().Model(&rows).
		Where("v.report_id IN (?)", bun.In(ids)).
		OrderExpr("v.report_id, v.id DESC").
		Scan(ctx)
	if err != nil {
		return err
	}
	for _, w := range rows {
		r := byID[w.ReportID]
		r.Vocabulary = append(r.Vocabulary, engine.VocabularyItem{Term: w.Term, Meaning: w.Meaning, Example: w.Example})
	}
	return nil
}

// ListVocabulary returns at most limit of the words of ownerID's reports
// with ID < beforeID (0: from the newest), newest first, each with its
// report's room and scene.
func (db *DB) ListVocabulary(ctx context.Context, ownerID, beforeID int64, limit int) ([]*engine.VocabularyEntry, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("sqlstore: list vocabulary: limit %d is not positive", limit)
	}
	var words []vocabularyRow
	err := db.bun.NewSelect().Model(&words).
		Apply(newestFirst("v.owner_id", "v.id", ownerID, beforeID, limit)).
		Scan(ctx)
	if err != nil {
		return nil, wrapErr("list vocabulary", err)
	}
	if len(words) == 0 {
		return []*engine.VocabularyEntry{}, nil
	}
	ids := make([]int64, 0, len(words))
	for _, w := range words {
		ids = append(ids, w.ReportID)
	}
	var reports []reportRow
	err = db.bun.NewSelect().Model(&reports).Column("id", "room_id", "scene", "created_at").
		Where("rp.id IN (?)", bun.In(ids)).Where("rp.owner_id = ?", ownerID).Scan(ctx)
	if err != nil {
		return nil, wrapErr("list vocabulary reports", err)
	}
	byID := make(map[int64]*reportRow, len(reports))
	for i := range reports {
		byID[reports[i].ID] = &reports[i]
	}
	out := make([]*engine.VocabularyEntry, 0, len(words))
	for _, w := range words {
		e := &engine.VocabularyEntry{ID: w.ID, ReportID: w.ReportID,
			VocabularyItem: engine.VocabularyItem{Term: w.Term, Meaning: w.Meaning, Example: w.Example}}
		if r := byID[w.ReportID]; r != nil {
			e.Scene, e.CreatedAt = r.Scene, normalize(r.CreatedAt)
			if r.RoomID != nil {
				e.RoomID = *r.RoomID
			}
		}
		out = append(out, e)
	}
	return out, nil
}
