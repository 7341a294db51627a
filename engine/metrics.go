package engine

import (
	"context"
	"errors"
	"time"
)

// Metrics observes what the engine does, for an operator's dashboards. The
// engine calls it with counts, durations and kinds only: never a user, a room
// or what anyone wrote. Implementations (a Prometheus one lives in package
// metrics) must be safe for concurrent use and must not block. Deps.Metrics
// defaults to NopMetrics.
type Metrics interface {
	// TurnDone is called once per chat turn (a message, a regeneration, a
	// scene opening) when it ends, with the surface it came from, its outcome
	// (TurnOutcome), how long it took and how long the first piece of the
	// reply took (0 when none came), both from the turn's start.
	TurnDone(source Source, outcome string, took, firstToken time.Duration)
	// ModelAttempt is called after each request to the model server, with
	// what the call was for and how it failed ("" when it succeeded).
	ModelAttempt(kind CallKind, errKind ModelErrorKind)
	// ModelRetry is called when a failed attempt is tried again, with the
	// failure that made it.
	ModelRetry(kind CallKind, errKind ModelErrorKind)
	// Tokens is called when a model call is recorded in the usage ledger.
	Tokens(kind CallKind, prompt, completion int)
	// LockWait is called when a turn's wait for its room ends, with how long
	// it waited and whether it got the room.
	LockWait(waited time.Duration, acquired bool)
}

// NopMetrics is a Metrics that records nothing. Embed it to implement only
// some of the methods.
type NopMetrics struct{}

var _ Metrics = NopMetrics{}

// TurnDone implements Metrics.
func (NopMetrics) TurnDone(Source, string, time.Duration, time.Duration) {}

// ModelAttempt implements Metrics.
func (NopMetrics) ModelAttempt(CallKind, ModelErrorKind) {}

// ModelRetry implements Metrics.
func (NopMetrics) ModelRetry(CallKind, ModelErrorKind) {}

// Tokens implements Metrics.
func (NopMetrics) Tokens(CallKind, int, int) {}

// LockWait implements Metrics.
func (NopMetrics) LockWait(time.Duration, bool) {}

// TeeMetrics returns a Metrics that hands every observation to each of ms
// in turn (nil ones skipped).
func TeeMetrics(ms ...Metrics) Metrics {
	var out tee
	for _, m := range ms {
		if m != nil {
			out = append(out, m)
		}
	}
	return out
}

type tee []Metrics

func (t tee) TurnDone(s Source, outcome string, took, first time.Duration) {
	for _, m := range t {
		m.TurnDone(s, outcome, took, first)
	}
}

func (t tee) ModelAttempt(k CallKind, e ModelErrorKind) {
	for _, m := range t {
		m.ModelAttempt(k, e)
	}
}

func (t tee) ModelRetry(k CallKind, e ModelErrorKind) {
	for _, m := range t {
		m.ModelRetry(k, e)
	}
}

func (t tee) Tokens(k CallKind, prompt, completion int) {
	for _, m := range t {
		m.Tokens(k, prompt, completion)
	}
}

func (t tee) LockWait(d time.Duration, acquired bool) {
	for _, m := range t {
		m.LockWait(d, acquired)
	}
}

// TurnOutcome is the outcome label of a turn that ended with err: "ok", or
// the error's public code (rate_limited, model_unavailable, …).
func TurnOutcome(err error) string {
	if err == nil {
		return "ok"
	}
	return string(ErrorCode(err))
}

// Model failure kinds that are not the model server's: the call was
// cancelled (a shutdown, a deleted account), or failed in some other way.
const (
	ModelCanceled ModelErrorKind = "canceled"
	ModelOther    ModelErrorKind = "other"
)

// ModelErrorKindOf classifies err, a model call's error: "" for nil, the
// ModelError's kind, else ModelCanceled or ModelOther.
func ModelErrorKindOf(err error) ModelErrorKind {
	var me *ModelError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &me):
		return me.Kind
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return ModelCanceled
	}
	return ModelOther
}

// observedModel is the engine's Model, reporting each attempt.
type observedModel struct {
	Model
	m Metrics
}

func (o observedModel) Stream(ctx context.Context, req ModelRequest, onDelta func(string)) (ModelResult, error) {
	res, err := o.Model.Stream(ctx, req, onDelta)
	o.m.ModelAttempt(CallReply, ModelErrorKindOf(err))
	return res, err
}

func (o observedModel) Complete(ctx context.Context, req StructuredRequest) (StructuredResult, error) {
	res, err := o.Model.Complete(ctx, req)
	kind := req.Kind
	if kind == "" {
		kind = CallReply
	}
	o.m.ModelAttempt(kind, ModelErrorKindOf(err))
	return res, err
}

// observedStore is the engine's Store, reporting the tokens of each model
// call it records in the ledger.
type observedStore struct {
	Store
	m Metrics
}

func (o observedStore) FinishReply(ctx context.Context, reply *Message, call *LLMCall) error {
	err := o.Store.FinishReply(ctx, reply, call)
	if err == nil {
		o.tokens(call)
	}
	return err
}

func (o observedStore) RecordCall(ctx context.Context, call *LLMCall) error {
	err := o.Store.RecordCall(ctx, call)
	if err == nil {
		o.tokens(call)
	}
	return err
}

func (o observedStore) tokens(call *LLMCall) {
	kind := call.Kind
	if kind == "" {
		kind = CallReply
	}
	o.m.Tokens(kind, call.PromptTokens, call.CompletionTokens)
}

// timedLocker is the engine's RoomLocker, reporting each wait for a room.
type timedLocker struct {
	RoomLocker
	m   Metrics
	now func() time.Time
}

func (t timedLocker) LockRoom(ctx context.Context, roomID int64) (func(), error) {
	start := t.now()
	unlock, err := t.RoomLocker.LockRoom(ctx, roomID)
	t.m.LockWait(t.now().Sub(start), err == nil)
	return unlock, err
}

// observeTurn starts timing a turn from source: it returns the sink to hand
// the turn's events to (which notes the first delta) and the func to call
// with the turn's error when it ends.
func (e *Engine) observeTurn(source Source, sink Sink) (Sink, func(err error)) {
	if !source.Valid() {
		source = "unknown" // a label takes only known values
	}
	start := e.now()
	var first time.Duration
	timed := func(ev Event) {
		if ev.Kind == EventDelta && first == 0 {
			first = max(e.now().Sub(start), 1)
		}
		sink(ev)
	}
	return timed, func(err error) { e.metrics.TurnDone(source, TurnOutcome(err), e.now().Sub(start), first) }
}
