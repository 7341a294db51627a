package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/metrics"
)

// observability is what serve hands the engine, the API and the bots to
// observe them: the Prometheus metrics (nil when metrics.enabled is off) on
// a registry of this run's own, and the model's health for /readyz.
type observability struct {
	reg     *prometheus.Registry
	metrics *metrics.Metrics
	health  *engine.ModelHealth
}

// newObservability makes the registry and metrics config asks for, with the
// pool statistics of db.
func newObservability(cfg Config, db *sqlstore.DB) *observability {
	o := &observability{health: engine.NewModelHealth(modelConfigured(cfg), nil)}
	if cfg.Metrics.Enabled {
		o.reg = prometheus.NewRegistry()
		o.metrics = metrics.New(o.reg)
		metrics.RegisterDB(o.reg, db.SQL(), "chatplay")
	}
	return o
}

// engineMetrics is what observes the engine.
func (o *observability) engineMetrics() engine.Metrics {
	if o.metrics == nil {
		return o.health
	}
	return engine.TeeMetrics(o.health, o.metrics)
}

// botObserver returns the Config.Observe of the bot name, nil without metrics.
func (o *observability) botObserver(name string) func(kind, outcome string) {
	if o.metrics == nil {
		return nil
	}
	return func(kind, outcome string) { o.metrics.BotEvent(name, kind, outcome) }
}

// apiDeps sets the metrics parts of the API's deps: the request observer,
// and /metrics when it is served on the main listener.
func (o *observability) apiDeps(cfg Config, d *api.Deps) {
	if o.metrics == nil {
		return
	}
	d.Metrics = o.metrics
	if cfg.Metrics.Addr == "" {
		d.MetricsHandler = metrics.Handler(o.reg)
	}
}

// sideListeners starts the listeners beside the main one that config asks
// for: the metrics' own (metrics.addr) and the admin one with the profiler
// (admin.addr). The returned func shuts them down.
func (o *observability) sideListeners(ctx context.Context, cfg Config, log *slog.Logger) (stop func(context.Context), err error) {
	var servers []*http.Server
	stop = func(ctx context.Context) {
		for _, srv := range servers {
			if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
				log.Warn("side listener shutdown", "addr", srv.Addr, "err", err)
			}
		}
	}
	start := func(key, addr string, h http.Handler) error {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("listen on %s (%s): %w", addr, key, err)
		}
		srv := &http.Server{Addr: ln.Addr().String(), Handler: h, ReadHeaderTimeout: cfg.Server.ReadHeaderTimeout,
			IdleTimeout: cfg.Server.IdleTimeout, BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) }}
		servers = append(servers, srv)
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("side listener stopped", "addr", srv.Addr, "err", err)
			}
		}()
		log.Info("listening", "key", key, "addr", srv.Addr)
		return nil
	}
	if o.metrics != nil && cfg.Metrics.Addr != "" {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", metrics.Handler(o.reg))
		if err := start("metrics.addr", cfg.Metrics.Addr, mux); err != nil {
			return nil, err
		}
	}
	if cfg.Admin.Addr != "" {
		if err := start("admin.addr", cfg.Admin.Addr, profiler()); err != nil {
			stop(ctx)
			return nil, err
		}
	}
	return stop, nil
}

// profiler serves the Go profiler at /debug/pprof/, for the admin listener
// only.
func profiler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index) // and the named profiles under it
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// modelConfigured reports whether a model server is configured: a key, or
// a base URL other than OpenAI's (a local server needs no key).
func modelConfigured(cfg Config) bool {
	return cfg.Model.APIKey != "" || cfg.Model.BaseURL != openAIURL
}

// sideShutdownGrace bounds the side listeners' shutdown.
const sideShutdownGrace = 5 * time.Second
