package engine

import "time"

// Role says who wrote a message.
type Role string

// The message roles.
const (
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// Status is where a message is in its life.
type Status string

// The message statuses. A user's message is complete once stored; a reply is
// pending while it streams, then complete or failed.
const (
	StatusPending  Status = "pending"
	StatusComplete Status = "complete"
	StatusFailed   Status = "failed"
)

// Source is the surface a message came through.
type Source string

// The surfaces.
const (
	SourceWeb      Source = "web"
	SourceTelegram Source = "telegram"
	SourceDiscord  Source = "discord"
)

// Sources returns the surfaces, the web first.
func Sources() []Source { return []Source{SourceWeb, SourceTelegram, SourceDiscord} }

// Valid reports whether s is a known source.
func (s Source) Valid() bool {
	return s == SourceWeb || s == SourceTelegram || s == SourceDiscord
}

// Message is one message of a room's conversation.
type Message struct {
	ID         int64
	RoomID     int64
	Role       Role
	Content    string
	Status     Status
	ErrorCode  Code // with StatusFailed: why
	Source     Source
	TokenCount int
	CreatedAt  time.Time
	// Owner is, for a reply the engine streams, the lease of the process
	// streaming it (see Engine.RecoverPending); "" otherwise.
	Owner string
	// Feedback is the coach's feedback on a user message, set by
	// Engine.ListMessages in rooms with feedback on; nil for replies and in
	// rooms with feedback off.
	Feedback *Feedback
}

// CallKind says what a model call was for: the in-character reply, or one of
// the learner's aids beside it. Every call is one ledger row with its kind.
type CallKind string

// The kinds of model call.
const (
	CallReply     CallKind = "reply"     // the bot's line in the scene
	CallFeedback  CallKind = "feedback"  // the coach's corrections of a learner's line
	CallHint      CallKind = "hint"      // lines the learner could say next
	CallTranslate CallKind = "translate" // a line in the learner's own language
	CallReport    CallKind = "report"    // the summary at the end of a scene
)

// CallKinds returns the kinds of model call, the reply first.
func CallKinds() []CallKind {
	return []CallKind{CallReply, CallFeedback, CallHint, CallTranslate, CallReport}
}

// Valid reports whether k is a known kind.
func (k CallKind) Valid() bool {
	switch k {
	case CallReply, CallFeedback, CallHint, CallTranslate, CallReport:
		return true
	}
	return false
}

// LLMCall is one row of the usage ledger: one attempt-group (one chat turn, with
// its retries, or one aid such as a correction) against the model server.
type LLMCall struct {
	ID               int64
	RoomID           int64
	UserID           int64
	Kind             CallKind // "": CallReply
	Surface          Source   // where it was played from; "": SourceWeb
	Model            string
	PromptTokens     int
	CompletionTokens int
	Attempts         int
	Latency          time.Duration // from the first request to the end of the stream
	TimeToFirstToken time.Duration // zero when no token came
	Status           Status        // complete or failed
	Error            string        // the error code for a failed call
	CreatedAt        time.Time
	ReservationID    int64 // the TokenReservation this call settles (0: none); not stored
}

// Usage is one user's token use for one day, model, surface and kind of call.
type Usage struct {
	Day              string // YYYY-MM-DD, UTC
	Model            string
	Surface          Source
	Kind             CallKind
	Calls            int
	PromptTokens     int64
	CompletionTokens int64
}

// Page asks for one page of a list: at most Limit items after Cursor.
type Page struct {
	Limit  int
	Cursor string // opaque; "" for the first page
}
