package sqlstore_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// TestDiscordShardLeases walks the leases of the Discord gateway's shards:
// a shard is held by one owner at a time, renewed by it, free once released
// or expired; owners are counted while live.
func TestDiscordShardLeases(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		now := time.Now()
		lease := 10 * time.Second
		claim := func(owner string, shard int, at time.Time) bool {
			t.Helper()
			ok, err := db.ClaimShard(ctx, owner, shard, at, at.Add(lease))
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		renew := func(owner string, at time.Time) []int {
			t.Helper()
			ids, err := db.RenewShards(ctx, owner, at.Add(lease))
			if err != nil {
				t.Fatal(err)
			}
			return ids
		}
		join := func(owner string, at time.Time) int {
			t.Helper()
			n, err := db.JoinShards(ctx, owner, at, at.Add(lease))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		if n := join("a", now); n != 1 {
			t.Errorf("owners = %d, want 1", n)
		}
		if n := join("b", now); n != 2 {
			t.Errorf("owners = %d, want 2", n)
		}
		if !claim("a", 0, now) || !claim("a", 1, now) || !claim("a", 1, now) {
			t.Fatal("a could not claim free shards (or its own again)")
		}
		if claim("b", 0, now) || claim("b", 1, now.Add(lease-time.Millisecond)) {
			t.Error("b took a shard a holds")
		}
		if got := renew("a", now); !slices.Equal(got, []int{0, 1}) {
			t.Errorf("a renewed %v, want [0 1]", got)
		}
		if got := renew("b", now); len(got) != 0 {
			t.Errorf("b renewed %v, want none", got)
		}
		// Released: free at once; another owner's release leaves a shard alone.
		if err := db.ReleaseShards(ctx, "b", []int{0, 1}); err != nil {
			t.Fatal(err)
		}
		if err := db.ReleaseShards(ctx, "a", []int{1}); err != nil {
			t.Fatal(err)
		}
		if !claim("b", 1, now) || claim("b", 0, now) {
			t.Error("after a released shard 1: b should hold 1, and not 0")
		}
		// Expired: a's lease of 0 (renewed to now+lease) is taken past that
		// time, and a's renewal then no longer gives it 0.
		later := now.Add(lease)
		if !claim("b", 0, later) {
			t.Error("b could not take a's expired shard")
		}
		if got := renew("a", later); len(got) != 0 {
			t.Errorf("a renewed %v after losing its shards", got)
		}
		if got := renew("b", later); !slices.Equal(got, []int{0, 1}) {
			t.Errorf("b renewed %v, want [0 1]", got)
		}
		// a, not renewed, is no longer counted once expired.
		if n := join("b", later.Add(time.Millisecond)); n != 1 {
			t.Errorf("owners = %d after a expired, want 1", n)
		}
		// Leaving frees every shard of b and b's place.
		if err := db.LeaveShards(ctx, "b"); err != nil {
			t.Fatal(err)
		}
		if !claim("c", 0, later) || !claim("c", 1, later) {
			t.Error("b's shards were not freed when it left")
		}
		if n := join("c", later); n != 1 {
			t.Errorf("owners = %d, want c alone", n)
		}
	})
}

// Several owners claiming one free shard at once: exactly one gets it.
func TestDiscordShardClaimIsExclusive(t *testing.T) {
	t.Parallel()
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		now := time.Now()
		owners := []string{"a", "b", "c", "d", "e", "f"}
		var mu sync.Mutex
		var winners []string
		var wg sync.WaitGroup
		start := make(chan struct{})
		for _, o := range owners {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				ok, err := db.ClaimShard(context.Background(), o, 3, now, now.Add(time.Minute))
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					winners = append(winners, o)
					mu.Unlock()
				}
			}()
		}
		close(start)
		wg.Wait()
		if len(winners) != 1 {
			t.Errorf("winners = %v, want exactly one", winners)
		}
	})
}
