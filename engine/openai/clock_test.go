package openai_test

import (
	"sync"
	"time"

	"github.com/chatplay/chatplay/engine/openai"
)

// fakeClock runs silence timers on time that moves only when a test says.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Duration
	timers []*fakeTimer
}

// fakeTimer is one timer of a fakeClock.
type fakeTimer struct {
	clock  *fakeClock
	at     time.Duration
	f      func()
	active bool
}

// AfterFunc starts a timer that calls f once the clock has moved on by d.
func (c *fakeClock) AfterFunc(d time.Duration, f func()) openai.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{clock: c, at: c.now + d, f: f, active: true}
	c.timers = append(c.timers, t)
	return t
}

// Advance moves the clock on by d and runs the timers that came due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now += d
	var due []func()
	for _, t := range c.timers {
		if t.active && t.at <= c.now {
			t.active = false
			due = append(due, t.f)
		}
	}
	c.mu.Unlock()
	for _, f := range due {
		f()
	}
}

func (t *fakeTimer) Reset(d time.Duration) bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	was := t.active
	t.at, t.active = t.clock.now+d, true
	return was
}

func (t *fakeTimer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	was := t.active
	t.active = false
	return was
}
