package openai_test

import (
	"bytes"
	"encoding/json"
	"testing"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
)

// trickyMessages are contents whose JSON encoding has escapes of every kind
// encoding/json writes: quotes and backslashes, control characters, HTML's
// <, > and & (escaped as \u003c, \u003e, \u0026), U+2028 and U+2029,
// invalid UTF-8 (replaced by U+FFFD), text outside the BMP, and the very
// text the client looks for in go-openai's body.
var trickyMessages = []engine.PromptMessage{
	{Role: "system", Content: "You are a barista.\n<scene>\n{\"situation\": \"a café & bakery\"}\n</scene>\n\tBe brief."},
	{Role: "user", Content: `He said "hi" \ back \\ and left; C:\path\n is not a newline`},
	{Role: "assistant", Content: "<script>alert('x')</script> & &amp; > <"},
	{Role: "user", Content: "line\u2028separator\u2029paragraph \x00\x01\x1f\x7f"},
	{Role: "assistant", Content: "invalid \xff\xfe utf-8 \xc3 and a lone surrogate \xed\xa0\x80"},
	{Role: "user", Content: "아메리카노 한 잔 주세요 😀🇰🇷 ẞ ﬁ \ufeff"},
	{Role: "assistant", Content: `"messages":null,"model":"x"`},
	{Role: "user", Content: ""},
	{Role: "user", Content: "   "},
}

// goopenaiBody is the body go-openai itself sends for req, streamed or not.
func goopenaiBody(t *testing.T, req goopenai.ChatCompletionRequest, msgs []engine.PromptMessage) []byte {
	t.Helper()
	for _, m := range msgs {
		req.Messages = append(req.Messages, goopenai.ChatCompletionMessage{Role: m.Role, Content: m.Content})
	}
	if req.Messages == nil {
		req.Messages = []goopenai.ChatCompletionMessage{}
	}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	return b
}

// encoded returns msgs with Encoded set by c, as the engine hands them over.
func encoded(c *openai.Client, msgs []engine.PromptMessage) []engine.PromptMessage {
	out := make([]engine.PromptMessage, len(msgs))
	for i, m := range msgs {
		m.Encoded = c.EncodeMessage(m)
		out[i] = m
	}
	return out
}

// The body the server receives is byte for byte go-openai's own encoding of
// the request, whether the client encodes the messages or the engine kept
// their encodings, for every kind of content and model name.
func TestStreamBodyIsGoOpenAIs(t *testing.T) {
	srv := openaifake.New(t)
	c := openai.New(openai.Config{BaseURL: srv.URL()})
	tests := []struct {
		name  string
		model string
		msgs  []engine.PromptMessage
	}{
		{"tricky contents", "gpt-4o-mini", trickyMessages},
		{"one message at a time", "llama3.2:3b", trickyMessages[:1]},
		{"no messages", "gpt-4o-mini", nil},
		{"a model name with quotes and the searched text", `m","messages":null,"x":"<&>`, trickyMessages},
		{"a reasoning model", "o3-mini", trickyMessages},
	}
	for _, tt := range tests {
		for _, cached := range []bool{false, true} {
			name := tt.name
			if cached {
				name += ", encodings kept"
			}
			t.Run(name, func(t *testing.T) {
				req := engine.ModelRequest{Model: tt.model, Messages: tt.msgs, MaxTokens: 512, Temperature: 0.8, User: "user-<42>"}
				if cached {
					req.Messages = encoded(c, tt.msgs)
				}
				n := srv.Count()
				if _, _, err := stream(t.Context(), c, req); err != nil {
					t.Fatalf("Stream: %v", err)
				}
				got := srv.Requests()[n]
				want := goopenai.ChatCompletionRequest{Model: tt.model, MaxTokens: 512, Temperature: 0.8, Stream: true,
					StreamOptions: &goopenai.StreamOptions{IncludeUsage: true}, User: "user-<42>"}
				if tt.model == "o3-mini" {
					want.MaxTokens, want.MaxCompletionTokens, want.Temperature = 0, 512, 0
				}
				if wantBody := goopenaiBody(t, want, tt.msgs); !bytes.Equal(got.Body, wantBody) {
					t.Errorf("body =\n%s\nwant go-openai's\n%s", got.Body, wantBody)
				}
				if len(got.Messages) != len(tt.msgs) {
					t.Fatalf("server decoded %d messages, want %d", len(got.Messages), len(tt.msgs))
				}
			})
		}
	}
}

// A structured request's body is go-openai's too, with a schema that holds
// the searched text after the messages.
func TestCompleteBodyIsGoOpenAIs(t *testing.T) {
	srv := openaifake.New(t)
	srv.Enqueue(openaifake.Reply{Chunks: []string{`{"ok":true}`}})
	c := openai.New(openai.Config{BaseURL: srv.URL()})
	schema := json.RawMessage(`{"type":"object","properties":{"messages":null}}`)
	req := engine.StructuredRequest{Model: "gpt-4o-mini", Messages: encoded(c, trickyMessages[:3]), MaxTokens: 100,
		Schema: engine.JSONSchema{Name: "check", Schema: schema, Strict: true}}
	req.Messages = append(req.Messages, trickyMessages[3:]...) // some kept, some not
	if _, err := c.Complete(t.Context(), req); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	want := goopenaiBody(t, goopenai.ChatCompletionRequest{Model: "gpt-4o-mini", MaxTokens: 100,
		ResponseFormat: &goopenai.ChatCompletionResponseFormat{
			Type:       goopenai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &goopenai.ChatCompletionResponseFormatJSONSchema{Name: "check", Schema: schema, Strict: true},
		}}, trickyMessages)
	if got := srv.Requests()[0].Body; !bytes.Equal(got, want) {
		t.Errorf("body =\n%s\nwant go-openai's\n%s", got, want)
	}
}

// What EncodeMessage returns is go-openai's encoding of the message.
func TestEncodeMessageIsGoOpenAIs(t *testing.T) {
	c := openai.New(openai.Config{})
	for _, m := range trickyMessages {
		want, err := json.Marshal(goopenai.ChatCompletionMessage{Role: m.Role, Content: m.Content})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.EncodeMessage(m); got != string(want) {
			t.Errorf("EncodeMessage(%q) = %s, want %s", m.Content, got, want)
		}
	}
}
