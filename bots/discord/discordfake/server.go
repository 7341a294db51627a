// Package discordfake is a wire-level fake of Discord's REST API for tests:
// real HTTP on loopback, the JSON shapes Discord answers with, a record of
// every call (method, path, decoded JSON body, time) for assertions,
// scripted rate limits (429 with Retry-After, X-RateLimit-* headers and the
// {"message","retry_after","global"} body) and scripted failures, and
// Discord's refusal of empty (or only white space) messages.
//
//	fake := discordfake.New(t)
//	bot, _ := discord.New(discord.Config{APIURL: fake.URL(), …}, eng, log)
//	…
//	fake.WaitFor(t, "the reply", func(calls []discordfake.Call) bool { … })
//
// It serves the interaction callback, the interaction webhooks (the original
// response and followups), channel messages, thread creation, channel
// lookup, the application command bulk overwrite and users/@me, and answers
// anything else with Discord's 404 envelope. It also runs a minimal gateway
// (gateway.go): GET /gateway answers its ws:// URL, where HELLO, IDENTIFY
// with a shard, READY and heartbeats are spoken, and each connection's shard
// is recorded.
package discordfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// APIPrefix is the path of the API root on the fake, as in Discord's URLs.
const APIPrefix = "/api/v10"

// Default identities of the fake.
const (
	BotUserID = "1100000000000000001" // the bot's user id (users/@me, message authors, thread owners)
	BotName   = "chatplay"
)

// Call is one request the fake received.
type Call struct {
	Method   string
	Path     string // without APIPrefix, e.g. /channels/1/messages
	Query    string
	Header   http.Header
	Body     []byte
	JSON     map[string]any // the body decoded, nil when it is not a JSON object
	Status   int            // the status the fake answered with
	Response map[string]any // the answer's JSON object, nil when it was not one
	At       time.Time      // when the request arrived
}

// String returns "METHOD /path" for test messages.
func (c Call) String() string { return c.Method + " " + c.Path }

// Content returns the body's "content" (also inside "data", as interaction
// callbacks carry it) and whether there was one.
func (c Call) Content() (string, bool) {
	if s, ok := c.JSON["content"].(string); ok {
		return s, true
	}
	if d, ok := c.JSON["data"].(map[string]any); ok {
		if s, ok := d["content"].(string); ok {
			return s, true
		}
	}
	return "", false
}

// AllowedMentions returns the body's "allowed_mentions" (also inside "data").
func (c Call) AllowedMentions() (map[string]any, bool) {
	if m, ok := c.JSON["allowed_mentions"].(map[string]any); ok {
		return m, true
	}
	if d, ok := c.JSON["data"].(map[string]any); ok {
		if m, ok := d["allowed_mentions"].(map[string]any); ok {
			return m, true
		}
	}
	return nil, false
}

// Limit scripts one rate-limited answer (429).
type Limit struct {
	Method     string        // the method to match; "" matches any
	PathPrefix string        // the path (without APIPrefix) the call's path starts with
	RetryAfter time.Duration // sent as retry_after, Retry-After and X-RateLimit-Reset-After
	Global     bool          // a global limit (X-RateLimit-Global, "global": true)
}

// Failure scripts one error answer: Status with Discord's error envelope
// {"message","code"} (a 500 of a bad moment, a 403 of a missing permission).
type Failure struct {
	Method     string // the method to match; "" matches any
	PathPrefix string // the path (without APIPrefix) the call's path starts with
	Status     int
	Code       int    // Discord's error code, 0 for none
	Message    string // "" means the status text
}

// Server is a fake Discord REST API.
type Server struct {
	srv *httptest.Server
	mux *http.ServeMux

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced at every recorded call
	calls    []Call
	limits   []Limit
	failures []Failure
	seq      int64
	acked    map[string]bool // interaction ids answered through the callback
	channels map[string]*Channel
	messages map[string]*Message // by channel id (or webhook token) + "/" + message id
	order    []string            // keys of messages, in order of creation

	gw gateway // the gateway websocket (gateway.go)
}

// New starts a fake on loopback, closed when tb's test ends.
func New(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{
		mux:      http.NewServeMux(),
		changed:  make(chan struct{}),
		seq:      1300000000000000000,
		acked:    map[string]bool{},
		channels: map[string]*Channel{},
		messages: map[string]*Message{},
	}
	s.routes()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	tb.Cleanup(s.srv.Close)
	return s
}

// URL returns the fake's API root, to use as the bot's API URL.
func (s *Server) URL() string { return s.srv.URL + APIPrefix }

// RateLimit makes the next call matching l answer 429; several limits are
// used in the order they were added.
func (s *Server) RateLimit(l Limit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits = append(s.limits, l)
}

