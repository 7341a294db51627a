package openai_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
)

// feedbackSchema is a small schema of the shape the coach will use.
const feedbackSchema = `{"type":"object","properties":{"corrected":{"type":"string"}},"required":["corrected"],"additionalProperties":false}`

// structured is a typical structured request: a correction of a learner's line.
var structured = engine.StructuredRequest{
	Kind:  engine.CallFeedback,
	Model: "gpt-4o-mini",
	Messages: []engine.PromptMessage{
		{Role: "system", Content: "Correct the learner's Korean."},
		{Role: "user", Content: "저는 커피를 마시어요."},
	},
	MaxTokens: 300,
	User:      "user-42",
	Schema:    engine.JSONSchema{Schema: json.RawMessage(feedbackSchema), Strict: true},
}

// The request is a non-streamed chat completion with the schema as
// response_format json_schema, named after the kind unless named otherwise.
func TestCompleteRequestBody(t *testing.T) {
	tests := []struct {
		name              string
		edit              func(*engine.StructuredRequest)
		wantName          string
		wantMaxTokens     int
		wantMaxCompletion int
	}{
		{"named after the kind", func(*engine.StructuredRequest) {}, "feedback", 300, 0},
		{"named", func(r *engine.StructuredRequest) { r.Schema.Name = "correction_v2" }, "correction_v2", 300, 0},
		{"reasoning model", func(r *engine.StructuredRequest) { r.Model = "o4-mini" }, "feedback", 0, 300},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaifake.New(t)
			c := openai.New(openai.Config{BaseURL: srv.URL()})
			req := structured
			tt.edit(&req)
			if _, err := c.Complete(t.Context(), req); err != nil {
				t.Fatalf("Complete: %v", err)
			}
			got := srv.Requests()[0]
			if got.Path != "/v1/chat/completions" || got.Stream || got.StreamOptions != nil || got.Model != req.Model || got.User != "user-42" {
				t.Errorf("request = %s, stream %v, stream_options %+v, model %q, user %q", got.Path, got.Stream, got.StreamOptions, got.Model, got.User)
			}
			if got.MaxTokens != tt.wantMaxTokens || got.MaxCompletionTokens != tt.wantMaxCompletion {
				t.Errorf("max_tokens, max_completion_tokens = %d, %d; want %d, %d", got.MaxTokens, got.MaxCompletionTokens, tt.wantMaxTokens, tt.wantMaxCompletion)
			}
			rf := got.ResponseFormat
			if rf == nil || rf.Type != "json_schema" || rf.JSONSchema == nil {
				t.Fatalf("response_format = %+v, want json_schema", rf)
			}
			if rf.JSONSchema.Name != tt.wantName || !rf.JSONSchema.Strict || string(rf.JSONSchema.Schema) != feedbackSchema {
				t.Errorf("json_schema = %+v, want %s, strict, the schema verbatim", *rf.JSONSchema, tt.wantName)
			}
			if got.Kind() != tt.wantName {
				t.Errorf("the fake sees kind %q, want %q", got.Kind(), tt.wantName)
			}
			var msgs []engine.PromptMessage
			for _, m := range got.Messages {
				msgs = append(msgs, engine.PromptMessage{Role: m.Role, Content: m.Content})
			}
			if !slices.Equal(msgs, req.Messages) {
				t.Errorf("messages = %q, want %q", msgs, req.Messages)
			}
		})
	}
}

// Whatever the model answered comes back as it is, good or garbage: checking
// it is the caller's business.
func TestCompleteAnswer(t *testing.T) {
	good := openaifake.JSON(map[string]string{"corrected": "저는 커피를 마셔요."})
	good.PromptTokens, good.CompletionTokens = 40, 12
	cut := openaifake.Truncated(map[string]string{"corrected": "저는 커피를 마셔요."})
	tests := []struct {
		name  string
		reply openaifake.Reply
		want  engine.StructuredResult
	}{
		{"valid", good, engine.StructuredResult{Content: `{"corrected":"저는 커피를 마셔요."}`, FinishReason: "stop",
			PromptTokens: 40, CompletionTokens: 12, UsageReported: true}},
		{"not JSON", openaifake.InvalidJSON(), engine.StructuredResult{Content: openaifake.InvalidJSON().Chunks[0], FinishReason: "stop"}},
		{"wrong shape", openaifake.WrongShape(), engine.StructuredResult{Content: openaifake.WrongShape().Chunks[0], FinishReason: "stop"}},
		{"cut by max_tokens", cut, engine.StructuredResult{Content: cut.Chunks[0], FinishReason: "length"}},
		{"no usage", func() openaifake.Reply { r := openaifake.Raw("{}"); r.NoUsage = true; return r }(),
			engine.StructuredResult{Content: "{}", FinishReason: "stop"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaifake.New(t)
			srv.EnqueueKind("feedback", tt.reply)
			c := openai.New(openai.Config{BaseURL: srv.URL(), Timeout: 10 * time.Second})
			res, err := c.Complete(t.Context(), structured)
			if err != nil {
				t.Fatalf("Complete: %v", err)
			}
			if tt.want.UsageReported {
				if res != tt.want {
					t.Errorf("result = %+v, want %+v", res, tt.want)
				}
				return
			}
			// The fake makes up a usage report unless told not to: compare the rest.
			if res.Content != tt.want.Content || res.FinishReason != tt.want.FinishReason || res.Refusal != "" {
				t.Errorf("result = %+v, want content %q, finish %q", res, tt.want.Content, tt.want.FinishReason)
			}
			if tt.reply.NoUsage && res.UsageReported {
				t.Errorf("usage reported as %+v though the server sent none", res)
			}
		})
	}
}

