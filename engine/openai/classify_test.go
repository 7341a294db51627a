package openai_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"syscall"
	"testing"
	"time"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
)

// timeoutError is a net.Error that timed out.
type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func apiError(status int, code any, typ, msg string) error {
	return &goopenai.APIError{HTTPStatusCode: status, Code: code, Type: typ, Message: msg}
}

func TestClassify(t *testing.T) {
	dial := func(err error) error {
		return &url.Error{Op: "Post", URL: "http://127.0.0.1:1/v1/chat/completions", Err: &net.OpError{Op: "dial", Net: "tcp", Err: err}}
	}
	tests := []struct {
		name       string
		err        error
		wantKind   engine.ModelErrorKind
		wantStatus int
	}{
		{"connection refused", dial(syscall.ECONNREFUSED), engine.ModelNetwork, 0},
		{"connection reset", &net.OpError{Op: "read", Err: syscall.ECONNRESET}, engine.ModelNetwork, 0},
		{"EOF", io.EOF, engine.ModelNetwork, 0},
		{"unexpected EOF", fmt.Errorf("reading: %w", io.ErrUnexpectedEOF), engine.ModelNetwork, 0},
		{"DNS", dial(&net.DNSError{Err: "no such host", Name: "llm.invalid", IsNotFound: true}), engine.ModelNetwork, 0},
		{"DNS timeout", dial(&net.DNSError{Err: "timeout", Name: "llm.example", IsTimeout: true}), engine.ModelTimeout, 0},
		{"net timeout", &url.Error{Op: "Post", Err: timeoutError{}}, engine.ModelTimeout, 0},
		{"context deadline", fmt.Errorf("post: %w", context.DeadlineExceeded), engine.ModelTimeout, 0},
		{"429 insufficient_quota code", apiError(429, "insufficient_quota", "insufficient_quota", "You exceeded your current quota"), engine.ModelQuota, 429},
		{"429 insufficient_quota type only", apiError(429, nil, "insufficient_quota", "quota"), engine.ModelQuota, 429},
		{"429 rate limit", apiError(429, "rate_limit_exceeded", "requests", "Rate limit reached"), engine.ModelRateLimited, 429},
		{"429 without body", &goopenai.RequestError{HTTPStatusCode: 429, Body: []byte("Too Many Requests")}, engine.ModelRateLimited, 429},
		{"429 quota in another body format", &goopenai.RequestError{HTTPStatusCode: 429, Body: []byte(`{"detail":"insufficient_quota"}`)}, engine.ModelQuota, 429},
		{"408", apiError(408, nil, "", "timeout"), engine.ModelServer, 408},
		{"409", apiError(409, nil, "", "conflict"), engine.ModelServer, 409},
		{"500", apiError(500, nil, "server_error", "oops"), engine.ModelServer, 500},
		{"502 HTML from a proxy", &goopenai.RequestError{HTTPStatusCode: 502, Err: &json.SyntaxError{}, Body: []byte("<html>Bad Gateway</html>")}, engine.ModelServer, 502},
		{"503", apiError(503, nil, "", "overloaded"), engine.ModelServer, 503},
		{"400 context_length_exceeded", apiError(400, "context_length_exceeded", "invalid_request_error", "too long"), engine.ModelContextLength, 400},
		{"400 maximum context length text", apiError(400, nil, "BadRequestError", "This model's maximum context length is 8192 tokens."), engine.ModelContextLength, 400},
		{"400 vLLM body", &goopenai.RequestError{HTTPStatusCode: 400, Body: []byte(`{"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.","type":"BadRequestError","code":400}`)}, engine.ModelContextLength, 400},
		{"400 llama.cpp", apiError(400, 400, "exceed_context_size_error", "the request exceeds the available context size, try increasing it"), engine.ModelContextLength, 400},
		{"400 other", apiError(400, nil, "invalid_request_error", "messages: field required"), engine.ModelBadRequest, 400},
		{"401", apiError(401, "invalid_api_key", "invalid_request_error", "Incorrect API key"), engine.ModelUnauthenticated, 401},
		{"403", apiError(403, "unsupported_country_region_territory", "request_forbidden", "Country not supported"), engine.ModelUnauthenticated, 403},
		{"404 model not found", apiError(404, "model_not_found", "invalid_request_error", "The model does not exist"), engine.ModelBadRequest, 404},
		{"422", &goopenai.RequestError{HTTPStatusCode: 422, Body: []byte(`{"detail":"bad"}`)}, engine.ModelBadRequest, 422},
		{"stream error event", fmt.Errorf("error, %w", apiError(0, nil, "server_error", "The server had an error")), engine.ModelServer, 0},
		{"stream error event with a status code", fmt.Errorf("error, %w", apiError(0, 503, "unavailable_error", "Loading model")), engine.ModelServer, 503},
		{"stream error event, context length", fmt.Errorf("error, %w", apiError(0, "context_length_exceeded", "", "too long")), engine.ModelContextLength, 0},
		{"stream error event, rate limit", fmt.Errorf("error, %w", apiError(0, "rate_limit_exceeded", "tokens", "slow down")), engine.ModelRateLimited, 0},
		{"too many empty stream messages", goopenai.ErrTooManyEmptyStreamMessages, engine.ModelServer, 0},
		{"malformed chunk", &json.SyntaxError{Offset: 3}, engine.ModelServer, 0},
		{"refused before sending", goopenai.ErrReasoningModelMaxTokensDeprecated, engine.ModelBadRequest, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := openai.Classify(tt.err)
			me := modelError(t, err)
			if me.Kind != tt.wantKind || me.Status != tt.wantStatus {
				t.Errorf("kind, status = %s, %d; want %s, %d", me.Kind, me.Status, tt.wantKind, tt.wantStatus)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("the classified error does not wrap the cause")
			}
		})
	}
}

