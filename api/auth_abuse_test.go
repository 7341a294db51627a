package api_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// from returns a client whose requests come from ip (the test servers of
// these tests trust the loopback proxy's X-Forwarded-For).
func (ts *testServer) from(ip string) *client {
	c := ts.anon()
	c.header.Set("X-Forwarded-For", ip)
	return c
}

// behindProxy makes the loopback peer a trusted proxy, so that tests can
// speak from several client IPs.
func behindProxy(_ *engine.Config, a *api.Config) { a.TrustedProxies = []string{"127.0.0.1", "::1"} }

// login posts a login from c.
func (c *client) login(email, pw string) *response {
	c.ts.t.Helper()
	return c.do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": pw})
}

// An email has one spelling: NUL, C0/C1 controls and bidi controls are
// refused with 400 on signup and login (so they cannot dodge the account
// limit), and the composed and decomposed forms of a letter are one email.
func TestEmailHasOneSpelling(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db, behindProxy, func(_ *engine.Config, a *api.Config) { a.LoginAttemptsPerAccount = 2 })
		victim := ts.signup("spelling")
		email := *victim.user.Email
		for _, bad := range []string{"v\x00" + email, email + "\x00", "v\x01" + email, "v\u0085" + email, "v\u009b" + email,
			"v\u202e" + email, "v\u2066" + email, "v\u200f" + email, "v\u200b" + email, "v\ufeff" + email} {
			wantInvalid(t, ts.anon().do("POST", "/api/v1/auth/signup", map[string]string{"email": bad, "password": testPassword}), "email")
			wantInvalid(t, ts.anon().login(bad, testPassword), "email")
		}
		// Locked out from one client, the same client gets no fresh attempts
		// from another spelling of the email.
		attacker := ts.from("203.0.113.5")
		attacker.must(http.StatusUnauthorized, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": "wrong password!"})
		attacker.must(http.StatusUnauthorized, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": "wrong password!"})
		for _, spelling := range []string{email, " " + strings.ToUpper(email) + " "} {
			if r := attacker.login(spelling, testPassword); r.status != http.StatusTooManyRequests {
				t.Errorf("locked client, %q: %d %s, want 429", spelling, r.status, r.body)
			}
		}
		if r := attacker.login("v\x00"+email, testPassword); r.status == http.StatusOK {
			t.Errorf("a NUL in the email logged the locked client in")
		}

		// NFC: é composed and decomposed are the same account.
		decomposed := "cafe\u0301." + newEmail("nfc")
		ts.anon().must(http.StatusCreated, "POST", "/api/v1/auth/signup", map[string]string{"email": decomposed, "password": testPassword})
		composed := strings.Replace(decomposed, "e\u0301", "\u00e9", 1)
		ts.anon().must(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": composed, "password": testPassword})
		r := ts.anon().do("POST", "/api/v1/auth/signup", map[string]string{"email": composed, "password": testPassword})
		if code, _ := r.errorCode(); r.status != http.StatusConflict || code != "conflict" {
			t.Errorf("signup with the composed form of a taken email: %d %s, want 409", r.status, r.body)
		}
	})
}

