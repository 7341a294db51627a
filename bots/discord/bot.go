// Package discord is chatplay's Discord surface: slash commands to make,
// list, edit, delete and enter rooms, a thread per room where the owner's
// messages are chat turns, and replies streamed by editing messages as they
// grow. It only translates: every rule lives in the engine.
//
// Interactions arrive through the gateway (a discordgo session) or through an
// HTTP endpoint verified with the application's public key; both take the
// same code path. REST calls go through the session's HTTP client, which can
// send them to another API root (Config.APIURL).
package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/bots/connect"
	"github.com/chatplay/chatplay/bots/sequence"
	"github.com/chatplay/chatplay/engine"
)

// Defaults of Config.
const (
	DefaultEditInterval   = time.Second      // one edit per message per second at most
	DefaultShutdownGrace  = 10 * time.Second // in-flight replies get this long to finish at shutdown
	DefaultRequestTimeout = 15 * time.Second // one REST request
)

// Config configures a Bot.
type Config struct {
	// Token is the bot token (with or without the "Bot " prefix). Required.
	// It is never logged.
	Token string
	// ApplicationID is the application's id, for registering commands and
	// answering interactions. Required.
	ApplicationID string
	// PublicKey is the application's Ed25519 public key, hex-encoded, which
	// verifies requests to InteractionsHandler. Required for that handler;
	// without it the handler refuses every request.
	PublicKey string
	// APIURL is the REST API root, version included; empty means
	// DefaultAPIURL (https://discord.com/api/v9, the version discordgo
	// v0.29 speaks). A REST proxy or a test fake goes here: every request
	// discordgo makes under DefaultAPIURL is sent under APIURL instead.
	APIURL string
	// GuildID, when set, registers the commands in that guild only (they
	// appear at once); empty registers them globally.
	GuildID string
	// Gateway opens a gateway connection in Run, which receives interactions
	// and the messages written in bound threads (intents: guilds, guild
	// messages, direct messages and the privileged message content). false:
	// interactions come only through InteractionsHandler. chatplay's config
	// default is true.
	Gateway bool
	// ShardCount is how many shards the gateway is split into (each shard
	// one session, with its part of the servers); zero means 1. Every
	// replica of the bot must use the same count.
	ShardCount int
	// Shards, when set, leases each shard to one replica of the bot among
	// those sharing it (a database), so that each shard runs once: a replica
	// runs its fair share, gives them up when it stops, and takes over those
	// of a replica whose leases expired. nil runs every shard here.
	Shards ShardLeases
	// ShardLease is how long a shard's lease lasts unless renewed; it is
	// renewed every third of it, and a dead replica's shards are taken over
	// within about that long. Zero means DefaultShardLease.
	ShardLease time.Duration
	// EditInterval is the least time between two edits of one message while
	// a reply streams; zero means DefaultEditInterval.
	EditInterval time.Duration
	// ShutdownGrace is how long Run waits for in-flight interactions when ctx
	// ends; zero means DefaultShutdownGrace.
	ShutdownGrace time.Duration
	// RequestTimeout bounds one REST request; zero means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// Transport sends the REST requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Observe, when set, is told of each interaction and gateway message the
	// bot takes in: its kind (command, autocomplete, component, modal,
	// message, other) and its outcome (handled, duplicate, ignored, failed,
	// throttled). It must not block.
	Observe func(kind, outcome string)
}

