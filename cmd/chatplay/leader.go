package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/chatplay/chatplay/bots/connect"
	"github.com/chatplay/chatplay/bots/telegram"
	"github.com/chatplay/chatplay/engine/sqlstore"
)

// statusStandby is the state of a bot this replica is ready to run while
// another replica leads it (/readyz shows it; it is not a fault).
const statusStandby connect.Status = "standby"

// leadership elects the one replica that does a task only one may do at a
// time (sqlstore.Election on PostgreSQL).
type leadership interface {
	// Lead waits until this replica leads or ctx ends; the returned context
	// ends when the lead is lost, and resign gives the lead up.
	Lead(ctx context.Context) (lead context.Context, resign func(), err error)
}

var _ leadership = (*sqlstore.Election)(nil)

// ledRunner runs a bot only while this replica leads: a new bot (newBot) for
// each lead, its Run cancelled when the lead is lost, then standby until the
// lead comes back. Telegram's long polling runs this way on PostgreSQL,
// since Telegram serves one poller per bot.
type ledRunner struct {
	elect  leadership
	newBot func() (runner, error)
	log    *slog.Logger

	mu    sync.Mutex
	bot   runner    // the bot running while this replica leads; nil on standby
	since time.Time // when standby began
}

var _ runner = (*ledRunner)(nil)

// newLedRunner returns a ledRunner, on standby until it leads.
func newLedRunner(elect leadership, newBot func() (runner, error), log *slog.Logger) *ledRunner {
	return &ledRunner{elect: elect, newBot: newBot, log: log, since: time.Now()}
}

// Run campaigns for the lead and runs a bot while it is held, until ctx
// ends. It returns the error of a bot that stops on its own (a refused
// token), after giving up the lead.
func (r *ledRunner) Run(ctx context.Context) error {
	for {
		lead, resign, err := r.elect.Lead(ctx)
		if err != nil {
			return nil // ctx ended: Lead returns nothing else
		}
		bot, err := r.newBot()
		if err != nil {
			resign()
			return err
		}
		r.log.Info("leading: this replica runs the bot")
		r.set(bot)
		err = bot.Run(lead)
		r.set(nil)
		resign()
		switch {
		case err != nil:
			return err
		case ctx.Err() != nil:
			return nil
		}
		r.log.Warn("lead lost (its database connection failed): standing by")
	}
}

// State is the running bot's, or standby.
func (r *ledRunner) State() connect.State {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bot == nil {
		return connect.State{Status: statusStandby, Since: r.since}
	}
	return r.bot.State()
}

func (r *ledRunner) set(bot runner) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bot = bot
	if bot == nil {
		r.since = time.Now()
	}
}

// pollingElection returns the election of the replica that long-polls
// Telegram for the bot of token, and a func closing it; nil when there is
// nothing to elect: no Telegram here, webhook mode (any replica takes the
// webhook's requests) or SQLite (one process).
func pollingElection(ctx context.Context, cfg Config, db *sqlstore.DB) (*sqlstore.Election, func(), error) {
	if !cfg.Server.serves(surfaceTelegram) || cfg.Telegram.Token == "" || cfg.Telegram.Mode != telegram.ModePolling || !cfg.Database.postgres() {
		return nil, func() {}, nil
	}
	botID, _, _ := strings.Cut(cfg.Telegram.Token, ":") // the token's public part: several bots may share the database
	e, err := db.NewElection(ctx, "telegram-polling:"+botID)
	if err != nil {
		return nil, nil, fmt.Errorf("telegram polling election: %w", err)
	}
	return e, func() { _ = e.Close() }, nil
}
