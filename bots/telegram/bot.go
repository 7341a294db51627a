// Package telegram is chatplay's Telegram surface: it turns Telegram updates
// (commands, messages, button presses) into calls of the engine, and the
// engine's results (a streamed reply, a room, an error code) into Telegram
// messages, in the user's language (Korean, English or Japanese). It holds
// no rules of its own: ownership, lengths and limits are the engine's.
//
// Updates arrive by long polling (Run) or by webhook (Run registers it;
// WebhookHandler serves it on the service's HTTP listener). Each update_id
// has exactly one effect, claimed in the database with engine.ClaimEvent.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/chatplay/chatplay/bots/connect"
	"github.com/chatplay/chatplay/bots/sequence"
	"github.com/chatplay/chatplay/engine"
)

// allowedUpdates are the update kinds the bot asks Telegram for.
var allowedUpdates = []string{"message", "callback_query"}

// Bot is the Telegram surface. Make one with New, start it with Run.
type Bot struct {
	cfg Config
	eng *engine.Engine
	log *slog.Logger
	api *bot.Bot
	me  atomic.Pointer[models.User] // the bot's own user, from getMe
	// link retries the setup until Telegram answers, and shows the state.
	link *connect.Link

	wizards *wizards
	// recapped keeps recaps from being shown twice in a chat (recap.go).
	recapped recapped
	pacer    *pacer
	// wait sleeps d or until ctx ends (Telegram's retry_after, the edit
	// pace); tests replace it.
	wait func(ctx context.Context, d time.Duration) error
	// typingEvery is how often "typing…" is repeated while a reply has not
	// started.
	typingEvery time.Duration
	// ticker, when set (by tests), makes the "typing…" ticker.
	ticker func(d time.Duration) (<-chan time.Time, func())

	// work is the context updates are handled in: it outlives Run's context
	// by cfg.ShutdownGrace, so that a reply being streamed can finish.
	work     context.Context
	stopWork context.CancelFunc
	inflight sync.WaitGroup
	seqMu    sync.Mutex
	draining bool // set by drain: onUpdate takes no more updates
	// lines runs each user's updates in a chat in order, bounded; slowDowns
	// the answers to the updates refused (sequence.go).
	lines, slowDowns *sequence.Queues[seqKey]
	// handled, when set (by tests), is called when an update's handling ends.
	handled func(updateID int64)
}

// New returns a Bot for cfg (see Config for the defaults) over eng. It makes
// no network call; Run does. Errors name the setting at fault.
func New(cfg Config, eng *engine.Engine, log *slog.Logger) (*Bot, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if eng == nil {
		return nil, errors.New("telegram: no engine")
	}
	if log == nil {
		log = slog.Default()
	}
	b := &Bot{
		cfg:         cfg,
		eng:         eng,
		log:         log,
		wizards:     newWizards(cfg.WizardTTL, time.Now),
		pacer:       newPacer(cfg.EditInterval, time.Now),
		wait:        sleep,
		typingEvery: 4 * time.Second,
		link:        connect.New("telegram", log),
	}
	b.lines, b.slowDowns = newQueues()
	b.work, b.stopWork = context.WithCancel(context.Background())
	opts := []bot.Option{
		bot.WithServerURL(cfg.APIURL),
		bot.WithSkipGetMe(),
		bot.WithDefaultHandler(b.onUpdate),
		bot.WithErrorsHandler(func(err error) { b.log.Warn("telegram: bot api", "err", b.redact(err)) }),
		bot.WithAllowedUpdates(allowedUpdates),
		bot.WithHTTPClient(cfg.PollTimeout, &http.Client{Timeout: cfg.PollTimeout + 15*time.Second}),
		bot.WithWorkers(1),
		bot.WithNotAsyncHandlers(), // onUpdate only queues, in arrival order
	}
	if cfg.Mode == ModeWebhook {
		opts = append(opts, bot.WithWebhookSecretToken(cfg.WebhookSecret))
	}
	api, err := bot.New(cfg.Token, opts...)
	if err != nil {
		return nil, fmt.Errorf("telegram: %s", b.redact(err))
	}
	b.api = api
	return b, nil
}

