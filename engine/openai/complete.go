package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/chatplay/chatplay/engine"
)

// Complete sends req as one non-streamed chat completion with OpenAI's
// response_format json_schema, and returns the answer's content as it came,
// unchecked, with the finish reason and the usage. Config.Timeout bounds the
// wait for the whole answer, which comes in one piece. Failures are
// classified as Stream's are: *engine.ModelError for the server's, the
// caller's context error wrapped otherwise.
func (c *Client) Complete(ctx context.Context, req engine.StructuredRequest) (engine.StructuredResult, error) {
	if len(req.Schema.Schema) == 0 || !json.Valid(req.Schema.Schema) {
		return engine.StructuredResult{}, &engine.ModelError{Kind: engine.ModelBadRequest,
			Err: fmt.Errorf("structured request %q: the schema is not a JSON document", req.SchemaName())}
	}
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if c.timeout > 0 {
		silence := c.afterFunc(c.timeout, func() { cancel(errAttemptTimeout) })
		defer silence.Stop()
	}
	holder := &retryAfterHolder{}
	actx = withRetryAfterHolder(actx, holder)
	actx = withMessages(actx, req.Messages)

	resp, err := c.api.CreateChatCompletion(actx, structuredRequest(req))
	if err != nil {
		return engine.StructuredResult{}, c.failure(ctx, actx, holder, err, false)
	}
	for _, choice := range resp.Choices {
		if choice.Index != 0 {
			continue
		}
		res := engine.StructuredResult{
			Content:          choice.Message.Content,
			Refusal:          choice.Message.Refusal,
			FinishReason:     string(choice.FinishReason),
			PromptTokens:     resp.Usage.PromptTokens,
			CompletionTokens: resp.Usage.CompletionTokens,
			UsageReported:    resp.Usage.PromptTokens+resp.Usage.CompletionTokens > 0,
		}
		return res, nil
	}
	return engine.StructuredResult{}, &engine.ModelError{Kind: engine.ModelServer,
		Err: errors.New("the answer has no choice")}
}

// structuredRequest maps req to go-openai's request: chatRequest's mapping,
// not streamed, with the schema as response_format json_schema.
func structuredRequest(req engine.StructuredRequest) goopenai.ChatCompletionRequest {
	cr := chatRequest(engine.ModelRequest{Model: req.Model, Messages: req.Messages, MaxTokens: req.MaxTokens,
		Temperature: req.Temperature, User: req.User})
	cr.Stream, cr.StreamOptions = false, nil
	cr.ResponseFormat = &goopenai.ChatCompletionResponseFormat{
		Type: goopenai.ChatCompletionResponseFormatTypeJSONSchema,
		JSONSchema: &goopenai.ChatCompletionResponseFormatJSONSchema{
			Name:        req.SchemaName(),
			Description: req.Schema.Description,
			Schema:      req.Schema.Schema,
			Strict:      req.Schema.Strict,
		},
	}
	return cr
}
