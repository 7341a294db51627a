package engine

import (
	"sync"
	"time"
)

// attemptCounter is a fixed-window counter of attempts per key (a link-code
// redeemer), at most max per window, kept in the process for at most maxKeys
// keys. When it is full of keys still in their window, the oldest window is
// forgotten: to evict one redeemer's count, an attacker must bring maxKeys
// other redeemers (platform accounts or web accounts), each of which has
// its own max tries anyway.
type attemptCounter struct {
	max     int
	window  time.Duration
	maxKeys int

	mu   sync.Mutex
	keys map[string]*attemptWindow
}

// attemptWindow is one key's current window.
type attemptWindow struct {
	start time.Time
	n     int
}

// newAttemptCounter returns a counter of max attempts per window per key.
func newAttemptCounter(max int, window time.Duration, maxKeys int) *attemptCounter {
	return &attemptCounter{max: max, window: window, maxKeys: maxKeys, keys: make(map[string]*attemptWindow)}
}

// take records an attempt of key at now and returns 0, or records nothing
// and returns how long key must wait.
func (c *attemptCounter) take(key string, now time.Time) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	w, ok := c.keys[key]
	if ok && now.Sub(w.start) >= c.window {
		w.start, w.n = now, 0
	}
	if !ok {
		if len(c.keys) >= c.maxKeys {
			c.evict(now)
		}
		w = &attemptWindow{start: now}
		c.keys[key] = w
	}
	if w.n >= c.max {
		return w.start.Add(c.window).Sub(now)
	}
	w.n++
	return 0
}

// evict forgets the keys whose window is over and, if none was, the key
// whose window started first.
func (c *attemptCounter) evict(now time.Time) {
	var oldest string
	for k, w := range c.keys {
		if now.Sub(w.start) >= c.window {
			delete(c.keys, k)
		} else if oldest == "" || w.start.Before(c.keys[oldest].start) {
			oldest = k
		}
	}
	if len(c.keys) >= c.maxKeys {
		delete(c.keys, oldest)
	}
}
