package engine

import (
	"strings"
	"sync"
	"time"
)

// roomBroker fans a process's room events out to the watchers of the room:
// it pokes them when the room has new stored events (which each reads from
// the store after its own cursor) and hands them the deltas of the replies
// streaming, which it keeps so far (a watcher joining mid-reply gets the
// text so far in its reply_started, then the deltas after it, under one
// lock: none is lost or doubled). With a relay, deltas and reloads travel
// to and from the other processes sharing the database too.
type roomBroker struct {
	relay  RoomRelay // nil: one process
	origin string    // this process's lease, on what it relays

	mu      sync.Mutex
	rooms   map[int64]*roomHub
	remotes int // replies of other processes kept, at most maxRemoteReplies
}

// roomHub is what the broker keeps of one room.
type roomHub struct {
	watches map[*RoomWatch]struct{}
	replies map[int64]*liveReply // by message id
}

// liveReply is a reply streaming, as far as it has come.
type liveReply struct {
	text   strings.Builder
	remote bool      // streamed by another process
	seen   time.Time // the last delta of a remote reply
}

// maxRemoteReplies bounds the replies of other processes a broker keeps
// (a process that died mid-reply sends no end); remoteReplyIdle is how long
// one is kept without a delta once the bound is reached.
const (
	maxRemoteReplies = 4096
	remoteReplyIdle  = 10 * time.Minute
)

func newRoomBroker(relay RoomRelay, origin string) *roomBroker {
	return &roomBroker{relay: relay, origin: origin, rooms: map[int64]*roomHub{}}
}

// hub returns roomID's hub, made if needed; b.mu is held.
func (b *roomBroker) hub(roomID int64) *roomHub {
	h := b.rooms[roomID]
	if h == nil {
		h = &roomHub{watches: map[*RoomWatch]struct{}{}, replies: map[int64]*liveReply{}}
		b.rooms[roomID] = h
	}
	return h
}

// tidy forgets roomID's hub when it holds nothing; b.mu is held.
func (b *roomBroker) tidy(roomID int64) {
	if h := b.rooms[roomID]; h != nil && len(h.watches) == 0 && len(h.replies) == 0 {
		delete(b.rooms, roomID)
	}
}

// add registers w with its room.
func (b *roomBroker) add(w *RoomWatch) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.hub(w.roomID).watches[w] = struct{}{}
}

// remove unregisters w.
func (b *roomBroker) remove(w *RoomWatch) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if h := b.rooms[w.roomID]; h != nil {
		delete(h.watches, w)
		b.tidy(w.roomID)
	}
}

// deliver queues evs, stored events read from the store, on w. A
// reply_started of a reply streaming here carries its text so far, and w
// gets the reply's deltas from then on, until its reply event. It returns
// false when w has ended (it fell behind: it is dropped).
func (b *roomBroker) deliver(w *RoomWatch, evs []RoomEvent) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	h := b.hub(w.roomID)
	for _, ev := range evs {
		switch ev.Kind {
		case RoomEventReplyStarted:
			if r := h.replies[ev.MessageID]; r != nil {
				m := *ev.Message
				m.Content = r.text.String()
				ev.Message = &m
			}
			w.started[ev.MessageID] = true
		case RoomEventReply:
			delete(w.started, ev.MessageID)
		}
		if !w.push(ev) {
			delete(h.watches, w)
			b.tidy(w.roomID)
			return false
		}
	}
	return true
}

// stored pokes the watchers of roomID: it has new stored events.
func (b *roomBroker) stored(roomID int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if h := b.rooms[roomID]; h != nil {
		for w := range h.watches {
			w.pokeNow()
		}
	}
}

// storedAll pokes every watcher (the recovery sweep settled replies of
// rooms it does not name; a relay reconnected and may have missed notes).
func (b *roomBroker) storedAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, h := range b.rooms {
		for w := range h.watches {
			w.pokeNow()
		}
	}
}

// reload ends every watch of roomID with RoomEventReload (its history
// changed: a reset, a regeneration, the room deleted), here and, with a
// relay, in the other processes.
func (b *roomBroker) reload(roomID int64) {
	b.reloadHere(roomID)
	if b.relay != nil {
		b.relay.Send(RelayMessage{Origin: b.origin, Kind: RelayReload, RoomID: roomID})
	}
}

func (b *roomBroker) reloadHere(roomID int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if h := b.rooms[roomID]; h != nil {
		for w := range h.watches {
			w.reload()
			delete(h.watches, w)
		}
		b.tidy(roomID)
	}
}

