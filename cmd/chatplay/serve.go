package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/api/web"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/tiktoken"
)

// serve wires config → store → model client → engine → API and runs the HTTP
// listener until ctx ends, then shuts down: the listener stops taking
// requests, in-flight replies get the shutdown timeout to finish (after which
// they are stored as failed), and the database closes.
func serve(ctx context.Context, cfg Config, log *slog.Logger) error {
	secret, err := jwtSecret(cfg, log)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()

	locker, closeLocks, err := roomLocker(ctx, cfg, db)
	if err != nil {
		return err
	}
	defer closeLocks() // after the engine has closed: deferred calls run in reverse
	relay, err := roomRelay(ctx, cfg, db)
	if err != nil {
		return err
	}
	if relay != nil {
		defer relay.Close() // after the engine has closed
	}
	obs := newObservability(cfg, db)
	eng, err := newEngine(cfg, db, locker, turnLimiter(cfg, db), relay, obs.engineMetrics(), log)
	if err != nil {
		return err
	}
	// Replies a crashed process left streaming are settled before serving,
	// then as leases lapse; the lease outlives ctx until the engine closes.
	if n, err := eng.RecoverPending(ctx); err != nil {
		log.Warn("recover replies of stopped processes", "err", err)
	} else if n > 0 {
		log.Warn("marked replies left pending by a stopped process as failed", "count", n)
	}
	go eng.RunRecovery(context.WithoutCancel(ctx))
	go housekeeping(ctx, db, eng, log)
	election, closeElection, err := pollingElection(ctx, cfg, db)
	if err != nil {
		return err
	}
	defer closeElection() // after the bots have stopped and resigned
	var polling leadership
	if election != nil {
		polling = election
	}
	bots, err := newSurfaces(cfg, eng, db, log, obs.botObserver, polling)
	if err != nil {
		return err
	}
	deps := api.Deps{Engine: eng, Sessions: db, Ready: db.Ping, Logger: log,
		Auth: cfg.Auth.apiConfig(secret), Routes: bots.routes, Components: components(obs.health, bots, cfg.Server)}
	obs.apiDeps(cfg, &deps)

	srv := &http.Server{
		Addr:              cfg.Server.Addr,
		Handler:           serviceHandler(cfg, deps),
		ReadHeaderTimeout: cfg.Server.ReadHeaderTimeout,
		// ReadTimeout bounds reading the request, body included. The server
		// lifts the read deadline once the body has been read (to watch for
		// the client leaving), so it never cuts a long response: a streamed
		// reply is bounded by its own write deadline per event.
		ReadTimeout: cfg.Server.ReadTimeout,
		IdleTimeout: cfg.Server.IdleTimeout,
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", cfg.Server.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (server.addr): %w", cfg.Server.Addr, err)
	}
	log.Info("chatplay is serving", "addr", ln.Addr().String(), "surfaces", strings.Join(cfg.Server.Surfaces, ","), "version", buildVersion(),
		"database", db.Dialect(), "model", cfg.Model.Default, "model_base_url", redactURL(cfg.Model.BaseURL))

	stopSide, err := obs.sideListeners(ctx, cfg, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), sideShutdownGrace)
		defer cancel()
		stopSide(sctx)
	}()
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	waitBots := bots.run(ctx, log)
	select {
	case err := <-serveErr:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}

	log.Info("shutting down", "timeout", cfg.Server.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.Server.ShutdownTimeout)
	defer cancel()
	// The engine lets in-flight turns finish within the timeout, then interrupts
	// them; the HTTP server meanwhile waits for the handlers streaming them.
	engineDone := make(chan error, 1)
	go func() { engineDone <- eng.Close(shutdownCtx) }()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		log.Warn("http shutdown", "err", err)
	}
	waitBots() // each bot lets its replies in flight finish within its grace
	if err := <-engineDone; err != nil {
		log.Warn("engine shutdown", "err", err)
	}
	log.Info("stopped")
	return nil
}

// roomLocker returns how turns in one room are kept apart: within this
// process (nil: the engine's default), or, on PostgreSQL unless
// database.room_locks says process, across every process sharing the
// database.
func roomLocker(ctx context.Context, cfg Config, db *sqlstore.DB) (engine.RoomLocker, func() error, error) {
	if !cfg.Database.sharedRoomLocks() {
		return nil, func() error { return nil }, nil
	}
	shared, err := db.NewRoomLocker(ctx, cfg.Database.MaxRoomLocks)
	if err != nil {
		return nil, nil, fmt.Errorf("database.room_locks: %w", err)
	}
	return engine.StackedLocker{Outer: engine.NewMemoryLocker(), Inner: shared}, shared.Close, nil
}

// roomRelay returns how rooms' events (a turn's deltas, what it stores)
// reach the watchers of other processes: PostgreSQL's LISTEN/NOTIFY on
// PostgreSQL; none on SQLite, which one process serves.
func roomRelay(ctx context.Context, cfg Config, db *sqlstore.DB) (*sqlstore.Relay, error) {
	if !cfg.Database.postgres() {
		return nil, nil
	}
	relay, err := db.NewRelay(ctx)
	if err != nil {
		return nil, fmt.Errorf("room events relay: %w", err)
	}
	return relay, nil
}

