package engine

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// The coach reads each new learner line of a room with feedback on and
// answers with feedback on it (see Feedback), in a structured model call
// that runs beside the in-character reply: it starts as soon as the line is
// stored and never holds the reply up. Whatever goes wrong with it (an
// invalid or late answer, a failed call, a spent allowance) leaves the
// line's feedback unavailable; it is never an error of the turn.

// coachSettleMargin is how long after Coach.Timeout the recovery sweep
// waits before it settles a still pending feedback as unavailable: the
// coach's own last writes (aidSaveTimeout) fit in it, so only a coach cut by
// a crash is swept.
const coachSettleMargin = 30 * time.Second

// coachRun is the coach at work on one learner line: its feedback (in a room
// with feedback on), pending until done is closed, and the room's goals.
type coachRun struct {
	done     chan struct{} // closed when the coach has settled the feedback and the goals
	created  chan struct{} // closed once the pending row is written (or could not be, or there is none)
	feedback bool          // the room has feedback on: fb is the line's
	mu       sync.Mutex
	fb       Feedback
	goals    []Goal // the room's goals as they stand; nil: the room has none
}

// currentGoals returns a copy of the room's goals as they stand, or nil.
func (c *coachRun) currentGoals() []Goal {
	c.mu.Lock()
	defer c.mu.Unlock()
	return copyGoals(c.goals)
}

// copyGoals returns a copy of goals; nil for none.
func copyGoals(goals []Goal) []Goal {
	if len(goals) == 0 {
		return nil
	}
	return append([]Goal{}, goals...)
}

// current returns a copy of the feedback as it stands, with the room's
// goals; nil in a room with feedback off.
func (c *coachRun) current() *Feedback {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.feedback {
		return nil
	}
	fb := c.fb
	fb.Items = append([]FeedbackItem{}, c.fb.Items...)
	fb.Goals = copyGoals(c.goals)
	return &fb
}

// set records the coach's outcome: the feedback (nil: none) and the goals.
func (c *coachRun) set(fb *Feedback, goals []Goal) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if fb != nil {
		c.fb = *fb
	}
	c.goals = copyGoals(goals)
}

// awaitCreated blocks until the coach has written the line's pending
// feedback row (or given up on it). A turn waits for it before it returns,
// once its reply is done: from then on every read of the line finds its
// feedback, pending at least, never "none".
func (c *coachRun) awaitCreated() {
	select {
	case <-c.created:
	case <-c.done:
	}
}

// wait blocks until the coach is done or ctx ends, and returns the feedback
// (nil in a room with feedback off).
func (c *coachRun) wait(ctx context.Context) *Feedback {
	select {
	case <-c.done:
	case <-ctx.Done():
	}
	return c.current()
}

// pendingFeedback returns the feedback a new learner line of room starts
// with, in the learner's language of locale, or nil when the room has
// feedback off.
func pendingFeedback(room *Room, locale string) *Feedback {
	if !room.Feedback {
		return nil
	}
	lang := "" // the account's locale, resolved by the coach (learnerLanguage)
	if locale != "" {
		lang = LearnerLanguage(locale)
	}
	return &Feedback{Status: FeedbackPending, Items: []FeedbackItem{}, Language: lang}
}

// learnerLanguage returns lang, or when it is empty the stored locale of
// userID as a learner's language (English when it cannot be read: the
// feedback is worth more than its language).
func (e *Engine) learnerLanguage(ctx context.Context, userID int64, lang string) string {
	if lang != "" {
		return lang
	}
	u, err := e.store.FindUserByID(ctx, userID)
	if err != nil {
		return LearnerLanguage("")
	}
	return LearnerLanguage(u.Locale)
}

// openGoalsOf returns the goals of goals not achieved yet.
func openGoalsOf(goals []Goal) []Goal {
	var open []Goal
	for _, g := range goals {
		if !g.Achieved {
			open = append(open, g)
		}
	}
	return open
}

// needsCoach reports whether a new learner line of room gets the coach: in a
// room with feedback on (line.Feedback is then its pending feedback), or with
// goals still open (a goals-only check when feedback is off).
func needsCoach(room *Room, line *Message) bool {
	return line.Feedback != nil || len(openGoalsOf(room.Goals)) > 0
}

