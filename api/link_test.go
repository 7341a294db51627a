package api_test

import (
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// meIdentities returns the identities GET /auth/me lists.
func (c *client) meIdentities() []api.IdentityResponse {
	var body api.UserBody
	c.must(http.StatusOK, "GET", "/api/v1/auth/me", nil).decode(c.ts.t, &body)
	if body.User.Identities == nil {
		c.ts.t.Fatal("GET /auth/me has no identities")
	}
	return *body.User.Identities
}

// chatUser makes a Telegram account's bot-only user with a room.
func (ts *testServer) chatUser(subject string) (*engine.User, *engine.Room) {
	ts.t.Helper()
	u, err := ts.eng.EnsureIdentityUser(ctx(ts.t), engine.ProviderTelegram, subject, "tg_"+subject, "TG", "en")
	if err != nil {
		ts.t.Fatal(err)
	}
	r, err := ts.eng.CreateRoom(ctx(ts.t), u.ID, engine.RoomInput{Title: "Bus", Language: "ko", Situation: "on a bus", UserRole: "rider", BotRole: "driver"})
	if err != nil {
		ts.t.Fatal(err)
	}
	return u, r
}

func TestLinkCodeAndUnlinkAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ts := newServer(t, db)
		alice := ts.signup("alice")
		ts.anon().must(http.StatusUnauthorized, "POST", "/api/v1/link-codes", nil)
		if ids := alice.meIdentities(); len(ids) != 0 {
			t.Fatalf("identities of a new account = %+v", ids)
		}

		var lc api.LinkCodeResponse
		alice.must(http.StatusCreated, "POST", "/api/v1/link-codes", nil).decode(t, &lc)
		if !regexp.MustCompile(`^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}$`).MatchString(lc.Code) || lc.ExpiresAt.IsZero() {
			t.Fatalf("link code = %+v", lc)
		}
		_, room := ts.chatUser("77")
		if _, err := ts.eng.RedeemLinkCode(ctx(t), engine.ProviderTelegram, "77", lc.Code); err != nil { // what a bot's /link CODE does
			t.Fatal(err)
		}
		ids := alice.meIdentities()
		if len(ids) != 1 || ids[0].Provider != engine.ProviderTelegram || ids[0].Username != "tg_77" || ids[0].LinkedAt == nil {
			t.Fatalf("identities = %+v", ids)
		}
		alice.must(http.StatusOK, "GET", "/api/v1/rooms/"+strconv.FormatInt(room.ID, 10), nil)

		alice.must(http.StatusBadRequest, "DELETE", "/api/v1/identities/myspace", nil)
		alice.must(http.StatusNoContent, "DELETE", "/api/v1/identities/telegram", nil)
		if ids := alice.meIdentities(); len(ids) != 0 {
			t.Fatalf("identities after unlink = %+v", ids)
		}
		alice.must(http.StatusOK, "GET", "/api/v1/rooms/"+strconv.FormatInt(room.ID, 10), nil) // the room stays
		alice.must(http.StatusNotFound, "DELETE", "/api/v1/identities/telegram", nil)
	})
}

func TestIdentityLinkAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ts := newServer(t, db)
		alice, bob := ts.signup("alice"), ts.signup("bob")
		_, room := ts.chatUser("88")
		code, _, err := ts.eng.CreateIdentityLinkCode(ctx(t), engine.ProviderTelegram, "88") // a bot's /link
		if err != nil {
			t.Fatal(err)
		}
		r := bob.must(http.StatusBadRequest, "POST", "/api/v1/identities/link", map[string]string{"code": "ABCD-EFGH-JK"})
		var e api.ErrorBody
		r.decode(t, &e)
		if e.Error.Reason != engine.ReasonLinkCode {
			t.Fatalf("wrong code: %s", r.body)
		}
		// BOLA: alice's own code (for a bot to redeem) is no use to bob.
		var aliceCode api.LinkCodeResponse
		alice.must(http.StatusCreated, "POST", "/api/v1/link-codes", nil).decode(t, &aliceCode)
		bob.must(http.StatusBadRequest, "POST", "/api/v1/identities/link", map[string]string{"code": aliceCode.Code})

		var body api.IdentityBody
		bob.must(http.StatusOK, "POST", "/api/v1/identities/link", map[string]string{"code": code}).decode(t, &body)
		if body.Identity.Provider != engine.ProviderTelegram || body.Identity.LinkedAt == nil {
			t.Fatalf("linked = %+v", body)
		}
		bob.must(http.StatusOK, "GET", "/api/v1/rooms/"+strconv.FormatInt(room.ID, 10), nil)
		alice.must(http.StatusNotFound, "GET", "/api/v1/rooms/"+strconv.FormatInt(room.ID, 10), nil)

		// The identity is bob's now: a code it made before cannot hand it to alice.
		stale, _, err := ts.eng.CreateIdentityLinkCode(ctx(t), engine.ProviderTelegram, "88")
		if err != nil {
			t.Fatal(err)
		}
		r = alice.must(http.StatusConflict, "POST", "/api/v1/identities/link", map[string]string{"code": stale})
		r.decode(t, &e)
		if e.Error.Reason != engine.ReasonLinkedElsewhere {
			t.Fatalf("linked elsewhere: %s", r.body)
		}
	})
}

// TestIdentityLinkIPLimit: code guesses from one address stop at the
// address limit, whatever accounts they come from.
func TestIdentityLinkIPLimit(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		const perIP = 3
		ts := newServer(t, db, behindProxy, func(_ *engine.Config, a *api.Config) { a.LoginAttemptsPerIP = perIP })
		alice, bob := ts.signup("alice"), ts.signup("bob")
		alice.header.Set("X-Forwarded-For", "203.0.113.7")
		bob.header.Set("X-Forwarded-For", "203.0.113.7")
		for range perIP {
			alice.must(http.StatusBadRequest, "POST", "/api/v1/identities/link", map[string]string{"code": "ABCD-EFGH-JK"})
		}
		bob.must(http.StatusTooManyRequests, "POST", "/api/v1/identities/link", map[string]string{"code": "ABCD-EFGH-JK"})
	})
}
