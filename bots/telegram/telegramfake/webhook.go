package telegramfake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
)

// SecretHeader is the header Telegram sends a webhook's secret_token in.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// WebhookRequest returns the request Telegram would POST to a webhook for u,
// with secret in SecretHeader (none when empty). Its messages are registered
// with the server as PushUpdate does, so that the bot can answer in their chat.
func (s *Server) WebhookRequest(u Update, secret string) *http.Request {
	s.mu.Lock()
	if u.UpdateID == 0 {
		s.lastID++
		u.UpdateID = s.lastID
	}
	if u.Message != nil {
		s.addMessage(u.Message)
	}
	if u.CallbackQuery != nil && u.CallbackQuery.Message != nil {
		s.addCallbackMessage(u.CallbackQuery)
	}
	s.mu.Unlock()
	body, _ := json.Marshal(u)
	r := httptest.NewRequest(http.MethodPost, "/telegram/webhook", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if secret != "" {
		r.Header.Set(SecretHeader, secret)
	}
	return r
}
