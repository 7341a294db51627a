package metrics

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/chatplay/chatplay/engine"
)

// Each registry has metrics of its own: two services (two tests) in one
// process never share counts, and nothing lands in the global registry.
func TestRegistriesAreIsolated(t *testing.T) {
	regA, regB := prometheus.NewRegistry(), prometheus.NewRegistry()
	a, b := New(regA), New(regB)
	a.TurnDone(engine.SourceWeb, "ok", time.Second, 0)
	a.TurnDone(engine.SourceWeb, "ok", time.Second, 0)
	if got := testutil.ToFloat64(a.turns.WithLabelValues("web", "ok")); got != 2 {
		t.Errorf("registry A turns = %v, want 2", got)
	}
	if got := testutil.ToFloat64(b.turns.WithLabelValues("web", "ok")); got != 0 {
		t.Errorf("registry B turns = %v, want 0", got)
	}
	if n, _ := testutil.GatherAndCount(prometheus.DefaultGatherer, "chatplay_chat_turns_total"); n != 0 {
		t.Errorf("the global registry has %d chatplay series", n)
	}
}

// Made-up methods and impossible statuses collapse into one label value.
func TestHTTPLabelsAreBounded(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.HTTPRequest("BREW", "unmatched", 404, time.Millisecond)
	m.HTTPRequest("GET", "/healthz", 200, time.Millisecond)
	m.HTTPRequest("GET", "/healthz", 9999, time.Millisecond)
	want := `
# HELP chatplay_http_requests_total HTTP requests by method, route template and status code.
# TYPE chatplay_http_requests_total counter
chatplay_http_requests_total{method="GET",route="/healthz",status="200"} 1
chatplay_http_requests_total{method="GET",route="/healthz",status="other"} 1
chatplay_http_requests_total{method="other",route="unmatched",status="404"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "chatplay_http_requests_total"); err != nil {
		t.Error(err)
	}
}

// The first-token histogram counts only turns that had a first token.
func TestTurnWithoutFirstToken(t *testing.T) {
	m := New(prometheus.NewRegistry())
	m.TurnDone(engine.SourceTelegram, "rate_limited", time.Millisecond, 0)
	m.TurnDone(engine.SourceTelegram, "ok", time.Second, 300*time.Millisecond)
	if n := testutil.CollectAndCount(m.firstToken); n != 1 {
		t.Errorf("first-token series = %d", n)
	}
	if got := testutil.ToFloat64(m.turns.WithLabelValues("telegram", "rate_limited")); got != 1 {
		t.Errorf("rate-limited turns = %v", got)
	}
}
