package engine

import (
	"context"
	"sync"
)

// RoomLocker serializes chat turns per room, so that a room's history is never
// interleaved. The in-process MemoryLocker serves one process; several processes
// sharing one PostgreSQL need a cross-process implementation (an advisory lock).
type RoomLocker interface {
	// LockRoom waits until the caller holds roomID's lock or ctx ends. The
	// returned func releases the lock; it must be called exactly once.
	LockRoom(ctx context.Context, roomID int64) (unlock func(), err error)
}

// MemoryLocker is a RoomLocker for one process. Waiters acquire a room in the
// order they started waiting, and idle rooms hold no memory.
type MemoryLocker struct {
	mu    sync.Mutex
	rooms map[int64]*roomLock
}

type roomLock struct {
	held  chan struct{} // a one-slot semaphore: full while held
	users int           // holders and waiters; the entry is dropped at zero
}

var _ RoomLocker = (*MemoryLocker)(nil)

// NewMemoryLocker returns an empty MemoryLocker.
func NewMemoryLocker() *MemoryLocker {
	return &MemoryLocker{rooms: make(map[int64]*roomLock)}
}

// LockRoom implements RoomLocker.
func (l *MemoryLocker) LockRoom(ctx context.Context, roomID int64) (func(), error) {
	l.mu.Lock()
	rl := l.rooms[roomID]
	if rl == nil {
		rl = &roomLock{held: make(chan struct{}, 1)}
		l.rooms[roomID] = rl
	}
	rl.users++
	l.mu.Unlock()

	select {
	case rl.held <- struct{}{}:
	case <-ctx.Done():
		l.release(roomID, rl)
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			<-rl.held
			l.release(roomID, rl)
		})
	}, nil
}

func (l *MemoryLocker) release(roomID int64, rl *roomLock) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if rl.users--; rl.users == 0 {
		delete(l.rooms, roomID)
	}
}

// StackedLocker holds Outer, then Inner: an in-process lock in front of a
// cross-process one, so that turns of one process queue in order among
// themselves and only one of them at a time waits on the shared database.
type StackedLocker struct {
	Outer, Inner RoomLocker
}

var _ RoomLocker = StackedLocker{}

// LockRoom implements RoomLocker.
func (s StackedLocker) LockRoom(ctx context.Context, roomID int64) (func(), error) {
	unlockOuter, err := s.Outer.LockRoom(ctx, roomID)
	if err != nil {
		return nil, err
	}
	unlockInner, err := s.Inner.LockRoom(ctx, roomID)
	if err != nil {
		unlockOuter()
		return nil, err
	}
	return func() {
		unlockInner()
		unlockOuter()
	}, nil
}
