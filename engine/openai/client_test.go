package openai_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
)

// request is a typical chat turn.
var request = engine.ModelRequest{
	Model: "gpt-4o-mini",
	Messages: []engine.PromptMessage{
		{Role: "system", Content: "You are a barista in Seoul. Answer only in Korean."},
		{Role: "user", Content: "아메리카노 한 잔 주세요."},
		{Role: "assistant", Content: "네, 따뜻한 걸로 드릴까요?"},
		{Role: "user", Content: "네, 따뜻한 걸로요."},
	},
	MaxTokens:   512,
	Temperature: 0.8,
	User:        "user-42",
}

// stream runs one Stream call and collects the deltas.
func stream(ctx context.Context, c *openai.Client, req engine.ModelRequest) ([]string, engine.ModelResult, error) {
	var deltas []string
	res, err := c.Stream(ctx, req, func(d string) { deltas = append(deltas, d) })
	return deltas, res, err
}

// modelError returns err as a *engine.ModelError, failing the test if it is not one.
func modelError(t *testing.T, err error) *engine.ModelError {
	t.Helper()
	var me *engine.ModelError
	if !errors.As(err, &me) {
		t.Fatalf("error = %v (%T), want a *engine.ModelError", err, err)
	}
	return me
}

func TestStreamReply(t *testing.T) {
	tests := []struct {
		name       string
		reply      openaifake.Reply
		wantDeltas []string
		want       engine.ModelResult
	}{
		{
			name:       "usage reported",
			reply:      openaifake.Reply{Chunks: []string{"네, ", "따뜻한 ", "아메리카노 ", "나왔습니다."}, PromptTokens: 57, CompletionTokens: 9},
			wantDeltas: []string{"네, ", "따뜻한 ", "아메리카노 ", "나왔습니다."},
			want:       engine.ModelResult{FinishReason: "stop", PromptTokens: 57, CompletionTokens: 9, UsageReported: true},
		},
		{
			name:       "usage not reported",
			reply:      openaifake.Reply{Chunks: []string{"Hello", " there"}, NoUsage: true},
			wantDeltas: []string{"Hello", " there"},
			want:       engine.ModelResult{FinishReason: "stop"},
		},
		{
			name:       "cut short by max_tokens",
			reply:      openaifake.Reply{Chunks: []string{"A long", " story"}, FinishReason: "length", PromptTokens: 5, CompletionTokens: 2},
			wantDeltas: []string{"A long", " story"},
			want:       engine.ModelResult{FinishReason: "length", PromptTokens: 5, CompletionTokens: 2, UsageReported: true},
		},
		{
			name:       "empty deltas are not passed on",
			reply:      openaifake.Reply{Chunks: []string{"", "a", "", "b"}, PromptTokens: 1, CompletionTokens: 2},
			wantDeltas: []string{"a", "b"},
			want:       engine.ModelResult{FinishReason: "stop", PromptTokens: 1, CompletionTokens: 2, UsageReported: true},
		},
		{
			name:       "empty reply",
			reply:      openaifake.Reply{FinishReason: "content_filter", PromptTokens: 3, CompletionTokens: 1},
			wantDeltas: nil,
			want:       engine.ModelResult{FinishReason: "content_filter", PromptTokens: 3, CompletionTokens: 1, UsageReported: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaifake.New(t)
			srv.Enqueue(tt.reply)
			c := openai.New(openai.Config{BaseURL: srv.URL(), Timeout: 10 * time.Second})
			deltas, res, err := stream(t.Context(), c, request)
			if err != nil {
				t.Fatalf("Stream: %v", err)
			}
			if !slices.Equal(deltas, tt.wantDeltas) {
				t.Errorf("deltas = %q, want %q", deltas, tt.wantDeltas)
			}
			if got, want := strings.Join(deltas, ""), strings.Join(tt.reply.Chunks, ""); got != want {
				t.Errorf("joined deltas = %q, want %q", got, want)
			}
			if res != tt.want {
				t.Errorf("result = %+v, want %+v", res, tt.want)
			}
		})
	}
}

