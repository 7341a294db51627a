package openai

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/chatplay/chatplay/engine"
)

// A body from go-openai without "messages":null (only a change of go-openai
// could make one) is refused, not sent without its messages.
func TestRequestBodyWithoutMessagesMember(t *testing.T) {
	for _, orig := range []string{`{"model":"m","stream":true}`, `{"model":"m","messages":[],"stream":true}`, ``} {
		if _, err := newRequestBody([]byte(orig), []engine.PromptMessage{{Role: "user", Content: "hi"}}); !errors.Is(err, errNoMessagesMember) {
			t.Errorf("newRequestBody(%s) error = %v, want errNoMessagesMember", orig, err)
		}
	}
}

// The body reads as its pieces joined, whatever the size of the reads, and
// its size is its length.
func TestRequestBodyReader(t *testing.T) {
	orig := []byte(`{"model":"m","messages":null,"stream":true}`)
	for _, n := range []int{0, 1, 2, 5} {
		msgs := make([]engine.PromptMessage, n)
		var want []string
		for i := range msgs {
			msgs[i] = engine.PromptMessage{Role: "user", Content: strings.Repeat("x", i*3)}
			if i%2 == 0 {
				msgs[i].Encoded = (&Client{}).EncodeMessage(msgs[i])
			}
			b, _ := encodeMessage(msgs[i])
			want = append(want, string(b))
		}
		body, err := newRequestBody(orig, msgs)
		if err != nil {
			t.Fatal(err)
		}
		whole := `{"model":"m","messages":[` + strings.Join(want, ",") + `],"stream":true}`
		if err := iotest.TestReader(body.reader(), []byte(whole)); err != nil {
			t.Errorf("%d messages: %v", n, err)
		}
		if got := readAll(body); got != whole || body.size != int64(len(whole)) {
			t.Errorf("%d messages: body (size %d) =\n%s\nwant (size %d)\n%s", n, body.size, got, len(whole), whole)
		}
	}
}

// readAll returns the whole body.
func readAll(b *requestBody) string {
	out, _ := io.ReadAll(b.reader())
	return string(out)
}
