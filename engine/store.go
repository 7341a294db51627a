package engine

import (
	"context"
	"time"
)

// Store keeps chatplay's data. Implementations return ErrNotFound (or an *Error
// with CodeNotFound) for a missing row, and an *Error with CodeConflict for a
// broken unique key; anything else is an internal error. Every room and message
// read is scoped to the room's owner by the caller passing ownerID.
type Store interface {
	UserStore
	RoomStore
	GoalStore
	MessageStore
	UsageStore
	BindingStore
	AidStore
	ReportStore
	LinkStore
	RoomEventStore
}

// ReportStore keeps the end-of-scene reports and their words. Every method
// is scoped to ownerID.
type ReportStore interface {
	// CreateReport inserts r, a report of ownerID's room r.RoomID, and its
	// Vocabulary, in one transaction, and sets r.ID and r.CreatedAt. A room
	// that is not ownerID's (or is gone) is ErrNotFound.
	CreateReport(ctx context.Context, ownerID int64, r *Report) error
	// FindReport returns ownerID's report id, vocabulary included, else ErrNotFound.
	FindReport(ctx context.Context, ownerID, id int64) (*Report, error)
	// ListReports returns at most limit of ownerID's reports with ID <
	// beforeID (beforeID 0: from the newest), newest first, vocabulary
	// included.
	ListReports(ctx context.Context, ownerID, beforeID int64, limit int) ([]*Report, error)
	// ListVocabulary returns at most limit of the words of ownerID's reports
	// with ID < beforeID (beforeID 0: from the newest), newest report first
	// and each report's words in its order.
	ListVocabulary(ctx context.Context, ownerID, beforeID int64, limit int) ([]*VocabularyEntry, error)
}

// UserStore keeps users and their platform identities.
type UserStore interface {
	// CreateUser inserts u and sets its ID and CreatedAt. A taken email is a conflict.
	CreateUser(ctx context.Context, u *User) error
	// FindUserByID returns the user with id.
	FindUserByID(ctx context.Context, id int64) (*User, error)
	// FindUserByEmail returns the user with email (compared case-insensitively; emails are stored lower-case).
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	// UpdateUser writes u's email, password hash, display name and locale.
	UpdateUser(ctx context.Context, u *User) error
	// UpdateUserLocale writes the user's locale, and nothing else, and
	// returns the user as stored.
	UpdateUserLocale(ctx context.Context, id int64, locale string) (*User, error)
	// DeleteUser removes the user with id and everything it owns (identities, rooms, messages, usage).
	DeleteUser(ctx context.Context, id int64) error
	// EnsureIdentityUser returns the user linked to (id.Provider, id.Subject),
	// creating u and the identity in one transaction on first contact. It is safe
	// to call concurrently for the same identity: exactly one user is created.
	// The bool is true when the user was created by this call.
	EnsureIdentityUser(ctx context.Context, id *Identity, u *User) (*User, bool, error)
	// FindIdentityUser returns the user linked to (provider, subject), or ErrNotFound.
	FindIdentityUser(ctx context.Context, provider Provider, subject string) (*User, error)
	// ListIdentities returns the identities of a user.
	ListIdentities(ctx context.Context, userID int64) ([]*Identity, error)
}

// RoomStore keeps rooms. Every method is scoped to ownerID.
type RoomStore interface {
	// CreateRoom inserts r and its Goals and sets their IDs, CreatedAt and UpdatedAt. With
	// maxRooms > 0 it inserts only while r.OwnerID has fewer than maxRooms
	// rooms, counted and inserted atomically (concurrent creates included),
	// and returns ErrRoomLimit otherwise.
	CreateRoom(ctx context.Context, r *Room, maxRooms int) error
	// FindRoom returns the room with id, goals included, if ownerID owns
	// it, else ErrNotFound. Every room a RoomStore returns has its goals.
	FindRoom(ctx context.Context, ownerID, id int64) (*Room, error)
	// ListRooms returns at most limit of ownerID's rooms with ID < beforeID
	// (beforeID 0: from the newest), newest first.
	ListRooms(ctx context.Context, ownerID, beforeID int64, limit int) ([]*Room, error)
	// CountRooms returns how many rooms ownerID has.
	CountRooms(ctx context.Context, ownerID int64) (int, error)
	// UpdateRoom writes the set fields of u (already normalized and valid; an
	// empty Model is NULL, the default model) and UpdatedAt, and no other
	// column, to the room with id if ownerID owns it, in one statement; it
	// returns the room as stored, or ErrNotFound.
	UpdateRoom(ctx context.Context, ownerID, id int64, u RoomUpdate) (*Room, error)
	// DeleteRoom removes the room and its messages if ownerID owns it, else ErrNotFound.
	DeleteRoom(ctx context.Context, ownerID, id int64) error
}

