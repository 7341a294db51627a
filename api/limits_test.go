package api_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// wantInvalid fails unless r is a 400 naming field.
func wantInvalid(t *testing.T, r *response, field string) {
	t.Helper()
	code, got := r.errorCode()
	if r.status != http.StatusBadRequest || code != "invalid" || got != field {
		t.Errorf("= %d %s, want 400 invalid naming %s", r.status, r.body, field)
	}
}

// Every limit, at its edge: the last value allowed passes, the next fails.
func TestLimitsAtTheEdge(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db, func(e *engine.Config, a *api.Config) {
			e.Limits.MaxPageSize, e.Limits.DefaultPageSize = 3, 2
			e.Limits.TurnsPerMinute = 2
			a.MaxBodyBytes = 4096
		})
		c := ts.signup("edge")

		t.Run("password length and commonness", func(t *testing.T) {
			signup := func(pw string) *response {
				return ts.anon().do("POST", "/api/v1/auth/signup", map[string]string{"email": newEmail("pw"), "password": pw})
			}
			wantInvalid(t, signup("Ab3$xyz"), "password") // 7
			if r := signup("Ab3$xyzw"); r.status != http.StatusCreated {
				t.Errorf("8 characters: %d %s", r.status, r.body)
			}
			if r := signup(strings.Repeat("패스워드", 32)); r.status != http.StatusCreated { // 128 characters
				t.Errorf("128 characters: %d %s", r.status, r.body)
			}
			wantInvalid(t, signup(strings.Repeat("패스워드", 32)+"x"), "password")
			wantInvalid(t, signup("Password123"), "password") // on the common list, any case
			wantInvalid(t, ts.anon().do("POST", "/api/v1/auth/signup", map[string]string{"email": "not-an-email", "password": testPassword}), "email")
		})

		t.Run("body size", func(t *testing.T) {
			body := func(n int) string { // a room body of exactly n bytes
				s := `{"language":"ko","user_role":"a","bot_role":"b","situation":"`
				return s + strings.Repeat("x", n-len(s)-2) + `"}`
			}
			if r := c.do("POST", "/api/v1/rooms", body(4096)); r.status == http.StatusRequestEntityTooLarge {
				t.Errorf("a body at the cap: %d", r.status)
			}
			r := c.do("POST", "/api/v1/rooms", body(4097))
			if code, _ := r.errorCode(); r.status != http.StatusRequestEntityTooLarge || code != "too_large" {
				t.Errorf("a byte over the cap: %d %s", r.status, r.body)
			}
		})

		t.Run("string caps", func(t *testing.T) {
			lim := engine.DefaultLimits()
			for _, f := range []struct {
				field string
				max   int
			}{{"title", lim.MaxTitleRunes}, {"situation", lim.MaxSituationRunes}, {"user_role", lim.MaxRoleRunes}, {"bot_role", lim.MaxRoleRunes}} {
				room := cafe()
				room[f.field] = strings.Repeat("가", f.max)
				if r := c.do("POST", "/api/v1/rooms", room); r.status != http.StatusCreated {
					t.Errorf("%s at %d: %d %s", f.field, f.max, r.status, r.body)
				}
				room[f.field] = strings.Repeat("가", f.max+1)
				wantInvalid(t, c.do("POST", "/api/v1/rooms", room), f.field)
				room = cafe()
				id := c.newRoom().ID
				wantInvalid(t, c.do("PATCH", fmt.Sprintf("/api/v1/rooms/%d", id), map[string]string{f.field: strings.Repeat("a", f.max+1)}), f.field)
			}
			wantInvalid(t, ts.anon().do("POST", "/api/v1/auth/signup", map[string]string{"email": newEmail("n"), "password": testPassword, "display_name": strings.Repeat("n", 101)}), "display_name")
			wantInvalid(t, ts.anon().do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": strings.Repeat("r", 129)}), "refresh_token")
		})

		t.Run("message length", func(t *testing.T) {
			noTurns := newServer(t, db, func(e *engine.Config, a *api.Config) { e.Limits.MaxMessageRunes = 10 })
			u := noTurns.signup("msg")
			id := u.newRoom().ID
			path := fmt.Sprintf("/api/v1/rooms/%d/messages", id)
			u.must(http.StatusCreated, "POST", path, map[string]string{"content": strings.Repeat("말", 10)})
			over := u.do("POST", path, map[string]string{"content": strings.Repeat("말", 11)})
			wantInvalid(t, over, "content")
			if !strings.Contains(string(over.body), `"reason":"too_long"`) {
				t.Errorf("over the cap: %s, want reason too_long", over.body)
			}
			wantInvalid(t, u.do("POST", path, map[string]string{}), "content")
		})

		t.Run("page size clamped", func(t *testing.T) {
			p := ts.signup("pager")
			for range 5 {
				p.newRoom()
			}
			for _, tc := range []struct {
				query string
				want  int
			}{{"", 2}, {"?limit=3", 3}, {"?limit=4", 3}, {"?limit=1000000", 3}, {"?limit=0", 2}} {
				var list api.RoomList
				p.must(http.StatusOK, "GET", "/api/v1/rooms"+tc.query, nil).decode(t, &list)
				if len(list.Rooms) != tc.want || list.NextCursor == "" {
					t.Errorf("rooms%s: %d rooms, cursor %q; want %d", tc.query, len(list.Rooms), list.NextCursor, tc.want)
				}
			}
		})

		t.Run("chat turns per minute", func(t *testing.T) {
			u := ts.signup("chatty")
			path := fmt.Sprintf("/api/v1/rooms/%d/messages", u.newRoom().ID)
			u.must(http.StatusCreated, "POST", path, map[string]string{"content": "one"})
			u.must(http.StatusCreated, "POST", path, map[string]string{"content": "two"})
			r := u.do("POST", path, map[string]string{"content": "three"})
			code, _ := r.errorCode()
			secs, _ := strconv.Atoi(r.header.Get("Retry-After"))
			if r.status != http.StatusTooManyRequests || code != "rate_limited" || secs < 1 || secs > 60 {
				t.Errorf("third turn: %d %s Retry-After %q", r.status, r.body, r.header.Get("Retry-After"))
			}
		})
	})
}

