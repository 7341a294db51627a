package discord

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chatplay/chatplay/bots/discord/discordfake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// testShardLease is the shard lease of the tests: short, so that a killed
// replica's shards are taken over soon, and long enough that a replica
// slowed by the race detector still renews in time.
const testShardLease = 3 * time.Second

// replica is a Bot running its gateway in the tests.
type replica struct {
	bot    *Bot
	cancel context.CancelFunc
	done   chan error
}

// startReplica runs a Bot with a gateway of count shards over e's engine and
// fake; leases nil runs every shard without leases.
func (e *env) startReplica(t *testing.T, count int, leases ShardLeases) *replica {
	t.Helper()
	b, err := New(Config{Token: "test-token", ApplicationID: testAppID, APIURL: e.fake.URL(), GuildID: testGuildID,
		Gateway: true, ShardCount: count, Shards: leases, ShardLease: testShardLease}, e.eng, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	b.shards.identifyGap = 0
	ctx, cancel := context.WithCancel(context.Background())
	r := &replica{bot: b, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- b.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop ends the replica's Run and waits for it (once).
func (r *replica) stop(t *testing.T) {
	t.Helper()
	if r.done == nil {
		return
	}
	r.cancel()
	if err := <-r.done; err != nil {
		t.Errorf("Run: %v", err)
	}
	r.done = nil
}

// kill ends the replica as a killed process: its connections close, its
// leases are left to expire.
func (r *replica) kill(t *testing.T) {
	t.Helper()
	r.bot.shards.abandon.Store(true)
	r.stop(t)
}

// owned returns the shards the replica runs.
func (r *replica) owned() []int { return r.bot.Shards().Owned }

// leaseWatch is a replica's ShardLeases that remembers the latest expiry
// the replica's leases were renewed (or claimed) to: a killed replica's
// leases hold until then, whatever the clock said when it died.
type leaseWatch struct {
	ShardLeases
	mu      sync.Mutex
	expires time.Time
}

func (w *leaseWatch) renewed(expires time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if expires.After(w.expires) {
		w.expires = expires
	}
}

func (w *leaseWatch) RenewShards(ctx context.Context, owner string, expires time.Time) ([]int, error) {
	held, err := w.ShardLeases.RenewShards(ctx, owner, expires)
	if err == nil && len(held) > 0 {
		w.renewed(expires)
	}
	return held, err
}

func (w *leaseWatch) ClaimShard(ctx context.Context, owner string, shard int, now, expires time.Time) (bool, error) {
	ok, err := w.ShardLeases.ClaimShard(ctx, owner, shard, now, expires)
	if err == nil && ok {
		w.renewed(expires)
	}
	return ok, err
}

// lastExpiry returns the latest expiry recorded: a lower bound of when the
// replica's leases expire (a call that failed may have been stored).
func (w *leaseWatch) lastExpiry() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.expires
}

// eachShardOnce reports whether every one of count shards runs on exactly
// one open, identified gateway connection.
func eachShardOnce(fake *discordfake.Server, count int) bool {
	open := fake.OpenShards()
	if len(open) != count {
		return false
	}
	for id := range count {
		if open[id] != 1 {
			return false
		}
	}
	return true
}

// Two replicas on one database with two shards each run one; one that stops
// gives its shard up and the other takes it over at once; one that is killed
// has its shard taken over once its lease expires. No shard is identified
// twice at once.
func TestGatewayShardsLeasedAcrossReplicas(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		a := e.startReplica(t, 2, db)
		e.fake.WaitForGateway(t, "a alone runs both shards", func([]discordfake.GatewayConn) bool {
			return eachShardOnce(e.fake, 2) && slices.Equal(a.owned(), []int{0, 1})
		})
		for _, c := range e.fake.GatewayConns() {
			if c.Identified() && c.ShardCount != 2 {
				t.Errorf("connection %d identified with %d shards, want 2", c.ID, c.ShardCount)
			}
		}

		// b joins: each runs one shard, on a session of its own.
		b := e.startReplica(t, 2, db)
		balanced := func(x, y *replica) func([]discordfake.GatewayConn) bool {
			return func([]discordfake.GatewayConn) bool {
				ox, oy := x.owned(), y.owned()
				return eachShardOnce(e.fake, 2) && len(ox) == 1 && len(oy) == 1 && ox[0] != oy[0]
			}
		}
		e.fake.WaitForGateway(t, "a and b run one shard each", balanced(a, b))
		sessions := map[string]bool{}
		for _, c := range e.fake.GatewayConns() {
			if c.Open && c.Identified() {
				sessions[c.SessionID] = true
			}
		}
		if len(sessions) != 2 {
			t.Errorf("open sessions = %v, want two", slices.Collect(maps.Keys(sessions)))
		}

		// b stops: it gives its shard up (its lease is gone at once, long
		// before it would expire) and a takes it over.
		bShard, bOwner := b.owned()[0], b.bot.shards.owner
		b.stop(t)
		if held, err := db.RenewShards(ctx, bOwner, time.Now()); err != nil || len(held) != 0 {
			t.Errorf("b still holds %v (%v) after stopping", held, err)
		}
		e.fake.WaitForGateway(t, "a takes b's shard "+strconv.Itoa(bShard), func([]discordfake.GatewayConn) bool {
			return eachShardOnce(e.fake, 2) && slices.Equal(a.owned(), []int{0, 1})
		})

		// c joins, then is killed: its lease outlives it, and a takes its
		// shard over once the lease expired. The lease is checked against
		// the expiry c last renewed it to, not the clock after the kill,
		// which a loaded machine may read only once the lease has run out.
		cLeases := &leaseWatch{ShardLeases: db}
		c := e.startReplica(t, 2, cLeases)
		e.fake.WaitForGateway(t, "a and c run one shard each", balanced(a, c))
		cShard := c.owned()[0]
		c.kill(t)
		cExpires := cLeases.lastExpiry()
		lastLive := cExpires.Add(-time.Millisecond)
		if ok, err := db.ClaimShard(ctx, "probe", cShard, lastLive, lastLive); err != nil || ok {
			t.Errorf("the killed replica's shard was free before its lease expired (%v, %v): the kill gave it up", ok, err)
		}
		if slices.Contains(a.owned(), cShard) && time.Now().Before(cExpires) {
			t.Errorf("a took the killed replica's shard before its lease expired")
		}
		e.fake.WaitForGateway(t, "a takes the killed replica's shard", func([]discordfake.GatewayConn) bool {
			return eachShardOnce(e.fake, 2) && slices.Equal(a.owned(), []int{0, 1})
		})
		if d := e.fake.DoubleIdentifies(); len(d) != 0 {
			t.Errorf("shards identified twice at once: %v", d)
		}
		a.stop(t)
		if open := e.fake.OpenShards(); len(open) != 0 {
			t.Errorf("open shards after every replica stopped: %v", open)
		}
	})
}

// Without leases (a single process) the bot runs every shard itself, each on
// its own session; the gateway's heartbeats are acknowledged, and stopping
// closes every connection.
func TestGatewayShardsWithoutLeases(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		e.fake.SetHeartbeatInterval(50)
		r := e.startReplica(t, 3, nil)
		e.fake.WaitForGateway(t, "three shards, heartbeating", func(conns []discordfake.GatewayConn) bool {
			for _, c := range conns {
				if c.Open && c.Heartbeats < 2 {
					return false
				}
			}
			return eachShardOnce(e.fake, 3) && slices.Equal(r.owned(), []int{0, 1, 2})
		})
		if st := r.bot.Shards(); st.Count != 3 || st.Err != "" {
			t.Errorf("shard state = %+v", st)
		}
		r.stop(t)
		if open := e.fake.OpenShards(); len(open) != 0 {
			t.Errorf("open shards after stopping: %v", open)
		}
	})
}