func TestClassifyPassesThrough(t *testing.T) {
	cancelled := fmt.Errorf("post: %w", context.Canceled)
	known := &engine.ModelError{Kind: engine.ModelStreamCut}
	for _, err := range []error{nil, cancelled, known} {
		if got := openai.Classify(err); got != err {
			t.Errorf("Classify(%v) = %v, want it unchanged", err, got)
		}
	}
}

// Each scripted failure of the fake server reaches the caller classified.
func TestStreamErrorKinds(t *testing.T) {
	future := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name       string
		reply      openaifake.Reply
		wantKind   engine.ModelErrorKind
		wantStatus int
		wantAfter  time.Duration // ±2s for a date
	}{
		{"rate limited, Retry-After seconds", openaifake.Reply{Status: 429, ErrorCode: "rate_limit_exceeded", ErrorType: "requests", RetryAfter: "20"}, engine.ModelRateLimited, 429, 20 * time.Second},
		{"rate limited, Retry-After date", openaifake.Reply{Status: 429, RetryAfter: future}, engine.ModelRateLimited, 429, 90 * time.Second},
		{"quota", openaifake.Reply{Status: 429, ErrorCode: "insufficient_quota", ErrorType: "insufficient_quota", ErrorMessage: "You exceeded your current quota"}, engine.ModelQuota, 429, 0},
		{"server error", openaifake.Reply{Status: 500}, engine.ModelServer, 500, 0},
		{"overloaded, Retry-After", openaifake.Reply{Status: 503, RetryAfter: "3"}, engine.ModelServer, 503, 3 * time.Second},
		{"bad gateway HTML", openaifake.Reply{Status: 502, ErrorBody: "<html><body>502 Bad Gateway</body></html>"}, engine.ModelServer, 502, 0},
		{"request timeout", openaifake.Reply{Status: 408}, engine.ModelServer, 408, 0},
		{"conflict", openaifake.Reply{Status: 409}, engine.ModelServer, 409, 0},
		{"context length", openaifake.Reply{Status: 400, ErrorCode: "context_length_exceeded", ErrorMessage: "This model's maximum context length is 128000 tokens."}, engine.ModelContextLength, 400, 0},
		{"context length, vLLM", openaifake.Reply{Status: 400, ErrorBody: `{"object":"error","message":"This model's maximum context length is 4096 tokens.","type":"BadRequestError","param":null,"code":400}`}, engine.ModelContextLength, 400, 0},
		{"context length, llama.cpp", openaifake.Reply{Status: 400, ErrorBody: `{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}}`}, engine.ModelContextLength, 400, 0},
		{"bad request", openaifake.Reply{Status: 400, ErrorMessage: "Invalid value for 'temperature'"}, engine.ModelBadRequest, 400, 0},
		{"unknown model", openaifake.Reply{Status: 404, ErrorCode: "model_not_found"}, engine.ModelBadRequest, 404, 0},
		{"bad key", openaifake.Reply{Status: 401, ErrorCode: "invalid_api_key"}, engine.ModelUnauthenticated, 401, 0},
		{"forbidden", openaifake.Reply{Status: 403}, engine.ModelUnauthenticated, 403, 0},
		{"error event mid-stream", openaifake.Reply{Chunks: []string{"안녕"}, ErrorMessage: "The server had an error while processing your request."}, engine.ModelServer, 0, 0},
		{"cut mid-stream", openaifake.Reply{Chunks: []string{"a", "b", "c", "d"}, CutAfter: 2}, engine.ModelStreamCut, 0, 0},
		{"cut before any chunk", openaifake.Reply{Chunks: []string{"a"}, CutAfter: openaifake.CutAtStart}, engine.ModelStreamCut, 0, 0},
		{"cut after every chunk", openaifake.Reply{Chunks: []string{"a", "b"}, CutAfter: 2}, engine.ModelStreamCut, 0, 0},
		{"ends without a finish reason", openaifake.Reply{Chunks: []string{"a", "b"}, OmitFinish: true}, engine.ModelStreamCut, 0, 0},
	}
	transient := []engine.ModelErrorKind{engine.ModelNetwork, engine.ModelTimeout, engine.ModelRateLimited, engine.ModelServer, engine.ModelStreamCut}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaifake.New(t)
			srv.Enqueue(tt.reply)
			c := openai.New(openai.Config{BaseURL: srv.URL(), APIKey: "sk-test", Timeout: 10 * time.Second})
			deltas, res, err := stream(t.Context(), c, request)
			me := modelError(t, err)
			if me.Kind != tt.wantKind || me.Status != tt.wantStatus {
				t.Errorf("kind, status = %s, %d; want %s, %d (%v)", me.Kind, me.Status, tt.wantKind, tt.wantStatus, err)
			}
			if d := me.RetryAfter - tt.wantAfter; d < -2*time.Second || d > 2*time.Second || (tt.wantAfter == 0) != (me.RetryAfter == 0) {
				t.Errorf("RetryAfter = %v, want %v", me.RetryAfter, tt.wantAfter)
			}
			if me.Transient() != slices.Contains(transient, tt.wantKind) {
				t.Errorf("Transient() = %v for %s", me.Transient(), me.Kind)
			}
			if res != (engine.ModelResult{}) {
				t.Errorf("result = %+v, want zero on failure", res)
			}
			if want := min(max(tt.reply.CutAfter, 0), len(tt.reply.Chunks)); tt.wantKind == engine.ModelStreamCut && len(deltas) != want && !tt.reply.OmitFinish {
				t.Errorf("got %d deltas before the cut, want %d", len(deltas), want)
			}
		})
	}
}
