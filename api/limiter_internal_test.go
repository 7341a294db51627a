package api

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// A limiter keeps at most maxKeys keys, however many come; the one evicted
// is the one attempted least recently, so a key being hammered stays.
func TestAttemptLimiterBounded(t *testing.T) {
	const maxKeys = 100
	l := newAttemptLimiter(2, time.Hour, maxKeys)
	t0 := time.Unix(1000, 0)
	l.take(keyOf("hammered"), t0)
	l.take(keyOf("hammered"), t0)
	for i := range 10000 {
		at := t0.Add(time.Duration(i+1) * time.Millisecond)
		l.take(keyOf(fmt.Sprint("flood", i)), at)
		if i%50 == 0 { // still hammered: refused, and kept
			if w, _ := l.take(keyOf("hammered"), at); w <= 0 {
				t.Fatalf("after %d flood keys the hammered key was reset", i+1)
			}
		}
		if n := l.size(); n > maxKeys {
			t.Fatalf("after %d keys the limiter keeps %d, over its bound of %d", i+1, n, maxKeys)
		}
	}
	if n := l.size(); n != maxKeys {
		t.Fatalf("size = %d, want exactly the bound %d", n, maxKeys)
	}
	// At the edge: maxKeys keys all stay; one more evicts the least recent.
	e := newAttemptLimiter(1, time.Hour, 3)
	for _, k := range []string{"a", "b", "c"} {
		e.take(keyOf(k), t0)
	}
	if w, _ := e.take(keyOf("a"), t0); w <= 0 { // a refused: the most recent now
		t.Fatal("a, at its limit, was not refused")
	}
	e.take(keyOf("d"), t0)
	if w, _ := e.take(keyOf("a"), t0); w <= 0 {
		t.Error("a was evicted, though b was used less recently")
	}
	if w, _ := e.take(keyOf("b"), t0); w != 0 {
		t.Error("b was not the key evicted")
	}
	// undo takes one attempt back; last says when the last one was used.
	u := newAttemptLimiter(2, time.Hour, 10)
	if _, last := u.take(keyOf("k"), t0); last {
		t.Error("the first of 2 attempts is not the last")
	}
	t1 := t0.Add(time.Second)
	if _, last := u.take(keyOf("k"), t1); !last {
		t.Error("the second of 2 attempts is the last")
	}
	u.undo(keyOf("k"), t1)
	if w, _ := u.take(keyOf("k"), t1); w != 0 {
		t.Error("an undone attempt still counts")
	}
}

// internalServer is the real router over a real SQLite database, with its
// handlers at hand.
func internalServer(t *testing.T, tweak func(*Config)) (*gin.Engine, *handlers) {
	t.Helper()
	db := sqlstoretest.Open(t, "sqlite")
	cfg := DefaultConfig()
	cfg.JWTSecret = []byte("test-secret-test-secret-test-secret!")
	tweak(&cfg)
	eng := engine.New(engine.DefaultConfig(), engine.Deps{Store: db, Logger: slog.New(slog.DiscardHandler)})
	return newRouter(Deps{Engine: eng, Sessions: db, Logger: slog.New(slog.DiscardHandler), Auth: cfg})
}

// post sends a JSON POST from the client address ip.
func post(r http.Handler, ip, path string, body any) *httptest.ResponseRecorder {
	data, _ := json.Marshal(body)
	req := httptest.NewRequest("POST", path, strings.NewReader(string(data)))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = ip + ":40000"
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	return rec
}

