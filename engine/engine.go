// Package engine is chatplay's domain: users, rooms, messages and the usage
// ledger, and the Engine service that every surface (the web API, the Telegram
// bot, the Discord bot) calls. It talks to storage and to the model only
// through the Store, Model and TokenCounter interfaces; adapters live in
// sub-packages.
package engine

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// Config holds the engine's rules and limits.
type Config struct {
	Limits Limits
	Retry  RetryPolicy
	Prompt PromptConfig
	Models ModelPolicy
	// ShutdownGrace is how long Close lets in-flight replies finish before
	// interrupting them (they are then stored as failed).
	ShutdownGrace time.Duration
	Recovery      RecoveryPolicy
	// Coach shapes the learner's aids: corrections, hints, translations.
	Coach CoachConfig
}

// DefaultConfig returns the engine configuration used when config sets nothing.
func DefaultConfig() Config {
	return Config{
		Limits:        DefaultLimits(),
		Retry:         DefaultRetryPolicy(),
		Prompt:        DefaultPromptConfig(),
		Models:        ModelPolicy{Default: "gpt-4o-mini"},
		ShutdownGrace: 20 * time.Second,
		Recovery:      DefaultRecoveryPolicy(),
		Coach:         DefaultCoachConfig(),
	}
}

// Deps are the engine's collaborators. Store, Model and Tokens are required;
// Locker and Limiter default to in-process implementations.
type Deps struct {
	Store   Store
	Model   Model
	Tokens  TokenCounter
	Locker  RoomLocker
	Limiter TurnLimiter
	Logger  *slog.Logger
	Now     func() time.Time // the clock; time.Now by default
	// Sleep waits d or until ctx ends; tests replace it to skip backoff.
	Sleep func(ctx context.Context, d time.Duration) error
	// Metrics observes turns, model calls, tokens and room waits; NopMetrics
	// by default.
	Metrics Metrics
	// Relay carries room events to and from the other processes sharing the
	// database (sqlstore.Relay on PostgreSQL); nil for one process.
	Relay RoomRelay
}

// Engine is the role-play service. It is safe for concurrent use.
type Engine struct {
	cfg     Config
	store   Store
	model   Model
	tokens  TokenCounter
	locker  RoomLocker
	limiter TurnLimiter
	log     *slog.Logger
	now     func() time.Time
	sleep   func(ctx context.Context, d time.Duration) error
	metrics Metrics

	// life is cancelled when Close gives up waiting: in-flight turns stop.
	windows *windowCache
	// aidCounts keeps the token counts of aid system prompts.
	aidCounts aidCounts

	life     context.Context
	stop     context.CancelFunc
	mu       sync.Mutex // orders begin's Add before Close's Wait
	closing  bool
	inflight sync.WaitGroup

	owner   string // this process's lease (recovery.go)
	turnsMu sync.Mutex
	turns   map[*userTurn]struct{} // the turns in flight, by user (inflight.go)

	linkAttempts *attemptCounter // link codes tried per redeemer (link.go)

	events *roomBroker // the watchers of rooms (events.go)
}

// New returns an Engine with cfg and deps.
func New(cfg Config, deps Deps) *Engine {
	e := &Engine{
		cfg:     cfg,
		store:   deps.Store,
		model:   deps.Model,
		tokens:  deps.Tokens,
		locker:  deps.Locker,
		limiter: deps.Limiter,
		log:     deps.Logger,
		now:     deps.Now,
		sleep:   deps.Sleep,
		owner:   newOwnerID(),

		linkAttempts: newAttemptCounter(LinkAttemptsPerIdentity, LinkAttemptWindow, linkAttemptKeys),
	}
	if e.locker == nil {
		e.locker = NewMemoryLocker()
	}
	if e.limiter == nil {
		e.limiter = NewMemoryLimiter(cfg.Limits.TurnsPerMinute, time.Minute)
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.sleep == nil {
		e.sleep = sleepContext
	}
	if e.model == nil {
		e.model = UnconfiguredModel{Setting: "model.base_url"}
	}
	if e.metrics = deps.Metrics; e.metrics == nil {
		e.metrics = NopMetrics{}
	} else { // every model call, ledger row and room wait is seen, whoever makes it
		e.model = observedModel{Model: e.model, m: e.metrics}
		e.store = observedStore{Store: e.store, m: e.metrics}
		e.locker = timedLocker{RoomLocker: e.locker, m: e.metrics, now: e.now}
	}
	e.windows = newWindowCache(cfg.Prompt.CachedRooms)
	e.life, e.stop = context.WithCancel(context.Background())
	e.events = newRoomBroker(deps.Relay, e.owner)
	if deps.Relay != nil {
		go e.receiveRelay(deps.Relay)
	}
	return e
}

// Config returns the engine's configuration (the limits surfaces show to users).
func (e *Engine) Config() Config { return e.cfg }

// Close stops accepting turns, lets in-flight ones finish within
// cfg.ShutdownGrace (or ctx), then interrupts the rest, which are stored as
// failed. It returns when every turn has ended.
func (e *Engine) Close(ctx context.Context) error {
	e.mu.Lock()
	e.closing = true // no inflight.Add after this: Wait below is well-defined
	e.mu.Unlock()
	done := make(chan struct{})
	go func() { e.inflight.Wait(); close(done) }()
	grace := time.NewTimer(e.cfg.ShutdownGrace)
	defer grace.Stop()
	select {
	case <-done:
		e.stop()
		e.releaseLease(ctx)
		return nil
	case <-grace.C:
	case <-ctx.Done():
	}
	e.log.Warn("engine: interrupting in-flight replies at shutdown")
	e.stop()
	<-done
	e.releaseLease(ctx)
	return nil
}

// begin registers an in-flight operation, unless the engine is closing.
func (e *Engine) begin() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closing {
		return Errorf(CodeUnavailable, "The service is restarting. Try again in a moment.")
	}
	e.inflight.Add(1)
	return nil
}

// sleepContext waits d or until ctx ends.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// notFound turns a store's not-found into the public error for what, and
// wraps anything else as internal.
func notFound(err error, what string) error {
	if err == nil {
		return nil
	}
	if ErrorCode(err) == CodeNotFound || errors.Is(err, ErrNotFound) {
		return &Error{Code: CodeNotFound, Message: what + " not found.", Err: err}
	}
	var pub *Error
	if errors.As(err, &pub) {
		return pub
	}
	return Internal(err)
}
