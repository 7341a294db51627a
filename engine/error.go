package engine

import (
	"errors"
	"fmt"
	"time"
)

// Code is one word of chatplay's error vocabulary. Every surface maps a Code to
// its own way of showing it (an HTTP status, a localized chat reply) in one place.
type Code string

// The error vocabulary. Codes are stable: they are stored on failed messages and
// sent to clients.
const (
	CodeInvalid            Code = "invalid"              // the input breaks a rule; Field names which input
	CodeUnauthenticated    Code = "unauthenticated"      // no valid credentials
	CodeNotFound           Code = "not_found"            // absent, or not yours (never "forbidden")
	CodeConflict           Code = "conflict"             // clashes with existing state (email taken, …)
	CodeRateLimited        Code = "rate_limited"         // a per-user limit; RetryAfter says when to try again
	CodeModelUnavailable   Code = "model_unavailable"    // the model server failed or was unreachable after retries
	CodeModelRejected      Code = "model_rejected"       // the model server refused the request (bad request, context too long, quota)
	CodeModelNotConfigured Code = "model_not_configured" // no model API key or server is configured
	CodeUnavailable        Code = "unavailable"          // the service is shutting down or not ready
	CodeInternal           Code = "internal"             // a bug or an unexpected failure; details only in the log
)

// Reason refines a Code for surfaces that explain errors in their own words
// (a localized chat reply): which rule an invalid input broke, which conflict.
type Reason string

// The reasons.
const (
	ReasonRequired     Reason = "required"      // invalid: the field is empty
	ReasonTooLong      Reason = "too_long"      // invalid: over the field's length cap (or, for content, the model's context)
	ReasonBadText      Reason = "bad_text"      // invalid: not UTF-8, or a control character
	ReasonTooMany      Reason = "too_many"      // invalid: more items than the list's cap (a room's goals)
	ReasonRoomLimit    Reason = "room_limit"    // conflict: the user has the most rooms allowed
	ReasonBusy         Reason = "busy"          // conflict: a reply is still being written in the room
	ReasonSceneStarted Reason = "scene_started" // conflict: the scene has already been opened
	ReasonEmailTaken   Reason = "email_taken"   // conflict: an account has this email
	ReasonEmptyScene   Reason = "empty_scene"   // invalid: a scene ended before the learner said anything
	ReasonLinkCode     Reason = "link_code"     // invalid: a link code is wrong, expired or used
	// ReasonLinkedElsewhere: conflict: the identity belongs to another web account (unlink it there first).
	ReasonLinkedElsewhere Reason = "identity_linked_elsewhere"
	// ReasonProviderLinked: conflict: the account already has an identity of that provider (unlink it first).
	ReasonProviderLinked Reason = "provider_linked"
	// ReasonNotWebAccount: conflict: linking needs an account with an email and password.
	ReasonNotWebAccount Reason = "not_web_account"
)

// Error is the one error type that crosses the engine's boundary. Message is safe
// to show to the user; Err holds internal detail for the log only.
type Error struct {
	Code       Code
	Message    string
	Field      string        // with CodeInvalid: the input at fault
	Reason     Reason        // within a code, what exactly; "" when the code says it all
	RetryAfter time.Duration // with CodeRateLimited (and retried model errors): when to try again
	Err        error         // the internal cause, never shown
}

// Error returns the code, the safe message and the internal cause, for logs.
func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Message
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code and a safe, formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns a CodeInvalid error naming field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// invalidBecause returns a CodeInvalid error naming field, with a reason.
func invalidBecause(reason Reason, field, format string, args ...any) *Error {
	e := Invalid(field, format, args...)
	e.Reason = reason
	return e
}

// Internal wraps an unexpected error; its detail goes only to the log.
func Internal(err error) *Error {
	return &Error{Code: CodeInternal, Message: "Something went wrong on our side.", Err: err}
}

// ErrorCode returns the Code of err: CodeInternal for an error that is not an
// *Error, "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// AsError returns err as an *Error, wrapping anything else as internal. It is
// the one place where an unknown error becomes a public one.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// ErrNotFound is returned by stores for a row that does not exist or is not the caller's.
var ErrNotFound = &Error{Code: CodeNotFound, Message: "Not found."}

// ErrLinkCodeInvalid is returned by LinkStore.RedeemLinkCode for a code that
// is wrong, expired, already used or made for the other direction.
var ErrLinkCodeInvalid = &Error{Code: CodeInvalid, Reason: ReasonLinkCode, Field: "code",
	Message: "This link code is wrong, expired or already used. Ask for a new one."}

// ErrLinkedElsewhere is returned by LinkStore when the identity belongs to
// another web account.
var ErrLinkedElsewhere = &Error{Code: CodeConflict, Reason: ReasonLinkedElsewhere,
	Message: "This chat account is already linked to another chatplay account. Unlink it there first."}

// ErrProviderLinked is returned by LinkStore when the account already has an
// identity of the provider being linked.
var ErrProviderLinked = &Error{Code: CodeConflict, Reason: ReasonProviderLinked,
	Message: "Your account already has an account of this chat app linked. Unlink it first."}

// ErrNotWebAccount is returned by LinkStore when the account that would
// receive an identity, or lose one, is not a web account.
var ErrNotWebAccount = &Error{Code: CodeConflict, Reason: ReasonNotWebAccount,
	Message: "Linking needs a web account: sign up on the web first."}

// ErrRoomLimit is returned by RoomStore.CreateRoom when the owner already has
// the most rooms allowed.
var ErrRoomLimit = &Error{Code: CodeConflict, Reason: ReasonRoomLimit, Message: "You have the most rooms allowed. Delete one to make another."}
