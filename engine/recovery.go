package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Recovery from a crash. Each engine has an owner id, random per process
// start, and a lease in the store under that id that it renews every
// Lease.Renew while it runs. A reply is stored with its owner; a pending reply
// whose owner's lease has lapsed was cut by a crash (kill -9, an OOM, a lost
// host): any process settles it as failed, keeping the text the user saw,
// which a streaming reply saves every PartialSaveInterval.

// RecoveryPolicy bounds how soon a reply cut by a crash is settled, and how
// much of its text can be lost.
type RecoveryPolicy struct {
	// LeaseTTL is how long a process's claim on the replies it streams
	// outlives its last renewal. It must exceed the clock skew between
	// replicas and the longest stall of the database the service rides out.
	LeaseTTL time.Duration
	// LeaseRenew is how often the lease is renewed and orphans are settled:
	// a crashed process's replies are failed at most LeaseTTL + LeaseRenew
	// after it died.
	LeaseRenew time.Duration
	// PartialSaveInterval is how often a streaming reply's text is saved: a
	// crash loses at most the text of the last interval. 0: never.
	PartialSaveInterval time.Duration
}

// DefaultRecoveryPolicy is the recovery policy used when config sets none:
// a reply cut by a crash is settled within 5 s of the crash.
func DefaultRecoveryPolicy() RecoveryPolicy {
	return RecoveryPolicy{LeaseTTL: 4 * time.Second, LeaseRenew: time.Second, PartialSaveInterval: 2 * time.Second}
}

// newOwnerID returns a random owner id for a process.
func newOwnerID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // never fails
	return hex.EncodeToString(b)
}

// Owner returns this engine's owner id, under which its lease and the
// replies it streams are stored.
func (e *Engine) Owner() string { return e.owner }

// RecoverPending renews this engine's lease, then marks as failed the
// replies whose owner's lease has lapsed (a process that died mid-reply),
// keeping their saved text, and the replies from before owners were recorded
// that are older than the longest possible turn. It returns how many it
// marked. It also settles as unavailable the feedback left pending longer
// than a coach can take (Coach.Timeout and coachSettleMargin). Call it once before serving, then let RunRecovery repeat it.
func (e *Engine) RecoverPending(ctx context.Context) (int, error) {
	now := e.now()
	if err := e.store.RenewLease(ctx, e.owner, now.Add(e.cfg.Recovery.LeaseTTL)); err != nil {
		return 0, Internal(fmt.Errorf("renew lease: %w", err))
	}
	n, err := e.store.FailOrphanedReplies(ctx, now, CodeUnavailable)
	if err != nil {
		return 0, Internal(err)
	}
	legacy, err := e.store.FailPendingMessages(ctx, now.Add(-e.cfg.Retry.Deadline-time.Minute), CodeUnavailable)
	if err != nil {
		return n, Internal(err)
	}
	// A coach always settles its feedback within Coach.Timeout and its last
	// writes: feedback pending for longer was left by a crash.
	fb, err := e.store.FailPendingFeedback(ctx, now.Add(-e.cfg.Coach.Timeout-coachSettleMargin))
	if err != nil {
		return n + legacy, Internal(err)
	}
	if n+legacy+fb > 0 {
		e.events.storedAll()
	}
	if fb > 0 {
		e.log.Warn("engine: settled feedback left pending by a stopped process as unavailable", "count", fb)
	}
	return n + legacy, nil
}

// RunRecovery calls RecoverPending every Recovery.LeaseRenew until ctx ends
// or the engine has closed, logging what it settles. Run it beside serving,
// with a context that outlives the start of shutdown: the lease must stay
// live while Close lets the last replies finish.
func (e *Engine) RunRecovery(ctx context.Context) {
	t := time.NewTicker(e.cfg.Recovery.LeaseRenew)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-e.life.Done():
			return
		case <-t.C:
		}
		if n, err := e.RecoverPending(ctx); err != nil {
			e.log.Warn("engine: recover replies of stopped processes", "err", err)
		} else if n > 0 {
			e.log.Warn("engine: marked replies left pending by a stopped process as failed", "count", n)
		}
	}
}

// releaseLease removes this engine's lease once it has closed.
func (e *Engine) releaseLease(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), leaseReleaseTimeout)
	defer cancel()
	if err := e.store.DeleteLease(ctx, e.owner); err != nil {
		e.log.Warn("engine: release lease", "err", err) // it lapses on its own
	}
}

// leaseReleaseTimeout bounds the release of the lease at Close.
const leaseReleaseTimeout = 2 * time.Second

// partialSaver saves a streaming reply's text every PartialSaveInterval of
// the engine's clock, from the goroutine that streams it.
type partialSaver struct {
	e     *Engine
	ctx   context.Context
	reply *Message
	last  time.Time
}

// newPartialSaver returns the saver of reply, streaming from now.
func (e *Engine) newPartialSaver(ctx context.Context, reply *Message) *partialSaver {
	return &partialSaver{e: e, ctx: ctx, reply: reply, last: e.now()}
}

// streamed saves content if the interval has passed since the last save. A
// failed save is logged and the reply goes on: the final save writes it all.
func (s *partialSaver) streamed(content string) {
	every := s.e.cfg.Recovery.PartialSaveInterval
	if every <= 0 || s.reply.ID == 0 {
		return
	}
	now := s.e.now()
	if now.Sub(s.last) < every {
		return
	}
	s.last = now
	if err := s.e.store.SaveReplyContent(s.ctx, s.reply.ID, content); err != nil && s.ctx.Err() == nil {
		s.e.log.Warn("engine: save partial reply", "reply", s.reply.ID, "err", err)
	}
}

// The final save of a reply is retried, so that a dropped database
// connection does not lose a reply that finished streaming.
const (
	finishReplyAttempts = 5                      // attempts in all, the first included
	finishReplyBackoff  = 100 * time.Millisecond // the first wait, doubled each time
)

// finishReply stores a turn's outcome (Store.FinishReply), retrying a failed
// save within finishReplyAttempts. A reply whose room or account was deleted
// meanwhile is not found: the turn ends without an internal error.
//
// A write that finds the turn's user gone is tried once more, at once: a
// link merging that bot-only user into an account may have committed while
// the write waited for the user's row, and the retry records the call for
// the room's new owner (see Store.FinishReply).
func (e *Engine) finishReply(ctx context.Context, reply *Message, call *LLMCall) error {
	wait := finishReplyBackoff
	ownerRetried := false
	for attempt := 1; ; attempt++ {
		err := e.store.FinishReply(ctx, reply, call)
		notFound := ErrorCode(err) == CodeNotFound || errors.Is(err, ErrNotFound)
		switch {
		case err == nil:
			return nil
		case notFound && !ownerRetried:
			ownerRetried = true
			continue
		case notFound:
			e.log.Info("engine: reply ended: its room or account was deleted", "room", reply.RoomID)
			return &Error{Code: CodeNotFound, Message: "This conversation no longer exists.", Err: err}
		case attempt >= finishReplyAttempts:
			e.log.Error("engine: store reply", "room", reply.RoomID, "attempts", attempt, "err", err)
			return Internal(fmt.Errorf("store reply: %w", err))
		}
		e.log.Warn("engine: store reply, retrying", "room", reply.RoomID, "attempt", attempt, "err", err)
		if serr := e.sleep(ctx, wait); serr != nil && ctx.Err() != nil {
			e.log.Error("engine: store reply", "room", reply.RoomID, "attempts", attempt, "err", err)
			return Internal(fmt.Errorf("store reply: %w", err))
		}
		wait *= 2
	}
}
