// Package openai is the engine.Model that talks to OpenAI or any
// OpenAI-compatible chat-completions server (Ollama, vLLM, llama.cpp server)
// through github.com/sashabaranov/go-openai. It streams replies, reads the
// usage report, and classifies every failure as an *engine.ModelError so that
// the engine can decide whether to retry.
package openai

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/chatplay/chatplay/engine"
)

// DefaultBaseURL is the API used when Config.BaseURL is empty.
const DefaultBaseURL = "https://api.openai.com/v1"

// Config configures a Client.
type Config struct {
	// BaseURL is the API root including the version, e.g.
	// "https://api.openai.com/v1" or "http://localhost:11434/v1".
	// Empty means DefaultBaseURL.
	BaseURL string
	// APIKey is sent as "Authorization: Bearer <key>". Empty sends no
	// Authorization header at all, as local servers expect.
	APIKey string
	// Timeout bounds how long the server may stay silent within one attempt:
	// before the response and its first chunk, and between two chunks. A reply
	// that keeps streaming may take longer; the caller's context bounds the
	// whole. Zero means no limit beyond the caller's context.
	Timeout time.Duration
	// HTTPClient is the client to send requests with; nil means a new one
	// using http.DefaultTransport. It is copied, never modified.
	HTTPClient *http.Client
}

// Client is an engine.Model for OpenAI-compatible servers. It is safe for
// concurrent use.
type Client struct {
	api     *goopenai.Client
	key     string // the API key, taken out of every error's text
	timeout time.Duration
	// afterFunc starts the silence timer: time.AfterFunc, or a test's clock.
	afterFunc func(d time.Duration, f func()) timer
}

// timer is the part of *time.Timer the silence timer uses.
type timer interface {
	Reset(d time.Duration) bool
	Stop() bool
}

// realAfterFunc is time.AfterFunc as a timer.
func realAfterFunc(d time.Duration, f func()) timer { return time.AfterFunc(d, f) }

var _ engine.Model = (*Client)(nil)

// errAttemptTimeout is the cause of an attempt's context when the server was
// silent for Config.Timeout, which tells it apart from the caller's deadline.
var errAttemptTimeout = errors.New("model server silent too long")

// New returns a Client for cfg.
func New(cfg Config) *Client {
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient
		hc = &copied
	}
	hc.Transport = &retryAfterTransport{base: hc.Transport}

	key := strings.TrimSpace(cfg.APIKey)
	oc := goopenai.DefaultConfig(key)
	oc.BaseURL = DefaultBaseURL
	if cfg.BaseURL != "" {
		oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	oc.HTTPClient = messageDoer{hc: hc} // fills each request's messages in (body.go)
	return &Client{api: goopenai.NewClientWithConfig(oc), key: key, timeout: cfg.Timeout, afterFunc: realAfterFunc}
}

// Stream sends req as a streaming chat completion and calls onDelta with each
// non-empty piece of content as it arrives. It returns the finish reason and,
// when the server reported it, the token usage. Failures of the server are
// *engine.ModelError; a cancelled or expired caller context is returned as
// ctx.Err(), wrapped, and is not a ModelError.
func (c *Client) Stream(ctx context.Context, req engine.ModelRequest, onDelta func(delta string)) (engine.ModelResult, error) {
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// The silence timer: started with the request, pushed back by each chunk.
	heard := func() {}
	if c.timeout > 0 {
		silence := c.afterFunc(c.timeout, func() { cancel(errAttemptTimeout) })
		defer silence.Stop()
		heard = func() { silence.Reset(c.timeout) }
	}
	holder := &retryAfterHolder{}
	actx = withRetryAfterHolder(actx, holder)
	actx = withMessages(actx, req.Messages)

	stream, err := c.api.CreateChatCompletionStream(actx, chatRequest(req))
	if err != nil {
		return engine.ModelResult{}, c.failure(ctx, actx, holder, err, false)
	}
	defer stream.Close()

	var res engine.ModelResult
	var chunk streamChunk
	for {
		line, err := stream.RecvRaw()
		if err == nil {
			err = decodeChunk(line, &chunk)
		}
		if err == nil && context.Cause(actx) == errAttemptTimeout {
			// The server was silent too long before this chunk came (it may
			// have been buffered): the attempt is over, whatever arrives.
			err = errAttemptTimeout
		}
		heard()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if res.FinishReason != "" {
				// The reply is complete; only the usage report or [DONE] is missing.
				return res, nil
			}
			return engine.ModelResult{}, c.failure(ctx, actx, holder, err, true)
		}
		if chunk.Usage != nil {
			res.PromptTokens = chunk.Usage.PromptTokens
			res.CompletionTokens = chunk.Usage.CompletionTokens
			res.UsageReported = true
		}
		for _, choice := range chunk.Choices {
			if choice.Index != 0 {
				continue
			}
			if choice.Delta.Content != "" && onDelta != nil {
				onDelta(choice.Delta.Content)
			}
			if choice.FinishReason != "" {
				res.FinishReason = choice.FinishReason
			}
		}
		if res.FinishReason != "" && res.UsageReported {
			break // nothing more is coming that matters
		}
	}
	if res.FinishReason == "" {
		return engine.ModelResult{}, &engine.ModelError{Kind: engine.ModelStreamCut,
			Err: errors.New("the stream ended without a finish reason")}
	}
	return res, nil
}

// failure turns err from the attempt into what Stream returns: the caller's
// context error, a timeout of the attempt, or the classified error. midStream
// says whether the response had already started, where a broken connection
// means the stream was cut. The server's own words in a ModelError (which
// the engine logs) have the API key and any bearer token redacted.
func (c *Client) failure(ctx, actx context.Context, holder *retryAfterHolder, err error, midStream bool) error {
	if ctx.Err() != nil {
		return fmt.Errorf("model stream: %w", ctx.Err())
	}
	if context.Cause(actx) == errAttemptTimeout {
		return &engine.ModelError{Kind: engine.ModelTimeout,
			Err: redactError(fmt.Errorf("the server was silent for %s: %w", c.timeout, err), c.key)}
	}
	cerr := Classify(err)
	var me *engine.ModelError
	if !errors.As(cerr, &me) {
		return cerr
	}
	me.Err = redactError(me.Err, c.key)
	if midStream && me.Kind == engine.ModelNetwork {
		me.Kind = engine.ModelStreamCut
	}
	if d := holder.get(); d > 0 && me.RetryAfter == 0 {
		me.RetryAfter = d
	}
	return me
}

// chatRequest maps req to go-openai's request, without the messages: they
// are put into the body as it goes out (see body.go). Most OpenAI-compatible
// servers know only max_tokens, so it is sent for every model except OpenAI's
// reasoning models, which reject it (and any temperature but the default) and
// take max_completion_tokens instead. A Temperature of 0 is not sent (the
// server's default applies): go-openai omits a zero temperature.
func chatRequest(req engine.ModelRequest) goopenai.ChatCompletionRequest {
	cr := goopenai.ChatCompletionRequest{
		Model:         req.Model,
		Stream:        true,
		StreamOptions: &goopenai.StreamOptions{IncludeUsage: true},
		User:          req.User,
	}
	if isReasoningModel(req.Model) {
		cr.MaxCompletionTokens = req.MaxTokens
	} else {
		cr.MaxTokens = req.MaxTokens
		cr.Temperature = req.Temperature
	}
	return cr
}

// isReasoningModel reports whether model is one of OpenAI's reasoning models,
// which go-openai validates (and OpenAI accepts) only without max_tokens and
// temperature.
func isReasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}
