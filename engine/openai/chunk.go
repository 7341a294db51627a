package openai

import "encoding/json"

// streamChunk is the part of a chat.completion.chunk that Stream reads. The
// stream's lines come from go-openai (RecvRaw, which also turns an error
// event into an error), but are decoded here: go-openai's
// ChatCompletionStreamResponse has some forty fields (logprobs, content
// filter results, tool calls, …), and decoding into it cost about half of a
// call's CPU with a full window, for the few fields read here.
type streamChunk struct {
	Choices []struct {
		Index int `json:"index"`
		Delta struct {
			Content string `json:"content"`
		} `json:"delta"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
}

// decodeChunk decodes one data line of the stream into c. c is reset first:
// encoding/json decodes array elements into the slice's old ones without
// zeroing them, so a choice's old delta would survive a chunk without one.
func decodeChunk(line []byte, c *streamChunk) error {
	clear(c.Choices[:cap(c.Choices)])
	c.Choices, c.Usage = c.Choices[:0], nil
	return json.Unmarshal(line, c)
}
