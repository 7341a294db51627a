package openaifake

import (
	"encoding/json"
	"net/http"
	"strings"
)

// Request is one request the server received, with the chat-completion body
// decoded (the body fields are zero for other requests).
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte // the raw body

	Model               string
	Messages            []Message
	MaxTokens           int      // max_tokens
	MaxCompletionTokens int      // max_completion_tokens
	Temperature         *float32 // nil when the request sent none
	Stream              bool
	StreamOptions       *StreamOptions
	User                string
	ResponseFormat      *ResponseFormat // nil when the request sent none
}

// Message is one message of a request's prompt.
type Message struct {
	Role    string
	Content string // text parts of an array content are joined
}

// StreamOptions are a request's stream_options.
type StreamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// ResponseFormat is a request's response_format: type text, json_object or
// json_schema (with the schema).
type ResponseFormat struct {
	Type       string          `json:"type"`
	JSONSchema *JSONSchemaSpec `json:"json_schema"`
}

// JSONSchemaSpec is the json_schema of a response_format.
type JSONSchemaSpec struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Schema      json.RawMessage `json:"schema"`
	Strict      bool            `json:"strict"`
}

// Kind returns the name of the JSON schema the request asks its answer to
// follow, which is the kind of a structured request (feedback, hint, …), or
// "" for a plain chat completion.
func (r Request) Kind() string {
	if r.ResponseFormat == nil || r.ResponseFormat.JSONSchema == nil {
		return ""
	}
	return r.ResponseFormat.JSONSchema.Name
}

// LastUserMessage returns the content of the last message with role user, ""
// when there is none.
func (r Request) LastUserMessage() string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == "user" {
			return r.Messages[i].Content
		}
	}
	return ""
}

// wantsUsage reports whether the request asked for a usage chunk.
func (r Request) wantsUsage() bool {
	return r.StreamOptions != nil && r.StreamOptions.IncludeUsage
}

// chatBody is the wire form of a chat-completion request.
type chatBody struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	MaxTokens           int             `json:"max_tokens"`
	MaxCompletionTokens int             `json:"max_completion_tokens"`
	Temperature         *float32        `json:"temperature"`
	Stream              bool            `json:"stream"`
	StreamOptions       *StreamOptions  `json:"stream_options"`
	User                string          `json:"user"`
	ResponseFormat      *ResponseFormat `json:"response_format"`
}

// decodeChat fills r's body fields from its raw JSON body.
func (r *Request) decodeChat() error {
	var b chatBody
	if err := json.Unmarshal(r.Body, &b); err != nil {
		return err
	}
	r.Model, r.MaxTokens, r.MaxCompletionTokens = b.Model, b.MaxTokens, b.MaxCompletionTokens
	r.Temperature, r.Stream, r.StreamOptions, r.User = b.Temperature, b.Stream, b.StreamOptions, b.User
	r.ResponseFormat = b.ResponseFormat
	for _, m := range b.Messages {
		r.Messages = append(r.Messages, Message{Role: m.Role, Content: contentText(m.Content)})
	}
	return nil
}

// contentText returns a message content, a string or an array of parts, as
// text.
func contentText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) != nil {
		return ""
	}
	var sb strings.Builder
	for _, p := range parts {
		if p.Type == "text" {
			sb.WriteString(p.Text)
		}
	}
	return sb.String()
}