// Logins are limited per (account, client) (failures) and per IP (attempts), with 429
// and Retry-After; unknown email and wrong password look the same.
func TestLoginLimits(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db, func(_ *engine.Config, a *api.Config) {
			a.LoginAttemptsPerAccount, a.LoginAttemptsPerIP = 3, 8
		})
		victim := ts.signup("victim") // 1 IP attempt
		login := func(email, pw string) *response {
			return ts.anon().do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": pw})
		}
		wrong := login(*victim.user.Email, "wrong password!")
		unknown := login("nobody@example.com", "wrong password!")
		if wrong.status != http.StatusUnauthorized || string(wrong.body) != string(unknown.body) {
			t.Fatalf("wrong password %d %s vs unknown email %d %s: must be the same 401", wrong.status, wrong.body, unknown.status, unknown.body)
		}
		login(*victim.user.Email, "wrong password!") // failure 2
		login(*victim.user.Email, "wrong password!") // failure 3: the last allowed
		r := login(*victim.user.Email, testPassword) // even the right one waits now
		if code, _ := r.errorCode(); r.status != http.StatusTooManyRequests || code != "rate_limited" || r.header.Get("Retry-After") == "" {
			t.Fatalf("4th login of the account: %d %s, want 429 with Retry-After", r.status, r.body)
		}
		// IP: 1 signup + 5 logins counted so far (the IP limit is checked
		// first, so the one the account limit refused counts too); 8 allowed.
		other := "other@example.com"
		for n := 7; n <= 8; n++ {
			if r := login(other, "x password"); r.status != http.StatusUnauthorized {
				t.Fatalf("attempt %d from the IP: %d", n, r.status)
			}
		}
		r = login(other, "x password")
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
			t.Fatalf("9th attempt from the IP: %d %s, want 429", r.status, r.body)
		}
		r = ts.anon().do("POST", "/api/v1/auth/signup", map[string]string{"email": newEmail("late"), "password": testPassword})
		if r.status != http.StatusTooManyRequests {
			t.Fatalf("signup over the IP limit: %d", r.status)
		}
	})
}
