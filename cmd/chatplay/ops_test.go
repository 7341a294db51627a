package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/bots/connect"
	"github.com/chatplay/chatplay/bots/discord"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
)

// get returns the status and body of GET url.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// serve exposes its metrics at /metrics on the main listener by default: a
// turn moves them, the database pool and the runtime are there, the
// profiler is not; /readyz shows the model's good last call.
func TestServeMetrics(t *testing.T) {
	model := openaifake.New(t)
	s := startServe(t, map[string]string{"CHATPLAY_MODEL_API_KEY": "sk-test", "CHATPLAY_MODEL_BASE_URL": model.URL()})
	status, body := readyz(s.addr)
	if status != http.StatusOK || body["status"] != "ready" {
		t.Fatalf("/readyz before a turn = %d %v", status, body)
	}
	token, room := s.signupWithRoom(t)
	model.Enqueue(openaifake.Reply{Chunks: []string{"네, ", "주문하시겠어요?"}, PromptTokens: 30, CompletionTokens: 5})
	resp := s.postMessage(t, token, room, "커피 주세요", false)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("turn = %d", resp.StatusCode)
	}
	code, text := get(t, "http://"+s.addr+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{
		`chatplay_chat_turns_total{outcome="ok",surface="web"} 1`,
		`chatplay_model_tokens_total{kind="reply",type="completion"} 5`,
		`chatplay_http_requests_total{method="POST",route="/api/v1/rooms/:id/messages",status="201"} 1`,
		`go_sql_open_connections{db_name="chatplay"}`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(text, "커피") || strings.Contains(text, "mina.") {
		t.Errorf("/metrics carries a user's data")
	}
	if code, _ := get(t, "http://"+s.addr+"/debug/pprof/"); code != http.StatusNotFound {
		t.Errorf("/debug/pprof/ on the main listener = %d, want 404", code)
	}
	if _, body := readyz(s.addr); body["components"].(map[string]any)["model"].(map[string]any)["status"] != "ok" {
		t.Errorf("/readyz after a good turn: %v", body)
	}
}

// metrics.enabled false: no /metrics.
func TestServeMetricsOff(t *testing.T) {
	s := startServe(t, map[string]string{"CHATPLAY_METRICS_ENABLED": "false"})
	if code, _ := get(t, "http://"+s.addr+"/metrics"); code != http.StatusNotFound {
		t.Fatalf("/metrics with metrics off = %d, want 404", code)
	}
}

// metrics.addr moves /metrics to a listener of its own; admin.addr serves
// the profiler, which the main listener never does.
func TestServeSideListeners(t *testing.T) {
	s := startServe(t, map[string]string{"CHATPLAY_METRICS_ADDR": anyAddr, "CHATPLAY_ADMIN_ADDR": anyAddr})
	// The side listeners are up before the main one serves.
	metricsAddr, adminAddr := loggedAddr(s.logs.String(), "metrics.addr"), loggedAddr(s.logs.String(), "admin.addr")
	if metricsAddr == "" || adminAddr == "" || metricsAddr == adminAddr {
		t.Fatalf("side listeners at %q and %q:\n%s", metricsAddr, adminAddr, s.logs.String())
	}
	if code, _ := get(t, "http://"+s.addr+"/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics on the main listener with metrics.addr set = %d, want 404", code)
	}
	if code, text := get(t, "http://"+metricsAddr+"/metrics"); code != http.StatusOK || !strings.Contains(text, "chatplay_http_requests_total") {
		t.Errorf("/metrics on metrics.addr = %d", code)
	}
	if code, text := get(t, "http://"+adminAddr+"/debug/pprof/"); code != http.StatusOK || !strings.Contains(text, "goroutine") {
		t.Errorf("/debug/pprof/ on admin.addr = %d", code)
	}
	if code, _ := get(t, "http://"+adminAddr+"/debug/pprof/goroutine?debug=1"); code != http.StatusOK {
		t.Errorf("a named profile on admin.addr = %d", code)
	}
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/goroutine?debug=1", "/debug/pprof/cmdline"} {
		if code, _ := get(t, "http://"+s.addr+path); code != http.StatusNotFound {
			t.Errorf("%s on the main listener = %d, want 404", path, code)
		}
	}
}

