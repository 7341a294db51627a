package api

import (
	"sync"
	"time"
)

// attemptLimiter is a sliding-window counter per key (an account, an IP): at
// most max attempts in any window. It lives in the process; replicas each
// keep their own, which bounds an attacker to max × replicas.
type attemptLimiter struct {
	max    int
	window time.Duration

	mu    sync.Mutex
	keys  map[string][]time.Time // each key's recent attempts, oldest first
	sweep time.Time
}

// newAttemptLimiter returns a limiter of max attempts per window; max 0: none.
func newAttemptLimiter(max int, window time.Duration) *attemptLimiter {
	return &attemptLimiter{max: max, window: window, keys: make(map[string][]time.Time)}
}

// take records an attempt of key at now if key is under the limit, and
// returns 0; otherwise it records nothing and returns how long key must wait.
// Checking and recording are one step, so concurrent attempts cannot slip
// past the limit together.
func (l *attemptLimiter) take(key string, now time.Time) time.Duration {
	if l.max <= 0 {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > l.window {
		for k := range l.keys {
			l.recent(k, now)
		}
		l.sweep = now
	}
	times := l.recent(key, now)
	if len(times) >= l.max {
		return times[len(times)-l.max].Add(l.window).Sub(now)
	}
	l.keys[key] = append(times, now)
	return 0
}

// reset forgets key's attempts (a successful login clears its failures).
func (l *attemptLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.keys, key)
}

// recent drops key's attempts older than the window and returns the rest.
func (l *attemptLimiter) recent(key string, now time.Time) []time.Time {
	times := l.keys[key]
	i := 0
	for i < len(times) && now.Sub(times[i]) >= l.window {
		i++
	}
	if i == len(times) {
		delete(l.keys, key)
		return nil
	}
	times = times[i:]
	l.keys[key] = times
	return times
}