// MessageStore keeps messages. Callers check room ownership first.
type MessageStore interface {
	// CreateMessage inserts m and sets its ID and CreatedAt. IDs grow with insertion order.
	CreateMessage(ctx context.Context, m *Message) error
	// CreateMessages inserts msgs, in order, in one transaction (a turn's user
	// message and pending reply), and sets their IDs and CreatedAt.
	CreateMessages(ctx context.Context, msgs ...*Message) error
	// FindMessage returns the message with id if it belongs to roomID, else ErrNotFound.
	FindMessage(ctx context.Context, roomID, id int64) (*Message, error)
	// LastReply returns the newest complete assistant message of roomID, or ErrNotFound.
	LastReply(ctx context.Context, roomID int64) (*Message, error)
	// ListMessages returns at most limit messages of a room with ID < beforeID
	// (beforeID 0: from the newest), newest first.
	ListMessages(ctx context.Context, roomID, beforeID int64, limit int) ([]*Message, error)
	// RecapMessages returns at most limit of the newest complete messages of
	// roomID with an ID above that of the room's last message whose Source
	// is surface (all of them if none is), newest first.
	RecapMessages(ctx context.Context, roomID int64, surface Source, limit int) ([]*Message, error)
	// DeleteMessages removes the room's messages with ID > afterID (afterID 0: all of them).
	DeleteMessages(ctx context.Context, roomID, afterID int64) error
	// FinishReply writes reply's content, status, error code and token count,
	// records call in the usage ledger (llm_calls and the daily usage totals)
	// and deletes the reservation call settles (call.ReservationID), in one
	// transaction. The call is recorded for the current owner of its room
	// (call.UserID when the room is gone): a bot-only user linked to an
	// account while its turn played is gone, its rooms the account's.
	FinishReply(ctx context.Context, reply *Message, call *LLMCall) error
	// TurnState reads, in one round trip, what a chat turn checks once it
	// holds its room: the id of the newest message of roomID below beforeID
	// (beforeID 0: of all; 0 when there is none), and the tokens userID used on
	// day (UTC, YYYY-MM-DD).
	TurnState(ctx context.Context, roomID, beforeID, userID int64, day string) (headID, tokensUsed int64, err error)
	// FailPendingMessages marks every pending message created before the cutoff
	// as failed with code, and returns how many it marked.
	FailPendingMessages(ctx context.Context, before time.Time, code Code) (int, error)
	// SaveReplyContent writes the text a pending reply has streamed so far; a
	// reply no longer pending, or gone, is left as it is.
	SaveReplyContent(ctx context.Context, id int64, content string) error
	LeaseStore
}

// LeaseStore keeps the leases of running engine processes, which tell the
// replies a live process is streaming from those a dead one left pending.
type LeaseStore interface {
	// RenewLease writes owner's lease to expire at expires, creating it if needed.
	RenewLease(ctx context.Context, owner string, expires time.Time) error
	// DeleteLease removes owner's lease.
	DeleteLease(ctx context.Context, owner string) error
	// FailOrphanedReplies marks as failed with code every pending reply whose
	// owner has no lease live at now, keeping its content, returns how many it
	// marked, and forgets the expired leases. Replies without an owner are
	// left alone.
	FailOrphanedReplies(ctx context.Context, now time.Time, code Code) (int, error)
}

// UsageStore reads the usage ledger and keeps the token reservations of
// turns in flight.
type UsageStore interface {
	// ReserveTokens, as one atomic step for r.UserID (concurrent calls and
	// other processes included), sums the tokens the user used on r.Day and
	// those held by the user's reservations of r.Day unexpired at
	// r.CreatedAt, passes the sum to admit and, when admit returns nil,
	// inserts r and sets r.ID. admit's error is returned as it is.
	ReserveTokens(ctx context.Context, r *TokenReservation, admit func(spent int64) error) error
	// ReleaseTokens deletes the reservation with id; one already gone is not an error.
	ReleaseTokens(ctx context.Context, id int64) error
	// RecordCall records call, a model call that made no message (a
	// correction, a hint, a translation: see CallKind), in the usage ledger
	// (llm_calls and the daily usage totals) and deletes the reservation it
	// settles (call.ReservationID), in one transaction; like FinishReply,
	// for the current owner of its room.
	RecordCall(ctx context.Context, call *LLMCall) error
	// ListUsage returns userID's usage per day, model, surface and kind of
	// call for days >= sinceDay, newest day first.
	ListUsage(ctx context.Context, userID int64, sinceDay string) ([]Usage, error)
}

// AidStore keeps what the learner's aids produce: the coach's feedback on
// user messages and cached translations. Callers check room ownership first.
type AidStore interface {
	// CreateFeedback inserts fb, the feedback of the user message
	// fb.MessageID, and sets its UpdatedAt. A message gone is ErrNotFound.
	CreateFeedback(ctx context.Context, fb *Feedback) error
	// SettleFeedback writes fb's status, corrected line, items and note and
	// sets its UpdatedAt, if the feedback of fb.MessageID is still pending;
	// otherwise (settled already, or its message gone) it returns ErrNotFound.
	SettleFeedback(ctx context.Context, fb *Feedback) error
	// FindFeedback returns the feedback of the message messageID, or ErrNotFound.
	FindFeedback(ctx context.Context, messageID int64) (*Feedback, error)
	// ListFeedback returns the feedback of those of messageIDs that have
	// one, in one query.
	ListFeedback(ctx context.Context, messageIDs []int64) ([]*Feedback, error)
	// FailPendingFeedback settles as unavailable every pending feedback
	// created before the cutoff (its coach was cut by a crash), and returns
	// how many it settled.
	FailPendingFeedback(ctx context.Context, before time.Time) (int, error)
	// FindTranslation returns the cached translation of messageID into
	// language, or ErrNotFound.
	FindTranslation(ctx context.Context, messageID int64, language string) (*Translation, error)
	// SaveTranslation caches t unless a translation of its message into its
	// language is cached already, and sets t to the one cached. A message
	// deleted meanwhile is ErrNotFound.
	SaveTranslation(ctx context.Context, t *Translation) error
}
