package engine

import (
	"context"
	"time"
)

// MaxUsageDays is the longest period ListUsage reports.
const MaxUsageDays = 366

// ListUsage returns userID's token use per UTC day, model, surface and kind
// of call over the last days days (today included; clamped to
// 1..MaxUsageDays), newest day first, from the usage ledger.
func (e *Engine) ListUsage(ctx context.Context, userID int64, days int) ([]Usage, error) {
	days = max(1, min(days, MaxUsageDays))
	since := e.now().UTC().AddDate(0, 0, -(days - 1)).Format(time.DateOnly)
	usage, err := e.store.ListUsage(ctx, userID, since)
	if err != nil {
		return nil, Internal(err)
	}
	return usage, nil
}
