package api_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// A second user gets 404 on every route and verb with the first user's room
// id, and the first user's room and conversation are unchanged.
func TestBOLA(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		alice, bob := ts.signup("alice"), ts.signup("bob")
		room := alice.newCoachedRoom()
		// Streamed, so that the turn is over, the coach's feedback included,
		// when the stream ends.
		ts.fake.EnqueueKind("feedback", coachAnswer())
		_, sse := alice.stream(fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), map[string]string{"content": "hello"})
		readAll(t, sse)
		before, beforeMsgs := alice.do("GET", fmt.Sprintf("/api/v1/rooms/%d", room.ID), nil).body, alice.history(room.ID)
		calls := ts.fake.Count()

		base := fmt.Sprintf("/api/v1/rooms/%d", room.ID)
		for _, tc := range []struct {
			method, path string
			body         any
		}{
			{"GET", base, nil},
			{"PATCH", base, map[string]string{"title": "mine now"}},
			{"DELETE", base, nil},
			{"GET", base + "/messages", nil},
			{"POST", base + "/messages", map[string]string{"content": "hi"}},
			{"POST", base + "/regenerate", nil},
			{"POST", base + "/reset", nil},
			{"POST", base + "/open", nil},
			{"POST", base + "/hint", nil},
			{"POST", fmt.Sprintf("%s/messages/%d/translate", base, beforeMsgs[0].ID), nil},
			{"POST", fmt.Sprintf("%s/messages/%d/translate", base, beforeMsgs[1].ID), map[string]string{"language": "ko"}},
		} {
			r := bob.do(tc.method, tc.path, tc.body)
			if code, _ := r.errorCode(); r.status != http.StatusNotFound || code != "not_found" {
				t.Errorf("bob %s %s = %d %s, want 404 not_found", tc.method, tc.path, r.status, r.body)
			}
			// Streamed too.
			if tc.method == "POST" && tc.path != base+"/reset" && !strings.HasSuffix(tc.path, "/hint") && !strings.HasSuffix(tc.path, "/translate") {
				resp, _ := bob.stream(tc.path, tc.body)
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("bob streamed %s = %d, want 404", tc.path, resp.StatusCode)
				}
			}
		}
		var list api.RoomList
		bob.must(http.StatusOK, "GET", "/api/v1/rooms", nil).decode(t, &list)
		if len(list.Rooms) != 0 {
			t.Errorf("bob lists %d rooms", len(list.Rooms))
		}
		if after := alice.do("GET", base, nil).body; string(after) != string(before) {
			t.Errorf("alice's room changed:\n%s\n%s", before, after)
		}
		if after := alice.history(room.ID); !reflect.DeepEqual(after, beforeMsgs) {
			t.Errorf("alice's conversation changed: %d messages, was %d", len(after), len(beforeMsgs))
		}
		if ts.fake.Count() != calls {
			t.Errorf("bob's requests reached the model")
		}
	})
}

// sign signs claims with method and key.
func sign(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Tokens that are forged, expired, for another audience, or of another type
// are refused with 401.
func TestForgedTokens(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("forge")
		// The claims of the real token, with its live session.
		var real jwt.MapClaims
		if _, _, err := jwt.NewParser().ParseUnverified(c.token, &real); err != nil {
			t.Fatal(err)
		}
		if real["typ"] != "access" || real["iss"] != "chatplay" || real["sid"] == "" {
			t.Fatalf("real claims = %v", real)
		}
		now := time.Now()
		claims := func(change func(jwt.MapClaims)) jwt.MapClaims {
			m := jwt.MapClaims{"iss": "chatplay", "aud": "chatplay-api", "sub": strconv.FormatInt(c.user.ID, 10), "sid": real["sid"],
				"typ": "access", "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(), "jti": "x"}
			if change != nil {
				change(m)
			}
			return m
		}
		none := sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil))
		tokens := map[string]string{
			"alg none":           none,
			"alg none, no sig":   strings.TrimSuffix(none, "."),
			"HS512 right key":    sign(t, jwt.SigningMethodHS512, testSecret, claims(nil)),
			"HS256 wrong key":    sign(t, jwt.SigningMethodHS256, []byte("another-secret-another-secret-another"), claims(nil)),
			"expired":            sign(t, jwt.SigningMethodHS256, testSecret, claims(func(m jwt.MapClaims) { m["exp"] = now.Add(-time.Hour).Unix() })),
			"no exp":             sign(t, jwt.SigningMethodHS256, testSecret, claims(func(m jwt.MapClaims) { delete(m, "exp") })),
			"wrong aud":          sign(t, jwt.SigningMethodHS256, testSecret, claims(func(m jwt.MapClaims) { m["aud"] = "other-api" })),
			"no aud":             sign(t, jwt.SigningMethodHS256, testSecret, claims(func(m jwt.MapClaims) { delete(m, "aud") })),
			"wrong iss":          sign(t, jwt.SigningMethodHS256, testSecret, claims(func(m jwt.MapClaims) { m["iss"] = "evil" })),
			"typ refresh":        sign(t, jwt.SigningMethodHS256, testSecret, claims(func(m jwt.MapClaims) { m["typ"] = "refresh" })),
			"no typ":             sign(t, jwt.SigningMethodHS256, testSecret, claims(func(m jwt.MapClaims) { delete(m, "typ") })),
			"other user's sid":   sign(t, jwt.SigningMethodHS256, testSecret, claims(func(m jwt.MapClaims) { m["sub"] = "999999" })),
			"unknown session":    sign(t, jwt.SigningMethodHS256, testSecret, claims(func(m jwt.MapClaims) { m["sid"] = "made-up" })),
			"refresh as access":  c.refresh,
			"garbage":            "not.a.token",
			"tampered signature": c.token[:len(c.token)-2] + "AA",
		}
		// The control: a token made the same way with the right key works.
		good := ts.anon()
		good.token = sign(t, jwt.SigningMethodHS256, testSecret, claims(nil))
		good.must(http.StatusOK, "GET", "/api/v1/auth/me", nil)
		for name, tok := range tokens {
			f := ts.anon()
			f.token = tok
			r := f.do("GET", "/api/v1/auth/me", nil)
			if code, _ := r.errorCode(); r.status != http.StatusUnauthorized || code != "unauthenticated" {
				t.Errorf("%s: %d %s, want 401 unauthenticated", name, r.status, r.body)
			}
		}
		ts.anon().must(http.StatusUnauthorized, "GET", "/api/v1/rooms", nil)
	})
}