func TestModelComponent(t *testing.T) {
	for _, tt := range []struct {
		name     string
		st       engine.ModelState
		status   string
		degraded bool
	}{
		{"no key", engine.ModelState{}, "not_configured", true},
		{"no call yet", engine.ModelState{Configured: true}, "untested", false},
		{"last call ok", engine.ModelState{Configured: true, Calls: 3}, "ok", false},
		{"last call refused as too long", engine.ModelState{Configured: true, Calls: 3, LastKind: engine.ModelContextLength}, "ok", false},
		{"last call timed out", engine.ModelState{Configured: true, Calls: 3, LastKind: engine.ModelTimeout}, "failing", true},
		{"key refused", engine.ModelState{Configured: true, Calls: 1, LastKind: engine.ModelUnauthenticated}, "failing", true},
	} {
		c := modelComponent(tt.st)
		if c.Status != tt.status || c.Degraded != tt.degraded || (tt.degraded && c.Error == "") {
			t.Errorf("%s: %+v, want %s degraded=%t with a reason when degraded", tt.name, c, tt.status, tt.degraded)
		}
		if tt.st.LastKind != "" && tt.degraded && !strings.Contains(c.Error, string(tt.st.LastKind)) {
			t.Errorf("%s: reason %q does not name the error kind", tt.name, c.Error)
		}
	}
}

// stateBot is a runner with a fixed state.
type stateBot struct{ st connect.State }

func (stateBot) Run(context.Context) error { return nil }
func (b stateBot) State() connect.State    { return b.st }

func botState(st connect.State) runner { return stateBot{st} }

// shardedBot is a runner with a fixed state and shards, as the Discord bot.
type shardedBot struct {
	stateBot
	shards discord.ShardState
}

func (b shardedBot) Shards() discord.ShardState { return b.shards }

// The Discord component says which gateway shards this replica runs (none is
// well: other replicas run them), and is degraded while one fails.
func TestBotComponentShards(t *testing.T) {
	ok := connect.State{Status: connect.Connected}
	for _, tt := range []struct {
		name   string
		shards discord.ShardState
		want   string
		degr   bool
	}{
		{"no gateway", discord.ShardState{}, `{"status":"connected"}`, false},
		{"two of two", discord.ShardState{Count: 2, Owned: []int{0, 1}}, `{"status":"connected","shards":{"owned":[0,1],"count":2}}`, false},
		{"none of two", discord.ShardState{Count: 2}, `{"status":"connected","shards":{"owned":[],"count":2}}`, false},
		{"failing", discord.ShardState{Count: 2, Owned: []int{1}, Err: "shard 1: 503"},
			`{"status":"connected","error":"shard 1: 503","shards":{"owned":[1],"count":2}}`, true},
	} {
		c := botComponent(shardedBot{stateBot{ok}, tt.shards}, true)
		raw, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if string(raw) != tt.want || c.Degraded != tt.degr {
			t.Errorf("%s: %s degraded=%t, want %s degraded=%t", tt.name, raw, c.Degraded, tt.want, tt.degr)
		}
	}
}

func TestBotComponent(t *testing.T) {
	long := strings.Repeat("x", 500)
	for _, tt := range []struct {
		name      string
		bot       runner
		notServed bool
		want      api.Component
	}{
		{"no token", nil, false, api.Component{Status: "not_configured"}},
		{"not served here", nil, true, api.Component{Status: "not_served"}},
		{"standby", botState(connect.State{Status: statusStandby}), false, api.Component{Status: "standby"}},
		{"connected", botState(connect.State{Status: connect.Connected}), false, api.Component{Status: "connected"}},
		{"starting", botState(connect.State{Status: connect.Starting}), false, api.Component{Status: "starting", Degraded: true}},
		{"retrying", botState(connect.State{Status: connect.Retrying, Err: "getMe: 502"}), false, api.Component{Status: "retrying", Error: "getMe: 502", Degraded: true}},
		{"disabled", botState(connect.State{Status: connect.Disabled, Err: "401 Unauthorized"}), false, api.Component{Status: "disabled", Error: "401 Unauthorized", Degraded: true}},
		{"a long error", botState(connect.State{Status: connect.Retrying, Err: long}), false,
			api.Component{Status: "retrying", Error: strings.Repeat("x", maxComponentError-1) + "…", Degraded: true}},
	} {
		if got := botComponent(tt.bot, !tt.notServed); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