// Fail makes the next call matching f answer f; several failures are used
// in the order they were added.
func (s *Server) Fail(f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, f)
}

// Calls returns every call so far, in order of arrival.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Filter returns the calls with method (any when "") whose path starts with prefix.
func Filter(calls []Call, method, prefix string) []Call {
	var out []Call
	for _, c := range calls {
		if (method == "" || c.Method == method) && strings.HasPrefix(c.Path, prefix) {
			out = append(out, c)
		}
	}
	return out
}

// WaitFor blocks until cond holds for the calls so far, re-checking at each
// new call, and fails tb if that does not happen within 10 seconds.
func (s *Server) WaitFor(tb testing.TB, what string, cond func(calls []Call) bool) []Call {
	tb.Helper()
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
	for {
		s.mu.Lock()
		calls := append([]Call(nil), s.calls...)
		changed := s.changed
		s.mu.Unlock()
		if cond(calls) {
			return calls
		}
		select {
		case <-changed:
		case <-timeout.C:
			tb.Fatalf("discordfake: timed out waiting for %s; calls: %v", what, calls)
			return nil
		}
	}
}

// AddChannel makes the fake know a channel (GET /channels/{id} answers it).
func (s *Server) AddChannel(ch Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := ch
	s.channels[ch.ID] = &c
}

// Channel returns a channel the fake knows: one added or a thread it created.
func (s *Server) Channel(id string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[id]
	if !ok {
		return Channel{}, false
	}
	return *c, true
}

// serveHTTP records the call, applies a scripted limit, then routes it.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.TrimSuffix(r.URL.Path, "/") == GatewayPath {
		s.serveGateway(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	call := Call{Method: r.Method, Path: strings.TrimPrefix(r.URL.Path, APIPrefix), Query: r.URL.RawQuery,
		Header: r.Header.Clone(), Body: body, At: time.Now()}
	if len(body) > 0 {
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			call.JSON = m
		}
	}
	rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	if l, ok := s.takeLimit(call); ok {
		writeLimit(rec, l)
	} else if f, ok := s.takeFailure(call); ok {
		msg := f.Message
		if msg == "" {
			msg = fmt.Sprintf("%d: %s", f.Status, http.StatusText(f.Status))
		}
		writeError(rec, f.Status, f.Code, msg)
	} else if !strings.HasPrefix(r.URL.Path, APIPrefix+"/") {
		writeError(rec, http.StatusNotFound, 0, "404: Not Found")
	} else {
		r.URL.Path = call.Path
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		s.mux.ServeHTTP(rec, r)
	}
	call.Status = rec.status
	if rec.body.Len() > 0 {
		var m map[string]any
		if json.Unmarshal(rec.body.Bytes(), &m) == nil {
			call.Response = m
		}
	}
	s.mu.Lock()
	s.calls = append(s.calls, call)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// takeLimit removes and returns the first scripted limit call matches.
func (s *Server) takeLimit(c Call) (Limit, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, l := range s.limits {
		if (l.Method == "" || l.Method == c.Method) && strings.HasPrefix(c.Path, l.PathPrefix) {
			s.limits = append(s.limits[:i], s.limits[i+1:]...)
			return l, true
		}
	}
	return Limit{}, false
}

// takeFailure removes and returns the first scripted failure call matches.
func (s *Server) takeFailure(c Call) (Failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.failures {
		if (f.Method == "" || f.Method == c.Method) && strings.HasPrefix(c.Path, f.PathPrefix) {
			s.failures = append(s.failures[:i], s.failures[i+1:]...)
			return f, true
		}
	}
	return Failure{}, false
}

// writeLimit answers 429 as Discord does.
func writeLimit(w http.ResponseWriter, l Limit) {
	secs := l.RetryAfter.Seconds()
	h := w.Header()
	h.Set("Retry-After", fmt.Sprintf("%d", int(secs+0.999)))
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset-After", fmt.Sprintf("%.3f", secs))
	h.Set("X-RateLimit-Bucket", "fakebucket")
	scope := "user"
	if l.Global {
		h.Set("X-RateLimit-Global", "true")
		scope = "global"
	}
	h.Set("X-RateLimit-Scope", scope)
	writeJSON(w, http.StatusTooManyRequests, map[string]any{
		"message": "You are being rate limited.", "retry_after": secs, "global": l.Global,
	})
}

// nextID returns a new snowflake-like id.
func (s *Server) nextID() string {
	s.seq++
	return fmt.Sprintf("%d", s.seq)
}

// statusWriter remembers the status and the body written.
type statusWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers Discord's error envelope {"message","code"}.
func writeError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"message": msg, "code": code})
}
