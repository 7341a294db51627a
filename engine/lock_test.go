package engine

import (
	"context"
	"testing"
	"time"
)

func TestMemoryLockerFIFOAndCleanup(t *testing.T) {
	l := NewMemoryLocker()
	ctx := context.Background()
	unlock, err := l.LockRoom(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Another room is independent.
	u2, err := l.LockRoom(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	u2()

	order := make(chan int, 3)
	for i := range 3 {
		go func() {
			u, err := l.LockRoom(ctx, 1)
			if err != nil {
				t.Error(err)
				return
			}
			order <- i
			u()
		}()
		waitForWaiters(t, l, 1, i+2)
	}
	unlock()
	for want := range 3 {
		if got := <-order; got != want {
			t.Fatalf("waiter %d got the lock, want %d", got, want)
		}
	}
	waitForWaiters(t, l, 1, 0)

	// A waiter whose context ends gives up and leaves no trace.
	unlock, _ = l.LockRoom(ctx, 1)
	cctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := l.LockRoom(cctx, 1); err == nil {
		t.Fatal("a locked room was locked twice")
	}
	unlock()
	waitForWaiters(t, l, 1, 0)
}

// waitForWaiters waits until room has n users (holders and waiters), for
// at most 10 s: a bound on failure only.
func waitForWaiters(t *testing.T, l *MemoryLocker, room int64, n int) {
	t.Helper()
	got := 0
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		l.mu.Lock()
		got = 0
		if rl := l.rooms[room]; rl != nil {
			got = rl.users
		}
		l.mu.Unlock()
		if got == n {
			return
		}
	}
	t.Fatalf("room %d has %d users, never %d", room, got, n)
}

func TestMemoryLimiterWindow(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	l := NewMemoryLimiter(3, time.Minute)
	l.Now = func() time.Time { return now }
	for i := range 3 {
		if ok, _, _ := l.AllowTurn(context.Background(), 7); !ok {
			t.Fatalf("turn %d refused", i+1)
		}
		now = now.Add(10 * time.Second)
	}
	ok, wait, _ := l.AllowTurn(context.Background(), 7)
	if ok || wait != 30*time.Second {
		t.Fatalf("4th turn: ok=%v wait=%v, want refused for 30s", ok, wait)
	}
	now = now.Add(30 * time.Second) // the first turn leaves the window
	if ok, _, _ := l.AllowTurn(context.Background(), 7); !ok {
		t.Fatal("turn refused after the window moved")
	}
	if ok, _, _ := l.AllowTurn(context.Background(), 8); !ok {
		t.Fatal("another user was limited")
	}
}

func TestBackoffGrowsWithJitterAndCap(t *testing.T) {
	e := &Engine{cfg: Config{Retry: RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}}}
	for n, max := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 5: time.Second, 40: time.Second} {
		for range 50 {
			if d := e.backoff(n); d < max/2 || d > max {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", n, d, max/2, max)
			}
		}
	}
}
