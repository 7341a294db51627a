package engine

import (
	"context"
	"errors"
)

// StoredEventKind says what wrote a numbered event of a room.
type StoredEventKind string

// The kinds of numbered events a store logs.
const (
	StoredMessage  StoredEventKind = "message"  // a message row stored (a learner line, a pending reply, an opening)
	StoredSettled  StoredEventKind = "settled"  // a reply settled: complete or failed
	StoredFeedback StoredEventKind = "feedback" // a line's feedback written (pending or settled)
	StoredGoals    StoredEventKind = "goals"    // the room's goals changed
)

// StoredEvent is one numbered event of a room, as its store logs it.
type StoredEvent struct {
	Seq       int64
	Kind      StoredEventKind
	MessageID int64 // 0 for goals
}

// RoomEventLog is what a room's store holds of its events after a number:
// the events in order, and the rows they name as they now stand.
type RoomEventLog struct {
	// Head is the room's newest event number when the log was read (0: none
	// yet). Every event numbered up to Head is in Events (or was superseded).
	Head   int64
	Events []StoredEvent
	// Messages are the messages the events name that still exist, by id,
	// user lines with their feedback (if any).
	Messages map[int64]*Message
	// Feedback is the feedback of the messages feedback events name, by message id.
	Feedback map[int64]*Feedback
	// Goals are the room's goals, read when an event names them.
	Goals []Goal
}

// ErrEventsGone is returned by ListRoomEvents when the events after the
// number asked for are no longer all kept, or are more than the limit.
var ErrEventsGone = errors.New("engine: room events no longer kept")

// RoomEventStore reads the numbered events of rooms. Every write the store
// makes to a room's messages, feedback and goals numbers its event in the
// same transaction: numbers increase per room in commit order, without gaps.
// Callers check the room's owner first.
type RoomEventStore interface {
	// ListRoomEvents returns the events of roomID numbered after `after`,
	// at most limit of them, oldest first, with the rows they name, and the
	// room's newest number. Events no longer kept, more than limit, or an
	// `after` above the newest number are ErrEventsGone. With after -1 (a
	// watcher without an id) it returns only the events that stored the room's messages still pending
	// (a reply streaming), which a watcher without an id is sent.
	ListRoomEvents(ctx context.Context, roomID, after int64, limit int) (*RoomEventLog, error)
}