// Deltas reach the caller while the server is still generating, not at the end.
func TestStreamDeltasArriveBeforeTheEnd(t *testing.T) {
	srv := openaifake.New(t)
	hold := openaifake.NewHold()
	srv.Enqueue(openaifake.Reply{Chunks: []string{"one ", "two ", "three"}, Hold: hold, HoldAfter: 2})
	c := openai.New(openai.Config{BaseURL: srv.URL()})

	got := make(chan string, 3)
	done := make(chan error, 1)
	go func() {
		_, err := c.Stream(t.Context(), request, func(d string) { got <- d })
		done <- err
	}()
	for _, want := range []string{"one ", "two "} {
		if d := <-got; d != want {
			t.Fatalf("delta = %q, want %q", d, want)
		}
	}
	<-hold.Reached()
	select {
	case err := <-done:
		t.Fatalf("Stream returned (%v) while the server was holding the reply", err)
	case d := <-got:
		t.Fatalf("delta %q arrived while the server was holding the reply", d)
	default:
	}
	hold.Release()
	if d := <-got; d != "three" {
		t.Errorf("delta = %q, want %q", d, "three")
	}
	if err := <-done; err != nil {
		t.Errorf("Stream: %v", err)
	}
}

func TestStreamAuthorization(t *testing.T) {
	tests := []struct {
		name, key, want string
	}{
		{"no key, no header", "", ""},
		{"blank key, no header", "  ", ""},
		{"key as bearer token", "sk-test-123", "Bearer sk-test-123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaifake.New(t)
			c := openai.New(openai.Config{BaseURL: srv.URL(), APIKey: tt.key})
			if _, _, err := stream(t.Context(), c, request); err != nil {
				t.Fatalf("Stream: %v", err)
			}
			h := srv.Requests()[0].Header
			if got := h.Get("Authorization"); got != tt.want {
				t.Errorf("Authorization = %q, want %q", got, tt.want)
			}
			if _, sent := h["Authorization"]; sent != (tt.want != "") {
				t.Errorf("Authorization header sent = %v, want %v", sent, tt.want != "")
			}
		})
	}
}