// follow registers reply, just stored pending in roomID, as streaming, and
// returns sink wrapped so that its deltas reach the room's watchers too.
// The turn calls done once the reply has settled.
func (b *roomBroker) follow(roomID, replyID int64, sink Sink) (_ Sink, done func()) {
	b.mu.Lock()
	b.hub(roomID).replies[replyID] = &liveReply{}
	b.mu.Unlock()
	return func(ev Event) {
			if ev.Kind == EventDelta {
				b.delta(roomID, replyID, ev.Delta)
			}
			sink(ev)
		}, func() {
			b.mu.Lock()
			if h := b.rooms[roomID]; h != nil {
				delete(h.replies, replyID)
				b.tidy(roomID)
			}
			b.mu.Unlock()
			if b.relay != nil {
				b.relay.Send(RelayMessage{Origin: b.origin, Kind: RelayEnd, RoomID: roomID, MessageID: replyID})
			}
		}
}

// delta adds a piece of a reply streaming here and hands it to the
// watchers following the reply, and to the relay.
func (b *roomBroker) delta(roomID, replyID int64, text string) {
	b.mu.Lock()
	h := b.hub(roomID)
	r := h.replies[replyID]
	if r == nil { // follow made it; kept for safety
		r = &liveReply{}
		h.replies[replyID] = r
	}
	offset := r.text.Len()
	r.text.WriteString(text)
	b.fanOut(roomID, h, replyID, text)
	b.mu.Unlock()
	if b.relay != nil {
		b.relay.Send(RelayMessage{Origin: b.origin, Kind: RelayDelta, RoomID: roomID, MessageID: replyID, Offset: offset, Text: text})
	}
}

// fanOut queues a delta on the watchers of h that follow the reply; b.mu is held.
func (b *roomBroker) fanOut(roomID int64, h *roomHub, replyID int64, text string) {
	for w := range h.watches {
		if w.started[replyID] && !w.push(RoomEvent{Kind: RoomEventDelta, MessageID: replyID, Delta: text}) {
			delete(h.watches, w) // fell behind: reload is queued
		}
	}
	b.tidy(roomID)
}

// receive handles what the relay brings from the other processes.
func (b *roomBroker) receive(m RelayMessage) {
	if m.Origin != "" && m.Origin == b.origin {
		return // its own, back
	}
	switch m.Kind {
	case RelayStored:
		b.stored(m.RoomID)
	case RelayResync:
		b.mu.Lock()
		for id, h := range b.rooms { // notes may have been missed: start again
			for rid, r := range h.replies {
				if r.remote {
					delete(h.replies, rid)
					b.remotes--
				}
			}
			b.tidy(id)
		}
		b.mu.Unlock()
		b.storedAll()
	case RelayReload:
		b.reloadHere(m.RoomID)
	case RelayEnd:
		b.mu.Lock()
		if h := b.rooms[m.RoomID]; h != nil {
			if r := h.replies[m.MessageID]; r != nil && r.remote {
				delete(h.replies, m.MessageID)
				b.remotes--
				b.tidy(m.RoomID)
			}
		}
		b.mu.Unlock()
	case RelayDelta:
		b.remoteDelta(m)
	}
}

// remoteDelta adds a piece of a reply another process streams. Pieces come
// in order; one that does not follow what is kept (its start was missed,
// or a note was lost) ends the reply's tracking here, and the watchers that
// followed it get a reload.
func (b *roomBroker) remoteDelta(m RelayMessage) {
	b.mu.Lock()
	defer b.mu.Unlock()
	h := b.rooms[m.RoomID]
	var r *liveReply
	if h != nil {
		r = h.replies[m.MessageID]
	}
	switch {
	case r == nil && m.Offset == 0:
		if b.remotes >= maxRemoteReplies && !b.forgetIdleRemotes(time.Now()) {
			return
		}
		h = b.hub(m.RoomID)
		r = &liveReply{remote: true}
		h.replies[m.MessageID] = r
		b.remotes++
	case r == nil:
		return // began before this process listened: its watchers get the stored reply
	case r.text.Len() != m.Offset:
		if r.remote {
			delete(h.replies, m.MessageID)
			b.remotes--
		}
		for w := range h.watches {
			if w.started[m.MessageID] {
				w.reload()
				delete(h.watches, w)
			}
		}
		b.tidy(m.RoomID)
		return
	}
	r.text.WriteString(m.Text)
	r.seen = time.Now()
	b.fanOut(m.RoomID, h, m.MessageID, m.Text)
}

// forgetIdleRemotes forgets the remote replies without a delta for
// remoteReplyIdle, and reports whether any was; b.mu is held.
func (b *roomBroker) forgetIdleRemotes(now time.Time) bool {
	n := b.remotes
	for id, h := range b.rooms {
		for rid, r := range h.replies {
			if r.remote && now.Sub(r.seen) > remoteReplyIdle {
				delete(h.replies, rid)
				b.remotes--
			}
		}
		b.tidy(id)
	}
	return b.remotes < n
}