// startCoach starts the coach on line, a learner line of room just stored
// (line.Feedback is its pending feedback, not stored yet, or nil with
// feedback off), which answered botLine. The coach runs on its
// own goroutine, counted in flight (Close waits for it), on a context that
// outlives ctx's cancellation and that Coach.Timeout, Close and the deletion
// of the account end (Coach.Timeout all but the pending row's write: see
// coach).
//
// With feedback on, the coach's one call gives the feedback and, when the
// room has open goals, the goals the line achieved. With feedback off and
// open goals, a goals-only check runs instead: a call of its own schema
// (goalsSchema), recorded in the ledger as kind feedback, the coach's work.
func (e *Engine) startCoach(ctx context.Context, room *Room, userID int64, line *Message, botLine string) *coachRun {
	run := &coachRun{done: make(chan struct{}), created: make(chan struct{}), feedback: line.Feedback != nil, goals: copyGoals(room.Goals)}
	if run.feedback {
		run.fb = *line.Feedback
	}
	lineCopy := *line // the goroutine reads its own copy: the turn goes on with line
	if line.Feedback != nil {
		fb := *line.Feedback // and the coach fills in its language
		lineCopy.Feedback = &fb
	}
	line = &lineCopy
	// The turn that calls this is itself in flight, so the count is above
	// zero and this Add may race Close's Wait (see sync.WaitGroup).
	e.inflight.Add(1)
	life, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stopOnClose := context.AfterFunc(e.life, cancel)
	life, untrack := e.trackTurn(life, userID)
	work, cancelWork := context.WithTimeout(life, e.cfg.Coach.Timeout)
	go func() {
		defer e.inflight.Done()
		defer close(run.done)
		defer cancel()
		defer stopOnClose()
		defer untrack()
		defer cancelWork()
		if !run.feedback {
			close(run.created) // no pending row to write
			run.set(nil, e.checkGoalsOnly(work, room, userID, line, botLine))
			return
		}
		fb := e.coach(life, work, room, userID, line, botLine, run.created)
		run.set(fb, fb.Goals)
	}()
	return run
}

// coach stores line's feedback pending, asks the model for it (and for the
// open goals the line achieved), stores the outcome and returns it as
// stored, with the room's goals (Feedback.Goals).
//
// The pending row is written here, beside the reply, rather than with the
// line: the reply's first delta waits for no write of the coach's. A crash
// before this write leaves the line without feedback; a crash after it
// leaves it pending until the recovery sweep (RecoverPending).
//
// The coach works on ctx, which Coach.Timeout ends; life, its parent, ends
// only with Close or the account's deletion. The pending row is written on
// life (within aidSaveTimeout): Coach.Timeout bounds the coach's answer, and
// a write it cut would leave the line with no feedback at all, or pending
// (written, though the write said it failed) while the coach says
// unavailable.
//
// created is closed once the pending row's write has ended.
func (e *Engine) coach(life, ctx context.Context, room *Room, userID int64, line *Message, botLine string, created chan<- struct{}) *Feedback {
	goals := copyGoals(room.Goals)
	write, cancelWrite := context.WithTimeout(life, aidSaveTimeout)
	line.Feedback.Language = e.learnerLanguage(write, userID, line.Feedback.Language) // line is the coach's own copy
	pending := &Feedback{MessageID: line.ID, Status: FeedbackPending, Items: []FeedbackItem{}, Language: line.Feedback.Language, Goals: goals}
	err := e.store.CreateFeedback(write, pending)
	cancelWrite()
	close(created)
	e.events.stored(room.ID)
	defer e.events.stored(room.ID) // the feedback settled, the goals achieved
	if err != nil {
		if ErrorCode(err) != CodeNotFound { // else the line is gone already (a reset, a deleted room or account)
			e.log.Warn("engine: store pending feedback", "message", line.ID, "err", err)
		}
		pending.Status = FeedbackUnavailable
		return pending
	}
	open := openGoalsOf(room.Goals)
	schema := coachSchema
	if len(open) > 0 {
		schema = coachGoalsSchema
	}
	var achieved []int64
	fb := &Feedback{MessageID: line.ID, Status: FeedbackUnavailable, Items: []FeedbackItem{}, Language: line.Feedback.Language}
	err = e.callAidSafely(ctx, aidCall{kind: CallFeedback, surface: line.Source, userID: userID, room: room,
		messages: coachPrompt(room, fb.Language, botLine, line.Content, open), schema: schema,
		check: func(content string) error {
			got, ids, err := checkFeedback(content, line.Content, open)
			if err != nil {
				return err
			}
			got.MessageID, got.Language = fb.MessageID, fb.Language
			fb, achieved = got, ids
			return nil
		}})
	if err != nil {
		e.log.Info("engine: feedback unavailable", "room", room.ID, "message", line.ID, "err", err)
		fb = &Feedback{MessageID: line.ID, Status: FeedbackUnavailable, Items: []FeedbackItem{}, Language: line.Feedback.Language}
		achieved = nil // an unusable answer changes no goal
	}
	save, cancel := context.WithTimeout(context.WithoutCancel(ctx), aidSaveTimeout)
	defer cancel()
	fb.Goals = e.achieve(save, room, achieved, line.ID)
	switch err := e.store.SettleFeedback(save, fb); {
	case err == nil:
		return fb
	case ErrorCode(err) == CodeNotFound:
		// Settled by the recovery sweep, or the line is gone (a reset, a
		// deleted room or account): what is stored, if anything, stands.
		if stored, ferr := e.store.FindFeedback(save, line.ID); ferr == nil {
			stored.Goals = fb.Goals
			return stored
		}
		return fb
	default:
		// Left pending in the store, where the recovery sweep settles it.
		e.log.Warn("engine: store feedback", "message", line.ID, "err", err)
		fb.Status, fb.Corrected, fb.Items, fb.Note = FeedbackUnavailable, "", []FeedbackItem{}, ""
		return fb
	}
}

