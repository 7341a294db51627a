package api_test

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// scrape returns the metrics the server exposes at GET /metrics, by series
// (name{labels} as exposed, labels sorted by name).
func (ts *testServer) scrape(t *testing.T) (map[string]float64, string) {
	t.Helper()
	r := ts.anon().must(http.StatusOK, "GET", "/metrics", nil)
	series := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(string(r.body)))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		series[line[:i]] = v
	}
	return series, string(r.body)
}

// A chat turn through the API moves the turn, model, token and HTTP
// counters, and nothing a user is or wrote becomes a label.
func TestMetricsAfterATurn(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("metrics")
		room := c.newRoom()
		const said = "zebra-sentence-in-a-metric"
		ts.fake.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요"}, PromptTokens: 57, CompletionTokens: 4})
		c.must(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), map[string]string{"content": said})
		c.must(http.StatusNotFound, "GET", "/api/v1/rooms/999999999", nil)

		got, text := ts.scrape(t)
		for series, want := range map[string]float64{
			`chatplay_chat_turns_total{outcome="ok",surface="web"}`:                                       1,
			`chatplay_chat_turn_duration_seconds_count{surface="web"}`:                                    1,
			`chatplay_chat_time_to_first_token_seconds_count{surface="web"}`:                              1,
			`chatplay_model_attempts_total{kind="reply",result="ok"}`:                                     1,
			`chatplay_model_tokens_total{kind="reply",type="prompt"}`:                                     57,
			`chatplay_model_tokens_total{kind="reply",type="completion"}`:                                 4,
			`chatplay_room_lock_wait_seconds_count{result="acquired"}`:                                    1,
			`chatplay_http_requests_total{method="POST",route="/api/v1/rooms/:id/messages",status="201"}`: 1,
			`chatplay_http_requests_total{method="POST",route="/api/v1/auth/signup",status="201"}`:        1,
			`chatplay_http_requests_total{method="GET",route="/api/v1/rooms/:id",status="404"}`:           1,
		} {
			if got[series] != want {
				t.Errorf("%s = %v, want %v", series, got[series], want)
			}
		}
		for _, present := range []string{"go_goroutines", "chatplay_http_request_duration_seconds_bucket"} {
			if !strings.Contains(text, present) {
				t.Errorf("no %s in the metrics", present)
			}
		}
		for _, secret := range []string{*c.user.Email, said, "metrics.", "999999999", fmt.Sprintf("/rooms/%d", room.ID), "Coffee"} {
			if strings.Contains(text, secret) {
				t.Errorf("the metrics carry %q, a user's data", secret)
			}
		}
	})
}

// A request no route matches is counted under one route, not its path: a
// client cannot grow the metrics with made-up paths or methods.
func TestMetricsUnmatchedRoutes(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		ts.anon().must(http.StatusNotFound, "GET", "/api/v1/made-up/123", nil)
		ts.anon().do("BREW", "/api/v1/rooms", nil)
		got, text := ts.scrape(t)
		if got[`chatplay_http_requests_total{method="GET",route="unmatched",status="404"}`] != 1 {
			t.Errorf("an unmatched request was not counted as unmatched:\n%s", grep(text, "chatplay_http_requests_total"))
		}
		if strings.Contains(text, "made-up") || strings.Contains(text, "BREW") {
			t.Errorf("a request's path or method became a label:\n%s", grep(text, "chatplay_http_requests_total"))
		}
	})
}

// grep returns the lines of text that contain s.
func grep(text, s string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