// Failures from one client never lock the account for another: the right
// password from a client that has not failed always signs in, even right
// after an attacker used up its attempts and its IP's.
func TestAttackerCannotLockVictimOut(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db, behindProxy, func(_ *engine.Config, a *api.Config) {
			a.LoginAttemptsPerAccount, a.LoginAttemptsPerIP = 3, 6
		})
		victim := ts.signup("lockout")
		email := *victim.user.Email
		attacker := ts.from("203.0.113.7")
		for n := 1; n <= 3; n++ {
			if r := attacker.login(email, "wrong password!"); r.status != http.StatusUnauthorized {
				t.Fatalf("wrong login %d: %d %s", n, r.status, r.body)
			}
		}
		for n := 4; n <= 8; n++ { // over the account limit, then over the IP's
			if r := attacker.login(email, "wrong password!"); r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
				t.Fatalf("wrong login %d: %d %s, want 429 with Retry-After", n, r.status, r.body)
			}
		}
		if r := attacker.login(email, testPassword); r.status != http.StatusTooManyRequests {
			t.Errorf("the client that failed, right password: %d, want 429", r.status)
		}
		ts.from("198.51.100.20").must(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": testPassword})
		// A second attacker address gets its own few attempts, no more.
		other := ts.from("203.0.113.8")
		for n := 1; n <= 3; n++ {
			other.must(http.StatusUnauthorized, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": "wrong password!"})
		}
		other.must(http.StatusTooManyRequests, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": "wrong password!"})
		ts.from("198.51.100.20").must(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": testPassword})
	})
}

// DELETE /auth/me checks the password within the same account limit as
// login: after the limit of wrong passwords, even the right one waits, and
// login from that client waits too.
func TestDeleteAccountPasswordIsThrottled(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db, func(_ *engine.Config, a *api.Config) { a.LoginAttemptsPerAccount = 3 })
		c := ts.signup("guesser")
		for n := 1; n <= 3; n++ {
			wantInvalid(t, c.do("DELETE", "/api/v1/auth/me", map[string]string{"password": "a wrong guess"}), "password")
		}
		r := c.do("DELETE", "/api/v1/auth/me", map[string]string{"password": testPassword})
		if code, _ := r.errorCode(); r.status != http.StatusTooManyRequests || code != "rate_limited" || r.header.Get("Retry-After") == "" {
			t.Fatalf("4th password check: %d %s, want 429 with Retry-After", r.status, r.body)
		}
		c.must(http.StatusOK, "GET", "/api/v1/auth/me", nil) // still there
		ts.anon().must(http.StatusTooManyRequests, "POST", "/api/v1/auth/login", map[string]string{"email": *c.user.Email, "password": testPassword})
	})
}

// A password of only white space or control characters is refused.
func TestBlankPasswordRefused(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		for _, pw := range []string{strings.Repeat(" ", 8), strings.Repeat("\t", 12), strings.Repeat("\u3000", 8),
			strings.Repeat("\u00a0", 9), " \t \n  \r  ", "\x01\x02\x03\x04\x05\x06\x07\x08", strings.Repeat("\u200b", 8)} {
			wantInvalid(t, ts.anon().do("POST", "/api/v1/auth/signup", map[string]string{"email": newEmail("blank"), "password": pw}), "password")
		}
		ts.anon().must(http.StatusCreated, "POST", "/api/v1/auth/signup", map[string]string{"email": newEmail("blank"), "password": " spaced  out pw "})
	})
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Refresh-token reuse and lockouts are logged at warn as security events,
// with the user id or a hash, never a token, password or email.
func TestSecurityEventsLogged(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		var logs syncBuffer
		log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		ts := newServerWith(t, db, serverOptions{log: log}, func(_ *engine.Config, a *api.Config) { a.LoginAttemptsPerAccount = 2 })
		c := ts.signup("logged")
		first := c.refresh
		var next api.AuthResponse
		ts.anon().must(http.StatusOK, "POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": first}).decode(t, &next)
		ts.anon().must(http.StatusUnauthorized, "POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": first})
		const guess = "hunter2 wrong guess"
		ts.anon().login(*c.user.Email, guess)
		ts.anon().login(*c.user.Email, guess)

		out := logs.String()
		for _, event := range []string{`"event":"refresh_token_reused"`, `"event":"login_lockout"`} {
			line := lineWith(out, event)
			if line == "" {
				t.Errorf("no %s in the log:\n%s", event, out)
			} else if !strings.Contains(line, `"level":"WARN"`) {
				t.Errorf("%s not at warn: %s", event, line)
			}
		}
		if !strings.Contains(lineWith(out, "refresh_token_reused"), `"user_id":`) {
			t.Errorf("the reuse event does not name the user: %s", out)
		}
		for name, secret := range map[string]string{"refresh token": first, "next refresh token": next.RefreshToken,
			"access token": c.token, "password": testPassword, "guess": guess, "email": *c.user.Email} {
			if strings.Contains(out, secret) {
				t.Errorf("the log holds the %s:\n%s", name, out)
			}
		}
	})
}

// lineWith returns the first line of s containing sub.
func lineWith(s, sub string) string {
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, sub) {
			return line
		}
	}
	return ""
}

// flakyUsers is the real store, whose next FindUserByID fails once armed,
// as a database that drops a connection would.
type flakyUsers struct {
	*sqlstore.DB
	armed atomic.Bool
}

