package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/chatplay/chatplay/engine"
)

// Classify turns an error from go-openai or the HTTP transport into an
// *engine.ModelError whose Kind says whether retrying may help:
//
//	connection refused, reset, EOF, DNS failure     network
//	context deadline, net timeout                   timeout
//	429 with code or type insufficient_quota        quota
//	other 429                                       rate_limited
//	408, 409, 5xx                                   server
//	401, 403                                        unauthenticated
//	other 4xx saying the context length is exceeded context_length
//	other 4xx; a request go-openai refuses to send  bad_request
//	an error event inside a stream                  by its code; else server
//	a malformed reply, anything else                server
//
// A cancelled context (context.Canceled) is the caller's decision, not a model
// failure: it is returned unchanged, as are nil and errors that already are
// *engine.ModelError. Classify does not see the Retry-After header; Stream
// adds it.
func Classify(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	if me := (*engine.ModelError)(nil); errors.As(err, &me) {
		return err
	}
	kind, status := classify(err)
	return &engine.ModelError{Kind: kind, Status: status, Err: err}
}

// classify returns the kind of err and the HTTP status it came with, if any.
func classify(err error) (engine.ModelErrorKind, int) {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errAttemptTimeout) {
		return engine.ModelTimeout, 0
	}
	// A RequestError always has the status; the error envelope, when the body
	// held one, is inside it.
	if re := (*goopenai.RequestError)(nil); errors.As(err, &re) && re.HTTPStatusCode != 0 {
		var code, typ, msg string
		if ae := (*goopenai.APIError)(nil); errors.As(re.Err, &ae) {
			code, typ, msg = codeString(ae.Code), ae.Type, ae.Message
		}
		return classifyStatus(re.HTTPStatusCode, code, typ, msg+" "+string(re.Body)), re.HTTPStatusCode
	}
	if ae := (*goopenai.APIError)(nil); errors.As(err, &ae) {
		status := ae.HTTPStatusCode
		if n, ok := ae.Code.(int); ok && status == 0 && n >= 400 && n <= 599 {
			status = n // an error event in a stream, whose code is the status (llama.cpp)
		}
		if status == 0 {
			return classifyStreamError(codeString(ae.Code), ae.Type, ae.Message), 0
		}
		return classifyStatus(status, codeString(ae.Code), ae.Type, ae.Message), status
	}
	if isClientValidation(err) {
		return engine.ModelBadRequest, 0
	}
	if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
		return engine.ModelTimeout, 0
	}
	if isNetwork(err) {
		return engine.ModelNetwork, 0
	}
	return engine.ModelServer, 0
}

// classifyStatus classifies an HTTP error response by its status and the code,
// type and message of its body.
func classifyStatus(status int, code, typ, msg string) engine.ModelErrorKind {
	switch {
	case status == http.StatusTooManyRequests:
		if isQuota(code, typ, msg) {
			return engine.ModelQuota
		}
		return engine.ModelRateLimited
	case status == http.StatusRequestTimeout, status == http.StatusConflict, status >= 500:
		return engine.ModelServer
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		return engine.ModelUnauthenticated
	case status >= 400:
		if isContextLength(code, typ, msg) {
			return engine.ModelContextLength
		}
		return engine.ModelBadRequest
	}
	return engine.ModelServer // 1xx or a redirect not followed: the server misbehaved
}

// classifyStreamError classifies an error event sent inside a stream, which has
// no HTTP status of its own.
func classifyStreamError(code, typ, msg string) engine.ModelErrorKind {
	switch {
	case isContextLength(code, typ, msg):
		return engine.ModelContextLength
	case isQuota(code, typ, msg):
		return engine.ModelQuota
	case strings.Contains(code+" "+typ, "rate_limit"):
		return engine.ModelRateLimited
	}
	return engine.ModelServer
}

// isQuota reports whether an error body says the account's quota is used up.
func isQuota(code, typ, msg string) bool {
	s := strings.ToLower(code + " " + typ + " " + msg)
	return strings.Contains(s, "insufficient_quota") || strings.Contains(s, "exceeded your current quota")
}

// contextLengthPhrases are what servers say when the prompt is too long:
// OpenAI's code and message, vLLM's message, llama.cpp's type and message.
var contextLengthPhrases = []string{
	"context_length_exceeded", "maximum context length", "context length",
	"exceed_context_size", "context size",
}

// isContextLength reports whether an error body says the prompt is too long
// for the model.
func isContextLength(code, typ, msg string) bool {
	s := strings.ToLower(code + " " + typ + " " + msg)
	for _, p := range contextLengthPhrases {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// codeString returns an APIError code, which is a string or a number, as text.
func codeString(code any) string {
	if code == nil {
		return ""
	}
	return fmt.Sprint(code)
}

// isClientValidation reports whether err is go-openai refusing the request
// before sending it.
func isClientValidation(err error) bool {
	for _, target := range []error{
		goopenai.ErrChatCompletionInvalidModel,
		goopenai.ErrReasoningModelMaxTokensDeprecated,
		goopenai.ErrReasoningModelLimitationsLogprobs,
		goopenai.ErrReasoningModelLimitationsOther,
		goopenai.ErrReasoningEffortUnsupported,
		goopenai.ErrReasoningSamplingUnsupported,
		goopenai.ErrReasoningToolsRequireResponses,
		goopenai.ErrContentFieldsMisused,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	var je *json.UnsupportedValueError
	return errors.As(err, &je)
}

// isNetwork reports whether err is a failure to reach the server or a
// connection that broke.
func isNetwork(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) {
		return true
	}
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var urlErr *url.Error
	return errors.As(err, &dnsErr) || errors.As(err, &opErr) || errors.As(err, &urlErr)
}
