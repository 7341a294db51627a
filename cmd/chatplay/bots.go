package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/bots/connect"
	"github.com/chatplay/chatplay/bots/discord"
	"github.com/chatplay/chatplay/bots/telegram"
	"github.com/chatplay/chatplay/engine"
)

// runner is a surface that runs until its context ends: a chat bot.
type runner interface {
	Run(ctx context.Context) error
	// State is where the bot stands with its platform.
	State() connect.State
}

// surfaces are the chat bots config enables, and the HTTP endpoints they add
// to the service's listener.
type surfaces struct {
	bots   map[string]runner
	routes []api.Route
}

// newSurfaces builds the bots whose tokens are set, among the surfaces this
// process serves (server.surfaces); shards leases the Discord gateway's
// shards among replicas; observe, when set, gives each bot its
// Config.Observe. With polling, when set, Telegram's long polling runs only
// while this replica leads it.
func newSurfaces(cfg Config, eng *engine.Engine, shards discord.ShardLeases, log *slog.Logger, observe func(bot string) func(kind, outcome string), polling leadership) (*surfaces, error) {
	if observe == nil {
		observe = func(string) func(kind, outcome string) { return nil }
	}
	s := &surfaces{bots: make(map[string]runner)}
	grace := cfg.Server.ShutdownTimeout - 2*time.Second
	if cfg.Telegram.Token != "" && cfg.Server.serves(surfaceTelegram) {
		tc := cfg.Telegram.telegramConfig(grace)
		tc.Observe = observe("telegram")
		tlog := log.With("surface", "telegram")
		bot, err := telegram.New(tc, eng, tlog)
		if err != nil {
			return nil, fmt.Errorf("telegram: %w", err)
		}
		s.bots["telegram"] = bot
		if h := bot.WebhookHandler(); h != nil && cfg.Telegram.Mode == telegram.ModeWebhook {
			s.routes = append(s.routes, api.Route{Method: http.MethodPost, Path: cfg.Telegram.WebhookPath, Handler: h})
		} else if polling != nil { // a bot runs once: each lead gets a new one
			s.bots["telegram"] = newLedRunner(polling, func() (runner, error) { return telegram.New(tc, eng, tlog) }, tlog)
		}
	}
	if cfg.Discord.Token != "" && cfg.Server.serves(surfaceDiscord) {
		dc := cfg.Discord.discordConfig(grace)
		dc.Observe = observe("discord")
		dc.Shards = shards
		bot, err := discord.New(dc, eng, log) // it tags its own log lines
		if err != nil {
			return nil, fmt.Errorf("discord: %w", err)
		}
		s.bots["discord"] = bot
		s.routes = append(s.routes, api.Route{Method: http.MethodPost, Path: "/discord/interactions", Handler: bot.InteractionsHandler()})
	}
	return s, nil
}

// run starts every bot and returns a func that waits for all of them to stop
// once ctx ends. A bot that fails is logged; the rest of the service goes on.
func (s *surfaces) run(ctx context.Context, log *slog.Logger) (wait func()) {
	var wg sync.WaitGroup
	for name, bot := range s.bots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			log.Info("bot starting", "surface", name)
			if err := bot.Run(ctx); err != nil {
				log.Error("bot stopped with an error", "surface", name, "err", err)
				return
			}
			log.Info("bot stopped", "surface", name)
		}()
	}
	return wg.Wait
}

// housekeeping runs the service's periodic chores until ctx ends: every hour
// it forgets expired sign-ins and old platform events. (Replies orphaned by a
// process that died mid-turn are the engine's: Engine.RunRecovery.)
func housekeeping(ctx context.Context, sessions interface {
	DeleteExpiredSessions(context.Context, time.Time) (int, error)
}, eng *engine.Engine, log *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for minute := 0; ; minute++ {
		if minute%60 == 0 {
			if n, err := sessions.DeleteExpiredSessions(ctx, time.Now()); err != nil {
				log.Warn("prune expired sign-ins", "err", err)
			} else if n > 0 {
				log.Debug("pruned expired sign-ins", "count", n)
			}
			if n, err := eng.PruneEvents(ctx); err != nil {
				log.Warn("prune platform events", "err", err)
			} else if n > 0 {
				log.Debug("pruned platform events", "count", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
