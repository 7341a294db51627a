package engine

import (
	"context"
	"slices"
	"sync"
	"time"
)

// TurnLimiter limits how many chat turns a user may start per minute. The
// in-process MemoryLimiter serves one process; replicas need a shared one.
type TurnLimiter interface {
	// AllowTurn records a turn for userID and reports whether it is within the
	// limit; if not, retryAfter says when the next turn will be.
	AllowTurn(ctx context.Context, userID int64) (ok bool, retryAfter time.Duration, err error)
}

// MemoryLimiter is a sliding-window TurnLimiter: at most Max turns in any
// Window. It keeps the times of each user's last Max turns.
type MemoryLimiter struct {
	Max    int
	Window time.Duration
	Now    func() time.Time

	mu    sync.Mutex
	users map[int64][]time.Time // each user's recent turn times, oldest first
	sweep time.Time             // when idle users were last dropped
}

var _ TurnLimiter = (*MemoryLimiter)(nil)

// NewMemoryLimiter returns a limiter of max turns per window; max <= 0 means no limit.
func NewMemoryLimiter(max int, window time.Duration) *MemoryLimiter {
	return &MemoryLimiter{Max: max, Window: window, Now: time.Now, users: make(map[int64][]time.Time)}
}

// AllowTurn implements TurnLimiter.
func (l *MemoryLimiter) AllowTurn(_ context.Context, userID int64) (bool, time.Duration, error) {
	if l.Max <= 0 {
		return true, 0, nil
	}
	now := l.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > l.Window {
		l.dropIdle(now)
	}
	times := l.users[userID]
	if len(times) >= l.Max {
		oldest := times[len(times)-l.Max]
		if wait := oldest.Add(l.Window).Sub(now); wait > 0 {
			return false, wait, nil
		}
	}
	times = append(times, now)
	if len(times) > l.Max {
		times = append(times[:0], times[len(times)-l.Max:]...)
	}
	l.users[userID] = times
	return true, 0, nil
}

// MergeUser counts the recent turns of from, a bot-only user a link merged
// into the account to, as to's, and forgets from.
func (l *MemoryLimiter) MergeUser(from, to int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	moved, ok := l.users[from]
	if !ok {
		return
	}
	delete(l.users, from)
	times := append(l.users[to], moved...)
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	if len(times) > l.Max {
		times = times[len(times)-l.Max:]
	}
	l.users[to] = times
}

var _ userMerger = (*MemoryLimiter)(nil)

// dropIdle forgets users whose last turn left the window.
func (l *MemoryLimiter) dropIdle(now time.Time) {
	for id, times := range l.users {
		if now.Sub(times[len(times)-1]) >= l.Window {
			delete(l.users, id)
		}
	}
	l.sweep = now
}
