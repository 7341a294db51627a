package engine

import "context"

// RecapTurns is how many turns (a learner line and its reply) a recap shows at most.
const RecapTurns = 3

// Recap returns what a surface shows when userID's room roomID is entered or
// played on surface after turns played elsewhere: the room's messages after
// the last message that came through surface (the whole history if none
// did), complete ones only (failed and pending replies skipped), at most
// RecapTurns*2 of the newest, oldest first. It returns none when all of them
// came through surface, so a surface that calls it before each turn shows a
// recap once, after play elsewhere. Another user's room is not_found.
func (e *Engine) Recap(ctx context.Context, userID, roomID int64, surface Source) ([]*Message, error) {
	if !surface.Valid() {
		return nil, Invalid("source", "Unknown source.")
	}
	if _, err := e.FindRoom(ctx, userID, roomID); err != nil {
		return nil, err
	}
	msgs, err := e.store.RecapMessages(ctx, roomID, surface, RecapTurns*2)
	if err != nil {
		return nil, Internal(err)
	}
	reverse(msgs)
	return msgs, nil
}
