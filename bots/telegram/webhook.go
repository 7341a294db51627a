package telegram

import (
	"crypto/subtle"
	"net/http"
)

// secretHeader carries the webhook's secret token on Telegram's requests.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// webhookHandler refuses requests without the secret before the library's
// handler (which answers 200 to everything) sees them.
type webhookHandler struct {
	b *Bot
}

var _ http.Handler = webhookHandler{}

// WebhookHandler returns the handler to mount at cfg.WebhookPath on the
// service's HTTP listener in webhook mode. It answers 405 to anything but
// POST and 401 to a missing or wrong X-Telegram-Bot-Api-Secret-Token, before
// reading the body or touching anything; other requests are queued for the
// updates Run handles.
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
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	h.b.hook.ServeHTTP(w, r)
}
