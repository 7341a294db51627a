package openaifake

import (
	"strings"
	"sync"
	"time"
)

// CutAtStart as Reply.CutAfter closes the connection right after the response
// headers, before any chunk.
const CutAtStart = -1

// Reply scripts the server's answer to one chat-completion request. The zero
// value (with Chunks set) is a normal, successful reply.
type Reply struct {
	// Chunks are the content deltas, one SSE frame each; a non-streaming
	// request gets them joined.
	Chunks []string
	// FirstDelay is waited before the first chunk (after the response headers
	// when streaming); ChunkDelay between chunks.
	FirstDelay, ChunkDelay time.Duration
	// FinishReason is sent with the last chunk; empty means "stop".
	FinishReason string
	// OmitFinish ends the stream properly (usage, [DONE]) but with no chunk
	// carrying a finish_reason.
	OmitFinish bool

	// Status, when 400 or more, makes the reply an error: the OpenAI error
	// envelope {"error":{"message","type","param","code"}} with that status.
	Status int
	// RetryAfter is sent as the Retry-After header, verbatim, with any status.
	RetryAfter string
	// ErrorCode and ErrorType fill the envelope's code and type; an empty code
	// is sent as null, an empty type as invalid_request_error (server_error for
	// 5xx). ErrorMessage fills the message; empty means the status text.
	//
	// With Status 0 and ErrorMessage set, a stream sends Chunks and then an
	// error event (data: {"error":{…}}) in place of the finish, as servers do
	// when generation fails mid-way.
	ErrorCode, ErrorType, ErrorMessage string
	// ErrorBody, when set, is sent as the error response's body instead of the
	// envelope, as a proxy or a server with another error format would.
	ErrorBody string

	// CutAfter, when positive, sends that many chunks and then closes the
	// connection with no finish_reason and no [DONE]; CutAtStart closes it
	// before any chunk. Zero means the reply is not cut.
	CutAfter int

	// NoUsage leaves out the usage report, even when the request asked for
	// it, as servers that ignore stream_options do.
	NoUsage bool
	// PromptTokens and CompletionTokens are the usage reported; when zero, a
	// rough count is made up (words and messages of the prompt; chunks).
	PromptTokens, CompletionTokens int

	// Hold, when set, stops the reply after HoldAfter chunks (0: before the
	// first, after the headers; len(Chunks) or more: before the finish) until
	// the test releases it. An error reply, or a non-streaming one, holds
	// before it is written. A hold comes before a cut at the same chunk.
	Hold      *Hold
	HoldAfter int
}

// finishReason returns the finish reason to send.
func (r Reply) finishReason() string {
	if r.FinishReason == "" {
		return "stop"
	}
	return r.FinishReason
}

// Hold makes replies wait, deterministically, until a test lets them go: a
// test reads Reached to know a reply is waiting, checks what it needs, then
// calls Release. One Hold may serve several replies; Release lets all of
// them, and any later one, through.
type Hold struct {
	reachedOnce, releaseOnce sync.Once
	reached, release         chan struct{}
}

// NewHold returns a Hold that keeps replies waiting until Release.
func NewHold() *Hold {
	return &Hold{reached: make(chan struct{}), release: make(chan struct{})}
}

// Reached is closed when the first reply reaches the hold.
func (h *Hold) Reached() <-chan struct{} { return h.reached }

// Release lets every reply waiting at the hold, and every later one, go on.
// It may be called more than once.
func (h *Hold) Release() { h.releaseOnce.Do(func() { close(h.release) }) }

// arrive marks the hold reached and returns the channel to wait on.
func (h *Hold) arrive() <-chan struct{} {
	h.reachedOnce.Do(func() { close(h.reached) })
	return h.release
}

// Echo is the default reply: "echo: " and the last user message, streamed as
// one chunk per word (spaces kept with the word before them).
func Echo(req Request) Reply {
	return Reply{Chunks: SplitWords("echo: " + req.LastUserMessage())}
}

// SplitWords splits s into chunks that end after each run of spaces, so that
// joining them gives s back: "a b  c" → "a ", "b  ", "c".
func SplitWords(s string) []string {
	var chunks []string
	for len(s) > 0 {
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			chunks = append(chunks, s)
			break
		}
		for i < len(s) && s[i] == ' ' {
			i++
		}
		chunks = append(chunks, s[:i])
		s = s[i:]
	}
	return chunks
}
