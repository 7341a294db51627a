package engine

import (
	"context"
	"errors"
)

var errReportTODO = errors.New("reports: not yet implemented")

func (e *Engine) endScene(ctx context.Context, userID, roomID int64, locale string) (*Report, error) {
	return nil, Internal(errReportTODO)
}

func (e *Engine) listReports(ctx context.Context, userID int64, p Page) ([]*Report, string, error) {
	return nil, "", Internal(errReportTODO)
}

func (e *Engine) findReport(ctx context.Context, userID, id int64) (*Report, error) {
	return nil, Internal(errReportTODO)
}

func (e *Engine) listVocabulary(ctx context.Context, userID int64, p Page) ([]*VocabularyEntry, string, error) {
	return nil, "", Internal(errReportTODO)
}
