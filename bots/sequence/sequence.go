// Package sequence runs a chat bot's work in the order it arrived, one job
// at a time per key (a user in a chat or channel), while different keys go on
// in parallel. Each key's queue is bounded, and a key with nothing left to do
// is forgotten, so memory follows the work in flight, not the users seen.
//
// Both bots use it: Telegram keys updates by (chat, user), Discord keys
// gateway messages by (channel, user). It is not a surface: it knows no
// platform and no engine.
package sequence

import "sync"

// Queues runs jobs one at a time per key, in the order Push took them. Make
// one with New; it is safe for concurrent use.
type Queues[K comparable] struct {
	max int

	mu     sync.Mutex
	queues map[K][]func() // jobs not yet finished per key; the first one is running
}

// New returns Queues that hold at most max unfinished jobs per key (the one
// running included); max <= 0 means no bound.
func New[K comparable](max int) *Queues[K] {
	return &Queues[K]{max: max, queues: make(map[K][]func())}
}

// Push queues job behind key's earlier jobs and reports whether it did: it
// does not when key already has max unfinished jobs. When key had none, a
// goroutine starts to run its jobs and ends with the last one. A job must not
// panic (the bots recover in their handlers): the process would stop.
func (q *Queues[K]) Push(key K, job func()) bool {
	q.mu.Lock()
	jobs, running := q.queues[key]
	if q.max > 0 && len(jobs) >= q.max {
		q.mu.Unlock()
		return false
	}
	q.queues[key] = append(jobs, job)
	q.mu.Unlock()
	if !running {
		go q.run(key, job)
	}
	return true
}

// run runs key's jobs, starting with first, until its queue is empty; then
// the key is forgotten.
func (q *Queues[K]) run(key K, job func()) {
	for {
		job()
		q.mu.Lock()
		jobs := q.queues[key]
		jobs[0] = nil // the job done: let it go
		jobs = jobs[1:]
		if len(jobs) == 0 {
			delete(q.queues, key)
			q.mu.Unlock()
			return
		}
		q.queues[key] = jobs
		job = jobs[0]
		q.mu.Unlock()
	}
}

// Keys returns how many keys have jobs unfinished: the queues held in memory.
func (q *Queues[K]) Keys() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.queues)
}
