package discord

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// ShardLeases is where the replicas of the bot on one database agree on who
// runs which shard of the gateway: each shard is leased to one owner (a
// replica, by an id random per start) until the lease expires, and renewed
// by it. engine/sqlstore's DB implements it.
type ShardLeases interface {
	// JoinShards records that owner runs the gateway until expires and
	// returns how many owners are live at now, owner included.
	JoinShards(ctx context.Context, owner string, now, expires time.Time) (int, error)
	// RenewShards extends owner's leases to expires and returns the shards
	// it holds, in order.
	RenewShards(ctx context.Context, owner string, expires time.Time) ([]int, error)
	// ClaimShard gives shard to owner until expires when no one holds it at
	// now (or owner does), and reports whether owner holds it.
	ClaimShard(ctx context.Context, owner string, shard int, now, expires time.Time) (bool, error)
	// ReleaseShards gives up owner's leases of shards.
	ReleaseShards(ctx context.Context, owner string, shards []int) error
	// LeaveShards gives up every lease of owner and its place among owners.
	LeaveShards(ctx context.Context, owner string) error
}

// Shard leases: how long a lease lasts unless renewed (Config.ShardLease),
// and how long leaving may take at shutdown.
const (
	DefaultShardLease = 15 * time.Second
	leaveTimeout      = 5 * time.Second
)

// identifyInterval is the least time between two IDENTIFYs of this replica:
// Discord starts one session per 5 seconds for a bot of max_concurrency 1.
const identifyInterval = 5 * time.Second

// ShardState is the part of the gateway this replica runs, for readiness.
type ShardState struct {
	Count int    // the shards of the gateway; 0 when the bot runs no gateway
	Owned []int  // the shards this replica holds the lease of, in order
	Err   string // the last failure of a lease round or of an owned shard's connection; "" when well
}

// shards runs the gateway's shards this replica owns: every lease period's
// third it joins the owners, renews its leases, gives up shards above its
// fair share (the shard count over the live owners, rounded up) and claims
// free or expired ones up to it; each owned shard runs its own session
// (shardRunner). A replica that cannot renew stops its shards before its
// leases may expire. At shutdown it stops its shards, then gives up its
// leases, so another replica takes them over at its next round; a replica
// that dies without leaving has its shards taken once its leases expire.
type shards struct {
	b      *Bot
	leases ShardLeases
	owner  string
	count  int
	lease  time.Duration
	every  time.Duration // a third of lease: the round's period

	// identifyGap is identifyInterval (tests shorten it); abandon, set by
	// tests, makes shutdown leave the leases to expire, as a killed process
	// would.
	identifyGap time.Duration
	abandon     atomic.Bool

	runners map[int]*shardRunner // the shards running; only the round's goroutine uses it
	renewed time.Time            // the start of the last round that renewed

	gate         sync.Mutex // held while waiting for an IDENTIFY's turn
	lastIdentify time.Time

	mu    sync.Mutex
	owned []int
	errs  map[int]string // by shard; -1 for the lease round
}

// newShards returns the shard runner of b from its config.
func newShards(b *Bot) *shards {
	leases := b.cfg.Shards
	if leases == nil {
		leases = &soloLeases{held: map[int]bool{}}
	}
	return &shards{b: b, leases: leases, owner: newOwner(), count: b.cfg.ShardCount, lease: b.cfg.ShardLease,
		every: b.cfg.ShardLease / 3, identifyGap: identifyInterval, runners: map[int]*shardRunner{}, errs: map[int]string{}}
}

// newOwner returns an owner id for this start: the host, the process and
// random bytes, so that an operator reading the leases knows the replica.
func newOwner() string {
	host, _ := os.Hostname()
	var r [4]byte
	_, _ = rand.Read(r[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(r[:]))
}

// run plays rounds until ctx ends, then stops every shard and leaves.
func (m *shards) run(ctx context.Context) {
	t := time.NewTicker(m.every)
	defer t.Stop()
	for {
		m.round(ctx)
		select {
		case <-ctx.Done():
			m.stop(m.running())
			m.setOwned(nil)
			if m.abandon.Load() {
				return
			}
			lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), leaveTimeout)
			defer cancel()
			if err := m.leases.LeaveShards(lctx, m.owner); err != nil {
				m.b.log.Warn("discord: give up the shards' leases", errAttr(err))
			}
			return
		case <-t.C:
		}
	}
}