// Bot is the Discord surface. It is safe for concurrent use.
type Bot struct {
	cfg       Config
	eng       *engine.Engine
	log       *slog.Logger
	session   *discordgo.Session
	publicKey ed25519.PublicKey // nil when Config.PublicKey is empty

	// life is the context of every handler; it ends when Run gives up
	// waiting for them at shutdown.
	life context.Context
	stop context.CancelFunc

	ready chan struct{} // closed when Run has registered the commands (and opened the gateway)

	// ackAfter is when an unanswered interaction is deferred by the bot on
	// its own (ackDeadline); beforeRoute, when set, runs before an
	// interaction is routed (tests make a handler slow with it).
	ackAfter    time.Duration
	beforeRoute func(in *discordgo.Interaction)
	// streamWait, when set (by tests), replaces the waits of streamed
	// replies (edit interval, retry-after, backoff).
	streamWait func(ctx context.Context, d time.Duration) error

	mu       sync.Mutex
	closing  bool
	inflight sync.WaitGroup
	selfID   string // the bot's own user id, once known

	lines  *sequence.Queues[lineKey] // gateway messages waiting, per channel and user (message.go)
	recaps recaps                    // the newest message each room's recap showed (recap.go)
	link   *connect.Link             // retries the setup until Discord answers, and shows the state
	// registered is set once the commands are registered; only Run's
	// goroutine uses it.
	registered bool

	shards *shards // the gateway's shards this replica runs (shards.go); nil without a gateway
}

// New returns a Bot for cfg over eng. It makes no network call; Run does.
func New(cfg Config, eng *engine.Engine, log *slog.Logger) (*Bot, error) {
	token := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(cfg.Token), "Bot "))
	if token == "" {
		return nil, errors.New("discord: the bot token is not set")
	}
	if strings.TrimSpace(cfg.ApplicationID) == "" {
		return nil, errors.New("discord: the application id is not set")
	}
	if eng == nil {
		return nil, errors.New("discord: no engine")
	}
	if log == nil {
		log = slog.Default()
	}
	if cfg.EditInterval <= 0 {
		cfg.EditInterval = DefaultEditInterval
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = DefaultShutdownGrace
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.ShardCount <= 0 {
		cfg.ShardCount = 1
	}
	if cfg.ShardLease <= 0 {
		cfg.ShardLease = DefaultShardLease
	}
	b := &Bot{cfg: cfg, eng: eng, log: log.With("surface", "discord"), ackAfter: ackDeadline,
		lines: sequence.New[lineKey](maxQueuedMessages)}
	b.link = connect.New("discord", b.log)
	if k := strings.TrimSpace(cfg.PublicKey); k != "" {
		key, err := hex.DecodeString(k)
		if err != nil || len(key) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("discord: the public key is not %d hex-encoded bytes", ed25519.PublicKeySize)
		}
		b.publicKey = key
	}
	rt, err := newRebaseTransport(cfg.APIURL, cfg.Transport)
	if err != nil {
		return nil, err
	}
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		return nil, fmt.Errorf("discord: session: %w", err)
	}
	s.Client = &http.Client{Transport: rt, Timeout: cfg.RequestTimeout}
	// Rate limits are honoured by the bot itself (see rest.go), with waits
	// that end with the context and edits that skip stale text.
	s.ShouldRetryOnRateLimit = false
	s.LogLevel = discordgo.LogError
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages |
		discordgo.IntentsDirectMessages | discordgo.IntentMessageContent
	b.addHandlers(s)
	b.session = s
	if cfg.Gateway {
		b.shards = newShards(b)
	}
	b.ready = make(chan struct{})
	b.life, b.stop = context.WithCancel(context.Background())
	return b, nil
}

// addHandlers makes s hand the bot its gateway events: the bot's own
// session and each shard's (shardSession).
func (b *Bot) addHandlers(s *discordgo.Session) {
	s.AddHandler(b.onInteractionCreate)
	s.AddHandler(b.onMessageCreate)
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
		if r.User != nil {
			b.setSelf(r.User.ID)
		}
	})
}

// Run registers the slash commands, runs the gateway's shards this replica
// owns when Config.Gateway is set (shards.go), and serves until ctx ends.
// While Discord cannot be reached (DNS, a refused connection, a 5xx) these
// steps are tried again with capped backoff, each failure logged (State
// shows it). When ctx ends it closes its shards and gives up their leases,
// stops taking interactions (the interactions endpoint answers 503), and
// waits for in-flight ones for up to Config.ShutdownGrace; a
// reply still streaming then ends with the engine's Close. Call Run once. It
// returns an error when Discord refuses the bot (its token, its commands),
// and nil after ctx ends.
func (b *Bot) Run(ctx context.Context) error {
	defer b.shutdown()
	if err := b.link.Establish(ctx, b.connect); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while trying: not a failure
		}
		return err
	}
	b.log.Info("discord: ready", "gateway", b.cfg.Gateway, "shards", b.cfg.ShardCount, "guild", b.cfg.GuildID)
	close(b.ready)
	if b.shards != nil {
		b.shards.run(ctx) // until ctx ends; the shards are closed when it returns
		return nil
	}
	<-ctx.Done()
	return nil
}

