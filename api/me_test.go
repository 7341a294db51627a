package api_test

import (
	"net/http"
	"testing"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// PATCH /auth/me sets the learner's own language to any room language (a
// code or a BCP 47 tag of one), for the caller only; anything else is
// refused by name and changes nothing.
func TestUpdateMeLocale(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		c, other := ts.signup("mina"), ts.signup("eve")
		locale := func(c *client) string {
			var me api.UserBody
			c.must(http.StatusOK, "GET", "/api/v1/auth/me", nil).decode(t, &me)
			return me.User.Locale
		}
		before := locale(other)

		for _, tt := range []struct{ in, want string }{
			{"ja", "ja"},
			{"de", "de"}, // a room language the web interface does not have
			{" ZH-tw ", "zh"},
			{"es_ES", "es"},
			{"ko", "ko"},
		} {
			var got api.UserBody
			c.must(http.StatusOK, "PATCH", "/api/v1/auth/me", map[string]string{"locale": tt.in}).decode(t, &got)
			if got.User.Locale != tt.want || got.User.DisplayName != "mina" || got.User.ID != c.user.ID {
				t.Errorf("PATCH locale %q answered %+v, want locale %q", tt.in, got.User, tt.want)
			}
			if l := locale(c); l != tt.want {
				t.Errorf("after PATCH locale %q, GET /auth/me says %q", tt.in, l)
			}
		}

		for _, body := range []any{
			map[string]string{"locale": "pt"},
			map[string]string{"locale": ""},
			map[string]any{"locale": nil},
			map[string]any{},
			map[string]any{"locale": 7},
		} {
			r := c.do("PATCH", "/api/v1/auth/me", body)
			if code, field := r.errorCode(); r.status != http.StatusBadRequest || code != "invalid" || field != "locale" {
				t.Errorf("PATCH %v: %d %s %s, want 400 invalid locale", body, r.status, code, field)
			}
		}
		r := c.do("PATCH", "/api/v1/auth/me", map[string]string{"locale": "ja", "display_name": "x"})
		if code, field := r.errorCode(); code != "invalid" || field != "display_name" {
			t.Errorf("PATCH with an unknown field: %s %s, want invalid display_name", code, field)
		}
		if l := locale(c); l != "ko" {
			t.Errorf("after the refused changes the locale is %q, want ko", l)
		}
		if l := locale(other); l != before {
			t.Errorf("another user's locale changed to %q from %q", l, before)
		}
		ts.anon().must(http.StatusUnauthorized, "PATCH", "/api/v1/auth/me", map[string]string{"locale": "ja"})
	})
}
