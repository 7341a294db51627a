package discord

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/chatplay/chatplay/bots/connect"
)

// handshakeTimeout bounds the websocket handshake of a shard's connection.
const handshakeTimeout = 45 * time.Second

// shardRunner keeps one shard's gateway session open while this replica
// owns the shard: a new session (a fresh IDENTIFY) at each connection, with
// capped backoff after failures. discordgo's own reconnecting is off, so no
// session outlives the lease: abort ends the runner, and run's return means
// the session is closed.
type shardRunner struct {
	m      *shards
	id     int
	cancel context.CancelFunc
	done   chan struct{} // closed when run returns

	mu      sync.Mutex
	opening bool     // Open is under way
	conn    net.Conn // the connection Open dialed; closed by abort to end a stuck Open
}

// run connects the shard until ctx ends.
func (r *shardRunner) run(ctx context.Context) {
	defer close(r.done)
	for failures := 0; ; {
		if r.m.waitIdentify(ctx) != nil {
			return
		}
		down := make(chan struct{})
		var once sync.Once
		s, err := r.m.b.shardSession(r.id, r.m.count, r.dial(ctx), func() { once.Do(func() { close(down) }) })
		if err == nil {
			err = r.open(s)
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			failures++
			wait := connect.Wait(failures)
			r.m.setErr(r.id, "shard "+strconv.Itoa(r.id)+": "+errAttr(err).Value.String())
			r.m.b.log.Warn("discord: cannot connect a shard; trying again", "shard", r.id, "failures", failures, "retry_in", wait, errAttr(err))
			if pause(ctx, wait) != nil {
				return
			}
			continue
		}
		failures = 0
		r.m.setErr(r.id, "")
		r.m.b.log.Info("discord: shard connected", "shard", r.id, "of", r.m.count)
		select {
		case <-ctx.Done():
			if err := s.Close(); err != nil {
				r.m.b.log.Warn("discord: close a shard", "shard", r.id, errAttr(err))
			}
			return
		case <-down: // the session closed itself (a read error, missed heartbeats)
			r.m.b.log.Warn("discord: shard disconnected; connecting again", "shard", r.id)
			_ = s.Close()
		}
	}
}

// open opens s, noting that it is under way so that abort can end it.
func (r *shardRunner) open(s *discordgo.Session) error {
	r.mu.Lock()
	r.opening = true
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.opening, r.conn = false, nil
		r.mu.Unlock()
	}()
	return s.Open()
}

// dial returns the dial func of a session's websocket: it ends with ctx and
// keeps the connection, for abort.
func (r *shardRunner) dial(ctx context.Context) func(context.Context, string, string) (net.Conn, error) {
	return func(_ context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		r.mu.Lock()
		r.conn = c
		r.mu.Unlock()
		if ctx.Err() != nil { // aborted while dialing: abort may have missed c
			_ = c.Close()
			return nil, ctx.Err()
		}
		return c, nil
	}
}

// abort ends the runner: its context, and an Open under way (discordgo's
// Open holds the session's lock while it waits for HELLO and READY, which
// a plain Close would wait behind).
func (r *shardRunner) abort() {
	r.cancel()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.opening && r.conn != nil {
		_ = r.conn.Close()
	}
}

// shardSession returns a gateway session of shard id of count, sending its
// REST calls as the bot's own session does and sharing its state; dial
// opens its websocket and down is called when it closes.
func (b *Bot) shardSession(id, count int, dial func(context.Context, string, string) (net.Conn, error), down func()) (*discordgo.Session, error) {
	s, err := discordgo.New(b.session.Token)
	if err != nil {
		return nil, err
	}
	s.Client = b.session.Client
	s.ShouldRetryOnRateLimit = false
	s.ShouldReconnectOnError = false // the runner reconnects, while the lease is held
	s.LogLevel = b.session.LogLevel
	s.State = b.session.State
	s.Identify.Intents = b.session.Identify.Intents
	s.ShardID, s.ShardCount = id, count
	s.Dialer = &websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: handshakeTimeout, NetDialContext: dial}
	b.addHandlers(s)
	s.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) { down() })
	return s, nil
}
