package openai

import (
	"errors"
	"testing"

	"github.com/chatplay/chatplay/engine"
)

// A body from go-openai without "messages":null (only a change of go-openai
// could make one) is refused, not sent without its messages.
func TestRequestBodyWithoutMessagesMember(t *testing.T) {
	for _, orig := range []string{`{"model":"m","stream":true}`, `{"model":"m","messages":[],"stream":true}`, ``} {
		if _, err := requestBody([]byte(orig), []engine.PromptMessage{{Role: "user", Content: "hi"}}); !errors.Is(err, errNoMessagesMember) {
			t.Errorf("requestBody(%s) error = %v, want errNoMessagesMember", orig, err)
		}
	}
}
