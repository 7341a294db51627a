package engine

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Model streams chat completions and answers structured ones.
// Implementations live in sub-packages (the OpenAI-compatible client) and in
// tests (instant fakes).
type Model interface {
	// Stream sends req and calls onDelta with each piece of the reply as it
	// arrives. It returns once the reply is finished (FinishReason set) or has
	// failed. A stream that ends without a finish reason is an error. Errors that
	// concern the model server are *ModelError, so the engine can decide whether
	// to retry.
	Stream(ctx context.Context, req ModelRequest, onDelta func(delta string)) (ModelResult, error)
	// Complete sends req as one non-streamed completion whose answer should
	// follow req.Schema, and returns the answer unchecked (see
	// StructuredResult). Errors are classified as Stream's are.
	Complete(ctx context.Context, req StructuredRequest) (StructuredResult, error)
}

// PromptMessage is one message of a prompt.
type PromptMessage struct {
	Role    string // system, user or assistant
	Content string
	// Encoded is the message as the engine's Model encodes it
	// (MessageEncoder), kept by the engine with the message in the room's
	// window; empty when the Model encodes no messages or the message was
	// not encoded. It is always the encoding of Role and Content.
	Encoded string
}

// MessageEncoder is implemented by a Model whose requests carry each message
// in an encoding of its own (the OpenAI client: JSON). The engine encodes a
// history message once, keeps the encoding with the message in the room's
// window, and hands it back in PromptMessage.Encoded on every turn that sends
// the message, so that a turn encodes only what is new in its prompt.
type MessageEncoder interface {
	// EncodeMessage returns m as the Model sends it; "" when it cannot.
	EncodeMessage(m PromptMessage) string
}

// ModelRequest is one chat-completion request.
type ModelRequest struct {
	Model       string
	Messages    []PromptMessage
	MaxTokens   int
	Temperature float32
	User        string // an opaque end-user id for the provider's abuse monitoring
}

// ModelResult is what a finished stream reports.
type ModelResult struct {
	FinishReason     string // stop, length, …
	PromptTokens     int    // from the server's usage report, when UsageReported
	CompletionTokens int
	UsageReported    bool
}

// ModelErrorKind classifies a model failure.
type ModelErrorKind string

// The model failure kinds. Transient ones are retried.
const (
	ModelNetwork         ModelErrorKind = "network"         // connection refused, reset, DNS: transient
	ModelTimeout         ModelErrorKind = "timeout"         // a request timed out: transient
	ModelRateLimited     ModelErrorKind = "rate_limited"    // 429 (not quota): transient
	ModelServer          ModelErrorKind = "server"          // 5xx, 408, 409: transient
	ModelStreamCut       ModelErrorKind = "stream_cut"      // the stream ended before a finish reason: transient
	ModelBadRequest      ModelErrorKind = "bad_request"     // 400 and other 4xx: permanent
	ModelContextLength   ModelErrorKind = "context_length"  // context_length_exceeded: permanent
	ModelQuota           ModelErrorKind = "quota"           // insufficient_quota: permanent
	ModelUnauthenticated ModelErrorKind = "unauthenticated" // 401/403: permanent (a bad key)
	ModelNotConfigured   ModelErrorKind = "not_configured"  // no server or key configured: permanent
)

// ModelError is a failure of the model server, classified for retrying.
type ModelError struct {
	Kind       ModelErrorKind
	Status     int           // the HTTP status, when there was one
	RetryAfter time.Duration // from the Retry-After header, when sent
	Err        error
}

// Error describes the failure for the log.
func (e *ModelError) Error() string {
	s := "model: " + string(e.Kind)
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *ModelError) Unwrap() error { return e.Err }

// Transient reports whether retrying the same request may succeed.
func (e *ModelError) Transient() bool {
	switch e.Kind {
	case ModelNetwork, ModelTimeout, ModelRateLimited, ModelServer, ModelStreamCut:
		return true
	}
	return false
}

// publicError turns a final model failure into the error the surfaces show.
func (e *ModelError) publicError() *Error {
	switch e.Kind {
	case ModelNotConfigured:
		return &Error{Code: CodeModelNotConfigured, Message: "No model is configured: " + e.Err.Error(), Err: e}
	case ModelContextLength:
		return &Error{Code: CodeModelRejected, Message: "The conversation is too long for the model. Reset the room to start over.", Err: e}
	case ModelQuota:
		return &Error{Code: CodeModelRejected, Message: "The model provider's quota is used up. Try again later.", Err: e}
	case ModelBadRequest, ModelUnauthenticated:
		return &Error{Code: CodeModelRejected, Message: "The model server refused the request.", Err: e}
	}
	return &Error{Code: CodeModelUnavailable, Message: "The model is not answering right now. Try again in a moment.", RetryAfter: e.RetryAfter, Err: e}
}

// UnconfiguredModel is the Model used when no model server can be reached
// without more configuration; every call fails with a message naming Setting.
type UnconfiguredModel struct {
	Setting string // what to set, e.g. "CHATPLAY_MODEL_API_KEY (or OPENAI_API_KEY)"
}

var _ Model = UnconfiguredModel{}

// Stream fails at once with a ModelNotConfigured error.
func (m UnconfiguredModel) Stream(context.Context, ModelRequest, func(string)) (ModelResult, error) {
	return ModelResult{}, &ModelError{Kind: ModelNotConfigured, Err: fmt.Errorf("set %s, or point model.base_url at an OpenAI-compatible server", m.Setting)}
}

// Complete fails at once with a ModelNotConfigured error.
func (m UnconfiguredModel) Complete(context.Context, StructuredRequest) (StructuredResult, error) {
	_, err := m.Stream(context.Background(), ModelRequest{}, nil)
	return StructuredResult{}, err
}

// ModelPolicy says which model a room uses and which ones it may choose.
type ModelPolicy struct {
	Default string   // the model for rooms that name none
	Choices []string // further models a room may choose
}

// Allowed reports whether a room may choose model.
func (p ModelPolicy) Allowed(model string) bool {
	return model == p.Default || slices.Contains(p.Choices, model)
}

// For returns the model a room uses.
func (p ModelPolicy) For(r *Room) string {
	if r.Model != nil && p.Allowed(*r.Model) {
		return *r.Model
	}
	return p.Default
}

// TokenCounter counts tokens the way the model's tokenizer does.
type TokenCounter interface {
	// Count returns the number of tokens in text.
	Count(text string) int
}
