package engine

import (
	"context"
	"fmt"
	"time"
)

// TokenReservation holds part of a user's daily token allowance for a turn in
// flight: the most the turn can cost, from before the model is called until
// the reply is stored. Turns are admitted against the tokens used plus those
// held, so a burst of turns cannot all pass a check made before any of them
// was recorded.
//
// A reservation ends in one of three ways: the reply is stored, and
// FinishReply replaces it with the tokens the call used, in one transaction;
// the turn fails before that, and releases it; or its process dies, and it
// expires at ExpiresAt, when its turn is certainly over (see turnLifetime).
type TokenReservation struct {
	ID        int64
	UserID    int64
	Day       string // the UTC day (YYYY-MM-DD) whose allowance it holds
	Tokens    int64
	CreatedAt time.Time
	ExpiresAt time.Time // from then on it holds nothing
}

// turnLifetime bounds how long a turn runs from its reservation to the stored
// reply: the retry deadline and a minute for the final save. A reservation
// older than that belongs to a turn that ended without settling it (its
// process died), and no longer counts.
func (e *Engine) turnLifetime() time.Duration {
	return e.cfg.Retry.Deadline + time.Minute
}

// reserveTokens admits a turn of userID whose prompt counts promptTokens
// against the day's allowance and holds the most the turn can cost (the prompt
// and the longest reply, Prompt.MaxReplyTokens). The rule, checked by
// checkDailyTokens atomically with the hold: a turn is admitted while the
// tokens used today plus those held by turns in flight are under the
// allowance. Only the last turn admitted can pass the allowance, by at most
// its own cost. With no allowance configured nothing is held (ID 0).
func (e *Engine) reserveTokens(ctx context.Context, userID int64, now time.Time, promptTokens int) (*TokenReservation, error) {
	return e.reserveCall(ctx, userID, now, promptTokens+e.cfg.Prompt.MaxReplyTokens)
}

// reserveCall admits a model call of userID that can cost at most tokens
// (prompt and longest answer) against the day's allowance, by the rule of
// reserveTokens, and holds them. The learner's aids (coach, hint,
// translation) hold their prompt and Coach.MaxTokens this way.
func (e *Engine) reserveCall(ctx context.Context, userID int64, now time.Time, tokens int) (*TokenReservation, error) {
	if e.cfg.Limits.TokensPerDay <= 0 {
		return &TokenReservation{}, nil
	}
	r := &TokenReservation{UserID: userID, Day: now.Format(time.DateOnly),
		Tokens: int64(tokens), CreatedAt: now, ExpiresAt: now.Add(e.turnLifetime())}
	var refused error
	err := e.store.ReserveTokens(ctx, r, func(spent int64) error {
		refused = e.checkDailyTokens(now, spent)
		return refused
	})
	if refused != nil {
		return nil, refused
	}
	if err != nil {
		return nil, notFound(fmt.Errorf("reserve tokens: %w", err), "User")
	}
	return r, nil
}

// releaseTokens gives back what r still holds: a turn that ended without
// storing its reply (which settles r) releases it. It outlives ctx's end; if
// the store cannot be reached, r expires on its own.
func (e *Engine) releaseTokens(ctx context.Context, r *TokenReservation) {
	if r == nil || r.ID == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := e.store.ReleaseTokens(ctx, r.ID); err != nil {
		e.log.Warn("engine: release token reservation", "reservation", r.ID, "err", err)
	}
	r.ID = 0
}
