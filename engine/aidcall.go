package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// aidCall is one structured model call of a learner's aid (the coach, a
// hint, a translation) for userID in room, asked for on surface.
type aidCall struct {
	kind     CallKind
	surface  Source
	userID   int64
	room     *Room
	messages []PromptMessage
	schema   JSONSchema
	// check validates the answer's content; its error makes the call failed.
	check func(content string) error
	// maxTokens bounds the answer; 0: Coach.MaxTokens.
	maxTokens int
	// timeout bounds the call; 0: Coach.Timeout.
	timeout time.Duration
}

// errAidInvalid is the public error of an aid whose answer was not usable.
func errAidInvalid(err error) *Error {
	return &Error{Code: CodeModelUnavailable, Message: "The model gave an answer that could not be used. Try again.", Err: err}
}

// callAid plays one aid call: it holds the most the call can cost in the
// day's allowance (refused: rate_limited), calls the model within
// Coach.Timeout, checks the answer, and records the call in the ledger with
// its kind, settling the hold, whatever the outcome once the model was
// called. The call runs on ctx, which the caller bounds; the call's own
// bounds are c.maxTokens and c.timeout (the coach's by default).
func (e *Engine) callAid(ctx context.Context, c aidCall) error {
	prompt := 0
	for _, m := range c.messages {
		prompt += e.aidCounts.count(m, e.tokens.Count) + tokensPerMessage
	}
	now := e.now().UTC()
	maxTokens, timeout := c.maxTokens, c.timeout
	if maxTokens <= 0 {
		maxTokens = e.cfg.Coach.MaxTokens
	}
	if timeout <= 0 {
		timeout = e.cfg.Coach.Timeout
	}
	hold, err := e.reserveCall(ctx, c.userID, now, prompt+maxTokens)
	if err != nil {
		return err
	}
	defer e.releaseTokens(ctx, hold) // unless RecordCall settled it

	model := e.cfg.Coach.Model
	if model == "" {
		model = e.cfg.Models.For(c.room)
	}
	callCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := e.now()
	res, callErr := e.model.Complete(callCtx, StructuredRequest{
		Kind:      c.kind,
		Model:     model,
		Messages:  c.messages,
		MaxTokens: maxTokens,
		User:      strconv.FormatInt(c.userID, 10),
		Schema:    c.schema,
	})
	call := &LLMCall{RoomID: c.room.ID, UserID: c.userID, Kind: c.kind, Surface: c.surface, Model: model, Attempts: 1,
		Latency: e.now().Sub(start), Status: StatusComplete, CreatedAt: e.now(), ReservationID: hold.ID,
		PromptTokens: prompt}
	if res.UsageReported {
		call.PromptTokens, call.CompletionTokens = res.PromptTokens, res.CompletionTokens
	} else {
		call.CompletionTokens = e.tokens.Count(res.Content)
	}
	var public *Error
	switch {
	case callErr != nil:
		public = e.aidError(ctx, callErr)
	case res.Refusal != "":
		public = errAidInvalid(badAnswer("refused: %s", res.Refusal))
	case res.FinishReason == "length":
		public = errAidInvalid(badAnswer("cut at max_tokens"))
	default:
		if err := c.check(res.Content); err != nil {
			public = errAidInvalid(err)
		}
	}
	if public != nil {
		call.Status, call.Error = StatusFailed, string(public.Code)
	}
	save, cancelSave := context.WithTimeout(context.WithoutCancel(ctx), aidSaveTimeout)
	defer cancelSave()
	err = e.store.RecordCall(save, call)
	if ErrorCode(err) == CodeNotFound || errors.Is(err, ErrNotFound) {
		err = e.store.RecordCall(save, call) // once more: see finishReply
	}
	if err != nil {
		e.log.Warn("engine: record aid call", "kind", c.kind, "room", c.room.ID, "err", err) // the hold expires on its own
	} else {
		hold.ID = 0 // settled
	}
	if public != nil {
		return public
	}
	return nil
}

// aidSaveTimeout bounds the writes that follow an aid's model call (the
// ledger row, the answer), which outlive the call's own context.
const aidSaveTimeout = 10 * time.Second

// aidError turns a failed aid call into its public error.
func (e *Engine) aidError(ctx context.Context, err error) *Error {
	if gone := accountDeleted(ctx); gone != nil {
		return AsError(gone)
	}
	var me *ModelError
	switch {
	case errors.As(err, &me):
		return me.publicError()
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Code: CodeModelUnavailable, Message: "The model took too long to answer. Try again.", Err: err}
	case e.life.Err() != nil:
		return &Error{Code: CodeUnavailable, Message: "The service is restarting. Try again in a moment.", Err: err}
	}
	return &Error{Code: CodeModelUnavailable, Message: "The model is not answering right now. Try again in a moment.", Err: fmt.Errorf("aid call: %w", err)}
}

// startAid registers a hint or an uncached translation of userID as an
// operation in flight (Close waits for it) and as a turn for
// turns_per_minute, and returns the func that ends it.
func (e *Engine) startAid(ctx context.Context, userID int64) (func(), error) {
	if err := e.begin(); err != nil {
		return nil, err
	}
	if err := e.checkTurnRate(ctx, userID); err != nil {
		e.inflight.Done()
		return nil, err
	}
	return e.inflight.Done, nil
}

// aidContext returns the context an aid's call runs on: ctx, ended also by
// Close and by the deletion of userID's account.
func (e *Engine) aidContext(ctx context.Context, userID int64) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(e.life, cancel)
	ctx, untrack := e.trackTurn(ctx, userID)
	return ctx, func() { untrack(); stop(); cancel() }
}
