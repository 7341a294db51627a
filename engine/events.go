package engine

import (
	"context"
	"errors"
	"sync"
)

// RoomEventKind names a room event on the wire.
type RoomEventKind string

// The room events a watcher receives.
const (
	RoomEventMessage      RoomEventKind = "message"       // a learner line stored (Message)
	RoomEventReplyStarted RoomEventKind = "reply_started" // a reply's row exists (Message: content = text so far)
	RoomEventDelta        RoomEventKind = "delta"         // a piece of a streaming reply (MessageID, Delta); no ID
	RoomEventReply        RoomEventKind = "reply"         // a reply settled: complete or failed (Message)
	RoomEventFeedback     RoomEventKind = "feedback"      // the coach's feedback on a line (MessageID, Feedback)
	RoomEventGoals        RoomEventKind = "goals"         // the room's goals changed (Goals)
	// RoomEventReady follows the replay: ID is the room's newest event
	// number, from which a watcher that had none resumes.
	RoomEventReady RoomEventKind = "ready"
	// RoomEventReload says the watcher fell behind, asked for too old an ID
	// or the room's history changed under it (a reset, a regeneration, the
	// room deleted): re-read the history. The watch ends with it.
	RoomEventReload RoomEventKind = "reload"
)

// RoomEvent is one event of a room, as a watcher receives it.
type RoomEvent struct {
	// ID is the room's event number: increasing per room in commit order;
	// 0 on delta and reload.
	ID        int64
	Kind      RoomEventKind
	Message   *Message // message, reply_started, reply (user lines with their feedback)
	MessageID int64    // delta, feedback
	Delta     string
	Feedback  *Feedback
	Goals     []Goal // goals: every goal of the room (empty for none)
}

// MaxReplayEvents is the most stored events a watcher is replayed (when it
// resumes, or catches up): further behind, it gets RoomEventReload.
const MaxReplayEvents = 500

// RoomWatchBuffer is how many events a watcher may have waiting: one that
// falls further behind gets RoomEventReload and is dropped, so that a slow
// watcher never slows a turn and holds a bounded amount of memory.
const RoomWatchBuffer = 256

// ErrWatchEnded is returned by RoomWatch.Next once the watch has ended and
// every event it had was read.
var ErrWatchEnded = errors.New("engine: room watch ended")

// RoomWatch follows one room's events for one watcher (see WatchRoom).
type RoomWatch struct {
	roomID int64
	cancel context.CancelFunc

	wake chan struct{} // cap 1: events were queued, or the watch ended
	poke chan struct{} // cap 1: the room has new stored events

	mu     sync.Mutex
	queue  []RoomEvent
	ended  bool
	closed bool

	// Guarded by the broker's lock: the replies whose reply_started this
	// watcher was sent and that have not settled for it, which it gets the
	// deltas of.
	started map[int64]bool
	cursor  int64 // the newest number delivered; the follower's own
}

// WatchRoom follows userID's room roomID: first the stored events after
// `after` (0: none but a reply still streaming), replayed from the
// database, then RoomEventReady with
// the room's newest event number, then every event as it happens on any
// replica; a reply still streaming arrives as reply_started with its text
// so far, then its deltas. Of several stored events of one row in the
// replay, only the newest is sent (the row as it stands). A watcher that
// asks for more than MaxReplayEvents, or for events no longer kept, gets
// RoomEventReload. Another user's room is not_found. The watch ends with
// ctx, Close, or after a reload.
func (e *Engine) WatchRoom(ctx context.Context, userID, roomID, after int64) (*RoomWatch, error) {
	if after < 0 {
		return nil, Invalid("last_event_id", "last_event_id must not be negative.")
	}
	room, err := e.FindRoom(ctx, userID, roomID)
	if err != nil {
		return nil, err
	}
	work, cancel := context.WithCancel(ctx)
	stopOnClose := context.AfterFunc(e.life, cancel)
	w := &RoomWatch{roomID: room.ID, cancel: cancel, cursor: after,
		wake: make(chan struct{}, 1), poke: make(chan struct{}, 1), started: map[int64]bool{}}
	e.events.add(w)
	w.pokeNow() // the replay
	go func() {
		defer stopOnClose()
		defer cancel()
		e.followRoom(work, w)
	}()
	return w, nil
}

// Next returns the next event, waiting for it until ctx ends. After the
// last event of an ended watch (a reload, ctx of WatchRoom ended, Close), it
// returns ErrWatchEnded.
func (w *RoomWatch) Next(ctx context.Context) (RoomEvent, error) {
	for {
		w.mu.Lock()
		if len(w.queue) > 0 {
			ev := w.queue[0]
			w.queue[0] = RoomEvent{}
			w.queue = w.queue[1:]
			if len(w.queue) == 0 {
				w.queue = nil // let the array go
			}
			w.mu.Unlock()
			return ev, nil
		}
		ended := w.ended
		w.mu.Unlock()
		if ended {
			return RoomEvent{}, ErrWatchEnded
		}
		select {
		case <-w.wake:
		case <-ctx.Done():
			return RoomEvent{}, ctx.Err()
		}
	}
}

