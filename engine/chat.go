package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// EventKind says what a turn Event carries.
type EventKind int

// The turn events, in the order a surface receives them.
const (
	EventUserMessage  EventKind = iota + 1 // the user's message is stored (Message)
	EventReplyStarted                      // the reply's row exists, pending (Message)
	EventDelta                             // a piece of the reply (Delta)
	// EventFeedback carries the coach's feedback on the user's line
	// (Feedback). It is never sent through the Sink, whose turn is over when
	// the reply is done: surfaces get it from TurnResult.WaitFeedback and may
	// forward it as this event.
	EventFeedback
)

// Event is one step of a chat turn, handed to the surface as it happens.
type Event struct {
	Kind     EventKind
	Message  *Message
	Delta    string
	Feedback *Feedback // with EventFeedback
}

// Sink receives a turn's events. It is called from the goroutine that runs the
// turn and must not block for long: a surface that throttles (a chat platform's
// edit rate) buffers. A nil Sink discards events.
type Sink func(Event)

// orDiscard returns s, or a Sink that discards events when s is nil.
func (s Sink) orDiscard() Sink {
	if s == nil {
		return func(Event) {}
	}
	return s
}

// TurnInput is a user's chat message to a room.
type TurnInput struct {
	UserID  int64
	RoomID  int64
	Content string
	Source  Source
	// Locale is the learner's own language (Telegram: language_code;
	// Discord: locale), in which the coach explains; normalised by
	// LearnerLanguage. Empty: the account's stored locale (the web's), which
	// the coach reads itself, off the reply's path.
	Locale string
}

// TurnResult is what a turn stored: the user's message (nil for an opening or a
// regeneration of an opening) and the reply, complete or failed.
type TurnResult struct {
	UserMessage *Message
	Reply       *Message
	// Feedback is the coach's feedback on UserMessage as it stood when the
	// reply was done: pending while the coach still works. It is nil when the
	// room has feedback off or the turn had no new user line.
	// (UserMessage.Feedback is the feedback as stored with the line: pending.)
	Feedback *Feedback

	coach *coachRun // the coach at work on UserMessage; nil: none
	goals []Goal    // the room's goals when the turn began; nil: none
}

// WaitFeedback blocks until the coach is done with the turn's user line or
// coach.timeout has passed, and returns the feedback as stored (ready or
// unavailable); if ctx ends first, it returns the feedback as it stands
// (pending). It returns nil when the turn has no feedback (see Feedback). It
// is safe to call from any goroutine, any number of times.
func (r *TurnResult) WaitFeedback(ctx context.Context) *Feedback {
	if r == nil {
		return nil
	}
	if r.coach == nil {
		return r.Feedback
	}
	return r.coach.wait(ctx)
}

// WaitGoals blocks until the coach is done with the turn's user line or
// coach.timeout has passed (or ctx ends), and returns the room's goals as
// they then stand, the goals the line achieved included. It returns nil when
// the room has no goals. It is safe to call
// from any goroutine, any number of times.
func (r *TurnResult) WaitGoals(ctx context.Context) []Goal {
	if r == nil {
		return nil
	}
	if r.coach == nil {
		return copyGoals(r.goals)
	}
	r.coach.wait(ctx)
	return r.coach.currentGoals()
}

// SendMessage plays one chat turn: it stores the user's message, then streams
// the model's reply to sink and stores it. The user's message is stored before
// the model is called and stays whatever happens next. If the reply fails, the
// result holds the failed reply and the error says why.
//
// The turn outlives ctx's cancellation (a client that hangs up still finds the
// reply in history); it is bounded by the retry deadline and by Close.
func (e *Engine) SendMessage(ctx context.Context, in TurnInput, sink Sink) (*TurnResult, error) {
	if err := checkText("content", in.Content, e.cfg.Limits.MaxMessageRunes, true); err != nil {
		return nil, err
	}
	sink = sink.orDiscard()
	return e.turn(ctx, in.UserID, in.RoomID, in.Source, sink, func(ctx context.Context, sc *scene) (*Message, error) {
		m := &Message{RoomID: sc.room.ID, Role: RoleUser, Content: in.Content, Status: StatusComplete,
			Source: in.Source, TokenCount: e.tokens.Count(in.Content),
			Feedback: pendingFeedback(sc.room, in.Locale)} // the coach stores and settles it
		return m, nil // turn stores it
	})
}

