package telegram

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
)

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestConfigDefaults(t *testing.T) {
	c := Config{Token: "1:x"}.withDefaults()
	if c.APIURL != DefaultAPIURL || c.Mode != ModePolling || c.WebhookPath != DefaultWebhookPath ||
		c.EditInterval != time.Second || c.PollTimeout != DefaultPollTimeout || c.WizardTTL != DefaultWizardTTL ||
		c.ShutdownGrace != DefaultShutdownGrace {
		t.Fatalf("defaults = %+v", c)
	}
	if err := c.validate(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigErrors(t *testing.T) {
	const token = "123456:TOKENVALUE-xyz"
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "CHATPLAY_TELEGRAM_TOKEN"},
		{Config{Token: token, APIURL: "not a url"}, "api_url"},
		{Config{Token: token, Mode: "push"}, "mode"},
		{Config{Token: token, Mode: ModeWebhook, WebhookSecret: "abc"}, "webhook_url"},
		{Config{Token: token, Mode: ModeWebhook, WebhookURL: "https://x.example/h"}, "webhook_secret"},
		{Config{Token: token, Mode: ModeWebhook, WebhookURL: "https://x.example/h", WebhookSecret: "has space"}, "webhook_secret"},
		{Config{Token: token, Mode: ModeWebhook, WebhookURL: "https://x.example/h", WebhookSecret: "ok", WebhookPath: "hook"}, "webhook_path"},
	} {
		_, err := New(tc.cfg, engine.New(engine.DefaultConfig(), engine.Deps{}), discardLogger())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want an error naming %s", tc.cfg.Mode, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "TOKENVALUE") {
			t.Errorf("the error shows the token: %v", err)
		}
	}
}

// An unreachable Bot API fails Run with an error that names the call, not
// the token (the library's errors carry the request URL, /bot<token>/…).
func TestRunUnreachableKeepsTokenOut(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // nothing listens there any more
	const token = "123456:TOKENVALUE-xyz"
	logs := &syncBuffer{}
	b, err := New(Config{Token: token, APIURL: srv.URL}, engine.New(engine.DefaultConfig(), engine.Deps{}),
		slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	err = b.Run(t.Context())
	if err == nil || !strings.Contains(err.Error(), "getMe") {
		t.Fatalf("Run = %v, want a getMe error", err)
	}
	if strings.Contains(err.Error(), "TOKENVALUE") || strings.Contains(logs.String(), "TOKENVALUE") {
		t.Fatalf("the token leaked: %v\n%s", err, logs.String())
	}
}
