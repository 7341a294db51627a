// Package tiktoken counts tokens the way OpenAI's tokenizers do, with
// github.com/tiktoken-go/tokenizer, whose vocabularies are embedded: it works
// offline. For models with other tokenizers (Llama, Qwen, …) the count is an
// estimate, close enough to budget a prompt with some headroom.
package tiktoken

import (
	"fmt"

	"github.com/tiktoken-go/tokenizer"

	"github.com/chatplay/chatplay/engine"
)

// DefaultEncoding is the encoding used when New is given none: the one of
// GPT-4o, GPT-4.1, o-series and GPT-5 models.
const DefaultEncoding = "o200k_base"

// Counter is an engine.TokenCounter for one encoding. It is safe for
// concurrent use.
type Counter struct {
	codec tokenizer.Codec
}

var _ engine.TokenCounter = (*Counter)(nil)

// New returns a Counter for encoding: "o200k_base" (also when empty) or
// "cl100k_base" (GPT-4, GPT-3.5).
func New(encoding string) (*Counter, error) {
	if encoding == "" {
		encoding = DefaultEncoding
	}
	switch tokenizer.Encoding(encoding) {
	case tokenizer.O200kBase, tokenizer.Cl100kBase:
	default:
		return nil, fmt.Errorf("tiktoken: unknown encoding %q (want o200k_base or cl100k_base)", encoding)
	}
	codec, err := tokenizer.Get(tokenizer.Encoding(encoding))
	if err != nil {
		return nil, fmt.Errorf("tiktoken: encoding %q: %w", encoding, err)
	}
	return &Counter{codec: codec}, nil
}

// Count returns the number of tokens in text. Special-token text such as
// "<|endoftext|>" counts as ordinary text, as it does in a user's message.
// Should the tokenizer fail, it returns the byte length of text, which is
// never less than the token count.
func (c *Counter) Count(text string) int {
	if text == "" {
		return 0
	}
	n, err := c.codec.Count(text)
	if err != nil {
		return len(text)
	}
	return n
}
