package engine

import (
	"context"
	"errors"
)

// errAccountDeleted ends the turns of an account deleted while they played.
var errAccountDeleted = errors.New("the account was deleted during the turn")

// userTurn is one turn in flight, as DeleteUser sees it.
type userTurn struct {
	userID int64
	cancel context.CancelCauseFunc
}

// trackTurn returns a context for a turn of userID that DeleteUser cancels,
// and the func that forgets the turn when it ends.
func (e *Engine) trackTurn(ctx context.Context, userID int64) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	t := &userTurn{userID: userID, cancel: cancel}
	e.turnsMu.Lock()
	if e.turns == nil {
		e.turns = make(map[*userTurn]struct{})
	}
	e.turns[t] = struct{}{}
	e.turnsMu.Unlock()
	return ctx, func() {
		e.turnsMu.Lock()
		delete(e.turns, t)
		e.turnsMu.Unlock()
		cancel(nil)
	}
}

// stopUserTurns ends every turn of userID in flight in this process: its
// account is gone. (A turn in another process ends when it stores its reply.)
func (e *Engine) stopUserTurns(userID int64) {
	e.turnsMu.Lock()
	defer e.turnsMu.Unlock()
	for t := range e.turns {
		if t.userID == userID {
			t.cancel(errAccountDeleted)
		}
	}
}

// accountDeleted returns the error of a turn whose account was deleted while
// it played, or nil.
func accountDeleted(ctx context.Context) error {
	if errors.Is(context.Cause(ctx), errAccountDeleted) {
		return &Error{Code: CodeNotFound, Message: "This conversation no longer exists.", Err: errAccountDeleted}
	}
	return nil
}