// A refresh token works once; presenting a used one ends the whole sign-in:
// its newer refresh token and its access tokens stop working.
func TestRefreshReuseRevokesTheFamily(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("reuse")
		other := ts.anon() // another sign-in of the same account
		other.signedIn(other.must(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": *c.user.Email, "password": testPassword}))

		first := c.refresh
		var next api.AuthResponse
		ts.anon().must(http.StatusOK, "POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": first}).decode(t, &next)
		if next.RefreshToken == first || next.AccessToken == "" || next.User.ID != c.user.ID {
			t.Fatalf("refresh = %+v", next)
		}
		fresh := ts.anon()
		fresh.token = next.AccessToken
		fresh.must(http.StatusOK, "GET", "/api/v1/auth/me", nil)

		r := ts.anon().do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": first})
		if r.status != http.StatusUnauthorized {
			t.Fatalf("reusing a refresh token = %d %s, want 401", r.status, r.body)
		}
		ts.anon().must(http.StatusUnauthorized, "POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": next.RefreshToken})
		fresh.must(http.StatusUnauthorized, "GET", "/api/v1/auth/me", nil)
		c.must(http.StatusUnauthorized, "GET", "/api/v1/auth/me", nil)
		// The other sign-in is untouched.
		other.must(http.StatusOK, "GET", "/api/v1/auth/me", nil)
		ts.anon().must(http.StatusOK, "POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": other.refresh})
	})
}

// Logout ends the access token used, at once, and its refresh tokens; other
// sign-ins of the account go on.
func TestLogoutRevokesAtOnce(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("logout")
		other := ts.anon()
		other.signedIn(other.must(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": *c.user.Email, "password": testPassword}))
		c.must(http.StatusOK, "GET", "/api/v1/rooms", nil)
		c.must(http.StatusNoContent, "POST", "/api/v1/auth/logout", nil)
		c.must(http.StatusUnauthorized, "GET", "/api/v1/rooms", nil)
		c.must(http.StatusUnauthorized, "POST", "/api/v1/auth/logout", nil)
		ts.anon().must(http.StatusUnauthorized, "POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": c.refresh})
		other.must(http.StatusOK, "GET", "/api/v1/rooms", nil)
	})
}

