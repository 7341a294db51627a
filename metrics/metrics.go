// Package metrics is chatplay's Prometheus instrumentation: it implements
// the engine's Metrics observer, the API's request observer and the bots'
// event hooks with client_golang, registers the Go runtime, process and
// database-pool collectors, and serves the exposition format. It is the only
// package that imports the Prometheus library.
//
// Labels take only values from small fixed sets (surfaces, outcomes, error
// kinds, call kinds, route templates, status codes): never a user, a room,
// an id or anything anyone wrote.
package metrics

import (
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/chatplay/chatplay/engine"
)

// namespace prefixes every chatplay metric.
const namespace = "chatplay"

// Buckets of the duration histograms, in seconds.
var (
	// turnBuckets span a chat turn: a fast local model to a long reply with retries.
	turnBuckets = []float64{0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120}
	// firstTokenBuckets span the wait before a reply's first piece.
	firstTokenBuckets = []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30}
	// lockBuckets span a turn's wait for its room: none to a whole reply.
	lockBuckets = []float64{0.001, 0.005, 0.025, 0.1, 0.5, 1, 5, 15, 60}
	// httpBuckets span an API request (a streamed reply counts whole).
	httpBuckets = prometheus.DefBuckets
)

// Metrics holds chatplay's metrics. Make it with New; it is safe for
// concurrent use.
type Metrics struct {
	turns        *prometheus.CounterVec
	turnDuration *prometheus.HistogramVec
	firstToken   *prometheus.HistogramVec
	attempts     *prometheus.CounterVec
	retries      *prometheus.CounterVec
	tokens       *prometheus.CounterVec
	lockWait     *prometheus.HistogramVec
	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	botEvents    *prometheus.CounterVec
}

var _ engine.Metrics = (*Metrics)(nil)

// New makes chatplay's metrics and registers them, with the Go runtime and
// process collectors, on reg (a registry of the caller's, not the global
// one: tests each have their own). It panics if reg already has them.
func New(reg prometheus.Registerer) *Metrics {
	f := func(c prometheus.Collector) { reg.MustRegister(c) }
	m := &Metrics{
		turns: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "chat_turns_total",
			Help: "Chat turns (messages, regenerations, scene openings) by surface and outcome (ok or the error code)."},
			[]string{"surface", "outcome"}),
		turnDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: "chat_turn_duration_seconds",
			Help: "How long chat turns took, from the request to the stored reply, by surface.", Buckets: turnBuckets},
			[]string{"surface"}),
		firstToken: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: "chat_time_to_first_token_seconds",
			Help: "How long chat turns took to hand the surface the reply's first piece, by surface.", Buckets: firstTokenBuckets},
			[]string{"surface"}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "model_attempts_total",
			Help: "Requests to the model server by call kind and result (ok or the error kind)."},
			[]string{"kind", "result"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "model_retries_total",
			Help: "Model requests tried again, by call kind and the error kind that made them."},
			[]string{"kind", "error"}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "model_tokens_total",
			Help: "Tokens recorded in the usage ledger, by call kind and type (prompt or completion)."},
			[]string{"kind", "type"}),
		lockWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: "room_lock_wait_seconds",
			Help: "How long chat turns waited for their room, by result (acquired or gave_up).", Buckets: lockBuckets},
			[]string{"result"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "http_requests_total",
			Help: "HTTP requests by method, route template and status code."},
			[]string{"method", "route", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: "http_request_duration_seconds",
			Help: "How long HTTP requests took, by method and route template.", Buckets: httpBuckets},
			[]string{"method", "route"}),
		botEvents: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "bot_events_total",
			Help: "Chat-bot updates (Telegram) and interactions and messages (Discord) by bot, type and outcome."},
			[]string{"bot", "type", "outcome"}),
	}
	for _, c := range []prometheus.Collector{m.turns, m.turnDuration, m.firstToken, m.attempts, m.retries, m.tokens,
		m.lockWait, m.httpRequests, m.httpDuration, m.botEvents} {
		f(c)
	}
	f(collectors.NewGoCollector())
	f(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// RegisterDB registers the statistics of the database pool db (open,
// in-use and idle connections, waits) on reg, as go_sql_* with db_name name.
func RegisterDB(reg prometheus.Registerer, db *sql.DB, name string) {
	reg.MustRegister(collectors.NewDBStatsCollector(db, name))
}

// Handler serves the metrics g gathers in Prometheus's exposition format.
func Handler(g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{})
}

// TurnDone implements engine.Metrics.
func (m *Metrics) TurnDone(source engine.Source, outcome string, took, firstToken time.Duration) {
	m.turns.WithLabelValues(string(source), outcome).Inc()
	m.turnDuration.WithLabelValues(string(source)).Observe(took.Seconds())
	if firstToken > 0 {
		m.firstToken.WithLabelValues(string(source)).Observe(firstToken.Seconds())
	}
}

// ModelAttempt implements engine.Metrics.
func (m *Metrics) ModelAttempt(kind engine.CallKind, errKind engine.ModelErrorKind) {
	result := string(errKind)
	if result == "" {
		result = "ok"
	}
	m.attempts.WithLabelValues(string(kind), result).Inc()
}

// ModelRetry implements engine.Metrics.
func (m *Metrics) ModelRetry(kind engine.CallKind, errKind engine.ModelErrorKind) {
	m.retries.WithLabelValues(string(kind), string(errKind)).Inc()
}

// Tokens implements engine.Metrics.
func (m *Metrics) Tokens(kind engine.CallKind, prompt, completion int) {
	m.tokens.WithLabelValues(string(kind), "prompt").Add(float64(max(prompt, 0)))
	m.tokens.WithLabelValues(string(kind), "completion").Add(float64(max(completion, 0)))
}

// LockWait implements engine.Metrics.
func (m *Metrics) LockWait(waited time.Duration, acquired bool) {
	result := "acquired"
	if !acquired {
		result = "gave_up"
	}
	m.lockWait.WithLabelValues(result).Observe(waited.Seconds())
}

// HTTPRequest counts one HTTP request: its method, its route template (the
// pattern it matched, e.g. /api/v1/rooms/:id, never the path itself), its
// status code and how long it took.
func (m *Metrics) HTTPRequest(method, route string, status int, took time.Duration) {
	method = knownMethod(method)
	m.httpRequests.WithLabelValues(method, route, statusLabel(status)).Inc()
	m.httpDuration.WithLabelValues(method, route).Observe(took.Seconds())
}

// BotEvent counts one event a chat bot took in: bot is telegram or discord,
// kind and outcome come from the bot's fixed sets.
func (m *Metrics) BotEvent(bot, kind, outcome string) {
	m.botEvents.WithLabelValues(bot, kind, outcome).Inc()
}

// knownMethod returns method if it is a standard one, else "other": a client
// may send any token as a method.
func knownMethod(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return method
	}
	return "other"
}

// statusLabel returns status as a label: its code, or "other" outside 100-599.
func statusLabel(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status)
}
