package telegram

import (
	"io"
	"log/slog"
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
