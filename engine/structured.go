package engine

import "encoding/json"

// JSONSchema is the shape a structured completion must take: a JSON Schema
// document, sent to the model server as OpenAI's response_format json_schema.
type JSONSchema struct {
	// Name names the schema to the server (letters, digits, _ and -, at most
	// 64); "" means the request's Kind, which is also how the fake model
	// server tells structured requests apart.
	Name        string
	Description string
	// Schema is the JSON Schema document, an object.
	Schema json.RawMessage
	// Strict asks the server to follow the schema exactly (OpenAI's strict
	// mode: every property required, no additional properties).
	Strict bool
}

// StructuredRequest is one non-streamed chat completion whose answer is a
// JSON document of a given schema: a correction, a hint, a translation.
type StructuredRequest struct {
	Kind        CallKind // what the call is for, as the ledger records it
	Model       string
	Messages    []PromptMessage
	MaxTokens   int
	Temperature float32 // 0: the server's default
	User        string  // an opaque end-user id for the provider's abuse monitoring
	Schema      JSONSchema
}

// SchemaName returns the name the schema is sent under: Schema.Name, else
// the Kind.
func (r StructuredRequest) SchemaName() string {
	if r.Schema.Name != "" {
		return r.Schema.Name
	}
	return string(r.Kind)
}

// StructuredResult is what a structured completion returned.
type StructuredResult struct {
	// Content is the model's answer as it came: meant to be a JSON document
	// of the request's schema, but not checked here. Servers without
	// structured output, a cut answer (FinishReason length) or a confused
	// model may give anything; the caller validates it.
	Content string
	// Refusal is the model's reason when it declined to answer (OpenAI's
	// refusal field); Content is then empty.
	Refusal          string
	FinishReason     string // stop, length, …
	PromptTokens     int    // from the server's usage report, when UsageReported
	CompletionTokens int
	UsageReported    bool
}
