package engine

import (
	"context"
	"time"
)

// FeedbackStatus says where a learner line's feedback stands.
type FeedbackStatus string

// The feedback statuses. Feedback is pending from the moment the learner's
// line is stored until the coach answers (ready) or cannot (unavailable: an
// invalid or late answer, a failed call, a spent allowance).
const (
	FeedbackPending     FeedbackStatus = "pending"
	FeedbackReady       FeedbackStatus = "ready"
	FeedbackUnavailable FeedbackStatus = "unavailable"
)

// IssueKind says what kind of mistake a FeedbackItem names.
type IssueKind string

// The issue kinds the coach may name.
const (
	IssueGrammar     IssueKind = "grammar"
	IssueVocabulary  IssueKind = "vocabulary"
	IssueSpelling    IssueKind = "spelling"
	IssueWordOrder   IssueKind = "word_order"
	IssueNaturalness IssueKind = "naturalness"
	IssueRegister    IssueKind = "register" // politeness: 존댓말/반말, です/ます
)

// IssueKinds returns the issue kinds, in the order the coach's prompt names them.
func IssueKinds() []IssueKind {
	return []IssueKind{IssueGrammar, IssueVocabulary, IssueSpelling, IssueWordOrder, IssueNaturalness, IssueRegister}
}

// Valid reports whether k is a known issue kind.
func (k IssueKind) Valid() bool {
	for _, v := range IssueKinds() {
		if k == v {
			return true
		}
	}
	return false
}

// FeedbackItem is one issue found in a learner line.
type FeedbackItem struct {
	Kind        IssueKind `json:"kind"`
	Original    string    `json:"original"`    // the fragment as the learner wrote it
	Better      string    `json:"better"`      // what a native speaker would say
	Explanation string    `json:"explanation"` // in the learner's own language
}

// Feedback is the coach's answer on one learner line, stored per user message.
type Feedback struct {
	MessageID int64
	Status    FeedbackStatus
	// Corrected is the corrected line; equal to the line when it was fine.
	Corrected string
	// Items are the issues found; empty when the line is fine.
	Items []FeedbackItem
	// Note is a short note in the learner's language: praise for a fine
	// line, a gentle pointer when the line was not in the room's language.
	Note string
	// Language is the learner's language the explanations are in.
	Language  string
	UpdatedAt time.Time
	// Goals are the room's goals after the coach read this line (so that a
	// surface showing the feedback shows the progress too); nil when the
	// room has none. Not stored with the feedback: a read of stored
	// feedback (FindFeedback, ListMessages) leaves it nil.
	Goals []Goal
}

// FindFeedback returns the feedback of the user message messageID of
// roomID, which userID must own; another user's room or message, or a
// message without feedback, is not found. It answers whatever the room's
// feedback switch now says: the feedback was asked for when it was on.
func (e *Engine) FindFeedback(ctx context.Context, userID, roomID, messageID int64) (*Feedback, error) {
	room, err := e.FindRoom(ctx, userID, roomID)
	if err != nil {
		return nil, err
	}
	if _, err := e.store.FindMessage(ctx, room.ID, messageID); err != nil {
		return nil, notFound(err, "Message")
	}
	fb, err := e.store.FindFeedback(ctx, messageID)
	if err != nil {
		return nil, notFound(err, "Feedback")
	}
	return fb, nil
}

// attachFeedback sets Message.Feedback on the user messages of msgs that
// have feedback, with one store read for them all.
func (e *Engine) attachFeedback(ctx context.Context, msgs []*Message) error {
	var ids []int64
	byID := make(map[int64]*Message)
	for _, m := range msgs {
		if m.Role == RoleUser {
			ids = append(ids, m.ID)
			byID[m.ID] = m
		}
	}
	if len(ids) == 0 {
		return nil
	}
	fbs, err := e.store.ListFeedback(ctx, ids)
	if err != nil {
		return Internal(err)
	}
	for _, fb := range fbs {
		if m := byID[fb.MessageID]; m != nil {
			m.Feedback = fb
		}
	}
	return nil
}
