package sqlstore

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/chatplay/chatplay/engine"
)

// translationRow is a row of translations: a message in one learner language.
type translationRow struct {
	bun.BaseModel `bun:"table:translations,alias:t"`

	MessageID int64     `bun:"message_id,pk"`
	Language  string    `bun:"language,pk"`
	Text      string    `bun:"text"`
	CreatedAt time.Time `bun:"created_at"`
}

// FindTranslation returns the cached translation of messageID into language,
// or engine.ErrNotFound.
func (db *DB) FindTranslation(ctx context.Context, messageID int64, language string) (*engine.Translation, error) {
	row := new(translationRow)
	err := db.bun.NewSelect().Model(row).
		Where("t.message_id = ?", messageID).
		Where("t.language = ?", language).
		Scan(ctx)
	if err != nil {
		return nil, wrapErr("find translation", err)
	}
	return &engine.Translation{MessageID: row.MessageID, Language: row.Language, Text: row.Text}, nil
}

// SaveTranslation caches t unless its (message, language) is cached already
// (two askers at once: the first one stored wins), then sets t to the one
// cached. A message deleted meanwhile is engine.ErrNotFound.
func (db *DB) SaveTranslation(ctx context.Context, t *engine.Translation) error {
	row := &translationRow{MessageID: t.MessageID, Language: t.Language, Text: t.Text, CreatedAt: now()}
	if _, err := db.bun.NewInsert().Model(row).On("CONFLICT (message_id, language) DO NOTHING").Exec(ctx); err != nil {
		return wrapErr("save translation", err)
	}
	got, err := db.FindTranslation(ctx, t.MessageID, t.Language)
	if err != nil {
		return err
	}
	*t = *got
	return nil
}