// Failures are classified as a stream's are, Retry-After included.
func TestCompleteErrorKinds(t *testing.T) {
	tests := []struct {
		name       string
		reply      openaifake.Reply
		wantKind   engine.ModelErrorKind
		wantStatus int
		wantAfter  time.Duration
	}{
		{"rate limited", openaifake.Reply{Status: 429, ErrorCode: "rate_limit_exceeded", RetryAfter: "20"}, engine.ModelRateLimited, 429, 20 * time.Second},
		{"quota", openaifake.Reply{Status: 429, ErrorCode: "insufficient_quota"}, engine.ModelQuota, 429, 0},
		{"server error", openaifake.Reply{Status: 500}, engine.ModelServer, 500, 0},
		{"bad gateway HTML", openaifake.Reply{Status: 502, ErrorBody: "<html>502</html>"}, engine.ModelServer, 502, 0},
		{"schema refused", openaifake.Reply{Status: 400, ErrorMessage: "Invalid schema for response_format 'feedback'"}, engine.ModelBadRequest, 400, 0},
		{"context length", openaifake.Reply{Status: 400, ErrorCode: "context_length_exceeded"}, engine.ModelContextLength, 400, 0},
		{"bad key", openaifake.Reply{Status: 401}, engine.ModelUnauthenticated, 401, 0},
		{"connection cut", openaifake.Reply{Chunks: []string{"{}"}, CutAfter: openaifake.CutAtStart}, engine.ModelNetwork, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaifake.New(t)
			srv.EnqueueKind("feedback", tt.reply)
			c := openai.New(openai.Config{BaseURL: srv.URL(), APIKey: "sk-test", Timeout: 10 * time.Second})
			res, err := c.Complete(t.Context(), structured)
			me := modelError(t, err)
			if me.Kind != tt.wantKind || me.Status != tt.wantStatus || me.RetryAfter != tt.wantAfter {
				t.Errorf("kind, status, retry after = %s, %d, %v; want %s, %d, %v (%v)", me.Kind, me.Status, me.RetryAfter,
					tt.wantKind, tt.wantStatus, tt.wantAfter, err)
			}
			if res != (engine.StructuredResult{}) {
				t.Errorf("result = %+v, want zero on failure", res)
			}
		})
	}
}

// A slow answer times out as a transient failure; the caller giving up is
// the caller's context error, not a model failure; a request with no schema
// is refused before it is sent.
func TestCompleteSlowAndRefused(t *testing.T) {
	t.Run("silent past the timeout", func(t *testing.T) {
		srv := openaifake.New(t)
		srv.EnqueueKind("feedback", openaifake.Slow(openaifake.Raw("{}"), openaifake.NewHold())) // never released
		c := openai.New(openai.Config{BaseURL: srv.URL(), Timeout: 100 * time.Millisecond})
		_, err := c.Complete(t.Context(), structured)
		if me := modelError(t, err); me.Kind != engine.ModelTimeout || !me.Transient() {
			t.Errorf("error = %v, want a transient timeout", err)
		}
	})
	t.Run("caller gives up", func(t *testing.T) {
		srv := openaifake.New(t)
		hold := openaifake.NewHold()
		srv.EnqueueKind("feedback", openaifake.Slow(openaifake.Raw("{}"), hold))
		c := openai.New(openai.Config{BaseURL: srv.URL(), Timeout: time.Minute})
		ctx, cancel := context.WithCancel(t.Context())
		go func() {
			<-hold.Reached()
			cancel()
		}()
		_, err := c.Complete(ctx, structured)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error = %v, want context.Canceled", err)
		}
		if me := (*engine.ModelError)(nil); errors.As(err, &me) {
			t.Errorf("error = %v is a ModelError; want the caller's context error", err)
		}
	})
	t.Run("no schema", func(t *testing.T) {
		srv := openaifake.New(t)
		c := openai.New(openai.Config{BaseURL: srv.URL()})
		for _, schema := range []string{"", `{"type":`} {
			req := structured
			req.Schema.Schema = json.RawMessage(schema)
			_, err := c.Complete(t.Context(), req)
			if me := modelError(t, err); me.Kind != engine.ModelBadRequest || me.Transient() {
				t.Errorf("schema %q: error = %v, want a permanent bad request", schema, err)
			}
		}
		if n := srv.Count(); n != 0 {
			t.Errorf("%d requests sent, want none", n)
		}
	})
	t.Run("unconfigured model", func(t *testing.T) {
		_, err := engine.UnconfiguredModel{Setting: "CHATPLAY_MODEL_API_KEY"}.Complete(t.Context(), structured)
		if me := modelError(t, err); me.Kind != engine.ModelNotConfigured {
			t.Errorf("error = %v, want not configured", err)
		}
	})
}