// Regenerate replaces the last reply of a room: the replies after the last
// user message are deleted and a new one is streamed. In a room whose only
// message is the bot's opening line, the opening is played again.
func (e *Engine) Regenerate(ctx context.Context, userID, roomID int64, source Source, sink Sink) (*TurnResult, error) {
	return e.turn(ctx, userID, roomID, source, sink, func(ctx context.Context, sc *scene) (*Message, error) {
		last, err := e.lastUserMessage(ctx, sc.room.ID)
		if err != nil {
			return nil, err
		}
		sc.dropAfter = 0 // no user message: the opening goes, and is played again
		if last != nil {
			sc.dropAfter = last.ID
		}
		return last, nil
	})
}

// OpenScene has the bot open a room's scene with its first line, in character.
// It is a conflict in a room that already has a conversation.
func (e *Engine) OpenScene(ctx context.Context, userID, roomID int64, source Source, sink Sink) (*TurnResult, error) {
	return e.turn(ctx, userID, roomID, source, sink, func(ctx context.Context, sc *scene) (*Message, error) {
		msgs, err := e.store.ListMessages(ctx, sc.room.ID, 0, 1)
		if err != nil {
			return nil, Internal(err)
		}
		if len(msgs) > 0 {
			return nil, &Error{Code: CodeConflict, Reason: ReasonSceneStarted, Message: "This scene has already begun."}
		}
		return nil, nil
	})
}

// lastUserMessage returns the newest user message of a room, or nil.
func (e *Engine) lastUserMessage(ctx context.Context, roomID int64) (*Message, error) {
	before := int64(0)
	for {
		page, err := e.store.ListMessages(ctx, roomID, before, historyPageSize)
		if err != nil {
			return nil, Internal(err)
		}
		for _, m := range page {
			if m.Role == RoleUser {
				return m, nil
			}
		}
		if len(page) < historyPageSize {
			return nil, nil
		}
		before = page[len(page)-1].ID
	}
}

