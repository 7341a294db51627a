package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/engine"
)

// chatUser makes the bot-only user of a chat identity, as a bot does at
// first contact, with a room.
func (s *server) chatUser(provider engine.Provider, subject, username, room string) *engine.User {
	s.t.Helper()
	ctx := context.Background()
	u, err := s.eng.EnsureIdentityUser(ctx, provider, subject, username, username, "en")
	if err != nil {
		s.t.Fatal(err)
	}
	if room != "" {
		if _, err := s.eng.CreateRoom(ctx, u.ID, engine.RoomInput{Title: room, Language: "ko", Situation: "on a bus", UserRole: "rider", BotRole: "driver"}); err != nil {
			s.t.Fatal(err)
		}
	}
	return u
}

// linkCodePattern is a link code as shown: ABCD-EFGH-JK, without 0, O, 1, I.
var linkCodePattern = regexp.MustCompile(`^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}$`)

// testConnectedApps: the account page's "Connected apps" lists the linked
// chat accounts; its code, sent to a bot (/link CODE), links Telegram; a
// code a bot gave links Discord, with its rooms; a wrong code, an account
// linked elsewhere and too many attempts are explained; Unlink (after a
// confirmation) detaches one.
func testConnectedApps(t *testing.T, browser context.Context, srv *server) {
	ctx := context.Background()
	alice, bob := srv.signup("alice", "Alice"), srv.signup("bob")
	srv.chatUser(engine.ProviderTelegram, "501", "kim_tg", "")
	srv.chatUser(engine.ProviderDiscord, "601", "bob_dc", "")
	if _, err := srv.eng.LinkIdentity(ctx, bob.id, engine.ProviderDiscord, "601"); err != nil {
		t.Fatal(err)
	}
	srv.chatUser(engine.ProviderDiscord, "602", "kim_dc", "Bus ride "+imgPayload)

	p := newTab(t, browser, srv)
	p.login(alice.email)
	p.click("#nav-account")
	p.waitVisible("#connected-apps")
	p.waitVisible("#identities-empty")
	p.waitText("#page-title", "Account")

	// A code of the account, with how to use it in each app and its expiry.
	p.click("#link-code-new")
	p.waitVisible("#link-code")
	code := p.text("#link-code")
	if !linkCodePattern.MatchString(code) {
		t.Fatalf("link code shown = %q", code)
	}
	if got := p.text("#link-code-telegram code"); got != "/link "+code {
		t.Errorf("Telegram instruction = %q", got)
	}
	if got := p.text("#link-code-discord code"); got != "/link code:"+code {
		t.Errorf("Discord instruction = %q", got)
	}
	if got := p.text("#link-code-expiry"); !strings.Contains(got, "10 min") {
		t.Errorf("expiry = %q", got)
	}
	// The bot redeems it (/link CODE); back on the page, the list shows it.
	if _, err := srv.eng.RedeemLinkCode(ctx, engine.ProviderTelegram, "501", code); err != nil {
		t.Fatal(err)
	}
	eval[bool](p, `window.dispatchEvent(new Event("focus"))`)
	p.waitText("#identities li[data-provider=telegram]", "@kim_tg")
	if got := p.text("#identities li[data-provider=telegram] .identity__app"); got != "Telegram" {
		t.Errorf("provider shown = %q", got)
	}
	p.waitVisible("#identities li[data-provider=telegram] .identity__when")

	// Wrong codes and a chat account linked elsewhere are explained.
	p.fill("#link-code-input", "ABCD-EFGH-JK")
	p.click("#link-submit")
	p.waitText("#link-alert", "This code is wrong, expired or already used.")
	elsewhere, _, err := srv.eng.CreateIdentityLinkCode(ctx, engine.ProviderDiscord, "601")
	if err != nil {
		t.Fatal(err)
	}
	p.fill("#link-code-input", elsewhere)
	p.click("#link-submit")
	p.waitText("#link-alert", "linked to another chatplay account. Unlink it there first.")

	// A code a bot gave (/link), typed loosely: Discord joins, with its room.
	mine, _, err := srv.eng.CreateIdentityLinkCode(ctx, engine.ProviderDiscord, "602")
	if err != nil {
		t.Fatal(err)
	}
	p.fill("#link-code-input", strings.ToLower(strings.ReplaceAll(mine, "-", " ")))
	p.click("#link-submit")
	p.waitText("#link-done", "Discord is linked")
	p.waitText("#identities li[data-provider=discord]", "@kim_dc")
	if p.count("#identities li") != 2 || !eval[bool](p, `document.querySelector("#link-alert").hidden`) {
		t.Errorf("after linking Discord:\n%s", p.bodyText())
	}
	noMarkup(t, p)
	p.click("#nav-rooms")
	p.waitText("#room-list .room-title", "Bus ride "+imgPayload)
	noMarkup(t, p)

	// Unlink asks first; Cancel keeps it, Unlink detaches it.
	p.click("#nav-account")
	p.waitText("#identities li[data-provider=telegram]", "@kim_tg")
	p.click("#identities li[data-provider=telegram] .identity-unlink")
	p.waitText("#identities li[data-provider=telegram] .confirm-text", "Unlink Telegram?")
	p.click("#identities li[data-provider=telegram] .identity-unlink-no")
	p.waitVisible("#identities li[data-provider=telegram] .identity-unlink")
	p.click("#identities li[data-provider=telegram] .identity-unlink")
	p.click("#identities li[data-provider=telegram] .identity-unlink-yes")
	p.waitJS("Telegram gone", `document.querySelector("#identities li[data-provider=telegram]") === null`)
	ids, err := srv.eng.ListIdentities(ctx, alice.id)
	if err != nil || len(ids) != 1 || ids[0].Provider != engine.ProviderDiscord {
		t.Errorf("identities after unlink: %+v, %v", ids, err)
	}

	// Too many attempts: the account has LinkAttemptsPerIdentity tries (3
	// made above); the one after them is refused, with when to try again.
	for range engine.LinkAttemptsPerIdentity - 3 {
		srv.call(alice.token, "POST", "/api/v1/identities/link", map[string]string{"code": "ABCD-EFGH-JK"}, http.StatusBadRequest, nil)
	}
	p.fill("#link-code-input", mine)
	p.click("#link-submit")
	p.waitText("#link-alert", "Too many attempts. Try again in")

	// The page speaks the interface language.
	p.choose("#lang-select", "ko")
	p.waitText("#apps-title", "연결된 앱")
	p.waitText("#identities li[data-provider=discord] .identity-unlink", "연결 해제")
}