// Shards returns the gateway's shards this replica runs.
func (b *Bot) Shards() ShardState {
	if b.shards == nil {
		return ShardState{}
	}
	return b.shards.state()
}

// State returns where the bot stands with Discord.
func (b *Bot) State() connect.State { return b.link.State() }

// connect checks the token and registers the commands: one try of Run's
// setup (the shards connect on their own, with their own retries).
// Discord's refusals (a 4xx but 408 and 429) are permanent; anything else
// is tried again.
func (b *Bot) connect(ctx context.Context) error {
	if _, err := b.self(ctx); err != nil {
		return bootError("check the bot token", err)
	}
	if !b.registered { // once: a gateway that stays down does not re-register at each try
		if err := b.registerCommands(ctx); err != nil {
			return bootError("register commands", err)
		}
		b.registered = true
	}
	return nil
}

// bootError returns the failure of a setup step, permanent when Discord
// refused it. (The bot token is only ever in a header, never in the text.)
func bootError(step string, err error) error {
	e := fmt.Errorf("discord: %s: %s", step, errAttr(err).Value.String())
	var rest *discordgo.RESTError
	if errors.Is(err, discordgo.ErrUnauthorized) || errors.As(err, &rest) && rest.Response != nil &&
		rest.Response.StatusCode >= 400 && rest.Response.StatusCode < 500 &&
		rest.Response.StatusCode != http.StatusRequestTimeout && rest.Response.StatusCode != http.StatusTooManyRequests {
		return connect.Permanent(e)
	}
	return e
}

// shutdown refuses new work, waits for in-flight handlers within the grace,
// then ends their context.
func (b *Bot) shutdown() {
	b.mu.Lock()
	b.closing = true
	b.mu.Unlock()
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	t := time.NewTimer(b.cfg.ShutdownGrace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		b.log.Warn("discord: stopping with interactions still in flight")
	}
	b.stop()
}

// track runs fn in a goroutine with the handlers' context, unless the bot is
// shutting down; it reports whether fn runs.
func (b *Bot) track(fn func(ctx context.Context)) bool {
	b.mu.Lock()
	if b.closing {
		b.mu.Unlock()
		return false
	}
	b.inflight.Add(1)
	b.mu.Unlock()
	go func() {
		defer b.inflight.Done()
		defer b.recoverHandler()
		fn(b.life)
	}()
	return true
}

// registerCommands overwrites the application's commands with chatplay's:
// in Config.GuildID, or globally.
func (b *Bot) registerCommands(ctx context.Context) error {
	cmds := commands(b.eng.Config().Limits)
	err := b.do(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := b.session.ApplicationCommandBulkOverwrite(b.cfg.ApplicationID, b.cfg.GuildID, cmds, opts...)
		return err
	})
	return err
}

// self returns the bot's own user id, asking Discord once.
func (b *Bot) self(ctx context.Context) (string, error) {
	b.mu.Lock()
	id := b.selfID
	b.mu.Unlock()
	if id != "" {
		return id, nil
	}
	var u *discordgo.User
	err := b.do(ctx, func(opts ...discordgo.RequestOption) error {
		var err error
		u, err = b.session.User("@me", opts...)
		return err
	})
	if err != nil {
		return "", err
	}
	b.setSelf(u.ID)
	return u.ID, nil
}

// setSelf records the bot's own user id.
func (b *Bot) setSelf(id string) {
	b.mu.Lock()
	b.selfID = id
	b.mu.Unlock()
}
