package openai

import "time"

// Timer is the silence timer a test clock hands out.
type Timer = timer

// NewWithClock returns New(cfg) whose silence timer runs on afterFunc, a
// test's clock, instead of time.AfterFunc.
func NewWithClock(cfg Config, afterFunc func(d time.Duration, f func()) Timer) *Client {
	c := New(cfg)
	c.afterFunc = afterFunc
	return c
}
