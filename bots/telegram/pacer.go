package telegram

import (
	"sync"
	"time"
)

// pacer spaces the messages and edits the bot sends in each chat while
// replies stream: Telegram allows about one a second per chat and answers
// 429 with retry_after beyond that. All the streams of one chat (several
// users in a group) share its pace.
type pacer struct {
	interval time.Duration
	now      func() time.Time

	mu   sync.Mutex
	next map[int64]time.Time // chat → when its next call may go
}

func newPacer(interval time.Duration, now func() time.Time) *pacer {
	return &pacer{interval: interval, now: now, next: make(map[int64]time.Time)}
}

// reserve books chat's next slot and returns how long to wait for it; 0
// when the chat may be written to now.
func (p *pacer) reserve(chat int64) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	at := now
	if next := p.next[chat]; next.After(now) {
		at = next
	}
	p.next[chat] = at.Add(p.interval)
	if len(p.next) > 4096 {
		for c, t := range p.next {
			if t.Before(now) {
				delete(p.next, c)
			}
		}
	}
	return at.Sub(now)
}

// hold keeps chat's next slot at least d away (Telegram's retry_after).
func (p *pacer) hold(chat int64, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if until := p.now().Add(d); until.After(p.next[chat]) {
		p.next[chat] = until
	}
}
