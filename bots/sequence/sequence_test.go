package sequence

import (
	"runtime"
	"sync"
	"testing"
)

// Jobs of one key run one at a time in the order pushed; a full key refuses
// the job past its bound; another key runs meanwhile; keys with nothing left
// are forgotten.
func TestQueues(t *testing.T) {
	const max = 4
	q := New[string](max)
	hold := make(chan struct{})
	started := make(chan struct{})
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := range max {
		wg.Add(1)
		ok := q.Push("alice", func() {
			defer wg.Done()
			if i == 0 {
				close(started)
				<-hold // the first job holds the key: the others wait behind it
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
		})
		if !ok {
			t.Fatalf("job %d refused below the bound", i)
		}
	}
	<-started
	if q.Push("alice", func() { t.Error("the job past the bound ran") }) {
		t.Fatalf("job %d taken past the bound of %d", max, max)
	}
	other := make(chan struct{})
	if !q.Push("bob", func() { close(other) }) {
		t.Fatal("another key refused")
	}
	<-other // bob's job ran while alice's first one is held
	if n := q.Keys(); n < 1 || n > 2 {
		t.Fatalf("%d keys held, want alice's (and bob's until his goroutine ends)", n)
	}
	close(hold)
	wg.Wait()
	for i, got := range order {
		if got != i {
			t.Fatalf("jobs ran in the order %v", order)
		}
	}
	// Once done, a key takes max jobs again, and is forgotten afterwards. A
	// job counts against the bound until its goroutine is past it (wg.Done
	// comes a little before): wait until the keys are forgotten first.
	waitForgotten(t, q)
	var again sync.WaitGroup
	for range max {
		again.Add(1)
		if !q.Push("alice", again.Done) {
			t.Fatal("a drained key refused a job")
		}
	}
	again.Wait()
	waitForgotten(t, q)
}

// waitForgotten waits until q holds no key: a key's goroutine forgets it
// right after its last job.
func waitForgotten(t *testing.T, q *Queues[string]) {
	t.Helper()
	for i := 0; q.Keys() != 0; i++ {
		if i == 1e7 {
			t.Fatalf("%d keys still held with nothing to do", q.Keys())
		}
		runtime.Gosched()
	}
}

// Without a bound, any number of jobs is taken.
func TestQueuesUnbounded(t *testing.T) {
	q := New[int](0)
	hold := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1001)
	q.Push(1, func() { <-hold; wg.Done() })
	for range 1000 {
		if !q.Push(1, wg.Done) {
			t.Fatal("refused without a bound")
		}
	}
	close(hold)
	wg.Wait()
}