// Run connects to Telegram and handles updates until ctx ends: it learns the
// bot's name (getMe), registers the command menu in Korean, English and
// Japanese (setMyCommands), then long-polls (deleting any webhook first) or,
// in webhook mode, registers the webhook with its secret (setWebhook) and
// handles what WebhookHandler receives. While Telegram cannot be reached
// (DNS, a refused connection, a 5xx, a 429) the setup is tried again with
// capped backoff, each failure logged (State shows it). When ctx ends it
// stops taking updates, lets those being handled finish within
// cfg.ShutdownGrace, and returns nil. It returns an error only when Telegram
// refuses the bot (its token, its webhook).
func (b *Bot) Run(ctx context.Context) error {
	err := b.run(ctx)
	if ctx.Err() != nil {
		err = nil // stopped during the setup: not a failure
	}
	b.drain()
	return err
}

// State returns where the bot stands with Telegram.
func (b *Bot) State() connect.State { return b.link.State() }

func (b *Bot) run(ctx context.Context) error {
	if err := b.link.Establish(ctx, b.setup); err != nil {
		return err
	}
	if b.cfg.Mode == ModeWebhook {
		<-ctx.Done() // WebhookHandler queues the updates from here on
		return nil
	}
	b.api.Start(ctx)
	return nil
}

// setup learns the bot's name, registers its commands and its way of
// receiving updates: one try of Run's setup.
func (b *Bot) setup(ctx context.Context) error {
	me, err := b.api.GetMe(ctx)
	if err != nil {
		return b.setupError("getMe", err)
	}
	b.me.Store(me)
	b.setCommands(ctx)
	if b.cfg.Mode == ModeWebhook {
		if _, err := b.api.SetWebhook(ctx, &bot.SetWebhookParams{
			URL: b.cfg.WebhookURL, SecretToken: b.cfg.WebhookSecret, AllowedUpdates: allowedUpdates,
		}); err != nil {
			return b.setupError("setWebhook", err)
		}
		b.log.Info("telegram: webhook registered", "bot", me.Username, "path", b.cfg.WebhookPath)
		return nil
	}
	if _, err := b.api.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil {
		return b.setupError("deleteWebhook", err)
	}
	b.log.Info("telegram: long polling", "bot", me.Username)
	return nil
}

// setupError returns the failure of a setup call, the token taken out;
// Telegram's refusals (400, 401, 403, 404: a bad token or webhook) are
// permanent, anything else is tried again.
func (b *Bot) setupError(call string, err error) error {
	e := fmt.Errorf("telegram: %s: %s", call, b.redact(err))
	for _, refused := range []error{bot.ErrorBadRequest, bot.ErrorUnauthorized, bot.ErrorForbidden, bot.ErrorNotFound} {
		if errors.Is(err, refused) {
			return connect.Permanent(e)
		}
	}
	return e
}

// drain waits for the updates being handled, cancelling them after the grace.
func (b *Bot) drain() {
	b.seqMu.Lock()
	b.draining = true
	b.seqMu.Unlock()
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	grace := time.NewTimer(b.cfg.ShutdownGrace)
	defer grace.Stop()
	select {
	case <-done:
	case <-grace.C:
		b.log.Warn("telegram: cancelling updates still being handled at shutdown")
		b.stopWork()
		<-done
	}
	b.stopWork()
}

// redact returns err's text with the token taken out: the library's errors
// may carry the request URL, /bot<token>/<method>.
func (b *Bot) redact(err error) string {
	if err == nil {
		return ""
	}
	return strings.ReplaceAll(err.Error(), b.cfg.Token, "<token>")
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