// turnLimiter returns how the per-user turn rate (limits.turns_per_minute)
// is counted: in the database on PostgreSQL, so that it holds across
// replicas and processes serving different surfaces; within this process
// (nil: the engine's default) on SQLite, which one process serves.
func turnLimiter(cfg Config, db *sqlstore.DB) engine.TurnLimiter {
	if !cfg.Database.postgres() {
		return nil
	}
	return db.NewTurnLimiter(cfg.Limits.TurnsPerMinute, time.Minute)
}

// serviceHandler is the main listener's handler: the web app at / and the
// router (the JSON API, the health and readiness endpoints, /metrics, the
// bots' endpoints); without the api surface, only what operators and the
// bots need (opsOnly).
func serviceHandler(cfg Config, deps api.Deps) http.Handler {
	router := api.NewRouter(deps)
	if cfg.Server.serves(surfaceAPI) {
		return web.Mount(router) // the web app at /, everything else to the router
	}
	return opsOnly(router, deps.Routes)
}

// openStore opens the database and, when configured, migrates it.
func openStore(ctx context.Context, cfg Config, log *slog.Logger) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(ctx, cfg.Database.URL)
	if err != nil {
		return nil, fmt.Errorf("open database (database.url): %w", err)
	}
	db.SetPool(sqlstore.PoolConfig{MaxIdleTime: cfg.Database.MaxIdleTime, MaxLifetime: cfg.Database.MaxLifetime})
	if cfg.Database.MigrateOnStart {
		if err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("migrate database: %w", err)
		}
		log.Debug("database migrated")
	}
	return db, nil
}

// newEngine builds the engine and its model client from config.
func newEngine(cfg Config, store engine.Store, locker engine.RoomLocker, limiter engine.TurnLimiter, relay *sqlstore.Relay, metrics engine.Metrics, log *slog.Logger) (*engine.Engine, error) {
	tokens, err := tiktoken.New(cfg.Model.Tokenizer)
	if err != nil {
		return nil, fmt.Errorf("model.tokenizer: %w", err)
	}
	var model engine.Model
	if !modelConfigured(cfg) {
		log.Warn("no model API key: rooms work, but chat turns will fail until CHATPLAY_MODEL_API_KEY (or OPENAI_API_KEY) is set, or model.base_url points at a local OpenAI-compatible server")
		model = engine.UnconfiguredModel{Setting: "CHATPLAY_MODEL_API_KEY (or OPENAI_API_KEY)"}
	} else {
		model = openai.New(openai.Config{BaseURL: cfg.Model.BaseURL, APIKey: cfg.Model.APIKey, Timeout: cfg.Model.Timeout})
	}
	ecfg := engine.Config{
		Limits: engine.Limits{
			MaxMessageRunes:   cfg.Limits.MaxMessageChars,
			MaxTitleRunes:     cfg.Limits.MaxTitleChars,
			MaxSituationRunes: cfg.Limits.MaxSituationChars,
			MaxRoleRunes:      cfg.Limits.MaxRoleChars,
			MaxRoomsPerUser:   cfg.Limits.MaxRoomsPerUser,
			MaxPageSize:       cfg.Limits.MaxPageSize,
			DefaultPageSize:   min(20, cfg.Limits.MaxPageSize),
			TurnsPerMinute:    cfg.Limits.TurnsPerMinute,
			TokensPerDay:      cfg.Limits.TokensPerDay,
		},
		Retry: engine.RetryPolicy{MaxAttempts: cfg.Retry.MaxAttempts, BaseDelay: cfg.Retry.BaseDelay,
			MaxDelay: cfg.Retry.MaxDelay, Deadline: cfg.Retry.Deadline},
		Prompt: engine.PromptConfig{ContextTokens: cfg.Model.ContextTokens, MaxReplyTokens: cfg.Model.MaxReplyTokens,
			Temperature: float32(cfg.Model.Temperature), CachedRooms: cfg.Model.CachedRooms},
		Models:        engine.ModelPolicy{Default: cfg.Model.Default, Choices: cfg.Model.Allowed},
		ShutdownGrace: cfg.Server.ShutdownTimeout - 2*time.Second,
		Recovery: engine.RecoveryPolicy{LeaseTTL: cfg.Database.LeaseTTL, LeaseRenew: cfg.Database.LeaseRenew,
			PartialSaveInterval: cfg.Database.PartialSaveInterval},
		Coach: cfg.Coach.engineCoach(),
	}
	deps := engine.Deps{Store: store, Model: model, Tokens: tokens, Locker: locker, Limiter: limiter, Logger: log, Metrics: metrics}
	if relay != nil { // a nil *Relay in the interface would not be nil
		deps.Relay = relay
	}
	return engine.New(ecfg, deps), nil
}

// redactURL returns u without credentials or query, fit for a log line.
func redactURL(u string) string {
	parsed, err := url.Parse(u)
	if err != nil {
		return "(unparsable)"
	}
	parsed.User, parsed.RawQuery, parsed.Fragment = nil, "", ""
	return parsed.String()
}
