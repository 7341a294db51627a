package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
)

// MergeUser makes the merged user's recent turns the account's: the newest
// Max of both count, the oldest of them decides the wait, and the merged
// user starts afresh.
func TestMemoryLimiterMergeUser(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	now := t0
	l := engine.NewMemoryLimiter(3, time.Minute)
	l.Now = func() time.Time { return now }
	const account, bot = 1, 2
	turn := func(user int64, at time.Duration) {
		t.Helper()
		now = t0.Add(at)
		if ok, _, _ := l.AllowTurn(ctx, user); !ok {
			t.Fatalf("turn of %d at %v refused", user, at)
		}
	}
	turn(account, 0)
	turn(bot, 10*time.Second)
	turn(account, 20*time.Second)
	turn(bot, 30*time.Second)

	l.MergeUser(bot, account)
	l.MergeUser(99, account) // nobody: nothing changes
	now = t0.Add(40 * time.Second)
	ok, wait, _ := l.AllowTurn(ctx, account)
	if ok || wait != 30*time.Second { // the oldest kept is the bot's at 10 s
		t.Fatalf("account after the merge: ok %v, wait %v; want refused for 30s", ok, wait)
	}
	if ok, _, _ := l.AllowTurn(ctx, bot); !ok {
		t.Fatal("the merged user's turns were kept under its own id too")
	}
}
