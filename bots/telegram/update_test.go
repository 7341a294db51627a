package telegram

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// Telegram delivers at least once: the same update twice in one batch of
// getUpdates is handled once.
func TestDuplicateUpdateHandledOnce(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.room(alice, aliceDM, cafe("en"))
		hold := openaifake.NewHold()
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Sure."}, Hold: hold})

		u := telegramfake.Update{UpdateID: 5000, Message: telegramfake.Text(aliceDM, alice, "a latte, please")}
		e.api.PushUpdates(u, u) // delivered twice in one batch
		<-hold.Reached()
		hold.Release()
		e.waitHandled(5000, 2)

		if n := len(e.model.Requests()); n != 1 {
			t.Fatalf("model calls = %d, want 1", n)
		}
		if msgs := e.history(alice, room.ID); len(msgs) != 2 {
			t.Fatalf("history = %+v, want one turn", msgs)
		}
		if n := len(e.sent(aliceDM.ID)); n != 1 {
			t.Fatalf("%d messages sent, want 1", n)
		}
	})
}

// webhookEnv is an env in webhook mode with secret.
func webhookEnv(t *testing.T, db *sqlstore.DB, secret string) *env {
	return newEnv(t, db, envOptions{bot: func(c *Config) {
		c.Mode, c.WebhookURL, c.WebhookSecret = ModeWebhook, "https://chat.example.com/telegram/webhook", secret
	}})
}

func TestWebhookRegisteredWithSecret(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := webhookEnv(t, db, "s3cret_token-1")
		hook := e.api.Webhook()
		if hook["url"] != "https://chat.example.com/telegram/webhook" || hook["secret_token"] != "s3cret_token-1" {
			t.Fatalf("setWebhook = %v", hook)
		}
		var allowed []string
		if err := json.Unmarshal([]byte(hook["allowed_updates"]), &allowed); err != nil || strings.Join(allowed, ",") != "message,callback_query" {
			t.Fatalf("allowed_updates = %q", hook["allowed_updates"])
		}
		if n := len(e.api.Calls("deleteWebhook", "getUpdates")); n != 0 {
			t.Fatalf("webhook mode polled or deleted the webhook (%d calls)", n)
		}
		if e.bot.cfg.WebhookPath != DefaultWebhookPath {
			t.Fatalf("webhook path = %q", e.bot.cfg.WebhookPath)
		}
	})
}

// A request without the right secret is refused before anything happens:
// no claim, no user, no message.
func TestWebhookRefusesWrongSecret(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := webhookEnv(t, db, "right-secret")
		h := e.bot.WebhookHandler()
		upd := telegramfake.Update{UpdateID: 777, Message: telegramfake.Text(aliceDM, alice, "/new en | a | b | c")}
		for _, secret := range []string{"", "wrong-secret", "right-secret "} {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, e.api.WebhookRequest(upd, secret))
			if w.Code != http.StatusUnauthorized {
				t.Fatalf("secret %q: status %d, want 401", secret, w.Code)
			}
		}
		get := httptest.NewRecorder()
		h.ServeHTTP(get, httptest.NewRequest(http.MethodGet, "/telegram/webhook", nil))
		if get.Code != http.StatusMethodNotAllowed {
			t.Fatalf("GET: status %d", get.Code)
		}

		if calls := e.api.Calls("sendMessage", "sendChatAction"); len(calls) != 0 {
			t.Fatalf("the bot answered a refused request: %v", methods(calls))
		}
		_, created, err := db.EnsureIdentityUser(context.Background(),
			&engine.Identity{Provider: engine.ProviderTelegram, Subject: "1001"}, &engine.User{DisplayName: "probe", Locale: "en"})
		if err != nil || !created {
			t.Fatalf("a user was stored for the refused request (created=%v, err=%v)", created, err)
		}
		claimed, err := e.eng.ClaimEvent(context.Background(), engine.ProviderTelegram, e.bot.eventID(777))
		if err != nil || !claimed {
			t.Fatalf("the refused update was claimed (claim=%v, err=%v)", claimed, err)
		}
	})
}