// Close ends the watch; events not read yet are dropped.
func (w *RoomWatch) Close() {
	w.mu.Lock()
	w.closed, w.ended, w.queue = true, true, nil
	w.mu.Unlock()
	w.cancel()
	w.signal()
}

// queued returns how many events wait to be read.
func (w *RoomWatch) queued() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.queue)
}

// push queues ev. A watch that has RoomWatchBuffer events waiting gets
// RoomEventReload in their place and ends; push then, and on an ended
// watch, returns false.
func (w *RoomWatch) push(ev RoomEvent) bool {
	w.mu.Lock()
	defer w.signal()
	defer w.mu.Unlock()
	if w.ended {
		return false
	}
	if len(w.queue) >= RoomWatchBuffer {
		w.queue, w.ended = []RoomEvent{{Kind: RoomEventReload}}, true
		return false
	}
	w.queue = append(w.queue, ev)
	return true
}

// reload ends the watch with RoomEventReload after the events queued.
func (w *RoomWatch) reload() {
	w.mu.Lock()
	if !w.ended {
		w.queue, w.ended = append(w.queue, RoomEvent{Kind: RoomEventReload}), true
	}
	w.mu.Unlock()
	w.signal()
}

// end ends the watch after the events queued.
func (w *RoomWatch) end() {
	w.mu.Lock()
	w.ended = true
	w.mu.Unlock()
	w.signal()
}

// isEnded reports whether the watch has ended.
func (w *RoomWatch) isEnded() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ended
}

func (w *RoomWatch) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *RoomWatch) pokeNow() {
	select {
	case w.poke <- struct{}{}:
	default:
	}
}

// followRoom runs a watch: each time the room has new stored events (and
// once at the start, the replay), it reads those after the watch's cursor
// and queues them.
func (e *Engine) followRoom(ctx context.Context, w *RoomWatch) {
	defer e.events.remove(w)
	defer w.end()
	first := true
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.poke:
		}
		if w.isEnded() {
			return
		}
		after := w.cursor
		if first && after == 0 {
			after = -1 // no id: no replay, but a reply streaming
		}
		log, err := e.store.ListRoomEvents(ctx, w.roomID, after, MaxReplayEvents)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if !errors.Is(err, ErrEventsGone) {
				e.log.Warn("engine: read room events", "room", w.roomID, "err", err)
			}
			w.reload()
			return
		}
		if !e.events.deliver(w, storedEvents(log)) {
			return
		}
		w.cursor = log.Head
		if first {
			first = false
			if !w.push(RoomEvent{Kind: RoomEventReady, ID: log.Head}) {
				return
			}
		}
	}
}

// storedEvents returns the events a watcher is sent for log: for each row,
// the newest of its events, with the row as it stands; rows gone are
// skipped.
func storedEvents(log *RoomEventLog) []RoomEvent {
	type key struct {
		kind StoredEventKind
		id   int64
	}
	keyOf := func(ev StoredEvent) key {
		if ev.Kind == StoredSettled {
			return key{StoredMessage, ev.MessageID}
		}
		return key{ev.Kind, ev.MessageID}
	}
	newest := make(map[key]int64, len(log.Events))
	for _, ev := range log.Events {
		newest[keyOf(ev)] = ev.Seq
	}
	var out []RoomEvent
	for _, ev := range log.Events {
		if newest[keyOf(ev)] != ev.Seq {
			continue
		}
		switch ev.Kind {
		case StoredGoals:
			out = append(out, RoomEvent{ID: ev.Seq, Kind: RoomEventGoals, Goals: append([]Goal{}, log.Goals...)})
		case StoredFeedback:
			if fb := log.Feedback[ev.MessageID]; fb != nil {
				out = append(out, RoomEvent{ID: ev.Seq, Kind: RoomEventFeedback, MessageID: ev.MessageID, Feedback: fb})
			}
		default:
			m := log.Messages[ev.MessageID]
			if m == nil {
				continue
			}
			kind := RoomEventMessage
			if m.Role == RoleAssistant {
				kind = RoomEventReply
				if m.Status == StatusPending {
					kind = RoomEventReplyStarted
				}
			}
			out = append(out, RoomEvent{ID: ev.Seq, Kind: kind, Message: m, MessageID: m.ID})
		}
	}
	return out
}