func (f *flakyUsers) FindUserByID(ctx context.Context, id int64) (*engine.User, error) {
	if f.armed.CompareAndSwap(true, false) {
		return nil, errors.New("driver: bad connection")
	}
	return f.DB.FindUserByID(ctx, id)
}

// A refresh whose user cannot be read answers 5xx and leaves the sign-in as
// it was: the same refresh token works on the next try.
func TestRefreshSurvivesAFailedUserRead(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		store := &flakyUsers{DB: db}
		ts := newServerWith(t, db, serverOptions{store: store})
		c := ts.signup("flaky")
		store.armed.Store(true)
		r := ts.anon().do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": c.refresh})
		if r.status < 500 {
			t.Fatalf("refresh with a failing user read: %d %s, want 5xx", r.status, r.body)
		}
		if ck := cookieNamed(r, "chatplay_refresh"); ck != nil {
			t.Errorf("the failed refresh touched the refresh cookie: %+v", ck)
		}
		c.must(http.StatusOK, "GET", "/api/v1/auth/me", nil)
		var next api.AuthResponse
		ts.anon().must(http.StatusOK, "POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": c.refresh}).decode(t, &next)
		c.must(http.StatusOK, "GET", "/api/v1/auth/me", nil)
	})
}

// Every response, errors included, says X-Content-Type-Options: nosniff.
func TestNoSniffEverywhere(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db, func(_ *engine.Config, a *api.Config) { a.MaxBodyBytes = 1024 })
		c := ts.signup("sniff")
		big := `{"title":"` + strings.Repeat("x", 2000) + `"}`
		for name, r := range map[string]*response{
			"200 json":      c.do("GET", "/api/v1/auth/me", nil),
			"201 json":      c.do("POST", "/api/v1/rooms", cafe()),
			"404 room":      c.do("DELETE", "/api/v1/rooms/999999", nil),
			"401":           ts.anon().do("GET", "/api/v1/rooms", nil),
			"404 api":       c.do("GET", "/api/v1/nowhere", nil),
			"400":           ts.anon().do("POST", "/api/v1/auth/login", "[]"),
			"413":           c.do("POST", "/api/v1/rooms", big),
			"415":           ts.anon().do("POST", "/api/v1/auth/login", []byte("x")),
			"healthz":       ts.anon().do("GET", "/healthz", nil),
			"openapi":       ts.anon().do("GET", "/api/openapi.json", nil),
			"wrong refresh": ts.anon().do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": "nope"}),
		} {
			if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("%s (%d): X-Content-Type-Options = %q", name, r.status, got)
			}
		}
	})
}

// A cookie-authenticated write with neither the CSRF cookie nor the header
// is refused: an empty cookie and an empty header are no match.
func TestCSRFWithoutCookieOrHeader(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("nocsrf")
		r := ts.anon().must(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": *c.user.Email, "password": testPassword})
		access, refresh := cookieNamed(r, "chatplay_access"), cookieNamed(r, "chatplay_refresh")
		b := ts.anon()
		b.cookies = []*http.Cookie{access, refresh} // no chatplay_csrf, no X-CSRF-Token
		b.must(http.StatusOK, "GET", "/api/v1/auth/me", nil)
		for _, w := range []struct{ method, path string }{
			{"POST", "/api/v1/rooms"}, {"POST", "/api/v1/auth/logout"}, {"POST", "/api/v1/auth/refresh"},
		} {
			var body any
			if w.path == "/api/v1/rooms" {
				body = cafe()
			}
			r := b.do(w.method, w.path, body)
			if code, _ := r.errorCode(); r.status != http.StatusForbidden || code != "forbidden" {
				t.Errorf("%s %s by cookie without any CSRF token: %d %s, want 403 forbidden", w.method, w.path, r.status, r.body)
			}
		}
		var list api.RoomList
		c.must(http.StatusOK, "GET", "/api/v1/rooms", nil).decode(t, &list)
		if len(list.Rooms) != 0 {
			t.Errorf("a room was created without the CSRF token")
		}
		b.must(http.StatusOK, "GET", "/api/v1/auth/me", nil) // logout did not happen
	})
}
