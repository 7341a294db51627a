package api

import (
	"container/list"
	"crypto/sha256"
	"sync"
	"time"
)

// limiterKey is what a limiter keeps of a key: a hash of its parts, so that
// every key costs the same few bytes however long the email it names.
type limiterKey [16]byte

// keyOf returns the limiter key of parts (e.g. a kind, a normalized email and
// a client address).
func keyOf(parts ...string) limiterKey {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0}) // parts never contain NUL: normalized emails and IPs
	}
	var k limiterKey
	copy(k[:], h.Sum(nil))
	return k
}

// attemptLimiter is a sliding-window counter per key (an (account, client)
// pair, a client address): at most max attempts in any window. It lives in
// the process; replicas each keep their own, which bounds an attacker to
// max × replicas.
//
// It keeps at most maxKeys keys. When a new key comes and the table is full,
// the key attempted least recently is forgotten. Forgetting a key resets its
// counter, so eviction must never be a cheap way to get fresh attempts: to
// push one key out, a caller has to bring maxKeys newer keys, and (since the
// per-IP limit is checked first and account keys are per (account, client))
// each new account key costs a request that passed its IP's limit and reached
// a password check. Whoever can do that already has far more attempts at an
// account by using those addresses directly than eviction would give back.
// A refused attempt counts as a use, so a key that is being hammered is
// never the one evicted.
type attemptLimiter struct {
	max     int
	window  time.Duration
	maxKeys int

	mu   sync.Mutex
	keys map[limiterKey]*list.Element // of *attempts
	lru  *list.List                   // of *attempts: front used most recently
}

// attempts are one key's recent attempts.
type attempts struct {
	key   limiterKey
	used  int64   // when the key was last attempted, refused or not (Unix ns)
	times []int64 // recorded attempts within the window, oldest first (Unix ns)
}

// newAttemptLimiter returns a limiter of max attempts per window that keeps
// at most maxKeys keys; max 0: none.
func newAttemptLimiter(max int, window time.Duration, maxKeys int) *attemptLimiter {
	return &attemptLimiter{max: max, window: window, maxKeys: max1(maxKeys),
		keys: make(map[limiterKey]*list.Element), lru: list.New()}
}

// max1 returns n, at least 1.
func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// take records an attempt of key at now if key is under the limit, and
// returns 0 and whether this attempt was the last one allowed; otherwise it
// records nothing and returns how long key must wait. Checking and recording
// are one step, so concurrent attempts cannot slip past the limit together.
func (l *attemptLimiter) take(key limiterKey, now time.Time) (wait time.Duration, last bool) {
	if l.max <= 0 {
		return 0, false
	}
	at := now.UnixNano()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.dropIdle(at)
	a := l.touch(key, at)
	a.times = l.recent(a.times, at)
	if len(a.times) >= l.max {
		return time.Duration(a.times[len(a.times)-l.max] + int64(l.window) - at), false
	}
	a.times = append(a.times, at)
	return 0, len(a.times) == l.max
}

// undo takes back the attempt of key recorded at now by take, for a request
// that ended before it could use it (no hashing slot was free).
func (l *attemptLimiter) undo(key limiterKey, now time.Time) {
	at := now.UnixNano()
	l.mu.Lock()
	defer l.mu.Unlock()
	el, ok := l.keys[key]
	if !ok {
		return
	}
	a := el.Value.(*attempts)
	for i := len(a.times) - 1; i >= 0; i-- {
		if a.times[i] == at {
			a.times = append(a.times[:i], a.times[i+1:]...)
			return
		}
	}
}

// reset forgets key's attempts (a successful login clears its failures).
func (l *attemptLimiter) reset(key limiterKey) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.keys[key]; ok {
		l.lru.Remove(el)
		delete(l.keys, key)
	}
}

// size returns how many keys the limiter keeps.
func (l *attemptLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// touch returns key's entry, marked used at at, creating it (and evicting
// the least recently used key when the table is full).
func (l *attemptLimiter) touch(key limiterKey, at int64) *attempts {
	if el, ok := l.keys[key]; ok {
		l.lru.MoveToFront(el)
		a := el.Value.(*attempts)
		a.used = at
		return a
	}
	for len(l.keys) >= l.maxKeys {
		oldest := l.lru.Back()
		l.lru.Remove(oldest)
		delete(l.keys, oldest.Value.(*attempts).key)
	}
	a := &attempts{key: key, used: at, times: make([]int64, 0, min(l.max, 8))}
	l.keys[key] = l.lru.PushFront(a)
	return a
}

// dropIdle forgets the keys not attempted for a whole window: they are the
// back of the list, so this costs only what it drops.
func (l *attemptLimiter) dropIdle(at int64) {
	for el := l.lru.Back(); el != nil; el = l.lru.Back() {
		a := el.Value.(*attempts)
		if at-a.used < int64(l.window) {
			return
		}
		l.lru.Remove(el)
		delete(l.keys, a.key)
	}
}

// recent drops the attempts older than the window.
func (l *attemptLimiter) recent(times []int64, at int64) []int64 {
	i := 0
	for i < len(times) && at-times[i] >= int64(l.window) {
		i++
	}
	return append(times[:0], times[i:]...)
}