// turn runs the steps every reply shares. prepare runs while the room is
// locked and returns the user message to answer: a new one (ID 0) that turn
// stores, or a stored one; nil opens the scene.
func (e *Engine) turn(ctx context.Context, userID, roomID int64, source Source, sink Sink,
	prepare func(ctx context.Context, sc *scene) (*Message, error)) (_ *TurnResult, err error) {
	sink = sink.orDiscard()
	sink, observed := e.observeTurn(source, sink)
	defer func() { observed(err) }()
	if !source.Valid() {
		return nil, Invalid("source", "Unknown source.")
	}
	if err := e.begin(); err != nil {
		return nil, err
	}
	defer e.inflight.Done()

	room, err := e.FindRoom(ctx, userID, roomID)
	if err != nil {
		return nil, err
	}
	if err := e.checkTurnRate(ctx, userID); err != nil {
		return nil, err
	}
	unlock, err := e.locker.LockRoom(ctx, room.ID)
	if err != nil {
		return nil, lockError(err)
	}
	defer unlock()

	sc := e.newScene(room)
	userMsg, err := prepare(ctx, sc)
	if err != nil {
		return nil, err
	}
	// One read tells whether the room's cached history is current and how
	// much of the day's token allowance is left.
	before := int64(0)
	if userMsg != nil {
		before = userMsg.ID // 0 for a message not stored yet: the history is all that is stored
	}
	now := e.now().UTC()
	headID, used, err := e.store.TurnState(ctx, room.ID, before, userID, now.Format(time.DateOnly))
	if err != nil {
		return nil, Internal(fmt.Errorf("turn state: %w", err))
	}
	if err := e.checkDailyTokens(now, used); err != nil {
		return nil, err
	}
	// The prompt is built before anything is stored or deleted, so that a turn
	// the model cannot take is refused without a trace.
	p, err := e.buildPrompt(ctx, sc, userMsg, headID)
	if err != nil {
		return nil, err
	}
	// The turn's most is held in the allowance until the reply settles it.
	hold, err := e.reserveTokens(ctx, userID, now, p.tokens)
	if err != nil {
		return nil, err
	}
	defer e.releaseTokens(ctx, hold) // unless FinishReply settled it
	// From here on the turn does not depend on the caller staying: it runs on a
	// context that only the deadline and Close end.
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.cfg.Retry.Deadline)
	defer cancel()
	stopOnClose := context.AfterFunc(e.life, cancel)
	defer stopOnClose()
	work, untrack := e.trackTurn(work, userID) // DeleteUser ends the turn
	defer untrack()

	p.window.headID = -1   // until the turn is recorded, the window is not current
	if sc.dropAfter >= 0 { // a regeneration: the reply it replaces goes now
		if err := e.store.DeleteMessages(work, room.ID, sc.dropAfter); err != nil {
			return nil, Internal(fmt.Errorf("delete last reply: %w", err))
		}
		e.events.reload(room.ID) // the room's watchers re-read its history
	}

	// The user's message and the pending reply are stored together, before the
	// model is called: whatever happens next, what the user typed is kept.
	reply := &Message{RoomID: room.ID, Role: RoleAssistant, Status: StatusPending, Source: source, Owner: e.owner}
	newUserMsg := userMsg != nil && userMsg.ID == 0
	toStore := []*Message{reply}
	if newUserMsg {
		toStore = []*Message{userMsg, reply}
	}
	if err := e.store.CreateMessages(work, toStore...); err != nil {
		return nil, notFound(err, "Room") // deleted while this turn waited for it; else internal
	}
	res := &TurnResult{UserMessage: userMsg, Reply: reply}
	e.events.stored(room.ID)                                    // the room's watchers read the new rows
	sink, replyDone := e.events.follow(room.ID, reply.ID, sink) // and get the reply's deltas
	defer e.events.stored(room.ID)                              // the reply settled (deferred calls run last first)
	defer replyDone()
	res.goals = copyGoals(room.Goals)
	if newUserMsg && needsCoach(room, userMsg) {
		// The coach starts now, beside the reply, which it never waits for.
		res.coach = e.startCoach(ctx, room, userID, userMsg, previousBotLine(p.messages))
		res.Feedback = res.coach.current()
		defer func() { // as it stands when the reply is done, stored pending at least
			res.coach.awaitCreated()
			res.Feedback = res.coach.current()
		}()
	}
	if newUserMsg {
		sink(Event{Kind: EventUserMessage, Message: userMsg})
	}
	sink(Event{Kind: EventReplyStarted, Message: reply})

	model := e.cfg.Models.For(room)
	call, streamErr := e.streamReply(work, ModelRequest{
		Model:       model,
		Messages:    p.messages,
		MaxTokens:   e.cfg.Prompt.MaxReplyTokens,
		Temperature: e.cfg.Prompt.Temperature,
		User:        strconv.FormatInt(userID, 10),
	}, reply, sink)
	call.RoomID, call.UserID, call.Model, call.Surface = room.ID, userID, model, source
	if !call.usageReported {
		call.PromptTokens = p.tokens
	}
	call.CreatedAt = e.now()

	var public *Error
	if streamErr != nil {
		public = e.replyError(streamErr)
		reply.Status, reply.ErrorCode = StatusFailed, public.Code
		call.Status, call.Error = StatusFailed, string(public.Code)
	} else {
		reply.Status = StatusComplete
		call.Status = StatusComplete
	}
	reply.TokenCount = e.tokens.Count(reply.Content)
	if !call.usageReported {
		call.CompletionTokens = reply.TokenCount
	}
	// Store the outcome even if the turn's context has ended.
	save, cancelSave := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancelSave()
	call.ReservationID = hold.ID
	if err := e.finishReply(save, reply, &call.LLMCall); err != nil { // retried; logged there
		e.windows.drop(room.ID)
		return res, err
	}
	hold.ID = 0 // settled
	p.window.record(reply.ID, e.maxHistoryTokens(), userMsg, reply)
	if public != nil {
		e.log.Warn("engine: reply failed", "room", room.ID, "code", public.Code, "attempts", call.Attempts, "err", streamErr)
		return res, public
	}
	return res, nil
}

// turnCall is the ledger row of a turn being played.
type turnCall struct {
	LLMCall
	usageReported bool
}