func TestStreamRequestBody(t *testing.T) {
	temp := func(f float32) *float32 { return &f }
	tests := []struct {
		name              string
		model             string
		temperature       float32
		wantMaxTokens     int
		wantMaxCompletion int
		wantTemperature   *float32
	}{
		{"local and most servers: max_tokens", "llama3.2:3b", 0.8, 512, 0, temp(0.8)},
		{"OpenAI chat model: max_tokens", "gpt-4o-mini", 0.3, 512, 0, temp(0.3)},
		{"zero temperature is left to the server", "gpt-4o-mini", 0, 512, 0, nil},
		{"OpenAI reasoning model: max_completion_tokens, no temperature", "o3-mini", 0.8, 0, 512, nil},
		{"GPT-5: max_completion_tokens, no temperature", "gpt-5-mini", 0.8, 0, 512, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaifake.New(t)
			c := openai.New(openai.Config{BaseURL: srv.URL() + "/"})
			req := request
			req.Model, req.Temperature = tt.model, tt.temperature
			if _, _, err := stream(t.Context(), c, req); err != nil {
				t.Fatalf("Stream: %v", err)
			}
			if n := srv.Count(); n != 1 {
				t.Fatalf("server got %d requests, want 1", n)
			}
			got := srv.Requests()[0]
			if got.Method != "POST" || got.Path != "/v1/chat/completions" {
				t.Errorf("request = %s %s, want POST /v1/chat/completions", got.Method, got.Path)
			}
			if got.Model != tt.model || got.User != "user-42" || !got.Stream {
				t.Errorf("model, user, stream = %q, %q, %v; want %q, user-42, true", got.Model, got.User, got.Stream, tt.model)
			}
			if got.StreamOptions == nil || !got.StreamOptions.IncludeUsage {
				t.Errorf("stream_options = %+v, want include_usage", got.StreamOptions)
			}
			if got.MaxTokens != tt.wantMaxTokens || got.MaxCompletionTokens != tt.wantMaxCompletion {
				t.Errorf("max_tokens, max_completion_tokens = %d, %d; want %d, %d",
					got.MaxTokens, got.MaxCompletionTokens, tt.wantMaxTokens, tt.wantMaxCompletion)
			}
			switch {
			case (got.Temperature == nil) != (tt.wantTemperature == nil):
				t.Errorf("temperature = %v, want %v", got.Temperature, tt.wantTemperature)
			case got.Temperature != nil && *got.Temperature != *tt.wantTemperature:
				t.Errorf("temperature = %v, want %v", *got.Temperature, *tt.wantTemperature)
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

// Every call gets its own Retry-After, even when calls overlap.
func TestStreamRetryAfterPerCall(t *testing.T) {
	srv := openaifake.New(t)
	hold := openaifake.NewHold()
	srv.Default = func(req openaifake.Request) openaifake.Reply {
		wait := strings.TrimPrefix(req.LastUserMessage(), "wait ")
		return openaifake.Reply{Status: 429, RetryAfter: wait, ErrorType: "requests", ErrorCode: "rate_limit_exceeded", Hold: hold}
	}
	c := openai.New(openai.Config{BaseURL: srv.URL()})
	var wg sync.WaitGroup
	for _, secs := range []string{"3", "7", "11"} {
		wg.Go(func() {
			req := request
			req.Messages = []engine.PromptMessage{{Role: "user", Content: "wait " + secs}}
			_, _, err := stream(t.Context(), c, req)
			me := modelError(t, err)
			want, _ := time.ParseDuration(secs + "s")
			if me.Kind != engine.ModelRateLimited || me.RetryAfter != want {
				t.Errorf("wait %s: kind %s, RetryAfter %v; want rate_limited, %v", secs, me.Kind, me.RetryAfter, want)
			}
		})
	}
	<-hold.Reached()
	hold.Release()
	wg.Wait()
}

func TestStreamConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := openai.New(openai.Config{BaseURL: "http://" + addr + "/v1"})
	_, _, err = stream(t.Context(), c, request)
	if me := modelError(t, err); me.Kind != engine.ModelNetwork || !me.Transient() {
		t.Errorf("kind = %s (transient %v), want network, transient", me.Kind, me.Transient())
	}
}

func TestStreamTimeout(t *testing.T) {
	tests := []struct {
		name  string
		reply openaifake.Reply
	}{
		{"no response headers", openaifake.Reply{Status: 503}},
		{"no first token", openaifake.Reply{Chunks: []string{"late"}}},
		{"stalls mid-stream", openaifake.Reply{Chunks: []string{"a", "b", "c"}, HoldAfter: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaifake.New(t)
			tt.reply.Hold = openaifake.NewHold() // never released
			srv.Enqueue(tt.reply)
			c := openai.New(openai.Config{BaseURL: srv.URL(), Timeout: 200 * time.Millisecond})
			_, _, err := stream(t.Context(), c, request)
			if me := modelError(t, err); me.Kind != engine.ModelTimeout || !me.Transient() {
				t.Errorf("error = %v, want a transient timeout", err)
			}
		})
	}
	// The timeout is for silence, not for the whole reply: one that keeps
	// streaming may take many times as long. The silence is counted on a
	// test clock that each delta moves on by three quarters of the timeout,
	// so the outcome depends on no wall-clock gap.
	t.Run("a long reply that keeps streaming", func(t *testing.T) {
		srv := openaifake.New(t)
		chunks := make([]string, 12)
		for i := range chunks {
			chunks[i] = "word "
		}
		srv.Enqueue(openaifake.Reply{Chunks: chunks})
		clock := &fakeClock{}
		const timeout = 200 * time.Millisecond
		c := openai.NewWithClock(openai.Config{BaseURL: srv.URL(), Timeout: timeout}, clock.AfterFunc)
		var deltas []string
		_, err := c.Stream(t.Context(), request, func(d string) {
			deltas = append(deltas, d)
			clock.Advance(timeout * 3 / 4)
		})
		if got := strings.Join(deltas, ""); err != nil || got != strings.Repeat("word ", 12) {
			t.Errorf("a reply of 12 deltas, 150 ms apart on the clock, under a 200 ms timeout: %q, %v", got, err)
		}
	})
	// The same clock proves the silence timer is what ends an attempt: one
	// gap as long as the timeout, and the reply fails as timed out even though
	// the rest of it has arrived.
	t.Run("one gap as long as the timeout", func(t *testing.T) {
		srv := openaifake.New(t)
		srv.Enqueue(openaifake.Reply{Chunks: []string{"a ", "b ", "c"}})
		clock := &fakeClock{}
		const timeout = 200 * time.Millisecond
		c := openai.NewWithClock(openai.Config{BaseURL: srv.URL(), Timeout: timeout}, clock.AfterFunc)
		_, err := c.Stream(t.Context(), request, func(d string) {
			if d == "b " {
				clock.Advance(timeout)
			}
		})
		if me := modelError(t, err); me.Kind != engine.ModelTimeout {
			t.Errorf("error = %v, want a timeout", err)
		}
	})
	t.Run("slow first token", func(t *testing.T) {
		srv := openaifake.New(t)
		srv.Enqueue(openaifake.Reply{Chunks: []string{"late"}, FirstDelay: time.Minute})
		c := openai.New(openai.Config{BaseURL: srv.URL(), Timeout: 100 * time.Millisecond})
		_, _, err := stream(t.Context(), c, request)
		if me := modelError(t, err); me.Kind != engine.ModelTimeout {
			t.Errorf("error = %v, want a timeout", err)
		}
	})
}

// The caller giving up is not a model failure: it must not be retried.
func TestStreamCallerGivesUp(t *testing.T) {
	tests := []struct {
		name    string
		ctx     func(context.Context) (context.Context, context.CancelFunc)
		wantErr error
	}{
		{"cancelled", context.WithCancel, context.Canceled},
		{"own deadline", func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(ctx, 100*time.Millisecond)
		}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		for _, holdAfter := range []int{0, 1} {
			t.Run(fmt.Sprintf("%s, hold after %d chunks", tt.name, holdAfter), func(t *testing.T) {
				srv := openaifake.New(t)
				hold := openaifake.NewHold()
				srv.Enqueue(openaifake.Reply{Chunks: []string{"a", "b"}, Hold: hold, HoldAfter: holdAfter})
				c := openai.New(openai.Config{BaseURL: srv.URL(), Timeout: time.Minute})
				ctx, cancel := tt.ctx(t.Context())
				defer cancel()
				go func() {
					<-hold.Reached()
					if tt.wantErr == context.Canceled {
						cancel()
					}
				}()
				_, _, err := stream(ctx, c, request)
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("error = %v, want %v", err, tt.wantErr)
				}
				if me := (*engine.ModelError)(nil); errors.As(err, &me) {
					t.Errorf("error = %v, a ModelError (transient %v); want the caller's context error", err, me.Transient())
				}
			})
		}
	}
}

func TestStreamHTTPClientNotModified(t *testing.T) {
	srv := openaifake.New(t)
	hc := &http.Client{Timeout: time.Minute}
	c := openai.New(openai.Config{BaseURL: srv.URL(), HTTPClient: hc})
	if _, _, err := stream(t.Context(), c, request); err != nil {
		t.Fatalf("Stream: %v", err)
	}
	if hc.Transport != nil {
		t.Errorf("the caller's http.Client was modified: Transport = %T", hc.Transport)
	}
}
