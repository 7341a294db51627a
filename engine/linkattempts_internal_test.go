package engine

import (
	"fmt"
	"testing"
	"time"
)

// TestAttemptCounterEdges: max attempts per window and key, then a wait
// until the window ends; at most maxKeys keys, an expired one evicted first.
func TestAttemptCounterEdges(t *testing.T) {
	c := newAttemptCounter(2, time.Minute, 3)
	t0 := time.Unix(1000, 0)
	for i := range 2 {
		if wait := c.take("a", t0); wait != 0 {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if wait := c.take("a", t0.Add(time.Second)); wait != 59*time.Second {
		t.Fatalf("third attempt: wait %v, want 59s", wait)
	}
	if wait := c.take("a", t0.Add(time.Minute)); wait != 0 {
		t.Fatal("refused once the window is over")
	}
	for i := range 5 {
		c.take(fmt.Sprint(i), t0.Add(time.Minute))
		if len(c.keys) > 3 {
			t.Fatalf("%d keys kept, want at most 3", len(c.keys))
		}
	}
	// Eviction never drops the key just attempted.
	if _, ok := c.keys["4"]; !ok {
		t.Fatal("the newest key was evicted")
	}
}
