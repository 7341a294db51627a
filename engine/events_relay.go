package engine

import (
	"context"
	"time"
)

// RelayKind says what a RelayMessage carries.
type RelayKind int

// The kinds of relay messages.
const (
	RelayStored RelayKind = iota + 1 // the room has new stored events (from any process)
	RelayDelta                       // a piece of a reply streaming (MessageID, Offset, Text)
	RelayEnd                         // the reply MessageID has settled: its deltas are over
	RelayReload                      // the room's watchers must re-read its history
	RelayResync                      // notes may have been missed (the relay reconnected): every watcher re-reads
)

// RelayMessage is what processes sharing a database tell each other about
// rooms' events.
type RelayMessage struct {
	Origin    string // the sending process's lease (Engine.Owner); "" for RelayStored and RelayResync
	Kind      RelayKind
	RoomID    int64
	MessageID int64
	Offset    int // a delta's offset in the reply's text, in bytes
	Text      string
}

// RoomRelay carries room events between the processes sharing one database
// (sqlstore's PostgreSQL LISTEN/NOTIFY). One process needs none.
type RoomRelay interface {
	// Send queues m for the other processes. It never blocks: a turn calls
	// it for every delta.
	Send(m RelayMessage)
	// Receive calls fn with every message of the other processes (and
	// RelayStored for every room whose stored events changed, whichever
	// process wrote them), in order, until ctx ends; first of all, once it
	// listens, RelayResync: what was sent before it listened was missed.
	Receive(ctx context.Context, fn func(RelayMessage)) error
}

// receiveRelay hands what relay brings to the broker until Close, starting
// again (after a pause) when the relay fails.
func (e *Engine) receiveRelay(relay RoomRelay) {
	for e.life.Err() == nil {
		err := relay.Receive(e.life, e.events.receive)
		if e.life.Err() != nil {
			return
		}
		e.log.Warn("engine: room event relay", "err", err)
		e.events.receive(RelayMessage{Kind: RelayResync})
		_ = sleepContext(e.life, relayRetryDelay)
	}
}

// relayRetryDelay is the pause before a failed relay is received from again.
const relayRetryDelay = time.Second