// streamReply calls the model, retrying transient failures with exponential
// backoff and jitter (or the server's Retry-After) within the retry policy.
// A failure after the first delta reached the surface is not retried: the user
// has seen part of that reply. Deltas accumulate in reply.Content.
func (e *Engine) streamReply(ctx context.Context, req ModelRequest, reply *Message, sink Sink) (turnCall, error) {
	var call turnCall
	var content strings.Builder
	start := e.now()
	defer func() {
		reply.Content = content.String()
		call.Latency = e.now().Sub(start)
	}()
	saver := e.newPartialSaver(ctx, reply) // so that a crash keeps what the user saw
	onDelta := func(d string) {
		if ctx.Err() != nil {
			// The turn is over (its account deleted, Close, the deadline): a
			// piece the model's stream still hands over reaches no one.
			return
		}
		if content.Len() == 0 {
			call.TimeToFirstToken = e.now().Sub(start)
		}
		content.WriteString(d)
		sink(Event{Kind: EventDelta, Delta: d})
		saver.streamed(content.String())
	}
	for {
		call.Attempts++
		res, err := e.model.Stream(ctx, req, onDelta)
		if err == nil {
			call.PromptTokens, call.CompletionTokens, call.usageReported = res.PromptTokens, res.CompletionTokens, res.UsageReported
			return call, nil
		}
		if gone := accountDeleted(ctx); gone != nil {
			return call, gone
		}
		var me *ModelError
		if !errors.As(err, &me) || !me.Transient() || content.Len() > 0 || call.Attempts >= e.cfg.Retry.MaxAttempts {
			return call, err
		}
		wait := e.backoff(call.Attempts)
		if me.RetryAfter > 0 {
			wait = me.RetryAfter
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return call, err // the next attempt could not finish in time
		}
		e.log.Info("engine: retrying model call", "attempt", call.Attempts, "wait", wait, "err", err)
		e.metrics.ModelRetry(CallReply, me.Kind)
		if serr := e.sleep(ctx, wait); serr != nil {
			return call, err
		}
	}
}

// backoff returns the wait before attempt n+1: BaseDelay doubled n-1 times,
// capped at MaxDelay, with "equal jitter" (between half and all of it).
func (e *Engine) backoff(n int) time.Duration {
	d := e.cfg.Retry.BaseDelay << (n - 1)
	if d > e.cfg.Retry.MaxDelay || d <= 0 {
		d = e.cfg.Retry.MaxDelay
	}
	half := d / 2
	return half + rand.N(half+1)
}

// replyError turns a failed stream into the public error stored on the reply.
func (e *Engine) replyError(err error) *Error {
	var me *ModelError
	switch {
	case errors.As(err, &me):
		return me.publicError()
	case e.life.Err() != nil:
		return &Error{Code: CodeUnavailable, Message: "The service restarted before the reply was finished. Try again.", Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Code: CodeModelUnavailable, Message: "The model took too long to answer. Try again.", Err: err}
	}
	return AsError(err)
}

// checkDailyTokens enforces the per-user daily token allowance, given the
// tokens used so far on now's UTC day.
func (e *Engine) checkDailyTokens(now time.Time, used int64) error {
	if max := e.cfg.Limits.TokensPerDay; max > 0 && used >= max {
		midnight := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
		return &Error{Code: CodeRateLimited, RetryAfter: midnight.Sub(now),
			Message: "You have used today's conversation allowance. It renews at midnight UTC."}
	}
	return nil
}

// checkTurnRate records a turn against the per-user rate limit.
func (e *Engine) checkTurnRate(ctx context.Context, userID int64) error {
	ok, wait, err := e.limiter.AllowTurn(ctx, userID)
	if err != nil {
		return Internal(err)
	}
	if !ok {
		return &Error{Code: CodeRateLimited, RetryAfter: wait,
			Message: fmt.Sprintf("Too many messages. Try again in %d seconds.", int(wait.Seconds()+0.999))}
	}
	return nil
}

// lockError explains a wait for a busy room that ended before the room was free.
func lockError(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: CodeConflict, Reason: ReasonBusy, Message: "A reply is still being written in this room. Try again when it is done.", Err: err}
	}
	return Internal(err)
}