// A flood of logins with unique emails costs the login limiters no memory
// beyond their bound: from one address, what the IP limit refuses records
// nothing per account; from many, both limiters stay at their bound.
func TestLoginFloodIsBounded(t *testing.T) {
	const maxKeys = 8
	r, h := internalServer(t, func(c *Config) {
		c.LoginAttemptsPerIP, c.LoginAttemptsPerAccount, c.LoginTrackedKeys = 3, 5, maxKeys
	})
	email := func(i int) string { return fmt.Sprintf("%s%d@example.com", strings.Repeat("x", 200), i) }
	for i := range 500 {
		rec := post(r, "192.0.2.1", "/api/v1/auth/login", map[string]string{"email": email(i), "password": "wrong password"})
		want := http.StatusUnauthorized
		if i >= 3 {
			want = http.StatusTooManyRequests
		}
		if rec.Code != want {
			t.Fatalf("login %d from one address: %d %s, want %d", i, rec.Code, rec.Body, want)
		}
	}
	if n := h.loginByAccount.size(); n != 3 {
		t.Errorf("after 500 logins from one address, 3 under its limit, the account limiter keeps %d keys, want 3", n)
	}
	// Many addresses, with emails refused before any password check.
	for i := range 300 {
		ip := fmt.Sprintf("10.0.%d.%d", i/250, i%250+1)
		if rec := post(r, ip, "/api/v1/auth/login", map[string]string{"email": fmt.Sprint("no-at-sign", i), "password": "x"}); rec.Code != http.StatusBadRequest {
			t.Fatalf("login from %s: %d %s", ip, rec.Code, rec.Body)
		}
		if n := h.loginByIP.size(); n > maxKeys {
			t.Fatalf("after %d addresses the IP limiter keeps %d keys, over its bound of %d", i+1, n, maxKeys)
		}
	}
	if n := h.loginByAccount.size(); n != 3 {
		t.Errorf("invalid emails reached the account limiter: %d keys", n)
	}
	// Many addresses, each reaching a password check.
	for i := range 2 * maxKeys {
		post(r, fmt.Sprintf("10.1.0.%d", i+1), "/api/v1/auth/login", map[string]string{"email": email(1000 + i), "password": "wrong password"})
		if n := h.loginByAccount.size(); n > maxKeys {
			t.Fatalf("after %d password checks the account limiter keeps %d keys, over its bound of %d", i+1, n, maxKeys)
		}
	}
	if a, ip := h.loginByAccount.size(), h.loginByIP.size(); a != maxKeys || ip != maxKeys {
		t.Errorf("limiter sizes %d and %d, want both at the bound %d", a, ip, maxKeys)
	}
}

// With every hashing slot taken, a login or a signup gets 503 with
// Retry-After at once (no queueing), and the refused login costs the account
// no attempt; with one slot free, it goes through.
func TestHashSlotsFullAnswer503AtOnce(t *testing.T) {
	const slots = 2
	r, h := internalServer(t, func(c *Config) { c.HashSlots, c.LoginAttemptsPerAccount = slots, 1 })
	login := map[string]string{"email": "someone@example.com", "password": "wrong password"}
	for range slots {
		h.hashSlots <- struct{}{}
	}
	for path, body := range map[string]any{
		"/api/v1/auth/login":  login,
		"/api/v1/auth/signup": map[string]string{"email": "new@example.com", "password": "a fine password"},
	} {
		rec := post(r, "192.0.2.9", path, body)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" || !strings.Contains(rec.Body.String(), `"unavailable"`) {
			t.Errorf("%s with %d of %d slots held: %d %q Retry-After %q, want 503 unavailable, Retry-After 1",
				path, slots, slots, rec.Code, rec.Body, rec.Header().Get("Retry-After"))
		}
	}
	<-h.hashSlots // one slot free: the edge
	if rec := post(r, "192.0.2.9", "/api/v1/auth/login", login); rec.Code != http.StatusUnauthorized {
		t.Errorf("with %d of %d slots held: %d %s, want 401 (the attempt refused with 503 did not count)", slots-1, slots, rec.Code, rec.Body)
	}
	if rec := post(r, "192.0.2.9", "/api/v1/auth/login", login); rec.Code != http.StatusTooManyRequests {
		t.Errorf("the second wrong login of a 1-attempt account: %d, want 429", rec.Code)
	}
	if len(h.hashSlots) != slots-1 {
		t.Errorf("%d slots held after the requests, want the %d the test holds", len(h.hashSlots), slots-1)
	}
}