// checkGoalsOnly is the coach of a room with feedback off and open goals:
// it asks the model which open goals line achieved, stores them, and
// returns the room's goals. Whatever goes wrong leaves the goals as they
// were; it is never an error of the turn.
func (e *Engine) checkGoalsOnly(ctx context.Context, room *Room, userID int64, line *Message, botLine string) []Goal {
	open := openGoalsOf(room.Goals)
	var achieved []int64
	err := e.callAidSafely(ctx, aidCall{kind: CallFeedback, surface: line.Source, userID: userID, room: room,
		messages: goalsPrompt(room, botLine, line.Content, open), schema: goalsSchema,
		check: func(content string) error {
			ids, err := checkGoals(content, open)
			achieved = ids
			return err
		}})
	if err != nil {
		e.log.Info("engine: goals check unavailable", "room", room.ID, "message", line.ID, "err", err)
		achieved = nil
	}
	save, cancel := context.WithTimeout(context.WithoutCancel(ctx), aidSaveTimeout)
	defer cancel()
	defer e.events.stored(room.ID)
	return e.achieve(save, room, achieved, line.ID)
}

// achieve stores the goals of room that the learner's line messageID
// achieved (ids, possibly none) and returns the room's goals as stored; nil
// for a room without goals. When the store fails, the goals are returned as
// the room had them.
func (e *Engine) achieve(ctx context.Context, room *Room, ids []int64, messageID int64) []Goal {
	if len(room.Goals) == 0 {
		return nil
	}
	goals, err := e.AchieveGoals(ctx, room.ID, ids, messageID)
	if err != nil {
		e.log.Warn("engine: store achieved goals", "room", room.ID, "message", messageID, "err", err)
		return copyGoals(room.Goals)
	}
	return copyGoals(goals)
}

// callAidSafely is callAid for a call on a goroutine of its own, where a
// panic (a broken Model) would end the process: it becomes the call's error.
func (e *Engine) callAidSafely(ctx context.Context, c aidCall) (err error) {
	defer func() {
		if p := recover(); p != nil {
			e.log.Error("engine: aid call panicked", "kind", c.kind, "room", c.room.ID, "panic", p)
			err = Internal(fmt.Errorf("aid call panicked: %v", p))
		}
	}()
	return e.callAid(ctx, c)
}

// previousBotLine returns the bot's line that msgs (a prompt, the learner's
// line last) shows just before the learner's line, or "".
func previousBotLine(msgs []PromptMessage) string {
	if len(msgs) < 2 {
		return ""
	}
	if prev := msgs[len(msgs)-2]; prev.Role == string(RoleAssistant) {
		return prev.Content
	}
	return ""
}