// round is one turn of the lease protocol.
func (m *shards) round(ctx context.Context) {
	now := time.Now()
	expires := now.Add(m.lease)
	live, err := m.leases.JoinShards(ctx, m.owner, now, expires)
	var held []int
	if err == nil {
		held, err = m.leases.RenewShards(ctx, m.owner, expires)
	}
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		m.setErr(-1, "shard leases: "+errAttr(err).Value.String())
		m.b.log.Warn("discord: renew the shards' leases", errAttr(err))
		if !m.renewed.IsZero() && now.Sub(m.renewed) >= m.lease-m.every {
			// The leases may be another's soon: stop before they expire.
			m.b.log.Warn("discord: stopping the shards whose leases cannot be renewed")
			m.stop(m.running())
			m.setOwned(nil)
		}
		return
	}
	m.renewed = now
	m.setErr(-1, "")
	var keep, drop []int
	for _, id := range held {
		if id < m.count {
			keep = append(keep, id)
		} else {
			drop = append(drop, id) // from a larger shard count of before
		}
	}
	fair := (m.count + max(live, 1) - 1) / max(live, 1)
	if len(keep) > fair {
		drop = append(drop, keep[fair:]...)
		keep = keep[:fair]
	}
	var lost []int // running here, but no longer ours to run
	for id := range m.runners {
		if !slices.Contains(keep, id) {
			lost = append(lost, id)
		}
	}
	m.stop(lost)
	if len(drop) > 0 {
		if err := m.leases.ReleaseShards(ctx, m.owner, drop); err != nil && ctx.Err() == nil {
			m.b.log.Warn("discord: give up shards", "shards", drop, errAttr(err))
		}
	}
	for id := 0; id < m.count && len(keep) < fair && ctx.Err() == nil; id++ {
		if slices.Contains(keep, id) {
			continue
		}
		ok, err := m.leases.ClaimShard(ctx, m.owner, id, now, expires)
		if err != nil {
			if ctx.Err() == nil {
				m.setErr(-1, "shard leases: "+errAttr(err).Value.String())
				m.b.log.Warn("discord: claim a shard", "shard", id, errAttr(err))
			}
			break
		}
		if ok {
			keep = append(keep, id)
		}
	}
	sort.Ints(keep)
	m.setOwned(keep)
	for _, id := range keep {
		if m.runners[id] == nil && ctx.Err() == nil {
			m.start(ctx, id)
		}
	}
}

// running returns the shards that have a runner.
func (m *shards) running() []int {
	var ids []int
	for id := range m.runners {
		ids = append(ids, id)
	}
	return ids
}

// start runs shard id in a goroutine of its own.
func (m *shards) start(ctx context.Context, id int) {
	rctx, cancel := context.WithCancel(ctx)
	r := &shardRunner{m: m, id: id, cancel: cancel, done: make(chan struct{})}
	m.runners[id] = r
	m.b.log.Info("discord: shard taken", "shard", id, "of", m.count, "owner", m.owner)
	go r.run(rctx)
}

// stop closes the sessions of shards ids, all at once, and waits until
// they are closed.
func (m *shards) stop(ids []int) {
	for _, id := range ids {
		if r := m.runners[id]; r != nil {
			r.abort()
		}
	}
	for _, id := range ids {
		if r := m.runners[id]; r != nil {
			<-r.done
			delete(m.runners, id)
			m.setErr(id, "")
			m.b.log.Info("discord: shard given up", "shard", id, "owner", m.owner)
		}
	}
}

// waitIdentify waits for the turn of an IDENTIFY: identifyGap after the
// last one of this replica.
func (m *shards) waitIdentify(ctx context.Context) error {
	m.gate.Lock()
	defer m.gate.Unlock()
	if err := pause(ctx, time.Until(m.lastIdentify.Add(m.identifyGap))); err != nil {
		return err
	}
	m.lastIdentify = time.Now()
	return nil
}

// setOwned records the shards this replica holds.
func (m *shards) setOwned(ids []int) {
	m.mu.Lock()
	m.owned = append([]int{}, ids...)
	m.mu.Unlock()
}

// setErr records the failure of shard id (-1: the lease round); "" clears it.
func (m *shards) setErr(id int, err string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err == "" {
		delete(m.errs, id)
		return
	}
	m.errs[id] = err
}

// state returns the shards' state.
func (m *shards) state() ShardState {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := ShardState{Count: m.count, Owned: append([]int{}, m.owned...)}
	ids := make([]int, 0, len(m.errs))
	for id := range m.errs {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	if len(ids) > 0 {
		st.Err = m.errs[ids[0]]
	}
	return st
}

// pause waits d or until ctx ends.
func pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// soloLeases are the leases of a bot with no shared store (Config.Shards
// nil): every shard is this process's.
type soloLeases struct {
	mu   sync.Mutex
	held map[int]bool
}

var _ ShardLeases = (*soloLeases)(nil)

func (l *soloLeases) JoinShards(context.Context, string, time.Time, time.Time) (int, error) {
	return 1, nil
}

func (l *soloLeases) RenewShards(context.Context, string, time.Time) ([]int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var ids []int
	for id := range l.held {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids, nil
}

func (l *soloLeases) ClaimShard(_ context.Context, _ string, shard int, _, _ time.Time) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.held[shard] = true
	return true, nil
}

func (l *soloLeases) ReleaseShards(_ context.Context, _ string, shards []int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range shards {
		delete(l.held, id)
	}
	return nil
}

func (l *soloLeases) LeaveShards(context.Context, string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.held)
	return nil
}