// Two deliveries of one update at once, through the webhook, have one effect.
func TestWebhookConcurrentDuplicates(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := webhookEnv(t, db, "right-secret")
		h := e.bot.WebhookHandler()
		upd := telegramfake.Update{UpdateID: 888, Message: telegramfake.Text(aliceDM, alice, "/new en | ordering tea | guest | host")}
		var wg sync.WaitGroup
		codes := make([]int, 4)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := httptest.NewRecorder()
				h.ServeHTTP(w, e.api.WebhookRequest(upd, "right-secret"))
				codes[i] = w.Code
			}()
		}
		wg.Wait()
		for _, c := range codes {
			if c != http.StatusOK {
				t.Fatalf("statuses = %v", codes)
			}
		}
		e.waitHandled(888, len(codes))
		rooms, _, err := e.eng.ListRooms(context.Background(), e.user(alice).ID, engine.Page{})
		if err != nil || len(rooms) != 1 {
			t.Fatalf("rooms = %d (%v), want 1", len(rooms), err)
		}
		if n := len(e.model.Requests()); n != 1 {
			t.Fatalf("model calls = %d, want 1", n)
		}
	})
}

// Two processes handling the same update at once (as two replicas sharing
// the database would): the claim lets exactly one act.
func TestConcurrentHandlersClaimOnce(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		room := e.room(alice, aliceDM, cafe("en"))
		e.api.PushUpdate(telegramfake.Update{UpdateID: 9000, Message: telegramfake.Text(aliceDM, alice, "warm-up")})
		e.waitHandled(9000, 1)
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Coming up."}})
		upd := &models.Update{ID: 9001, Message: &models.Message{ID: 50, Chat: models.Chat{ID: aliceDM.ID, Type: models.ChatTypePrivate},
			From: &models.User{ID: alice.ID, FirstName: alice.FirstName, LanguageCode: "en"}, Text: "a flat white"}}
		var wg sync.WaitGroup
		for range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e.bot.handle(t.Context(), upd)
			}()
		}
		wg.Wait()
		msgs := e.history(alice, room.ID)
		var lines []string
		for _, m := range msgs {
			if m.Role == engine.RoleUser {
				lines = append(lines, m.Content)
			}
		}
		if strings.Join(lines, ",") != "warm-up,a flat white" {
			t.Fatalf("user lines = %q, want the update once", lines)
		}
	})
}

// A user's updates in a chat are handled in the order they came, even when
// they come together: the line after /new goes to the new room.
func TestUpdatesOfAUserKeepTheirOrder(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, envOptions{})
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"Welcome!"}}, openaifake.Reply{Chunks: []string{"One tea."}})
		ids := e.api.PushUpdates(
			telegramfake.Update{Message: telegramfake.Text(aliceDM, alice, "/new en | ordering tea | guest | host")},
			telegramfake.Update{Message: telegramfake.Text(aliceDM, alice, "tea, please")},
		)
		e.waitHandled(ids[1], 1)
		room := e.activeRoom(alice, aliceDM)
		var got []string
		for _, m := range e.history(alice, room.ID) {
			got = append(got, m.Content)
		}
		if strings.Join(got, "|") != "Welcome!|tea, please|One tea." {
			t.Fatalf("history = %q", got)
		}
	})
}

// Once the bot is stopping, a webhook update is answered 503 (Telegram
// delivers it again, to this process after its restart or to another one),
// never 200 and dropped.
func TestWebhookRefusesWhileStopping(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := webhookEnv(t, db, "right-secret")
		h := e.bot.WebhookHandler()
		e.bot.drain()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, e.api.WebhookRequest(telegramfake.Update{UpdateID: 999, Message: telegramfake.Text(aliceDM, alice, "/help")}, "right-secret"))
		if w.Code != http.StatusServiceUnavailable {
			t.Fatalf("status %d, want 503", w.Code)
		}
		if claimed, err := e.eng.ClaimEvent(context.Background(), engine.ProviderTelegram, e.bot.eventID(999)); err != nil || !claimed {
			t.Fatalf("the refused update was claimed (claim=%v, err=%v)", claimed, err)
		}
	})
}
