package telegram

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"

	"github.com/go-telegram/bot/models"
)

// secretHeader carries the webhook's secret token on Telegram's requests.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateBody bounds one webhook request's body.
const maxUpdateBody = 1 << 20

// webhookHandler receives Telegram's webhook requests. It does not use the
// library's handler, which answers 200 to everything, the wrong secret
// included, and keeps updates in a buffer that a shutdown drops after
// Telegram was told they arrived.
type webhookHandler struct {
	b *Bot
}

var _ http.Handler = webhookHandler{}

// WebhookHandler returns the handler to mount at cfg.WebhookPath on the
// service's HTTP listener in webhook mode. It answers 405 to anything but
// POST and 401 to a missing or wrong X-Telegram-Bot-Api-Secret-Token, before
// reading the body or touching anything. An update is answered 200 only once
// it is queued where shutdown waits for it (or, past its user's bound, its
// "slow down" answer is: sequence.go); while the bot is not running
// (starting, or stopping) the answer is 503, and Telegram delivers the update
// again later.
func (b *Bot) WebhookHandler() http.Handler { return webhookHandler{b: b} }

// ServeHTTP implements http.Handler.
func (h webhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	secret := h.b.cfg.WebhookSecret
	got := r.Header.Get(secretHeader)
	if secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	var upd models.Update
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxUpdateBody)).Decode(&upd); err != nil {
		http.Error(w, "not an update", http.StatusBadRequest)
		return
	}
	if h.b.me.Load() == nil || !h.b.enqueue(&upd) {
		http.Error(w, "not running", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}