// cookieNamed returns the cookie name set by r.
func cookieNamed(r *response, name string) *http.Cookie {
	for _, ck := range (&http.Response{Header: r.header}).Cookies() {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

// Browsers authenticate with HttpOnly SameSite=Lax cookies; unsafe requests
// then need the CSRF token; Bearer clients do not.
func TestCookiesAndCSRF(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("cookie")
		r := ts.anon().must(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": *c.user.Email, "password": testPassword})
		access, refresh, csrf := cookieNamed(r, "chatplay_access"), cookieNamed(r, "chatplay_refresh"), cookieNamed(r, "chatplay_csrf")
		if access == nil || refresh == nil || csrf == nil {
			t.Fatalf("cookies: %v", r.header.Values("Set-Cookie"))
		}
		for _, ck := range []*http.Cookie{access, refresh} {
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure {
				t.Errorf("%s: HttpOnly %v SameSite %v Secure %v (plain HTTP, auto)", ck.Name, ck.HttpOnly, ck.SameSite, ck.Secure)
			}
		}
		if csrf.HttpOnly || csrf.SameSite != http.SameSiteLaxMode {
			t.Errorf("the CSRF cookie must be readable by the page: %+v", csrf)
		}
		if refresh.Path != "/api/v1/auth/" {
			t.Errorf("refresh cookie path = %q", refresh.Path)
		}

		b := ts.anon()
		b.cookies = []*http.Cookie{access, refresh, csrf}
		b.must(http.StatusOK, "GET", "/api/v1/auth/me", nil)
		if code, _ := b.must(http.StatusForbidden, "POST", "/api/v1/rooms", cafe()).errorCode(); code != "forbidden" {
			t.Errorf("no CSRF header: %s", code)
		}
		b.header.Set("X-CSRF-Token", "wrong")
		b.must(http.StatusForbidden, "POST", "/api/v1/rooms", cafe())
		b.must(http.StatusForbidden, "POST", "/api/v1/auth/refresh", nil)
		b.header.Set("X-CSRF-Token", csrf.Value)
		b.must(http.StatusCreated, "POST", "/api/v1/rooms", cafe())
		var rotated api.AuthResponse
		b.must(http.StatusOK, "POST", "/api/v1/auth/refresh", nil).decode(t, &rotated)
		if rotated.RefreshToken == refresh.Value {
			t.Error("refresh by cookie did not rotate")
		}
		// Bearer needs no CSRF token, even with cookies present.
		c.cookies = []*http.Cookie{access}
		c.must(http.StatusCreated, "POST", "/api/v1/rooms", cafe())

		// Secure when configured, or behind TLS.
		sec := newServer(t, db, func(_ *engine.Config, a *api.Config) { a.CookieSecure = api.CookieSecureAlways })
		sc := sec.signup("secure")
		r = sec.anon().must(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": *sc.user.Email, "password": testPassword})
		if ck := cookieNamed(r, "chatplay_access"); ck == nil || !ck.Secure {
			t.Errorf("cookie_secure always: %+v", ck)
		}
	})
}

// CORS answers only the configured origins.
func TestCORS(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db, func(_ *engine.Config, a *api.Config) {
			a.AllowedOrigins = []string{"https://app.example.com"}
		})
		preflight := func(origin string) *response {
			c := ts.anon()
			c.header.Set("Origin", origin)
			c.header.Set("Access-Control-Request-Method", "POST")
			c.header.Set("Access-Control-Request-Headers", "content-type, x-csrf-token")
			return c.do("OPTIONS", "/api/v1/rooms", nil)
		}
		r := preflight("https://app.example.com")
		if r.status != http.StatusNoContent || r.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
			r.header.Get("Access-Control-Allow-Credentials") != "true" || !strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "X-CSRF-Token") {
			t.Errorf("allowed preflight: %d %v", r.status, r.header)
		}
		r = preflight("https://evil.example.com")
		if r.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("a foreign origin got CORS headers: %v", r.header)
		}
		c := ts.anon()
		c.header.Set("Origin", "https://evil.example.com")
		if r := c.do("GET", "/healthz", nil); r.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("foreign origin: %v", r.header)
		}
	})
}

// Deleting the account needs the password and takes everything with it.
func TestDeleteAccount(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c := ts.signup("leaver")
		room := c.newRoom()
		c.must(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), map[string]string{"content": "hi"})
		if _, field := c.must(http.StatusBadRequest, "DELETE", "/api/v1/auth/me", map[string]string{"password": "not it at all"}).errorCode(); field != "password" {
			t.Errorf("wrong password field = %q", field)
		}
		c.must(http.StatusNoContent, "DELETE", "/api/v1/auth/me", map[string]string{"password": testPassword})
		c.must(http.StatusUnauthorized, "GET", "/api/v1/auth/me", nil)
		ts.anon().must(http.StatusUnauthorized, "POST", "/api/v1/auth/login", map[string]string{"email": *c.user.Email, "password": testPassword})
		ts.anon().must(http.StatusUnauthorized, "POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": c.refresh})
		if _, err := db.FindRoom(context.Background(), c.user.ID, room.ID); err == nil {
			t.Error("the room outlived its owner")
		}
	})
}

// A cross-site form (enctype text/plain) can shape its body as JSON, but it
// cannot say so: login and signup refuse it, set no cookie, and a real JSON
// login still works.
func TestLoginCSRFRefused(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		email := newEmail("csrf")
		ts.anon().must(http.StatusCreated, "POST", "/api/v1/auth/signup", map[string]string{"email": email, "password": testPassword})
		for _, path := range []string{"/api/v1/auth/login", "/api/v1/auth/signup"} {
			for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", ""} {
				body := `{"email":"` + email + `","password":"` + testPassword + `","x":"=y"}`
				req, _ := http.NewRequest("POST", ts.srv.URL+path, strings.NewReader(body))
				if ct != "" {
					req.Header.Set("Content-Type", ct)
				}
				req.Header.Set("Origin", "https://evil.example")
				resp, err := ts.srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusUnsupportedMediaType || len(resp.Cookies()) != 0 {
					t.Errorf("%s with %q: %d and %d cookies, want 415 and none", path, ct, resp.StatusCode, len(resp.Cookies()))
				}
			}
		}
		ts.anon().must(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": testPassword})
	})
}
