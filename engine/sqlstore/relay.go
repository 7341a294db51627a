package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/driver/pgdriver"

	"github.com/chatplay/chatplay/engine"
)

// Relay is an engine.RoomRelay over PostgreSQL LISTEN/NOTIFY, on one
// channel per schema (so that deployments and tests sharing a database do
// not meet). Stored events need nothing from it to travel: the triggers
// that number them notify the channel with the room's id, in the writing
// transaction, so the note arrives on commit. Deltas, ends of replies and
// reloads are sent by Send, which only queues: one goroutine sends what is
// queued, a batch per round trip, and a delta that follows another of the
// same reply still queued joins it, so a turn never waits on NOTIFY and a
// slow database makes fewer, larger notes. Every note is under PostgreSQL's
// 8,000-byte payload limit: a longer delta is split.
type Relay struct {
	db      *DB
	channel string

	mu      sync.Mutex
	queue   []engine.RelayMessage
	dropped int // messages refused because the queue was full (receivers see the gap)
	wake    chan struct{}
	stop    context.CancelFunc
	done    chan struct{}
}

var _ engine.RoomRelay = (*Relay)(nil)

// Limits of the relay: the queue (a full one refuses messages: a receiver
// then sees a gap in the reply and reloads its watchers), how long a
// delta grows by joining others, and a note's payload (PostgreSQL refuses
// 8,000 bytes or more).
const (
	relayQueueMax   = 4096
	relayJoinMax    = 2000
	relayPayloadMax = 7900
	relayBatchMax   = 100 // notes per statement
)

// NewRelay returns the relay of the database's schema and starts its
// sender. It needs PostgreSQL. Close it after the engine.
func (db *DB) NewRelay(ctx context.Context) (*Relay, error) {
	if db.dialect != DialectPostgres {
		return nil, errors.New("sqlstore: a relay between processes needs PostgreSQL")
	}
	r := &Relay{db: db, wake: make(chan struct{}, 1), done: make(chan struct{})}
	// The channel the triggers notify (migration 20261203001200).
	err := db.bun.NewRaw("SELECT 'chatplay_events_' || to_hex(hashtext(current_schema()))").Scan(ctx, &r.channel)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: relay: %w", err)
	}
	var send context.Context
	send, r.stop = context.WithCancel(context.Background())
	go r.send(send)
	return r, nil
}

// Close stops the sender; what is still queued is dropped.
func (r *Relay) Close() error {
	r.stop()
	<-r.done
	return nil
}

// Channel returns the name of the channel the relay listens and notifies on.
func (r *Relay) Channel() string { return r.channel }

// Send implements engine.RoomRelay: it queues m and returns.
func (r *Relay) Send(m engine.RelayMessage) {
	r.mu.Lock()
	defer r.signal()
	defer r.mu.Unlock()
	if m.Kind == engine.RelayDelta {
		for i := len(r.queue) - 1; i >= 0; i-- {
			q := &r.queue[i]
			if q.MessageID != m.MessageID || q.RoomID != m.RoomID {
				continue
			}
			if q.Kind == engine.RelayDelta && q.Offset+len(q.Text) == m.Offset && len(q.Text)+len(m.Text) <= relayJoinMax {
				q.Text += m.Text
				return
			}
			break
		}
	}
	if len(r.queue) >= relayQueueMax {
		r.dropped++
		return
	}
	r.queue = append(r.queue, m)
}

func (r *Relay) signal() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// send notifies what is queued, in order, until ctx ends.
func (r *Relay) send(ctx context.Context) {
	defer close(r.done)
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		}
		r.mu.Lock()
		batch := r.queue
		r.queue = nil
		r.mu.Unlock()
		var payloads []string
		for _, m := range batch {
			payloads = appendPayloads(payloads, m)
		}
		for len(payloads) > 0 {
			n := min(len(payloads), relayBatchMax)
			// Lost notes (the database unreachable) are gaps the receivers
			// see: they reload the watchers of those replies.
			_, _ = r.db.bun.NewRaw("SELECT pg_notify(?, p) FROM unnest(?::text[]) WITH ORDINALITY AS t(p, i) ORDER BY i",
				r.channel, pgdialect.Array(payloads[:n])).Exec(ctx)
			payloads = payloads[n:]
		}
	}
}

// relayNote is a relayed message on the wire (the payload of a note).
type relayNote struct {
	Origin    string           `json:"o"`
	Kind      engine.RelayKind `json:"k"`
	RoomID    int64            `json:"r"`
	MessageID int64            `json:"m,omitempty"`
	Offset    int              `json:"f,omitempty"`
	Text      string           `json:"t,omitempty"`
}

// appendPayloads appends the payloads of m to out: one, or, for a delta
// too long for one note, several, each a piece of its text at its offset.
func appendPayloads(out []string, m engine.RelayMessage) []string {
	b, _ := json.Marshal(relayNote{Origin: m.Origin, Kind: m.Kind, RoomID: m.RoomID, MessageID: m.MessageID, Offset: m.Offset, Text: m.Text})
	if len(b) <= relayPayloadMax || len(m.Text) < 2 {
		return append(out, string(b))
	}
	cut := len(m.Text) / 2
	for cut > 0 && !utf8.RuneStart(m.Text[cut]) {
		cut--
	}
	if cut == 0 {
		cut = len(m.Text) / 2
	}
	first, second := m, m
	first.Text, second.Text, second.Offset = m.Text[:cut], m.Text[cut:], m.Offset+cut
	return appendPayloads(appendPayloads(out, first), second)
}

// Receive implements engine.RoomRelay: it listens on the channel until ctx
// ends or the connection fails (the caller starts again). Once listening it
// hands fn engine.RelayResync, since notes sent before were missed. A note
// from a trigger is the room's id: engine.RelayStored.
func (r *Relay) Receive(ctx context.Context, fn func(engine.RelayMessage)) error {
	ln := pgdriver.NewListener(r.db.bun)
	stop := context.AfterFunc(ctx, func() { _ = ln.Close() })
	defer func() {
		if stop() {
			_ = ln.Close()
		}
	}()
	if err := ln.Listen(ctx, r.channel); err != nil {
		return fmt.Errorf("sqlstore: relay: listen: %w", err)
	}
	// Notes sent before this LISTEN (at the start, or while the connection
	// was down) were missed: the watchers read again.
	fn(engine.RelayMessage{Kind: engine.RelayResync})
	for {
		_, payload, err := ln.Receive(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("sqlstore: relay: %w", err)
		}
		if m, ok := decodeNote(payload); ok {
			fn(m)
		}
	}
}

// decodeNote reads a note's payload; false for one it does not know.
func decodeNote(payload string) (engine.RelayMessage, bool) {
	if room, err := strconv.ParseInt(payload, 10, 64); err == nil {
		return engine.RelayMessage{Kind: engine.RelayStored, RoomID: room}, true
	}
	var n relayNote
	if err := json.Unmarshal([]byte(payload), &n); err != nil || n.Kind == 0 {
		return engine.RelayMessage{}, false
	}
	return engine.RelayMessage{Origin: n.Origin, Kind: n.Kind, RoomID: n.RoomID, MessageID: n.MessageID, Offset: n.Offset, Text: n.Text}, true
}
