package telegram

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// The modes a Bot receives updates in.
const (
	ModePolling = "polling" // long polling with getUpdates: works behind NAT, no public URL
	ModeWebhook = "webhook" // Telegram POSTs updates to WebhookURL
)

// Defaults of Config.
const (
	DefaultAPIURL        = "https://api.telegram.org"
	DefaultWebhookPath   = "/telegram/webhook"
	DefaultEditInterval  = time.Second
	DefaultPollTimeout   = 50 * time.Second
	DefaultWizardTTL     = 15 * time.Minute
	DefaultShutdownGrace = 30 * time.Second
)

// Config configures a Bot. The zero value of every field but Token means its
// default.
type Config struct {
	// Token is the bot token from @BotFather (CHATPLAY_TELEGRAM_TOKEN). It is
	// a secret: it never appears in logs or errors.
	Token string
	// APIURL is the Bot API server's root, without /bot<token>; default
	// DefaultAPIURL. Set it for a local Bot API server (and for tests).
	APIURL string
	// Mode is ModePolling (the default) or ModeWebhook.
	Mode string
	// WebhookURL is the public HTTPS URL Telegram posts updates to, path
	// included (e.g. https://chat.example.com/telegram/webhook); required in
	// webhook mode.
	WebhookURL string
	// WebhookPath is the path on the service's own HTTP listener where
	// WebhookHandler is mounted; default DefaultWebhookPath.
	WebhookPath string
	// WebhookSecret is sent to Telegram with setWebhook and checked on every
	// webhook request (X-Telegram-Bot-Api-Secret-Token); required in webhook
	// mode: 1-256 characters of A-Z, a-z, 0-9, _ and -.
	WebhookSecret string
	// EditInterval is the least time between two messages or edits the bot
	// sends in one chat while a reply streams (Telegram allows about one a
	// second per chat); default DefaultEditInterval.
	EditInterval time.Duration
	// PollTimeout is the long-polling timeout of getUpdates; default
	// DefaultPollTimeout.
	PollTimeout time.Duration
	// WizardTTL is how long a step-by-step /new or /edit waits for the next
	// answer; default DefaultWizardTTL.
	WizardTTL time.Duration
	// ShutdownGrace is how long Run, once its context ends, lets the updates
	// being handled finish (a reply being streamed) before cancelling them;
	// default DefaultShutdownGrace.
	ShutdownGrace time.Duration
	// Observe, when set, is told of each update the bot takes in: its kind
	// (message, command, callback, other) and its outcome (handled,
	// duplicate, ignored, failed, throttled). It must not block.
	Observe func(kind, outcome string)
}

// secretPattern is what Telegram accepts as a webhook secret_token.
var secretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// withDefaults returns c with every unset field at its default.
func (c Config) withDefaults() Config {
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	c.APIURL = strings.TrimRight(c.APIURL, "/")
	if c.Mode == "" {
		c.Mode = ModePolling
	}
	if c.WebhookPath == "" {
		c.WebhookPath = DefaultWebhookPath
	}
	if c.EditInterval <= 0 {
		c.EditInterval = DefaultEditInterval
	}
	if c.PollTimeout <= 0 {
		c.PollTimeout = DefaultPollTimeout
	}
	if c.WizardTTL <= 0 {
		c.WizardTTL = DefaultWizardTTL
	}
	if c.ShutdownGrace <= 0 {
		c.ShutdownGrace = DefaultShutdownGrace
	}
	return c
}

// validate checks a Config with its defaults applied. Its errors name the
// setting at fault and never contain the token.
func (c Config) validate() error {
	if strings.TrimSpace(c.Token) == "" {
		return errors.New("telegram: no bot token (set CHATPLAY_TELEGRAM_TOKEN)")
	}
	if u, err := url.Parse(c.APIURL); err != nil || u.Scheme == "" || u.Host == "" {
		return fmt.Errorf("telegram: api_url %q is not an absolute URL", c.APIURL)
	}
	switch c.Mode {
	case ModePolling:
	case ModeWebhook:
		u, err := url.Parse(c.WebhookURL)
		if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
			return fmt.Errorf("telegram: webhook mode needs webhook_url, the public https URL of the webhook (got %q)", c.WebhookURL)
		}
		if !secretPattern.MatchString(c.WebhookSecret) {
			return errors.New("telegram: webhook mode needs webhook_secret (CHATPLAY_TELEGRAM_WEBHOOK_SECRET): 1-256 characters of A-Z, a-z, 0-9, _ and -")
		}
		if !strings.HasPrefix(c.WebhookPath, "/") {
			return fmt.Errorf("telegram: webhook_path %q must start with /", c.WebhookPath)
		}
	default:
		return fmt.Errorf("telegram: mode %q is not %q or %q", c.Mode, ModePolling, ModeWebhook)
	}
	return nil
}
