package engine

import (
	"container/list"
	"context"
	"fmt"
	"sync"
)

// The prompt's history window is the newest complete messages of a room that
// fit the token budget. Reading it from the store costs a few hundred rows a
// turn, so the engine keeps each busy room's window in memory and checks it
// against the store with one indexed single-row read (Store.TurnState, which
// also reads the day's token use): a window is current
// while the newest message before the one being answered is the newest it has
// seen. Message ids grow and are never reused, so anything another process
// appends or deletes changes that id and the window is read again.
//
// A window is read and changed only by the turn holding its room's lock.

// historyEntry is one message of a window.
type historyEntry struct {
	role    Role
	content string
	cost    int    // token count plus the message framing
	encoded string // the message as the Model encodes it, once sent (MessageEncoder); "" before
}

// roomWindow is the cached history of one room.
type roomWindow struct {
	roomID  int64
	headID  int64          // the newest message of the room (of any status) the window accounts for
	entries []historyEntry // complete messages, oldest first
	tokens  int            // the sum of entries' costs

	system        string // the system prompt last built, its tokens, its encoding, and what it was built of
	systemTokens  int
	systemEncoded string
	systemKey     sceneKey
}

// windowCache holds the windows of the most recently used rooms.
type windowCache struct {
	mu    sync.Mutex
	max   int
	lru   *list.List // of *roomWindow, most recent first
	rooms map[int64]*list.Element
}

func newWindowCache(max int) *windowCache {
	return &windowCache{max: max, lru: list.New(), rooms: make(map[int64]*list.Element)}
}

// get returns the room's window, or nil.
func (c *windowCache) get(roomID int64) *roomWindow {
	if c.max <= 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.rooms[roomID]; ok {
		c.lru.MoveToFront(el)
		return el.Value.(*roomWindow)
	}
	return nil
}

// put stores w as its room's window, evicting the least recently used room
// beyond the bound.
func (c *windowCache) put(w *roomWindow) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.rooms[w.roomID]; ok {
		el.Value = w
		c.lru.MoveToFront(el)
		return
	}
	c.rooms[w.roomID] = c.lru.PushFront(w)
	for c.lru.Len() > c.max {
		old := c.lru.Back()
		c.lru.Remove(old)
		delete(c.rooms, old.Value.(*roomWindow).roomID)
	}
}

// drop forgets a room's window.
func (c *windowCache) drop(roomID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.rooms[roomID]; ok {
		c.lru.Remove(el)
		delete(c.rooms, roomID)
	}
}

// maxHistoryTokens is the most history any prompt can hold: a window that
// keeps this many tokens can serve every turn.
func (e *Engine) maxHistoryTokens() int {
	return e.cfg.Prompt.ContextTokens - e.cfg.Prompt.MaxReplyTokens
}

// history returns the current window of a room's messages with ids below
// before (0: all), whose newest is headID: from the cache when it is current,
// else from the store.
func (e *Engine) history(ctx context.Context, roomID, before, headID int64) (*roomWindow, error) {
	if w := e.windows.get(roomID); w != nil && w.headID == headID {
		return w, nil
	}

	w := &roomWindow{roomID: roomID, headID: headID}
	var newest []historyEntry // newest first while reading
	for cursor := before; w.tokens < e.maxHistoryTokens(); {
		page, err := e.store.ListMessages(ctx, roomID, cursor, historyPageSize)
		if err != nil {
			return nil, fmt.Errorf("prompt history: %w", err)
		}
		for _, m := range page {
			if m.Status == StatusComplete {
				newest = append(newest, historyEntry{role: m.Role, content: m.Content, cost: m.TokenCount + tokensPerMessage})
				w.tokens += m.TokenCount + tokensPerMessage
			}
		}
		if len(page) < historyPageSize {
			break
		}
		cursor = page[len(page)-1].ID
	}
	reverse(newest)
	w.entries = newest
	e.windows.put(w)
	return w, nil
}

// record adds a turn's outcome to the room's window: the messages that became
// history (the user's message, a complete reply) and the newest id stored.
func (w *roomWindow) record(headID int64, limit int, msgs ...*Message) {
	w.headID = headID
	for _, m := range msgs {
		if m != nil && m.Status == StatusComplete {
			w.entries = append(w.entries, historyEntry{role: m.Role, content: m.Content, cost: m.TokenCount + tokensPerMessage})
			w.tokens += m.TokenCount + tokensPerMessage
		}
	}
	// Keep at least limit tokens: the oldest entries beyond that can never be sent.
	drop := 0
	for drop < len(w.entries) && w.tokens-w.entries[drop].cost >= limit {
		w.tokens -= w.entries[drop].cost
		drop++
	}
	w.entries = w.entries[drop:]
}
