package engine

import (
	"context"
	"sync"
)

// coachRun is the coach at work on one learner line: its feedback, pending
// until done is closed.
type coachRun struct {
	done chan struct{} // closed when the coach has settled the feedback
	mu   sync.Mutex
	fb   Feedback
}

// current returns a copy of the feedback as it stands.
func (c *coachRun) current() *Feedback {
	c.mu.Lock()
	defer c.mu.Unlock()
	fb := c.fb
	fb.Items = append([]FeedbackItem(nil), c.fb.Items...)
	return &fb
}

// wait blocks until the coach is done or ctx ends, and returns the feedback.
func (c *coachRun) wait(ctx context.Context) *Feedback {
	select {
	case <-c.done:
	case <-ctx.Done():
	}
	return c.current()
}
