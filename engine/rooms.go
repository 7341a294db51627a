package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// CreateRoom creates a room owned by userID, unless userID already has
// Limits.MaxRoomsPerUser rooms: the count and the insert are one atomic step,
// so a burst of creates cannot pass the limit.
//
// With in.ScenarioID the room is made from that built-in scenario in one
// step (see fromScenario); a custom room may have in.Goals.
func (e *Engine) CreateRoom(ctx context.Context, userID int64, in RoomInput) (*Room, error) {
	in, err := e.fromScenario(in)
	if err != nil {
		return nil, err
	}
	goals := *normalizeGoals(&in.Goals)
	if err := validateGoals(goals); err != nil {
		return nil, err
	}
	r := &Room{OwnerID: userID, Model: in.Model, Level: DefaultLevel, Feedback: true, Goals: openGoals(goals)}
	if in.ScenarioID != "" {
		r.ScenarioID = &in.ScenarioID
	}
	u := RoomUpdate{Title: &in.Title, Language: &in.Language, Situation: &in.Situation, UserRole: &in.UserRole,
		BotRole: &in.BotRole, Model: in.Model, Feedback: in.Feedback, FeedbackHidden: in.FeedbackHidden}
	if strings.TrimSpace(in.Level) != "" {
		u.Level = &in.Level
	}
	u.apply(r)
	if err := validateRoom(r, e.cfg.Limits, e.cfg.Models); err != nil {
		return nil, err
	}
	if err := e.store.CreateRoom(ctx, r, e.cfg.Limits.MaxRoomsPerUser); err != nil {
		if errors.Is(err, ErrRoomLimit) {
			return nil, &Error{Code: CodeConflict, Reason: ReasonRoomLimit, Err: err,
				Message: fmt.Sprintf("You have %d rooms, the most allowed. Delete one to make another.", e.cfg.Limits.MaxRoomsPerUser)}
		}
		return nil, notFound(err, "User") // the account was deleted meanwhile; else internal
	}
	return r, nil
}

// FindRoom returns the room with roomID if userID owns it; otherwise not found.
func (e *Engine) FindRoom(ctx context.Context, userID, roomID int64) (*Room, error) {
	r, err := e.store.FindRoom(ctx, userID, roomID)
	if err != nil {
		return nil, notFound(err, "Room")
	}
	return r, nil
}

// ListRooms returns a page of userID's rooms, newest first, and the cursor of
// the next page ("" at the end).
func (e *Engine) ListRooms(ctx context.Context, userID int64, p Page) ([]*Room, string, error) {
	before, limit, err := e.page(p)
	if err != nil {
		return nil, "", err
	}
	rooms, err := e.store.ListRooms(ctx, userID, before, limit+1)
	if err != nil {
		return nil, "", Internal(err)
	}
	rooms, next := cutPage(rooms, limit, func(r *Room) int64 { return r.ID })
	return rooms, next, nil
}

// UpdateRoom changes the fields set in u of userID's room roomID and returns
// the room as stored. Only those fields are written, in one statement, so
// concurrent edits of different fields all stick.
func (e *Engine) UpdateRoom(ctx context.Context, userID, roomID int64, u RoomUpdate) (*Room, error) {
	u = u.normalized()
	if err := validateRoomUpdate(u, e.cfg.Limits, e.cfg.Models); err != nil {
		return nil, err
	}
	if u.Goals != nil {
		if _, err := e.store.ReplaceGoals(ctx, userID, roomID, *u.Goals); err != nil {
			return nil, notFound(err, "Room")
		}
		e.events.stored(roomID)
	}
	r, err := e.store.UpdateRoom(ctx, userID, roomID, u)
	if err != nil {
		return nil, notFound(err, "Room")
	}
	return r, nil
}

// DeleteRoom deletes userID's room roomID and its conversation. It waits for
// a reply in flight in that room to end first.
func (e *Engine) DeleteRoom(ctx context.Context, userID, roomID int64) error {
	unlock, err := e.lockOwnedRoom(ctx, userID, roomID)
	if err != nil {
		return err
	}
	defer unlock()
	e.windows.drop(roomID)
	defer e.events.reload(roomID) // its watchers find it gone
	return notFound(e.store.DeleteRoom(ctx, userID, roomID), "Room")
}

// ResetRoom clears the conversation of userID's room roomID and keeps the
// room; its goals are all open again.
// It waits for a reply in flight in that room to end first.
func (e *Engine) ResetRoom(ctx context.Context, userID, roomID int64) error {
	unlock, err := e.lockOwnedRoom(ctx, userID, roomID)
	if err != nil {
		return err
	}
	defer unlock()
	e.windows.drop(roomID)
	defer e.events.reload(roomID) // its watchers re-read the history
	if err := e.store.DeleteMessages(ctx, roomID, 0); err != nil {
		return Internal(err)
	}
	if err := e.store.ResetGoals(ctx, roomID); err != nil {
		return Internal(err)
	}
	return nil
}

// lockOwnedRoom waits for the lock of roomID, which userID must own: a reply
// in flight there ends first.
func (e *Engine) lockOwnedRoom(ctx context.Context, userID, roomID int64) (unlock func(), err error) {
	if _, err := e.FindRoom(ctx, userID, roomID); err != nil {
		return nil, err
	}
	unlock, err = e.locker.LockRoom(ctx, roomID)
	if err != nil {
		return nil, lockError(err)
	}
	return unlock, nil
}

// ListMessages returns a page of the conversation of userID's room roomID,
// oldest first within the page; the cursor leads to the older page before it.
// In a room with feedback on, the user messages that have feedback carry it
// (read in one more query for the page); a line stored while feedback was
// off has none.
func (e *Engine) ListMessages(ctx context.Context, userID, roomID int64, p Page) ([]*Message, string, error) {
	room, err := e.FindRoom(ctx, userID, roomID)
	if err != nil {
		return nil, "", err
	}
	before, limit, err := e.page(p)
	if err != nil {
		return nil, "", err
	}
	msgs, err := e.store.ListMessages(ctx, roomID, before, limit+1)
	if err != nil {
		return nil, "", Internal(err)
	}
	msgs, next := cutPage(msgs, limit, func(m *Message) int64 { return m.ID })
	reverse(msgs)
	if room.Feedback {
		if err := e.attachFeedback(ctx, msgs); err != nil {
			return nil, "", err
		}
	}
	return msgs, next, nil
}

// page reads a Page: the id to list before and the clamped limit.
func (e *Engine) page(p Page) (before int64, limit int, err error) {
	limit = p.Limit
	switch {
	case limit <= 0:
		limit = e.cfg.Limits.DefaultPageSize
	case limit > e.cfg.Limits.MaxPageSize:
		limit = e.cfg.Limits.MaxPageSize
	}
	if c := strings.TrimSpace(p.Cursor); c != "" {
		before, err = strconv.ParseInt(c, 10, 64)
		if err != nil || before <= 0 {
			return 0, 0, Invalid("cursor", "The cursor is not valid.")
		}
	}
	return before, limit, nil
}

// cutPage trims items, read newest first with one extra item to learn whether
// more follow, to limit, and returns the cursor of the next page ("" at the end).
func cutPage[T any](items []T, limit int, id func(T) int64) ([]T, string) {
	if len(items) <= limit {
		return items, ""
	}
	items = items[:limit]
	return items, strconv.FormatInt(id(items[limit-1]), 10)
}

func reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}
